/**
 * Internal: the incremental audit of a diff. A finding is about one object; it can only differ
 * between the sides when that object changed or when something the rule reads besides the object
 * changed. Per kind of change, the objects whose findings it can touch (by what the built-in rules
 * read, see each rule):
 *
 * - every change: the object itself (most rules read nothing else; acknowledgements are
 *   annotations of the object);
 * - a workload: the NetworkPolicies of its namespace that select its pods
 *   (SB-NET-POLICY-CLOUD-IDENTITY reads the ServiceAccounts of the pods a policy selects);
 * - a NetworkPolicy: its Namespace (SB-NET-NS-DEFAULT-DENY) and the workloads of its namespace it
 *   selects (SB-NET-WORKLOAD-ISOLATION);
 * - a Namespace: every object of the namespace (the Pod Security version of its pods);
 * - a ServiceAccount: the workloads of its namespace running as it (SB-SA-POD-AUTOMOUNT) and the
 *   NetworkPolicies selecting them (SB-NET-POLICY-CLOUD-IDENTITY);
 * - an Istio AuthorizationPolicy or Sidecar: its Namespace (SB-MESH-ISTIO-NS-AUTHZ,
 *   SB-MESH-ISTIO-EGRESS), every Namespace when in the Istio root namespace;
 * - a PeerAuthentication: the PeerAuthentications of its namespace (SB-MESH-ISTIO-PEER-AUTH);
 * - a Gateway API object: every Gateway API object (listeners and routes read each other).
 *
 * RBAC objects (the RBAC graph reaches every workload through SB-RBAC-WORKLOAD-IDENTITY),
 * StorageClasses, CustomResourceDefinitions and objects without an identity make the audit run in
 * full, and so do user rules and exceptions (whose reads and use are not known) and an app's own
 * SecurityAudit. Each side is then audited over the affected objects plus everything their rules
 * read (the objects above in the other direction, and every Namespace, RBAC object,
 * StorageClass and CustomResourceDefinition), and only the findings about
 * affected objects are kept: the others are the same on both sides, so they make no item.
 */
import { ChangeSet, DiffSide, SideObject } from './side';
import { PodsOf, SideIndex, kindKey, rawNamespace } from './side-index';
import { selectorIsEmpty, selectorMatches } from '../audit/context';
import { selectRules } from '../audit/rule-selection';
import { Finding } from '../audit/types';
import { groupOf, identityKeyOf } from '../manifest/objects';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const NP = 'networking.k8s.io|NetworkPolicy';
const NAMESPACE = '|Namespace';
const SERVICE_ACCOUNT = '|ServiceAccount';
const ISTIO_AP = 'security.istio.io|AuthorizationPolicy';
const ISTIO_PA = 'security.istio.io|PeerAuthentication';
const ISTIO_SIDECAR = 'networking.istio.io|Sidecar';

/** The findings of both sides about the objects a change can touch. */
export interface ScopedAudit {
  readonly base: Finding[];
  readonly head: Finding[];
}

/** Kinds every slice holds: the rules read them for many objects (Pod Security versions, RBAC, storage, CRD scopes). */
const GLOBAL_KINDS = [NAMESPACE, 'storage.k8s.io|StorageClass', 'apiextensions.k8s.io|CustomResourceDefinition',
  ...['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].map((k) => `${RBAC_GROUP}|${k}`)];

/** Whether a change makes the audit run in full. */
function needsFull(o: SideObject): boolean {
  const k = kindKey(o);
  return o.key.startsWith('#') || groupOf(o.manifest.apiVersion) === RBAC_GROUP || k === 'storage.k8s.io|StorageClass'
    || k === 'apiextensions.k8s.io|CustomResourceDefinition';
}

function podSelectorOf(np: SideObject): any {
  const spec = np.manifest.spec;
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec.podSelector : undefined;
}

function selects(selector: any, pods: PodsOf): boolean {
  return pods.labels.some((l) => selectorMatches(selector, l));
}

/** The NetworkPolicies of a namespace that select some pod of an object (those with an empty selector included). */
function policiesFor(ix: SideIndex, ns: string, pods: PodsOf): SideObject[] {
  const out = new Set<SideObject>();
  for (const labels of pods.labels) for (const np of ix.selectorCandidates(NP, ns, labels, podSelectorOf)) out.add(np);
  return [...out].filter((np) => selects(podSelectorOf(np), pods));
}

/** Keys of the objects whose findings a change can touch, on one side (the side `v` is of). */
function touched(v: SideObject, ix: SideIndex, root: string, out: Set<string>): void {
  out.add(v.key);
  const k = kindKey(v);
  const ns = rawNamespace(v);
  const pods = ix.podsOf(v);
  if (pods) {
    for (const np of policiesFor(ix, ns, pods)) if (!selectorIsEmpty(podSelectorOf(np))) out.add(np.key);
  }
  if (k === NP) {
    out.add(identityKeyOf('', 'Namespace', '', ns));
    const sel = podSelectorOf(v);
    for (const p of ix.podCandidates(ns, sel)) if (selects(sel, p)) out.add(p.obj.key);
  } else if (k === NAMESPACE) {
    for (const o of ix.inNamespace(String(v.manifest.metadata?.name))) out.add(o.key);
  } else if (k === SERVICE_ACCOUNT) {
    const name = v.manifest.metadata?.name;
    for (const p of ix.podsIn(ns)) {
      if (!p.serviceAccounts.includes(name)) continue;
      out.add(p.obj.key);
      for (const np of policiesFor(ix, ns, p)) out.add(np.key);
    }
  } else if (k === ISTIO_AP || k === ISTIO_SIDECAR) {
    if (ns === root) for (const n of ix.ofKind(NAMESPACE, '')) out.add(n.key);
    else out.add(identityKeyOf('', 'Namespace', '', ns));
  } else if (k === ISTIO_PA) {
    for (const pa of ix.ofKind(ISTIO_PA, ns)) out.add(pa.key);
  } else if (groupOf(v.manifest.apiVersion) === GATEWAY_GROUP) {
    for (const o of ix.objects.values()) if (groupOf(o.manifest.apiVersion) === GATEWAY_GROUP) out.add(o.key);
  }
}

/** What the findings about `x` read besides `x` (beyond the objects every slice holds). */
function reads(x: SideObject, ix: SideIndex, root: string, out: Set<string>): void {
  const k = kindKey(x);
  const ns = rawNamespace(x);
  const pods = ix.podsOf(x);
  if (pods) {
    for (const np of policiesFor(ix, ns, pods)) out.add(np.key);
    for (const sa of pods.serviceAccounts) out.add(identityKeyOf('', 'ServiceAccount', ns, sa));
  }
  if (k === NP) {
    const sel = podSelectorOf(x);
    if (!selectorIsEmpty(sel)) {
      for (const p of ix.podCandidates(ns, sel)) {
        if (!selects(sel, p)) continue;
        out.add(p.obj.key);
        for (const sa of p.serviceAccounts) out.add(identityKeyOf('', 'ServiceAccount', ns, sa));
      }
    }
  } else if (k === NAMESPACE) {
    const name = String(x.manifest.metadata?.name);
    for (const np of ix.ofKind(NP, name)) if (selectorIsEmpty(podSelectorOf(np))) out.add(np.key);
    // Whether an allow-nothing AuthorizationPolicy (`spec: {}`), a namespace-wide Sidecar (no
    // workloadSelector) is there: those decide, so the slice holds those.
    const allowNothing = (o: SideObject) => o.manifest.spec === undefined || o.manifest.spec === null
      || (typeof o.manifest.spec === 'object' && Object.keys(o.manifest.spec).length === 0);
    const namespaceWide = (o: SideObject) => o.manifest.spec?.workloadSelector === undefined || o.manifest.spec?.workloadSelector === null;
    for (const n of [name, root]) {
      for (const o of ix.ofKind(ISTIO_AP, n)) if (allowNothing(o)) out.add(o.key);
      for (const o of ix.ofKind(ISTIO_SIDECAR, n)) if (namespaceWide(o)) out.add(o.key);
    }
  } else if (k === ISTIO_PA) {
    for (const pa of ix.ofKind(ISTIO_PA, ns)) out.add(pa.key);
  }
}

function findingKey(f: Finding): string | undefined {
  const r = f.resource;
  return r ? identityKeyOf(groupOf(r.apiVersion), r.kind, r.namespace, r.name) : undefined;
}

/**
 * The findings of both sides about the objects a change can touch, or undefined when the audit
 * must run in full (see the file comment).
 */
export function scopedAudit(base: DiffSide, head: DiffSide, c: ChangeSet, bx: SideIndex, hx: SideIndex): ScopedAudit | undefined {
  if (!base.auditsObjects || !head.auditsObjects) return undefined;
  const options = head.options;
  if ((options.exceptions ?? []).length > 0 || (base.options.exceptions ?? []).length > 0) return undefined;
  try {
    if (selectRules(options, 'security diff').userIds.length > 0 || selectRules(base.options, 'security diff').userIds.length > 0) return undefined;
  } catch {
    return undefined;
  }
  const versions: Array<[SideObject, SideIndex]> = [
    ...c.added.map((h): [SideObject, SideIndex] => [h, hx]),
    ...c.removed.map((b): [SideObject, SideIndex] => [b, bx]),
    ...c.changed.flatMap((x): Array<[SideObject, SideIndex]> => [[x.base, bx], [x.head, hx]]),
  ];
  if (versions.some(([v]) => needsFull(v))) return undefined;
  const root = options.istioRootNamespace ?? 'istio-system';
  const affected = new Set<string>();
  for (const [v, ix] of versions) touched(v, ix, root, affected);
  const slice = (side: DiffSide, ix: SideIndex): Finding[] => {
    const keep = new Set(affected);
    for (const key of affected) {
      const x = side.objects.get(key);
      if (x) reads(x, ix, root, keep);
    }
    const objects = new Set<SideObject>();
    for (const key of keep) {
      const o = side.objects.get(key);
      if (o) objects.add(o);
    }
    // (The index may answer with the other side's instances of unchanged objects: this side's, by key.)
    for (const kind of GLOBAL_KINDS) for (const o of ix.ofKind(kind, '*')) objects.add(side.objects.get(o.key)!);
    return side.auditOf(side.inOrder(objects)).findings.filter((f) => {
      const key = findingKey(f);
      return key !== undefined && affected.has(key);
    });
  };
  return { base: slice(base, bx), head: slice(head, hx) };
}
