/**
 * Internal: the endpoints of the reachability graph — workloads from the manifests plus synthetic
 * nodes for what lives outside them (kube-dns, the mesh control plane, pods of namespaces without
 * manifests, IP ranges, the internet) — indexed by namespace and by label.
 */
import { PortSet, Protocol, protocolOf } from './ports';
import { findPodSpecs, groupOf, identityKey, identityKeyOf, isClusterScopedKind, isRecord, PodSpecLocation } from '../manifest/objects';
import { IpRangeSet } from '../private/ip-ranges';

/** A Kubernetes object as JSON. */
export type K8s = { [key: string]: any };

export type NodeKind = 'Workload' | 'Dns' | 'MeshControlPlane' | 'ExternalWorkload' | 'UnknownPods' | 'Cidr' | 'ApiServer' | 'Internet'
  /** A host allowed by name (Cilium `toFQDNs`); the cluster's nodes (Cilium entities): cilium.ts. */
  | 'ExternalHost' | 'ClusterNodes';

/** How a node takes part in a mesh. `unknown`: a pod we cannot see; it may carry any identity. */
/**
 * How a node takes part in a mesh. `unknown`: a pod we cannot see; it may carry any identity.
 * `istio-gateway`: an Istio gateway proxy (a Gateway API gateway's pods): it holds a mesh identity
 * towards backends and applies AuthorizationPolicies, but terminates its clients' TLS itself
 * (PeerAuthentication does not apply to its listeners).
 */
export type MeshMembership = 'none' | 'istio-sidecar' | 'istio-ambient' | 'istio-gateway' | 'linkerd' | 'unknown';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Node {
  readonly index: number;
  /** Stable id: `namespace/name`, `cidr 10.0.0.0/8`, `api.stripe.com (203.0.113.0/24)` (an external service's addresses), `internet`, `*` (unknown pods). */
  id: string;
  readonly kind: NodeKind;
  /** Workload kind (Deployment, StatefulSet, ...) for workloads. */
  readonly workloadKind?: string;
  readonly namespace?: string;
  name: string;
  readonly labels: Record<string, string>;
  /** True when the pod labels are unknown: every pod selector may select it. */
  readonly anyLabels: boolean;
  /** undefined: unknown (any ServiceAccount of the namespace). */
  serviceAccount?: string;
  readonly ports: ContainerPort[];
  readonly annotations: Record<string, string>;
  /** In a namespace the manifests describe: its NetworkPolicies are all known. */
  readonly managed: boolean;
  /** Expected infrastructure endpoint (DNS, mesh control plane). */
  readonly infrastructure: boolean;
  /** The addresses of a Cidr or Internet node (a class of addresses every ipBlock treats alike). */
  readonly ranges?: IpRangeSet;
  mesh: MeshMembership;
  /**
   * For workloads: the Kubernetes API token its pods hold, described; `projected` when it is a
   * projected token for the API server's audience (asked for), not the legacy automounted one.
   */
  readonly apiToken?: { readonly projected: boolean; readonly description: string };
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Has objects in the manifests. */
  readonly known: boolean;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

export function namespaceOf(obj: K8s): string {
  return obj?.metadata?.namespace || 'default';
}

/** One workload endpoint: a pod spec of an object that is not the same workload as an owner in the input. */
export interface WorkloadSpec {
  readonly object: K8s;
  readonly location: PodSpecLocation;
  readonly namespace: string;
  /** `name`, or `name:spec.path` when the object holds several pod specs. */
  readonly name: string;
}

/**
 * The workloads of the input: every object holding a pod spec (found by shape: built-in workloads,
 * Pods, and custom resources such as KEDA ScaledJobs or Argo Rollouts), except
 * - an object owned (ownerReferences) by another pod-spec object of the input: a Pod of a
 *   ReplicaSet of a Deployment is the Deployment's workload, not a second endpoint; a Pod whose
 *   owner is not in the input (`kubectl get pods -o yaml`) is an endpoint of its own;
 * - core PodTemplates (templates nothing runs) and cluster-scoped objects.
 */
export function workloadSpecs(objects: readonly K8s[]): WorkloadSpec[] {
  const candidates: Array<{ o: K8s; locs: readonly PodSpecLocation[]; key?: string }> = [];
  for (const o of objects) {
    if (!isRecord(o) || typeof o.kind !== 'string' || isClusterScoped(o)) continue;
    if (o.kind === 'PodTemplate' && groupOf(o.apiVersion) === '') continue;
    const locs = findPodSpecs(o);
    if (locs.length > 0) candidates.push({ o, locs, key: identityKey(o) });
  }
  type Candidate = (typeof candidates)[number];
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) if (c.key !== undefined) byKey.set(c.key, c);
  const ownersOf = (c: Candidate): Candidate[] => {
    const refs: any[] = Array.isArray(c.o.metadata?.ownerReferences) ? c.o.metadata.ownerReferences : [];
    const out: Candidate[] = [];
    for (const r of refs) {
      if (!isRecord(r) || typeof r.kind !== 'string' || typeof r.name !== 'string') continue;
      const owner = byKey.get(identityKeyOf(groupOf(r.apiVersion), r.kind, c.o.metadata?.namespace, r.name));
      if (owner && owner !== c) out.push(owner);
    }
    return out;
  };
  // Merged into an owner of the input unless that owner is (transitively) owned by it: an
  // ownership cycle, which the API server does not produce, leaves its members endpoints.
  const reaches = (from: Candidate, to: Candidate): boolean => {
    const seen = new Set<unknown>();
    const stack = [from];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === to) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...ownersOf(x));
    }
    return false;
  };
  const merged = (c: Candidate): boolean => ownersOf(c).some((p) => !reaches(p, c));
  const out: WorkloadSpec[] = [];
  for (const c of candidates) {
    if (merged(c)) continue;
    const name = String(c.o.metadata?.name);
    for (const location of c.locs) {
      out.push({ object: c.o, location, namespace: namespaceOf(c.o), name: c.locs.length === 1 ? name : `${name}:${location.specPath}` });
    }
  }
  return out;
}

// --- label selectors ---------------------------------------------------------------------------

export interface Selector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: string; values: string[] }>;
  /** `{}`: selects everything. */
  readonly empty: boolean;
}

export function parseSelector(sel: any): Selector {
  const matchLabels: Record<string, string> = sel && typeof sel.matchLabels === 'object' && sel.matchLabels ? { ...sel.matchLabels } : {};
  const matchExpressions = Array.isArray(sel?.matchExpressions)
    ? sel.matchExpressions.map((e: any) => ({
      key: String(e.key), operator: String(e.operator), values: Array.isArray(e.values) ? e.values.map(String) : [],
    }))
    : [];
  return { matchLabels, matchExpressions, empty: Object.keys(matchLabels).length === 0 && matchExpressions.length === 0 };
}

/** Whether `labels` satisfy `sel`; `anyLabels` (unknown labels) satisfies any selector. */
export function selectorMatches(sel: Selector, labels: Record<string, string>, anyLabels = false): boolean {
  if (sel.empty || anyLabels) return true;
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Items with label selectors, indexed so that the items selecting given labels are found without
 * testing every selector: an item whose selector has matchLabels sits in the bucket of one of its
 * key=value pairs; the others (no selector, empty, expressions only) are always candidates.
 * `matching` returns the items in their original order.
 */
export class SelectorIndex<T> {
  private readonly always: Array<[number, T]> = [];
  private readonly buckets = new Map<string, Array<[number, T]>>();

  constructor(items: readonly T[], private readonly selectorOf: (t: T) => Selector | undefined) {
    items.forEach((t, i) => {
      const sel = selectorOf(t);
      const first = sel ? Object.keys(sel.matchLabels).sort()[0] : undefined;
      if (!sel || first === undefined) { this.always.push([i, t]); return; }
      const key = `${first}=${sel.matchLabels[first]}`;
      const list = this.buckets.get(key);
      if (list) list.push([i, t]);
      else this.buckets.set(key, [[i, t]]);
    });
  }

  /** Items whose selector is absent (when `includeUnselected`) or matches `labels`. */
  public matching(labels: Record<string, string>, includeUnselected = true): T[] {
    const found: Array<[number, T]> = [];
    for (const e of this.always) {
      const sel = this.selectorOf(e[1]);
      if (sel ? selectorMatches(sel, labels) : includeUnselected) found.push(e);
    }
    for (const [k, v] of Object.entries(labels)) {
      for (const e of this.buckets.get(`${k}=${v}`) ?? []) if (selectorMatches(this.selectorOf(e[1])!, labels)) found.push(e);
    }
    return found.sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  }
}

/** Namespace names a namespace selector pins with `kubernetes.io/metadata.name`; undefined when it does not pin. */
export function pinnedNamespaces(sel: Selector): string[] | undefined {
  let names: string[] | undefined;
  if (sel.matchLabels[METADATA_NAME] !== undefined) names = [sel.matchLabels[METADATA_NAME]];
  for (const e of sel.matchExpressions) {
    if (e.key === METADATA_NAME && e.operator === 'In') names = names ? names.filter((n) => e.values.includes(n)) : [...e.values];
  }
  return names;
}

// --- the model ---------------------------------------------------------------------------------

export interface ModelOptions {
  readonly istioRootNamespace: string;
}

/** Nodes plus namespace and label indexes. */
export class Model {
  /** Resolves a NetworkPolicy port (number or name) against the target's container ports. */
  public static resolvePorts(rulePorts: any[] | undefined, target?: Node): PortSet {
    if (!Array.isArray(rulePorts) || rulePorts.length === 0) return PortSet.ALL;
    let out = PortSet.EMPTY;
    for (const p of rulePorts) out = out.union(resolvePort(p, target));
    return out;
  }

  public readonly nodes: Node[] = [];
  public readonly namespaces = new Map<string, NamespaceInfo>();
  private readonly byNamespace = new Map<string, Node[]>();
  private readonly byLabel = new Map<string, Node[]>();
  /** Nodes whose labels are unknown (selected by any pod selector), per namespace. */
  private readonly anyLabelNodes = new Map<string, Node[]>();
  private readonly byId = new Map<string, Node>();
  private readonly byIdentity = new Map<string, Node[]>();
  public readonly cidrNodes: Node[] = [];
  public unknownPods?: Node;
  public internet?: Node;

  /** The workloads of the input (see workloadSpecs). */
  public readonly workloads: WorkloadSpec[];
  private readonly cidrCache = new Map<string, Node[]>();
  /** Selections by purpose, manifest object and namespace (see `cached`); none until the model is complete. */
  private selections?: Map<string, Map<object, Map<string, Node[]>>>;

  constructor(public readonly objects: K8s[]) {
    for (const o of objects) {
      if (!o || typeof o !== 'object' || !o.kind) continue;
      if (o.kind === 'Namespace' && o.apiVersion === 'v1') {
        const name = o.metadata?.name;
        if (name) {
          const labels = { ...o.metadata.labels, [METADATA_NAME]: name };
          this.namespaces.set(name, { name, labels, annotations: { ...o.metadata.annotations }, known: true });
        }
      }
    }
    // A namespace is described by the manifests when its Namespace object is there, or when its
    // workloads are. Other objects alone (a PrometheusRule, a Velero Schedule placed in the
    // monitoring or velero namespace) say nothing about which pods run there.
    this.workloads = workloadSpecs(objects);
    for (const w of this.workloads) this.ensureNamespace(w.namespace, true);
  }

  public ensureNamespace(name: string, known = false): NamespaceInfo {
    let ns = this.namespaces.get(name);
    if (!ns) {
      this.selections = undefined;
      ns = { name, labels: { [METADATA_NAME]: name }, annotations: {}, known };
      this.namespaces.set(name, ns);
    }
    return ns;
  }

  public isKnownNamespace(name: string | undefined): boolean {
    return name !== undefined && (this.namespaces.get(name)?.known ?? false);
  }

  public get unknownNamespaces(): string[] {
    return [...this.namespaces.values()].filter((n) => !n.known).map((n) => n.name).sort();
  }

  public node(id: string): Node | undefined {
    return this.byId.get(id);
  }

  public add(n: Omit<Node, 'index'>): Node {
    this.selections = undefined;
    let id = n.id;
    for (let i = 2; this.byId.has(id); i++) id = `${n.id}#${i}`;
    const node: Node = { ...n, id, index: this.nodes.length };
    this.nodes.push(node);
    this.byId.set(id, node);
    if (node.namespace !== undefined) {
      push(this.byNamespace, node.namespace, node);
      if (node.anyLabels) push(this.anyLabelNodes, node.namespace, node);
      else for (const [k, v] of Object.entries(node.labels)) push(this.byLabel, `${node.namespace}\u0000${k}=${v}`, node);
      push(this.byIdentity, `${node.namespace}/${node.serviceAccount ?? '*'}`, node);
    }
    if (node.kind === 'Cidr' || node.kind === 'ApiServer' || node.kind === 'Internet') this.cidrNodes.push(node);
    return node;
  }

  /** Names the ServiceAccount of a node whose identity was unknown (and renames it `ns/sa`). */
  public assignIdentity(node: Node, sa: string): void {
    this.selections = undefined;
    const unknown = this.byIdentity.get(`${node.namespace}/*`) ?? [];
    this.byIdentity.set(`${node.namespace}/*`, unknown.filter((n) => n !== node));
    node.serviceAccount = sa;
    push(this.byIdentity, `${node.namespace}/${sa}`, node);
    const id = `${node.namespace}/${sa}`;
    if (!this.byId.has(id)) {
      this.byId.delete(node.id);
      node.id = id;
      node.name = sa;
      this.byId.set(id, node);
    }
  }

  public inNamespace(ns: string): readonly Node[] {
    return this.byNamespace.get(ns) ?? [];
  }

  /** Nodes running as `ns/sa`; with `includeUnknown`, also nodes of `ns` whose ServiceAccount is unknown. */
  public withIdentity(ns: string, sa: string, includeUnknown = true): Node[] {
    const out = [...(this.byIdentity.get(`${ns}/${sa}`) ?? [])];
    if (includeUnknown) out.push(...(this.byIdentity.get(`${ns}/*`) ?? []));
    return out;
  }

  /** Marks the model complete: from now on `cached` keeps what it selects (until a node or namespace is added). */
  public complete(): void {
    this.selections = new Map();
  }

  /**
   * What `select` returns for a manifest object (a NetworkPolicy peer, a podSelector) in a
   * namespace, selected once: the NetworkPolicy layer and the intent select with the same objects.
   * `purpose` tells selections of one object apart. The list is shared: read-only.
   */
  public cached(source: unknown, namespace: string, purpose: string, select: () => Node[]): Node[] {
    if (this.selections === undefined || source === null || typeof source !== 'object') return select();
    let bySource = this.selections.get(purpose);
    if (bySource === undefined) {
      bySource = new Map();
      this.selections.set(purpose, bySource);
    }
    let byNamespace = bySource.get(source);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      bySource.set(source, byNamespace);
    }
    let nodes = byNamespace.get(namespace);
    if (nodes === undefined) {
      nodes = select();
      byNamespace.set(namespace, nodes);
    }
    return nodes;
  }

  /** Pods of namespace `ns` selected by `sel`, through the label index. */
  public selectPods(ns: string, sel: Selector): Node[] {
    const all = this.byNamespace.get(ns) ?? NO_NODES;
    if (sel.empty) return all.filter(isPod);
    // The candidates: the nodes with the selector's rarest key=value pair (a plain copy: own keys only).
    let candidates: readonly Node[] | undefined;
    for (const k in sel.matchLabels) {
      const list = this.byLabel.get(`${ns}\u0000${k}=${sel.matchLabels[k]}`) ?? NO_NODES;
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    if (!candidates) candidates = all.filter((n) => !n.anyLabels);
    const out: Node[] = [];
    for (const n of candidates) if (isPod(n) && selectorMatches(sel, n.labels)) out.push(n);
    for (const n of this.anyLabelNodes.get(ns) ?? NO_NODES) if (isPod(n)) out.push(n);
    return out;
  }

  /** Namespaces (names) whose labels satisfy `sel`. */
  public selectNamespaces(sel: Selector): string[] {
    const pinned = pinnedNamespaces(sel);
    const candidates = pinned ? pinned.map((n) => this.namespaces.get(n)).filter((n): n is NamespaceInfo => !!n) : [...this.namespaces.values()];
    return candidates.filter((n) => selectorMatches(sel, n.labels)).map((n) => n.name);
  }

  /**
   * The address nodes (CIDR classes and the internet) an ipBlock admits: exactly those inside
   * `cidr` minus `except`, since the nodes partition the address space along every ipBlock's
   * boundaries. A block that was not part of the partition (none in practice) admits every node it
   * overlaps, so that nothing reachable is missed.
   */
  public selectCidrs(cidr: string, except: string[]): Node[] {
    const key = `${cidr}|${except.join(',')}`;
    const cached = this.cidrCache.get(key);
    if (cached) return cached;
    const set = IpRangeSet.fromIpBlock(cidr, except);
    const out = !set || set.isEmpty ? [] : this.cidrNodes.filter((n) => n.ranges!.overlaps(set));
    this.cidrCache.set(key, out);
    return out;
  }

}

/** One NetworkPolicy port entry against a target node; named ports look up the target's container ports. */
export function resolvePort(p: any, target?: Node): PortSet {
  const proto = protocolOf(p?.protocol);
  if (!proto) return PortSet.EMPTY;
  if (p.port === undefined || p.port === null) return PortSet.allOf(proto);
  if (typeof p.port === 'number' || /^\d+$/.test(String(p.port))) {
    const from = Number(p.port);
    return PortSet.range(proto, from, typeof p.endPort === 'number' ? p.endPort : from);
  }
  if (!target) return PortSet.EMPTY;
  let out = PortSet.EMPTY;
  for (const cp of target.ports) if (cp.name === p.port && cp.protocol === proto) out = out.union(PortSet.range(proto, cp.port));
  return out;
}

/** Whether a rule's ports use port names (so they resolve per target). */
export function hasNamedPorts(rulePorts: any[] | undefined): boolean {
  return Array.isArray(rulePorts) && rulePorts.some((p) => p && p.port !== undefined && p.port !== null && !/^\d+$/.test(String(p.port)));
}

/** The part of an object's apiVersion before the first `/` (all of it when there is none). */
export function apiVersionPrefix(o: K8s): string {
  const v = String(o?.apiVersion ?? '');
  const i = v.indexOf('/');
  return i < 0 ? v : v.slice(0, i);
}

const NO_NODES: readonly Node[] = [];

/** Whether a node stands for pods (not for addresses). */
function isPod(n: Node): boolean {
  return n.kind !== 'Cidr' && n.kind !== 'Internet';
}

/** Whether an object's kind is cluster-scoped (the object model's table). */
function isClusterScoped(o: K8s): boolean {
  return isClusterScopedKind(groupOf(o.apiVersion), o.kind);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Container ports of a pod template. */
export function containerPorts(spec: K8s): ContainerPort[] {
  const out: ContainerPort[] = [];
  const sidecars = (spec.initContainers ?? []).filter((ic: any) => ic?.restartPolicy === 'Always');
  for (const c of [...(spec.containers ?? []), ...sidecars]) {
    for (const p of c?.ports ?? []) {
      const protocol = protocolOf(p.protocol);
      if (protocol && Number.isInteger(p.containerPort)) out.push({ name: p.name, port: p.containerPort, protocol });
    }
  }
  return out;
}
