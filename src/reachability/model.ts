/**
 * Internal: the endpoints of the reachability graph — workloads from the manifests plus synthetic
 * nodes for what lives outside them (kube-dns, the mesh control plane, pods of namespaces without
 * manifests, IP ranges, the internet) — indexed by namespace and by label.
 */
import { PortSet, Protocol, protocolOf } from './ports';
import { CLUSTER_SCOPED_KINDS } from '../audit/rules/meta-cluster-scoped-namespace';
import { cidrContains, parseCidr, ParsedCidr } from '../private/validation';

/** A Kubernetes object as JSON. */
export type K8s = { [key: string]: any };

export type NodeKind = 'Workload' | 'Dns' | 'MeshControlPlane' | 'ExternalWorkload' | 'UnknownPods' | 'Cidr' | 'Internet';

/** How a node takes part in a mesh. `unknown`: a pod we cannot see; it may carry any identity. */
export type MeshMembership = 'none' | 'istio-sidecar' | 'istio-ambient' | 'linkerd' | 'unknown';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Node {
  readonly index: number;
  /** Stable id: `namespace/name`, `cidr 10.0.0.0/8`, `internet`, `*` (unknown pods). */
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
  readonly cidr?: ParsedCidr;
  readonly cidrText?: string;
  mesh: MeshMembership;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Has objects in the manifests. */
  readonly known: boolean;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);
const METADATA_NAME = 'kubernetes.io/metadata.name';

/** Pod template of a workload object (Pod itself, CronJob's job template, others' template). */
export function podTemplate(obj: K8s): { metadata: K8s; spec: K8s } | undefined {
  if (obj.kind === 'Pod') return { metadata: obj.metadata ?? {}, spec: obj.spec ?? {} };
  const t = obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.spec?.template;
  if (!t || typeof t !== 'object') return undefined;
  return { metadata: t.metadata ?? {}, spec: t.spec ?? {} };
}

export function isWorkload(obj: K8s): boolean {
  return WORKLOAD_KINDS.has(obj?.kind) && (obj.apiVersion === 'v1' || /^(apps|batch)\//.test(obj.apiVersion ?? ''));
}

export function namespaceOf(obj: K8s): string {
  return obj?.metadata?.namespace || 'default';
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
    for (const o of objects) {
      if (!o || typeof o !== 'object' || !o.kind || !o.metadata || !WORKLOAD_KINDS.has(o.kind)) continue;
      if (isClusterScoped(o)) continue;
      this.ensureNamespace(namespaceOf(o), true);
    }
  }

  public ensureNamespace(name: string, known = false): NamespaceInfo {
    let ns = this.namespaces.get(name);
    if (!ns) {
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
    if (node.kind === 'Cidr') this.cidrNodes.push(node);
    return node;
  }

  /** Names the ServiceAccount of a node whose identity was unknown (and renames it `ns/sa`). */
  public assignIdentity(node: Node, sa: string): void {
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

  /** Pods of namespace `ns` selected by `sel`, through the label index. */
  public selectPods(ns: string, sel: Selector): Node[] {
    const all = this.byNamespace.get(ns) ?? [];
    const pods = (list: readonly Node[]) => list.filter((n) => n.kind !== 'Cidr' && n.kind !== 'Internet');
    if (sel.empty) return pods(all);
    let candidates: readonly Node[] | undefined;
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      const list = this.byLabel.get(`${ns}\u0000${k}=${v}`) ?? [];
      if (!candidates || list.length < candidates.length) candidates = list;
    }
    if (!candidates) candidates = all.filter((n) => !n.anyLabels);
    const out = candidates.filter((n) => selectorMatches(sel, n.labels));
    out.push(...(this.anyLabelNodes.get(ns) ?? []));
    return pods(out);
  }

  /** Namespaces (names) whose labels satisfy `sel`. */
  public selectNamespaces(sel: Selector): string[] {
    const pinned = pinnedNamespaces(sel);
    const candidates = pinned ? pinned.map((n) => this.namespaces.get(n)).filter((n): n is NamespaceInfo => !!n) : [...this.namespaces.values()];
    return candidates.filter((n) => selectorMatches(sel, n.labels)).map((n) => n.name);
  }

  /** Named CIDR nodes (and the internet) that an ipBlock admits. */
  public selectCidrs(cidr: string, except: string[]): Node[] {
    const block = parseCidr(cidr);
    if (!block) return [];
    const ex = except.map((e) => parseCidr(e)).filter((e): e is ParsedCidr => !!e);
    const out: Node[] = [];
    for (const n of this.cidrNodes) {
      const c = n.cidr!;
      // Every ipBlock CIDR is a node of its own, so a block admits the nodes inside it.
      if (cidrContains(block, c) && !ex.some((e) => cidrContains(e, c))) out.push(n);
    }
    if (this.internet && block.prefix === 0) out.push(this.internet);
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

/** Cluster-scoped kinds: the audit's table, by kind. */
const CLUSTER_SCOPED = new Set(CLUSTER_SCOPED_KINDS.map((gk) => gk.split('|')[1]));

function isClusterScoped(o: K8s): boolean {
  return CLUSTER_SCOPED.has(o.kind) && !o.metadata?.namespace;
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
