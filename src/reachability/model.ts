/**
 * Internal: the endpoints of the reachability graph — workloads from the manifests plus synthetic
 * nodes for what lives outside them (kube-dns, the mesh control plane, pods of namespaces without
 * manifests, IP ranges, the internet) — indexed by namespace and by label.
 */
import { K8s, NamespaceInfo, Node, resolvePort } from './nodes';
import { PortSet } from './ports';
import { METADATA_NAME, pinnedNamespaces, Selector, selectorMatches } from './selectors';
import { WorkloadSpec, workloadSpecs } from './workload-specs';
import { IpRangeSet } from '../private/ip-ranges';

// The model's building blocks, where the rest of the analysis has always imported them from.
export { apiVersionPrefix, containerPorts, hasNamedPorts, namespaceOf, resolvePort } from './nodes';
export type { ContainerPort, K8s, MeshMembership, NamespaceInfo, Node, NodeKind } from './nodes';
export { parseSelector, pinnedNamespaces, SelectorIndex, selectorMatches } from './selectors';
export type { Selector } from './selectors';
export { workloadSpecs } from './workload-specs';
export type { WorkloadSpec } from './workload-specs';

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

const NO_NODES: readonly Node[] = [];

/** Whether a node stands for pods (not for addresses). */
function isPod(n: Node): boolean {
  return n.kind !== 'Cidr' && n.kind !== 'Internet';
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
