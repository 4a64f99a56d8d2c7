/**
 * Internal: builds the Model — workloads from the manifests, then synthetic nodes for endpoints
 * the manifests reference but do not contain.
 */
import { addCiliumNodes, ciliumAddressSets } from './cilium';
import { gatewayPods } from './gateways';
import { apiVersionPrefix, containerPorts, ContainerPort, K8s, MeshMembership, Model, NamespaceInfo, namespaceOf, Node, parseSelector, pinnedNamespaces } from './model';
import { isNetworkPolicy } from './network-policy';
import { isApiServerAudience } from '../audit/rules/sa-pod-automount';
import { groupOf } from '../manifest/objects';
import { IpRangeSet, METADATA_ENDPOINTS } from '../private/ip-ranges';

export interface BuildOptions {
  readonly istioRootNamespace: string;
  readonly linkerdNamespace: string;
  readonly trustDomain: string;
  /** The addresses of the Kubernetes API server's endpoints, when known: address classes inside them are `ApiServer` nodes. */
  readonly apiServer?: IpRangeSet;
  /**
   * External services called by name whose addresses are known (`allowEgressTo(ExternalService`
   * with `cidrs`): address classes inside a service's addresses are named after its host.
   */
  readonly externalHosts?: readonly ExternalHost[];
  /** Hosts the intent calls by name (Cilium `toFQDNs`): endpoints even where no policy names them. */
  readonly namedHosts?: readonly string[];
}

/** An external service's host and the addresses the library opens for it. */
export interface ExternalHost {
  readonly host: string;
  readonly ranges: IpRangeSet;
}

/** An identity (namespace/ServiceAccount) the intent or the mesh policies name. */
export interface IdentityRef {
  readonly namespace: string;
  readonly serviceAccount: string;
}

function meshOf(ns: NamespaceInfo | undefined, labels: Record<string, string>, annotations: Record<string, string>): MeshMembership {
  const nsl = ns?.labels ?? {};
  const nsa = ns?.annotations ?? {};
  const linkerd = annotations['linkerd.io/inject'] ?? nsa['linkerd.io/inject'];
  if (linkerd === 'enabled' || linkerd === 'ingress') return 'linkerd';
  const dataplane = labels['istio.io/dataplane-mode'] ?? nsl['istio.io/dataplane-mode'];
  if (dataplane === 'ambient') return 'istio-ambient';
  const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (inject === 'false') return 'none';
  if (inject === 'true' || nsl['istio-injection'] === 'enabled' || (nsl['istio.io/rev'] !== undefined && nsl['istio-injection'] !== 'disabled')) return 'istio-sidecar';
  return 'none';
}

export function buildModel(objects: K8s[], options: BuildOptions, identities: IdentityRef[]): Model {
  const model = new Model(objects);
  const synthetic = (n: Partial<Node> & { id: string; kind: Node['kind']; name: string }): Node => model.add({
    labels: {},
    anyLabels: false,
    ports: [],
    annotations: {},
    managed: n.namespace !== undefined && model.isKnownNamespace(n.namespace),
    infrastructure: false,
    mesh: 'none',
    ...n,
  });

  const noAutomount = new Set(objects.filter((o) => o?.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.automountServiceAccountToken === false).map((o) => `${namespaceOf(o)}/${o.metadata?.name}`));
  // Workloads: every pod spec of the input (pods and ReplicaSets owned by a workload of the input
  // are that workload; custom resources embedding pod specs are workloads).
  for (const w of model.workloads) {
    const ns = w.namespace;
    const md = w.location.metadata;
    const spec = w.location.spec;
    const labels: Record<string, string> = stringMap(md.labels);
    const annotations: Record<string, string> = stringMap(md.annotations);
    model.add({
      id: `${ns}/${w.name}`,
      kind: 'Workload',
      workloadKind: String(w.object.kind),
      namespace: ns,
      name: w.name,
      labels,
      anyLabels: false,
      serviceAccount: stringOr(spec.serviceAccountName) ?? stringOr(spec.serviceAccount) ?? 'default',
      ports: containerPorts(spec),
      annotations,
      managed: true,
      infrastructure: false,
      mesh: spec.hostNetwork === true ? 'none' : meshOf(model.namespaces.get(ns), labels, annotations), // (no proxy in host-network pods)
      ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
      apiToken: apiTokenOf(noAutomount, ns, spec),
    });
  }

  const exists = (ns: string, labels: Record<string, string>) => model.selectPods(ns, parseSelector({ matchLabels: labels })).length > 0;
  // The pods of Gateway API gateways, which their implementation deploys at run time.
  for (const n of gatewayPods(objects, model.namespaces, exists)) synthetic(n);
  const wellKnown = (ns: string, name: string, kind: Node['kind'], labels: Record<string, string>, sa: string, ports: ContainerPort[]) => {
    if (exists(ns, labels)) return;
    model.ensureNamespace(ns);
    synthetic({ id: `${ns}/${name}`, kind, namespace: ns, name, labels, serviceAccount: sa, ports, infrastructure: true });
  };
  wellKnown('kube-system', 'kube-dns', 'Dns', { 'k8s-app': 'kube-dns' }, 'coredns', [
    { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' },
  ]);
  const groups = new Set(objects.map(apiVersionPrefix));
  const nsList = [...model.namespaces.values()];
  const usesIstio = [...groups].some((g) => g.endsWith('istio.io')) || nsList.some((n) => n.labels['istio-injection'] === 'enabled' || n.labels['istio.io/rev'] || n.labels['istio.io/dataplane-mode']);
  const usesLinkerd = groups.has('policy.linkerd.io') || nsList.some((n) => n.annotations['linkerd.io/inject']) || model.nodes.some((n) => n.mesh === 'linkerd');
  if (usesIstio) {
    wellKnown(options.istioRootNamespace, 'istiod', 'MeshControlPlane', { app: 'istiod', istio: 'pilot' }, 'istiod', [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP' }, { name: 'https-dns', port: 15012, protocol: 'TCP' },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP' }, { name: 'https-webhook', port: 15017, protocol: 'TCP' },
    ]);
  }
  if (usesLinkerd) {
    wellKnown(options.linkerdNamespace, 'linkerd-identity', 'MeshControlPlane', { 'linkerd.io/control-plane-component': 'identity', 'linkerd.io/control-plane-ns': options.linkerdNamespace }, 'linkerd-identity', [
      { name: 'grpc', port: 8080, protocol: 'TCP' },
    ]);
    wellKnown(options.linkerdNamespace, 'linkerd-destination', 'MeshControlPlane', { 'linkerd.io/control-plane-component': 'destination', 'linkerd.io/control-plane-ns': options.linkerdNamespace }, 'linkerd-destination', [
      { name: 'grpc', port: 8086, protocol: 'TCP' }, { name: 'policy-grpc', port: 8090, protocol: 'TCP' },
    ]);
  }

  // The address space, partitioned along every ipBlock (and mesh IP condition): one node per class
  // of addresses that all ipBlocks treat alike, each cloud metadata endpoint a node of its own
  // (always, so that reaching it is always visible), the class with the most IPv4 addresses
  // being "the internet". Node ids name the exact addresses (`cidr 10.0.0.0/8 except 10.1.0.0/16`).
  const policies = objects.filter(isNetworkPolicy);
  const peers: Array<{ peer: K8s; ns: string }> = [];
  for (const np of policies) {
    for (const r of [...arr(np.spec?.ingress), ...arr(np.spec?.egress)]) {
      for (const p of [...arr(r?.from), ...arr(r?.to)]) if (p && typeof p === 'object') peers.push({ peer: p, ns: namespaceOf(np) });
    }
  }
  const blocks: IpRangeSet[] = [];
  for (const { peer } of peers) {
    const b = peer.ipBlock && typeof peer.ipBlock === 'object' ? IpRangeSet.fromIpBlock(String(peer.ipBlock.cidr), arr(peer.ipBlock.except).map(String)) : undefined;
    if (b) blocks.push(b);
  }
  blocks.push(...meshAddressConditions(objects), ...ciliumAddressSets(objects).blocks);
  for (const m of METADATA_ENDPOINTS) blocks.push(IpRangeSet.fromCidr(m)!);
  const apiServer = options.apiServer;
  if (apiServer) blocks.push(apiServer);
  const classes = mergeApiServerClasses(partition(blocks), apiServer, policies, objects);
  const isApiServer = (c: IpRangeSet) => apiServer !== undefined && apiServer.containsSet(c) && !METADATA_ENDPOINTS.some((m) => c.overlapsCidr(m));
  const apiClasses = classes.filter(isApiServer);
  const ipv4Size = (c: IpRangeSet) => c.intersect(IpRangeSet.IPV4).size;
  let internet = classes.find((c) => !isApiServer(c)) ?? classes[0];
  for (const c of classes) {
    if (isApiServer(c)) continue;
    const a = ipv4Size(c);
    const b = ipv4Size(internet);
    if (a > b || (a === b && c.size > internet.size)) internet = c;
  }
  for (const c of classes) {
    const text = c.toString();
    if (isApiServer(c)) {
      synthetic({ id: apiClasses.length === 1 ? 'api-server' : `api-server ${text}`, kind: 'ApiServer', name: `the Kubernetes API server (${text})`, ranges: c });
    } else if (c === internet) {
      model.internet = synthetic({ id: 'internet', kind: 'Internet', name: `anything outside the cluster (${text})`, ranges: c });
    } else {
      const metadata = METADATA_ENDPOINTS.filter((m) => c.containsCidr(m));
      // A class inside the addresses of external services called by name is named after their
      // hosts (`api.stripe.com (203.0.113.0/24)`); never a metadata endpoint, which stays visible as such.
      const named = metadata.length > 0 ? [] : (options.externalHosts ?? []).filter((h) => h.ranges.containsSet(c));
      const hosts = [...new Set(named.map((h) => h.host))].sort();
      const name = hosts.length > 0 ? `${hosts.join(', ')} (${text})` : metadata.length === 0 ? text
        : c.equals(IpRangeSet.fromCidr(metadata[0])!) ? `${text} (cloud metadata)` : `${text} (includes the cloud metadata endpoint ${metadata.join(', ')})`;
      synthetic({ id: hosts.length > 0 ? name : `cidr ${text}`, kind: 'Cidr', name, ranges: c });
    }
  }
  model.unknownPods = synthetic({ id: '*', kind: 'UnknownPods', name: 'pods of namespaces without manifests', anyLabels: true, mesh: 'unknown' });

  // Pods of namespaces without manifests that policies name.
  for (const { peer } of peers) {
    if (!peer.namespaceSelector) continue;
    const names = pinnedNamespaces(parseSelector(peer.namespaceSelector));
    if (!names) continue;
    const podSel = parseSelector(peer.podSelector ?? {});
    for (const ns of names) {
      if (model.isKnownNamespace(ns)) continue;
      model.ensureNamespace(ns);
      if (model.selectPods(ns, podSel).some((n) => !n.anyLabels || podSel.empty)) continue;
      const labels = podSel.matchLabels;
      const anyLabels = podSel.empty || podSel.matchExpressions.length > 0;
      const desc = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
      synthetic({ id: anyLabels ? `${ns}/*` : `${ns}/{${desc}}`, kind: 'ExternalWorkload', namespace: ns, name: anyLabels ? '*' : `{${desc}}`, labels, anyLabels, mesh: 'unknown' });
    }
  }

  // Hosts allowed by name, the cluster's nodes and pinned pods that Cilium policies name.
  addCiliumNodes(model, { namedHosts: options.namedHosts ?? [], add: synthetic });

  // Identities (declared callers, mesh principals) in namespaces without manifests.
  const seen = new Set<string>();
  for (const ref of identities) {
    const key = `${ref.namespace}/${ref.serviceAccount}`;
    if (seen.has(key) || model.isKnownNamespace(ref.namespace)) continue;
    seen.add(key);
    model.ensureNamespace(ref.namespace);
    if (model.withIdentity(ref.namespace, ref.serviceAccount, false).length > 0) continue;
    const unnamed = model.inNamespace(ref.namespace).filter((n) => n.serviceAccount === undefined && !n.anyLabels);
    const sameNs = identities.filter((r) => r.namespace === ref.namespace).map((r) => r.serviceAccount);
    if (unnamed.length === 1 && new Set(sameNs).size === 1) {
      model.assignIdentity(unnamed[0], ref.serviceAccount);
      continue;
    }
    synthetic({ id: key, kind: 'ExternalWorkload', namespace: ref.namespace, name: ref.serviceAccount, serviceAccount: ref.serviceAccount, anyLabels: true, mesh: 'unknown' });
  }
  model.complete();
  return model;
}

/**
 * The Kubernetes API token the pods of a pod spec hold, described: a projected serviceAccountToken
 * for the API server's audience, or the legacy automounted token (unless the pod or its
 * ServiceAccount, when in the input, sets automountServiceAccountToken: false).
 */
function apiTokenOf(noAutomount: Set<string>, ns: string, spec: K8s): Node['apiToken'] {
  for (const v of arr(spec.volumes)) {
    for (const src of arr(v?.projected?.sources)) {
      const t = src?.serviceAccountToken;
      if (t && typeof t === 'object' && isApiServerAudience(t.audience)) return { projected: true, description: `a projected API token (volume ${JSON.stringify(v.name)}, audience ${JSON.stringify(t.audience ?? '')})` };
    }
  }
  if (spec.automountServiceAccountToken === false) return undefined;
  if (spec.automountServiceAccountToken === true) return { projected: false, description: 'the automounted token (automountServiceAccountToken: true)' };
  const sa = stringOr(spec.serviceAccountName) ?? stringOr(spec.serviceAccount) ?? 'default';
  return noAutomount.has(`${ns}/${sa}`) ? undefined : { projected: false, description: 'the automounted token' };
}

/** Identities that Istio principals and Linkerd identity references name. */
export function meshIdentities(objects: K8s[]): IdentityRef[] {
  const out: IdentityRef[] = [];
  for (const o of objects) {
    const group = apiVersionPrefix(o);
    if (group === 'security.istio.io' && o.kind === 'AuthorizationPolicy') {
      for (const r of o.spec?.rules ?? []) {
        for (const f of r?.from ?? []) {
          for (const p of f?.source?.principals ?? []) {
            const m = /^[^/]+\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(String(p));
            if (m) out.push({ namespace: m[1], serviceAccount: m[2] });
          }
        }
      }
    } else if (group === 'policy.linkerd.io' && o.kind === 'MeshTLSAuthentication') {
      for (const i of o.spec?.identityRefs ?? []) {
        if (i?.kind === 'ServiceAccount' && i.name && i.name !== '*') out.push({ namespace: i.namespace ?? namespaceOf(o), serviceAccount: i.name });
      }
    }
  }
  return out;
}


function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function stringMap(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (x && typeof x === 'object' && !Array.isArray(x)) for (const [k, v] of Object.entries(x)) if (typeof v === 'string') out[k] = v;
  return out;
}

function stringOr(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** Address sets that mesh policies test senders against (Istio source ipBlocks, Linkerd NetworkAuthentication). */
function meshAddressConditions(objects: K8s[]): IpRangeSet[] {
  const out: IpRangeSet[] = [];
  for (const o of objects) {
    const group = groupOf(o?.apiVersion);
    if (group === 'security.istio.io' && o.kind === 'AuthorizationPolicy') {
      for (const r of arr(o.spec?.rules)) {
        for (const f of arr(r?.from)) {
          for (const k of ['ipBlocks', 'notIpBlocks']) {
            for (const b of arr(f?.source?.[k])) {
              const set = IpRangeSet.fromCidrOrAddress(String(b));
              if (set) out.push(set);
            }
          }
        }
      }
    } else if (group === 'policy.linkerd.io' && o.kind === 'NetworkAuthentication') {
      for (const n of arr(o.spec?.networks)) {
        const set = IpRangeSet.fromIpBlock(String(n?.cidr), arr(n?.except).map(String));
        if (set) out.push(set);
      }
    }
  }
  return out;
}

/**
 * Address classes inside the API server's endpoints that every rule treats alike (each rule's
 * ipBlocks taken together, each mesh address condition, each metadata endpoint) are one class:
 * the API server's endpoints are usually several /32s listed in one rule, which the partition of
 * single ipBlocks would split into one endpoint per address.
 */
function mergeApiServerClasses(classes: IpRangeSet[], apiServer: IpRangeSet | undefined, policies: K8s[], objects: K8s[]): IpRangeSet[] {
  if (!apiServer) return classes;
  const tests: IpRangeSet[] = [
    ...meshAddressConditions(objects), ...METADATA_ENDPOINTS.map((m) => IpRangeSet.fromCidr(m)!), ...ciliumAddressSets(objects).rules,
  ];
  for (const np of policies) {
    for (const r of [...arr(np.spec?.ingress), ...arr(np.spec?.egress)]) {
      let set = IpRangeSet.EMPTY;
      for (const p of [...arr(r?.from), ...arr(r?.to)]) {
        const b = p?.ipBlock && typeof p.ipBlock === 'object' ? IpRangeSet.fromIpBlock(String(p.ipBlock.cidr), arr(p.ipBlock.except).map(String)) : undefined;
        if (b) set = set.union(b);
      }
      if (!set.isEmpty) tests.push(set);
    }
  }
  const out: IpRangeSet[] = [];
  const merged = new Map<string, IpRangeSet>();
  for (const c of classes) {
    if (!apiServer.containsSet(c)) { out.push(c); continue; }
    const signature = tests.map((t) => (t.overlaps(c) ? '1' : '0')).join('');
    const prev = merged.get(signature);
    merged.set(signature, prev ? prev.union(c) : c);
  }
  return [...out, ...merged.values()];
}

/**
 * The coarsest partition of the whole address space in which every given set is a union of
 * classes: the space is cut at every interval boundary into atoms, and atoms inside exactly the
 * same sets form one class. Classes are returned sorted by their first address.
 */
export function partition(sets: readonly IpRangeSet[]): IpRangeSet[] {
  const unique = new Map<string, IpRangeSet>();
  for (const s of sets) if (!s.isEmpty) unique.set(s.toCidrs().join(','), s);
  const list = [...unique.values()];
  const cuts = new Set<bigint>([0n]);
  const max = IpRangeSet.ALL.intervals[0][1];
  for (const s of list) {
    for (const [lo, hi] of s.intervals) {
      cuts.add(lo);
      if (hi < max) cuts.add(hi + 1n);
    }
  }
  const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const signature: string[] = starts.map(() => '');
  const find = (x: bigint) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (starts[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  list.forEach((s, j) => {
    for (const [lo, hi] of s.intervals) {
      for (let i = find(lo); i < starts.length && starts[i] <= hi; i++) signature[i] += `${j},`;
    }
  });
  const groups = new Map<string, Array<[bigint, bigint]>>();
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1] - 1n : max;
    const g = groups.get(signature[i]);
    if (g) g.push([start, end]);
    else groups.set(signature[i], [[start, end]]);
  });
  return [...groups.values()].map((g) => IpRangeSet.fromIntervals(g));
}

/**
 * The RBAC bindings that give ServiceAccounts permissions, per `namespace/name`: RoleBindings and
 * ClusterRoleBindings naming the account, or a group every account of its namespace
 * (`system:serviceaccounts:<ns>`) or of the cluster (`system:serviceaccounts`,
 * `system:authenticated`) is in. Keys `<ns>/*` and `*` stand for those groups.
 */
export function serviceAccountGrants(objects: K8s[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, what: string) => {
    const list = out.get(key) ?? [];
    if (!list.includes(what)) list.push(what);
    out.set(key, list);
  };
  for (const o of objects) {
    if (groupOf(o?.apiVersion) !== 'rbac.authorization.k8s.io' || (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding')) continue;
    const where = o.kind === 'RoleBinding' ? `${namespaceOf(o)}/${o.metadata?.name}` : String(o.metadata?.name);
    const what = `${o.kind} ${where} (${o.roleRef?.kind} ${o.roleRef?.name})`;
    for (const s of arr(o.subjects)) {
      if (s?.kind === 'ServiceAccount' && typeof s.name === 'string') {
        add(`${stringOr(s.namespace) ?? (o.kind === 'RoleBinding' ? namespaceOf(o) : 'default')}/${s.name}`, what);
      } else if (s?.kind === 'Group' && typeof s.name === 'string') {
        const m = /^system:serviceaccounts:(.+)$/.exec(s.name);
        if (m) add(`${m[1]}/*`, what);
        else if (s.name === 'system:serviceaccounts' || s.name === 'system:authenticated') add('*', what);
      }
    }
  }
  return out;
}
