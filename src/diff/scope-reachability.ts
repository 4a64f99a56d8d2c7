/**
 * Internal: the incremental reachability analysis of a diff. The analyzer decides each (sender,
 * receiver) pair from what concerns that pair alone: the two endpoints (labels, ServiceAccount,
 * ports, mesh membership), the sender's egress and the receiver's ingress NetworkPolicies, the
 * receiver's mesh policies, the declared intent naming both, and the address classes and
 * synthetic endpoints that the whole input shapes (ipBlocks, pinned unknown namespaces, mesh
 * identities, gateways, kube-dns, the mesh control plane). So:
 *
 * - a change marks the endpoints whose outgoing (`sources`) or incoming (`receivers`) pairs it can
 *   change: a workload whose network face changed both; the workloads a NetworkPolicy selects as
 *   receivers (ingress, ingress intent) and senders (egress, egress intent); every workload of the
 *   namespace of an Istio AuthorizationPolicy or PeerAuthentication as receivers;
 * - a change that can reshape the whole graph runs the analysis in full: ipBlocks, Namespaces,
 *   Gateways, ServiceEntries and Sidecars, Linkerd, cloud identities, mesh-wide policies, objects
 *   of API groups this file does not know, workloads of the infrastructure namespaces;
 * - each side is analyzed over the workloads that can pair with a marked endpoint (bounded with
 *   the side's own policies, reach-index.ts) and what can matter to them: the policies that apply
 *   to a kept workload, everything that shapes the whole graph, the first object of each API
 *   group (the analyzer reads which groups are used); objects of kinds no change of which can
 *   touch a pair (the roles of reach-entry.ts) are left out. The synthetic endpoints and address
 *   classes come out the same as in full, and so does every pair of the workloads kept;
 * - only the pairs with a marked sender or receiver are kept: all others are the same on both
 *   sides, so they make no item. (Every edge into a marked receiver, or out of a marked sender, is
 *   kept: the address coverage of connectivity.ts reads exactly those.)
 */
import { MANAGED_BY, PRINCIPAL, Workload, arr, hasIpBlock } from './reach-entry';
import { ReachIndex, analyzerNamespace } from './reach-index';
import { ChangeSet, DiffSide, SideObject } from './side';
import { SideIndex, rawNamespace } from './side-index';
import { groupOf } from '../manifest/objects';
import { EXTERNAL_HOSTS_ANNOTATION } from '../private/external-egress';
import { ReachabilityResult } from '../reachability/analyzer';
import { isNetworkPolicy, policyTypesOf } from '../reachability/network-policy';

/** The pairs of both sides that a change can touch (edges and extra paths; endpoints as analyzed). */
export interface ScopedReachability {
  readonly base: ReachabilityResult;
  readonly head: ReachabilityResult;
}

/** Endpoints whose pairs a change can touch: ids of senders and receivers. */
interface Marks {
  readonly sources: Set<string>;
  readonly receivers: Set<string>;
}

class Full extends Error {}

function full(why: string): never {
  throw new Full(why);
}

/** Marks the endpoints a changed object (one version of it, on its side) can touch, or throws Full. */
function mark(v: SideObject, rx: ReachIndex, root: string, marks: Marks, special: Set<string>, istio: boolean): void {
  const m = v.manifest;
  const ns = analyzerNamespace(v);
  const role = rx.role(v);
  if (role === 'none') return;
  if (role === 'global') full(v.label);
  const workloads = rx.byObject.get(v);
  if (workloads) {
    if (special.has(ns) || !rx.declaredNamespaces.has(ns)) full(`a workload of namespace ${ns}`);
    for (const w of workloads) {
      if (w.labels['gateway.networking.k8s.io/gateway-name'] !== undefined) full('a gateway workload');
      marks.sources.add(w.id);
      marks.receivers.add(w.id);
    }
    return;
  }
  if (isNetworkPolicy(m)) {
    if (rawNamespace(v) === '' || hasIpBlock(m) || m.metadata?.annotations?.[EXTERNAL_HOSTS_ANNOTATION] !== undefined) full(`${v.label} (ipBlocks)`);
    // It may select endpoints the analyzer adds there (kube-dns, istiod, gateways' pods).
    if (special.has(ns) || rx.gatewayNamespaces.has(ns)) full(`${v.label} (a namespace with endpoints of the analyzer's own)`);
    if (rx.addsEndpoints(m, istio)) full(`${v.label} names an unknown namespace`);
    if (m.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY && rx.workloadSidecarNamespaces.has(rawNamespace(v))) full(`${v.label} (external hosts)`);
    const spec = m.spec ?? {};
    const types = policyTypesOf(spec);
    const selected = rx.select(m.metadata?.namespace ?? 'default', spec.podSelector);
    if (types.ingress || arr(spec.ingress).length > 0) for (const w of selected) marks.receivers.add(w.id);
    if (types.egress || arr(spec.egress).length > 0) for (const w of selected) marks.sources.add(w.id);
    return;
  }
  if (role === 'mesh') {
    if (ns === root || special.has(ns) || rx.gatewayNamespaces.has(ns)) full(`${v.label}`);
    for (const r of arr(m.spec?.rules)) {
      for (const f of arr(r?.from)) {
        const src = f?.source ?? {};
        if (src.ipBlocks !== undefined || src.notIpBlocks !== undefined) full(`${v.label} (ipBlocks)`);
        for (const p of arr(src.principals)) {
          const pm = PRINCIPAL.exec(String(p));
          if (pm && !rx.isKnown(pm[1])) full(`${v.label} names an unknown namespace`);
        }
      }
    }
    for (const w of rx.inNamespace(ns)) marks.receivers.add(w.id);
  }
}

/** The workloads a side's analysis must hold for every pair of a marked endpoint to come out as in full. */
function keep(rx: ReachIndex, marks: Marks, special: Set<string>): Set<SideObject> {
  const out = new Set<SideObject>();
  const add = (w: Workload) => out.add(w.obj);
  for (const w of rx.workloads) {
    if (special.has(w.ns) || w.labels['gateway.networking.k8s.io/gateway-name'] !== undefined) add(w);
    const g = groupOf(w.obj.manifest.apiVersion);
    if (g.endsWith('istio.io')) add(w);
  }
  for (const id of marks.sources) {
    const s = rx.byId.get(id);
    if (s) { add(s); rx.receiversOf(s).forEach(add); }
  }
  for (const id of marks.receivers) {
    const d = rx.byId.get(id);
    if (d) { add(d); rx.sendersTo(d).forEach(add); }
  }
  return out;
}

/** One side analyzed over its kept workloads and the other objects that can matter to them; only the marked pairs. */
function sliced(side: DiffSide, rx: ReachIndex, marks: Marks, special: Set<string>): ReachabilityResult {
  const kept = keep(rx, marks, special);
  // The policies that apply to a kept workload; the others decide no kept pair (unless fixedInput).
  // Mesh policies judge what a workload receives: without a marked sender, the only receivers of
  // decided pairs are the marked ones, so theirs are the only mesh policies read.
  const receiving = (w: Workload) => marks.sources.size > 0 || marks.receivers.has(w.id);
  const applying = new Set<SideObject>();
  for (const o of kept) {
    for (const w of rx.byObject.get(o) ?? []) {
      for (const p of rx.policiesOf(w)) applying.add(p.obj);
      if (receiving(w)) for (const p of rx.meshObjectsOf(w)) applying.add(p);
    }
  }
  const objects = new Set<SideObject>([...kept, ...rx.firstOfGroup.values()]);
  for (const o of rx.others) if (applying.has(o) || rx.fixedInput(o)) objects.add(o);
  // (The first object of each API group stays: the analyzer reads which groups the input uses.)
  // Unchanged objects may be the other side's instances (equal content): this side's, in its order.
  const manifests = side.inOrder([...objects].map((o) => side.objects.get(o.key)!)).map((o) => o.manifest);
  // Namespaces the analyzer knows from their workloads only stay known (and read alike) without them.
  for (const ns of rx.namespaces.keys()) {
    if (!rx.declaredNamespaces.has(ns)) manifests.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const r = side.reachabilityOf(manifests, marks)!;
  const marked = (p: { from: string; to: string }) => marks.sources.has(p.from) || marks.receivers.has(p.to);
  return ReachabilityResult._create(r.endpoints, r.edges.filter(marked), r.extraPaths.filter(marked), [], [], []);
}

/**
 * The marked pairs of both sides, or undefined when the analysis must run in full (see the file
 * comment). `bx` and `hx` index the sides.
 */
export function scopedReachability(base: DiffSide, head: DiffSide, c: ChangeSet, bx: SideIndex, hx: SideIndex,
  face: (x: { base: SideObject; head: SideObject }) => boolean, root: string, linkerd: string): ScopedReachability | undefined {
  if (!base.analyzesManifests || !head.analyzesManifests) return undefined;
  try {
    const special = new Set(['kube-system', root, linkerd]);
    const rh = new ReachIndex(head.objects.values(), hx, root, special);
    const changed = new Set([...c.added, ...c.removed, ...c.changed.map((x) => x.base)].map((o) => o.key));
    const rb = new ReachIndex(base.inOrder([...c.removed, ...c.changed.map((x) => x.base)]), bx, root, special, { index: rh, changed });
    for (const rx of [rb, rh]) if (rx.problem !== undefined) full(rx.problem);
    const istio = rb.istio;
    if (istio !== rh.istio) full('mesh');
    const marks: Marks = { sources: new Set(), receivers: new Set() };
    for (const h of c.added) mark(h, rh, root, marks, special, istio);
    for (const b of c.removed) mark(b, rb, root, marks, special, istio);
    for (const x of c.changed) {
      if (!face(x)) continue;
      mark(x.base, rb, root, marks, special, istio);
      mark(x.head, rh, root, marks, special, istio);
    }
    // The egress indexes hold only the peers that can name a marked receiver (of either side).
    const receivers = [...marks.receivers].flatMap((id) => [rb.byId.get(id), rh.byId.get(id)]).filter((w): w is Workload => w !== undefined);
    for (const rx of [rh, rb]) rx.expectLabels(receivers.map((w) => w.labels));
    return { base: sliced(base, rb, marks, special), head: sliced(head, rh, marks, special) };
  } catch (e) {
    if (e instanceof Full) return undefined;
    throw e;
  }
}
