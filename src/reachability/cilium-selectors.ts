/**
 * Internal: Cilium endpoint selectors (cilium.io/v2 `endpointSelector`, `toEndpoints`,
 * `fromEndpoints`) evaluated against the model's pods.
 *
 * Cilium matches a selector against the labels of a pod's security identity (docs.cilium.io,
 * "Using Kubernetes Constructs in Policy"; cilium/cilium pkg/k8s/apis/cilium.io/utils/utils.go):
 * - the pod's labels, source `k8s` (a key may carry the source: `k8s:app`; `any:app` and a key
 *   without a source match any source);
 * - `io.kubernetes.pod.namespace` (the namespace), `io.cilium.k8s.policy.serviceaccount` (the
 *   ServiceAccount), `io.cilium.k8s.namespace.labels.<key>` (each label of the namespace) and
 *   `io.cilium.k8s.policy.cluster` (the cluster's name, which the manifests do not say);
 * - `reserved:<entity>` labels, which only entities (world, host, ...) carry.
 * Cilium's default label filter leaves some pod labels out of the identity (keys containing
 * `kubernetes.io` other than `app.kubernetes.io`, `k8s.io`, `io.kubernetes`, `pod-template-hash`,
 * `controller-revision-hash`, ...), so a selector on them may not match what the labels say.
 *
 * Where the manifests do not tell (labels of pods we cannot see, the cluster's name, a filtered
 * label, an unknown source or operator), a requirement is MAYBE. A selection is then two sets:
 * the pods a selector may select (their rules count: more paths) and the pods it certainly selects
 * (only they are put into default deny: fewer paths never come from a guess).
 */
import { K8s, Model, Node } from './model';

/** Three-valued match: a requirement or selector does not, may, or does select. */
export enum Tri { NO = 0, MAYBE = 1, YES = 2 }

export const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
const SERVICE_ACCOUNT_KEY = 'io.cilium.k8s.policy.serviceaccount';
const CLUSTER_KEY = 'io.cilium.k8s.policy.cluster';
const NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';

/** One requirement of a selector, its key split into source and name. */
export interface Requirement {
  readonly source: string;
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** A selector's requirements (matchLabels as `In [value]`). */
export function requirementsOf(sel: unknown): Requirement[] {
  const out: Requirement[] = [];
  if (!sel || typeof sel !== 'object') return out;
  const s = sel as K8s;
  if (s.matchLabels && typeof s.matchLabels === 'object') {
    for (const [k, v] of Object.entries(s.matchLabels)) out.push({ ...splitKey(k), operator: 'In', values: [String(v)] });
  }
  for (const e of Array.isArray(s.matchExpressions) ? s.matchExpressions : []) {
    out.push({ ...splitKey(String(e?.key)), operator: String(e?.operator), values: Array.isArray(e?.values) ? e.values.map(String) : [] });
  }
  return out;
}

/** `k8s:app` → source k8s, key app; a key without a source has source `any`. */
export function splitKey(k: string): { source: string; key: string } {
  const i = k.indexOf(':');
  return i < 0 ? { source: 'any', key: k } : { source: k.slice(0, i), key: k.slice(i + 1) };
}

/** Whether a requirement reads the labels Cilium derives from Kubernetes (`k8s:` or `any:`). */
export function isK8sSource(r: Requirement): boolean {
  return r.source === 'k8s' || r.source === 'any';
}

/** Whether a requirement names the pod's namespace. */
export function isNamespaceRequirement(r: Requirement): boolean {
  return isK8sSource(r) && r.key === NAMESPACE_KEY;
}

/** Whether a requirement names a label of the pod's namespace. */
export function isNamespaceLabelRequirement(r: Requirement): boolean {
  return isK8sSource(r) && r.key.startsWith(NAMESPACE_LABELS);
}

/** The namespace names a selector pins (matchLabels or `In`), undefined when it does not pin. */
export function pinnedNamespacesOf(reqs: readonly Requirement[]): string[] | undefined {
  let names: string[] | undefined;
  for (const r of reqs) {
    if (!isNamespaceRequirement(r) || r.operator !== 'In') continue;
    names = names ? names.filter((n) => r.values.includes(n)) : [...r.values];
  }
  return names;
}

/** Pod label keys Cilium's default label filter may leave out of the identity (pkg/labelsfilter). */
function mayBeFiltered(key: string): boolean {
  if (key.startsWith('app.kubernetes.io/')) return false;
  return /kubernetes\.io|k8s\.io|^io\.kubernetes|^pod-template-|^controller-revision-hash$|^annotation\.|^etcd_node$/.test(key);
}

/** The value a node's identity has for a k8s label key: a string, null (absent), or undefined (unknown). */
function valueOf(model: Model, n: Node, key: string): string | null | undefined {
  if (key === NAMESPACE_KEY) return n.namespace ?? undefined;
  if (key === SERVICE_ACCOUNT_KEY) return n.serviceAccount;
  if (key === CLUSTER_KEY) return undefined;
  if (key.startsWith(NAMESPACE_LABELS)) {
    if (n.namespace === undefined) return undefined;
    const k = key.slice(NAMESPACE_LABELS.length);
    if (k === 'kubernetes.io/metadata.name') return n.namespace;
    const ns = model.namespaces.get(n.namespace);
    return ns?.known ? ns.labels[k] ?? null : undefined;
  }
  if (n.anyLabels || mayBeFiltered(key)) return undefined;
  return Object.prototype.hasOwnProperty.call(n.labels, key) ? n.labels[key] : null;
}

/** One requirement against one pod node. */
function evaluate(model: Model, n: Node, r: Requirement): Tri {
  if (!isK8sSource(r)) return Tri.MAYBE;
  // The pods of namespaces without manifests (`*`): never a namespace the selector names (those
  // pods are the nodes of that namespace), perhaps any other.
  if (n.kind === 'UnknownPods' && r.key === NAMESPACE_KEY) {
    if (r.operator === 'In') return Tri.NO;
    if (r.operator === 'DoesNotExist') return Tri.NO;
    if (r.operator === 'Exists') return Tri.YES;
    return Tri.MAYBE;
  }
  const v = valueOf(model, n, r.key);
  if (v === undefined) return Tri.MAYBE;
  switch (r.operator) {
    case 'In': return v !== null && r.values.includes(v) ? Tri.YES : Tri.NO;
    case 'NotIn': return v === null || !r.values.includes(v) ? Tri.YES : Tri.NO;
    case 'Exists': return v !== null ? Tri.YES : Tri.NO;
    case 'DoesNotExist': return v === null ? Tri.YES : Tri.NO;
    default: return Tri.MAYBE;
  }
}

/** Requirements ANDed (none: YES). */
export function matches(model: Model, n: Node, reqs: readonly Requirement[]): Tri {
  let out = Tri.YES;
  for (const r of reqs) {
    const t = evaluate(model, n, r);
    if (t === Tri.NO) return Tri.NO;
    if (t === Tri.MAYBE) out = Tri.MAYBE;
  }
  return out;
}

/** Whether a node stands for pods (a namespace's pods, or the pods of namespaces without manifests). */
export function isPodNode(n: Node): boolean {
  return n.namespace !== undefined || n.kind === 'UnknownPods';
}

/**
 * The pods a policy selects with `endpointSelector`: in the policy's namespace (a
 * CiliumNetworkPolicy: Cilium adds the namespace, and a namespace the selector names otherwise is
 * not honoured, so such a requirement is MAYBE) or in every namespace (cluster-wide, namespace
 * undefined). Only pods of namespaces the manifests describe are isolated by anything we see.
 */
export function selectSubjects(model: Model, sel: unknown, namespace: string | undefined): { may: Node[]; must: Node[] } {
  const reqs = requirementsOf(sel);
  const own = namespace === undefined ? reqs : reqs.map((r) => (isNamespaceRequirement(r) ? { ...r, operator: r.operator === 'In' && r.values.length === 1 && r.values[0] === namespace ? 'In' : 'Unknown' } : r));
  const candidates = namespace === undefined ? model.nodes : model.inNamespace(namespace);
  const may: Node[] = [];
  const must: Node[] = [];
  for (const n of candidates) {
    if (!n.managed || n.namespace === undefined) continue;
    const t = matches(model, n, own);
    if (t !== Tri.NO) may.push(n);
    if (t === Tri.YES) must.push(n);
  }
  return { may, must };
}

/**
 * The requirements a peer selector (`toEndpoints`, `fromEndpoints`) stands for, as Cilium
 * completes it (utils.go getEndpointSelector): without a namespace requirement, a
 * CiliumNetworkPolicy's selector is limited to its own namespace unless it names namespace
 * labels; a cluster-wide policy's to pods (`io.kubernetes.pod.namespace` Exists).
 */
export function peerRequirements(sel: unknown, namespace: string | undefined): Requirement[] {
  const reqs = requirementsOf(sel);
  if (reqs.some(isNamespaceRequirement)) return reqs;
  if (namespace === undefined) return [...reqs, { source: 'k8s', key: NAMESPACE_KEY, operator: 'Exists', values: [] }];
  if (reqs.some(isNamespaceLabelRequirement)) return reqs;
  return [...reqs, { source: 'k8s', key: NAMESPACE_KEY, operator: 'In', values: [namespace] }];
}

/** The pods a completed peer selector may select (YES or MAYBE). */
export function selectPeerPods(model: Model, reqs: readonly Requirement[]): Node[] {
  const pinned = pinnedNamespacesOf(reqs);
  const candidates = pinned ? pinned.flatMap((ns) => model.inNamespace(ns)) : model.nodes;
  const out: Node[] = [];
  for (const n of candidates) if (isPodNode(n) && matches(model, n, reqs) !== Tri.NO) out.push(n);
  return out;
}
