/**
 * Internal: what the incremental reachability analysis reads of one object (reach-index.ts): its
 * workload endpoints, its NetworkPolicy or Istio policy, the namespace it declares, and what in it
 * makes the bounds not hold. Read once per object content: an unchanged object of the other side
 * is not read again. Also the small helpers the view uses (egress peers by label, Istio wildcards).
 *
 * The roles below encode what the analyzer (src/reachability) reads. When it starts reading
 * another kind, give that kind a role here (`global` runs the diff's analysis in full when it
 * changes) and an edit in test/diff/edits.ts: otherwise the incremental diff would miss its changes.
 */
import { SideObject } from './side';
import { SideIndex, rawNamespace } from './side-index';
import { groupOf, isClusterScopedKind, isRecord, mayHoldPodSpecs } from '../manifest/objects';
import { IDENTITY_EGRESS_ANNOTATION } from '../private/cloud-identity';
import { Selector, apiVersionPrefix, namespaceOf, parseSelector } from '../reachability/model';
import { isNetworkPolicy, policyTypesOf } from '../reachability/network-policy';

export const METADATA_NAME = 'kubernetes.io/metadata.name';

/** One workload endpoint of a side. */
export interface Workload {
  readonly id: string;
  readonly obj: SideObject;
  readonly ns: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
}

export type Peers = 'all' | any[];

export interface Policy {
  readonly obj: SideObject;
  readonly ns: string;
  readonly selector: Selector;
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly from: Peers[];
  readonly to: Peers[];
}

export interface EgressPeer {
  readonly peer: any;
  readonly policy: Policy;
}

export interface MeshPolicy {
  readonly obj: SideObject;
  readonly ns: string;
  readonly selector?: Selector;
  /** `source` of every `from` of every rule. */
  readonly sources: any[];
}

/** API groups whose objects, but for workloads and the kinds scope-reachability.ts handles, the analyzer does not read. */
export const KNOWN_GROUPS = new Set([
  '', 'apps', 'batch', 'policy', 'autoscaling', 'extensions', 'networking.k8s.io', 'storage.k8s.io', 'snapshot.storage.k8s.io',
  'scheduling.k8s.io', 'rbac.authorization.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'certificates.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'gateway.networking.k8s.io', 'security.istio.io', 'networking.istio.io',
  'telemetry.istio.io', 'extensions.istio.io', 'cert-manager.io', 'monitoring.coreos.com', 'velero.io', 'external-secrets.io', 'bitnami.com',
]);

/** What the analysis reads of one object (see `readEntry`). */
export interface Entry {
  readonly obj: SideObject;
  readonly prefix: string;
  readonly role: Role;
  readonly workloads?: Workload[];
  readonly policy?: Policy;
  /** An Istio AuthorizationPolicy or PeerAuthentication. */
  readonly mesh?: MeshPolicy;
  readonly namespace?: { readonly name: string; readonly labels: Record<string, string> };
  readonly gatewayNamespace?: string;
  readonly sidecarNamespace?: string;
  readonly istio: boolean;
  readonly problem?: string;
  /** A NetworkPolicy's peers as `fixedInput` reads them: whether one is an ipBlock, and those with a namespaceSelector. */
  readonly peers?: { readonly ipBlock: boolean; readonly withNamespaces: readonly any[] };
  /** An Istio policy's sources (of every rule) as `fixedInput` reads them: whether one names ipBlocks, and the namespaces their principals name. */
  readonly sources?: { readonly ipBlocks: boolean; readonly principalNamespaces: readonly string[] };
  /** `fixedInput`, once worked out. */
  keep?: boolean;
}

export const MANAGED_BY = 'cdk8s-secure-baseline';
export const arr = (x: unknown): any[] => (Array.isArray(x) ? x : []);

/** Whether a NetworkPolicy has an ipBlock peer (which cuts the address classes). */
export function hasIpBlock(np: any): boolean {
  for (const r of arr(np.spec?.ingress)) for (const p of arr(r?.from)) if (p && typeof p === 'object' && p.ipBlock) return true;
  for (const r of arr(np.spec?.egress)) for (const p of arr(r?.to)) if (p && typeof p === 'object' && p.ipBlock) return true;
  return false;
}
export const PRINCIPAL = /^[^/]+\/ns\/([^/*]+)\/sa\/([^/*]+)$/;

function stringLabels(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(x)) for (const k of Object.keys(x)) if (typeof x[k] === 'string') out[k] = x[k];
  return out;
}

function stringOr(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** How the analysis reads an object: a workload endpoint, a NetworkPolicy, an Istio policy, input that shapes the whole graph, or nothing. */
export type Role = 'workload' | 'policy' | 'mesh' | 'global' | 'none';

export function roleOf(o: SideObject, workload: boolean): Role {
  if (workload) return 'workload';
  const m = o.manifest;
  const group = groupOf(m.apiVersion);
  switch (m.kind) {
    case 'NetworkPolicy':
      if (isNetworkPolicy(m)) return 'policy';
      break;
    case 'AuthorizationPolicy':
    case 'PeerAuthentication':
      if (group === 'security.istio.io') return 'mesh';
      break;
    case 'Sidecar':
    case 'ServiceEntry':
      if (group === 'networking.istio.io') return 'global';
      break;
    case 'Namespace':
      if (group === '') return 'global';
      break;
    case 'Gateway':
      if (group === 'gateway.networking.k8s.io') return 'global';
      break;
    case 'ServiceAccount':
      if (group === '' && m.metadata?.annotations?.[IDENTITY_EGRESS_ANNOTATION] !== undefined) return 'global';
      break;
  }
  return group === 'policy.linkerd.io' || !KNOWN_GROUPS.has(group) ? 'global' : 'none';
}

/** Kinds `roleOf` and `readEntry` read (in some group). */
const READ_KINDS = new Set(['NetworkPolicy', 'AuthorizationPolicy', 'PeerAuthentication', 'Sidecar', 'ServiceEntry', 'Namespace', 'Gateway']);

/**
 * The API version prefix of an object the analysis reads nothing of but its group (`readEntry`
 * would give role `none`, no workload, no problem and nothing else), or undefined: a cheap test
 * that spares the index an entry for most objects (Services, ServiceAccounts, ...).
 */
export function plainPrefix(o: SideObject): string | undefined {
  const m = o.manifest;
  const kind = m.kind;
  if (typeof kind !== 'string' || READ_KINDS.has(kind)) return undefined;
  const group = groupOf(m.apiVersion);
  if (!KNOWN_GROUPS.has(group) || mayHoldPodSpecs(group, kind) || m.metadata?.namespace === '') return undefined;
  if (kind === 'ServiceAccount' && m.metadata?.annotations?.[IDENTITY_EGRESS_ANNOTATION] !== undefined) return undefined;
  return apiVersionPrefix(m);
}

/** What the analysis reads of one object (the same for equal objects of either side). */
export function readEntry(o: SideObject, ix: SideIndex): Entry {
  const m = o.manifest;
  const group = groupOf(m.apiVersion);
  const prefix = apiVersionPrefix(m);
  let problem: string | undefined;
  let istio = prefix.endsWith('istio.io');
  if (m.metadata?.namespace === '') problem = `${o.label} has an empty namespace`;
  if (group === 'policy.linkerd.io') problem = 'Linkerd';
  let namespace: Entry['namespace'];
  let policy: Policy | undefined;
  let mesh: MeshPolicy | undefined;
  let peers: Entry['peers'];
  let sources: Entry['sources'];
  if (m.kind === 'Namespace' && group === '') {
    const l = m.metadata?.labels ?? {};
    if (l['istio-injection'] === 'enabled' || l['istio.io/rev'] || l['istio.io/dataplane-mode']) istio = true;
    if (m.metadata?.annotations?.['linkerd.io/inject'] !== undefined) problem = 'Linkerd';
  }
  if (m.kind === 'Namespace' && m.apiVersion === 'v1' && typeof m.metadata?.name === 'string') {
    namespace = { name: m.metadata.name, labels: { ...m.metadata.labels, [METADATA_NAME]: m.metadata.name } };
  } else if (isNetworkPolicy(m)) {
    const spec = m.spec ?? {};
    const types = policyTypesOf(spec);
    policy = {
      obj: o,
      ns: m.metadata?.namespace ?? 'default',
      selector: parseSelector(spec.podSelector ?? {}),
      ingress: types.ingress,
      egress: types.egress,
      from: arr(spec.ingress).map((r) => (Array.isArray(r?.from) && r.from.length > 0 ? r.from : 'all')),
      to: arr(spec.egress).map((r) => (Array.isArray(r?.to) && r.to.length > 0 ? r.to : 'all')),
    };
    peers = peersOf(spec);
  } else if (group === 'security.istio.io' && (m.kind === 'AuthorizationPolicy' || m.kind === 'PeerAuthentication') && !m.spec?.targetRef && !m.spec?.targetRefs) {
    const spec = m.spec ?? {};
    const from = arr(spec.rules).flatMap((r) => arr(r?.from).map((f) => f?.source ?? {}));
    mesh = { obj: o, ns: m.metadata?.namespace ?? 'default', selector: spec.selector ? parseSelector(spec.selector) : undefined, sources: m.kind === 'PeerAuthentication' ? [] : from };
    sources = sourcesOf(from);
  }
  const workloads = workloadsOf(o, ix);
  if (workloads?.problem !== undefined) problem = workloads.problem;
  if (!KNOWN_GROUPS.has(group) && ix.podsOf(o) === undefined) problem = `${o.label} (API group ${group})`;
  return {
    obj: o,
    prefix,
    role: roleOf(o, workloads !== undefined),
    workloads: workloads?.list,
    policy,
    mesh,
    namespace,
    gatewayNamespace: m.kind === 'Gateway' && group === 'gateway.networking.k8s.io' ? namespaceOf(m) : undefined,
    sidecarNamespace: m.kind === 'Sidecar' && group === 'networking.istio.io' && m.spec?.workloadSelector ? rawNamespace(o) : undefined,
    istio,
    problem,
    peers,
    sources,
  };
}

/** What `fixedInput` reads of a NetworkPolicy's peers (as `hasIpBlock` and `ReachIndex.addsEndpoints` read them). */
function peersOf(spec: any): Entry['peers'] {
  let ipBlock = false;
  const withNamespaces: any[] = [];
  for (const [rules, key] of [[spec.ingress, 'from'], [spec.egress, 'to']] as const) {
    for (const r of arr(rules)) {
      for (const p of arr(r?.[key])) {
        if (!p || typeof p !== 'object') continue;
        if (p.ipBlock) ipBlock = true;
        if (p.namespaceSelector) withNamespaces.push(p);
      }
    }
  }
  return { ipBlock, withNamespaces };
}

/** What `fixedInput` reads of an Istio policy's sources: ipBlocks, and the namespaces its principals name. */
function sourcesOf(from: readonly any[]): Entry['sources'] {
  let ipBlocks = false;
  const principalNamespaces: string[] = [];
  for (const src of from) {
    if (src.ipBlocks !== undefined || src.notIpBlocks !== undefined) ipBlocks = true;
    for (const p of arr(src.principals)) {
      const pm = PRINCIPAL.exec(String(p));
      if (pm !== null) principalNamespaces.push(pm[1]);
    }
  }
  return { ipBlocks, principalNamespaces };
}

/** The workload endpoints of an object (as the analyzer's model names them), or undefined. */
function workloadsOf(o: SideObject, ix: SideIndex): { list: Workload[]; problem?: string } | undefined {
  const m = o.manifest;
  const group = groupOf(m.apiVersion);
  if (typeof m.kind !== 'string' || isClusterScopedKind(group, m.kind) || (m.kind === 'PodTemplate' && group === '')) return undefined;
  const pods = ix.podsOf(o);
  if (!pods || !pods.shaped) return undefined;
  const ns = namespaceOf(m);
  const name = String(m.metadata?.name);
  const list = pods.specs.map((loc): Workload => {
    const spec = loc.spec;
    return {
      id: pods.specs.length === 1 ? `${ns}/${name}` : `${ns}/${name}:${loc.specPath}`,
      obj: o,
      ns,
      labels: stringLabels(loc.metadata?.labels),
      serviceAccount: stringOr(spec.serviceAccountName) ?? stringOr(spec.serviceAccount) ?? 'default',
    };
  });
  // A Linkerd pod makes the analyzer add Linkerd's control plane (and read Linkerd's policies).
  const linkerd = pods.specs.some((loc) => loc.metadata?.annotations?.['linkerd.io/inject'] !== undefined);
  // Host-network pods escape their policies and match ipBlocks as peers (network-policy.ts): the bounds here do not model that.
  const hostNetwork = pods.specs.some((loc) => loc.spec?.hostNetwork === true);
  const problem = arr(m.metadata?.ownerReferences).length > 0 ? `${o.label} has ownerReferences` : linkerd ? 'Linkerd'
    : hostNetwork ? `${o.label} runs host-network pods` : undefined;
  return { list, problem };
}

/** The labels of the endpoints the analyzer adds when no pod of the input has them (build.ts). */
export const DNS_LABELS: Record<string, string> = { 'k8s-app': 'kube-dns' };
export const ISTIOD_LABELS: Record<string, string> = { app: 'istiod', istio: 'pilot' };

/** Egress peers by one pair of their pod selector's matchLabels; `always`: those without (tested for every workload). */
export interface EgressIndex {
  readonly byPair: Map<string, EgressPeer[]>;
  readonly always: EgressPeer[];
}

/**
 * The egress peers of some policies, each under one pair of its pod selector's matchLabels (or
 * always tested). With `pairs`, only the peers under those pairs (`key\u0000value`) and those
 * always tested: enough to look up workloads whose labels are all among `pairs`.
 */
export function egressIndexOf(policies: readonly Policy[], pairs?: ReadonlySet<string>): EgressIndex {
  const index: EgressIndex = { byPair: new Map(), always: [] };
  for (const policy of policies) {
    if (!policy.egress) continue;
    for (const peers of policy.to) {
      if (peers === 'all') continue;
      for (const peer of peers) {
        if (!peer || typeof peer !== 'object' || peer.ipBlock) continue;
        const ml = peer.podSelector?.matchLabels;
        let pair: string | undefined;
        if (ml !== null && typeof ml === 'object') for (const k in ml) { pair = `${k}\u0000${String(ml[k])}`; break; }
        if (pair === undefined) index.always.push({ peer, policy });
        else if (pairs === undefined || pairs.has(pair)) push(index.byPair, pair, { peer, policy });
      }
    }
  }
  return index;
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Whether an Istio source is a wildcard (names every workload, as far as bounds go). */
export function wildSource(src: any): boolean {
  const principals = arr(src?.principals).map(String);
  const namespaces = arr(src?.namespaces).map(String);
  return principals.some((x) => x.includes('*')) || namespaces.some((x) => x.includes('*'))
    || Array.isArray(src?.notPrincipals) || Array.isArray(src?.notNamespaces);
}
