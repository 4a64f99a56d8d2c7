/**
 * Internal: a light view of one side for the incremental reachability analysis
 * (scope-reachability.ts): the workload endpoints (as the analyzer's model names them), the
 * namespaces' labels, the NetworkPolicies and the Istio AuthorizationPolicies, read with the
 * analyzer's own selector semantics — enough to bound, for an endpoint, the workloads it can have a
 * path with (supersets: a path needs the sender's egress and the receiver's ingress to let it
 * through, or the receiver's mesh policies to name the sender).
 */
import {
  EgressIndex, EgressPeer, Entry, METADATA_NAME, MeshPolicy, PRINCIPAL, Policy, Role, Workload, arr,
  egressIndexOf, plainPrefix, push, readEntry, roleOf, wildSource,
} from './reach-entry';
import { GraphView, addsEndpoints, shapesGraph } from './reach-shape';
import { SideObject } from './side';
import { SideIndex, rawNamespace } from './side-index';
import { Selector, SelectorIndex, apiVersionPrefix, parseSelector, pinnedNamespaces, selectorMatches } from '../reachability/model';


/** The workload view of one side; `problem` says why it cannot bound paths (then the analysis runs in full). */
export class ReachIndex implements GraphView {
  public readonly workloads: Workload[] = [];
  public readonly byId = new Map<string, Workload>();
  public readonly byObject = new Map<SideObject, Workload[]>();
  /** Labels of the namespaces the analyzer knows (Namespace objects, namespaces with workloads). */
  public readonly namespaces = new Map<string, Record<string, string>>();
  /** Namespaces that have a Namespace object. */
  public readonly declaredNamespaces = new Set<string>();
  /** Why the bounds do not hold for this side (objects of unknown API groups, Linkerd, ...): then the analysis runs in full. */
  public problem?: string;
  /** Whether the analyzer treats the input as Istio's (it adds istiod). */
  public istio = false;
  /** The objects other than workloads that the analysis reads (role other than `none`), in order. */
  public readonly others: SideObject[] = [];
  /** The first object of each API group (as the analyzer's `apiVersionPrefix` reads it). */
  public readonly firstOfGroup = new Map<string, SideObject>();
  /** Namespaces of Gateway API Gateways (whose pods the analyzer adds). */
  public readonly gatewayNamespaces = new Set<string>();
  /** Namespaces with Istio Sidecars of workloads (their policies may name external hosts, external-hosts.ts). */
  public readonly workloadSidecarNamespaces = new Set<string>();
  private readonly byNs = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Map<string, Workload[]>>();
  private readonly policies = new Map<string, SelectorIndex<Policy>>();
  private readonly policyList: Policy[] = [];
  private readonly meshPolicies: MeshPolicy[] = [];
  private readonly meshIndex = new Map<string, SelectorIndex<MeshPolicy>>();
  private readonly peerAuthIndex = new Map<string, SelectorIndex<MeshPolicy>>();
  /** The entries this side read (with `reuse`: of its changed objects only), by key and in order. */
  private readonly entries = new Map<string, Entry>();
  private readonly entryList: Entry[] = [];
  private readonly selecting = new Map<string, Policy[]>();
  private readonly parsed = new WeakMap<object, { pods: Selector; namespaces?: Selector; pinned?: string[] }>();
  private egressPeers?: EgressIndex;
  /** The label pairs `egressPeers` holds the peers of (see `expectReceivers`). */
  private readonly egressPairs = new Set<string>();
  /** The items of each selector index (`policies`, `meshIndex`, `peerAuthIndex`), by name and namespace. */
  private readonly lists = new Map<string, readonly unknown[]>();
  private openEgress?: Set<Workload>;

  /**
   * @param objects the side's objects, in order; with `reuse`, only those of the changed keys
   * @param ix the side's lookups
   * @param root the Istio root namespace
   * @param special namespaces where the analyzer adds endpoints of its own (kube-system, the mesh's)
   * @param reuse the other side's view and the keys that changed: the view of the unchanged objects
   * (equal content) is the other side's, read once there; this side reads only its changed ones
   */
  constructor(objects: Iterable<SideObject>, ix: SideIndex, public readonly root: string, public readonly special: ReadonlySet<string>,
    private readonly reuse?: { readonly index: ReachIndex; readonly changed: ReadonlySet<string> }) {
    const policiesByNs = new Map<string, Policy[]>();
    const meshByNs = new Map<string, MeshPolicy[]>();
    const peerAuthByNs = new Map<string, MeshPolicy[]>();
    const declared: Entry[] = [];
    const plain = (o: SideObject, prefix: string) => {
      if (!this.firstOfGroup.has(prefix)) this.firstOfGroup.set(prefix, o);
      if (prefix.endsWith('istio.io')) this.istio = true;
    };
    const add = (entry: Entry, own: boolean) => {
      if (own) {
        this.entries.set(entry.obj.key, entry);
        this.entryList.push(entry);
      }
      plain(entry.obj, entry.prefix);
      if (entry.istio) this.istio = true;
      if (entry.problem !== undefined) this.problem = entry.problem;
      if (entry.gatewayNamespace !== undefined) this.gatewayNamespaces.add(entry.gatewayNamespace);
      if (entry.sidecarNamespace !== undefined) this.workloadSidecarNamespaces.add(entry.sidecarNamespace);
      if (entry.namespace) {
        declared.push(entry);
        this.namespaces.set(entry.namespace.name, entry.namespace.labels);
        this.declaredNamespaces.add(entry.namespace.name);
      }
      if (entry.policy) {
        this.policyList.push(entry.policy);
        push(policiesByNs, entry.policy.ns, entry.policy);
      }
      if (entry.mesh) {
        if (entry.obj.manifest.kind === 'PeerAuthentication') {
          push(peerAuthByNs, entry.mesh.ns, entry.mesh);
        } else {
          this.meshPolicies.push(entry.mesh);
          push(meshByNs, entry.mesh.ns, entry.mesh);
        }
      }
      if (entry.workloads) {
        for (const w of entry.workloads) {
          if (this.byId.has(w.id)) this.problem = `two workloads are ${w.id}`;
          this.byId.set(w.id, w);
          this.workloads.push(w);
          push(this.byNs, w.ns, w);
          if (!this.namespaces.has(w.ns)) this.namespaces.set(w.ns, { [METADATA_NAME]: w.ns });
        }
        this.byObject.set(entry.obj, entry.workloads);
      } else if (entry.role !== 'none') {
        this.others.push(entry.obj);
      }
    };
    const read = (o: SideObject) => {
      const prefix = plainPrefix(o);
      if (prefix !== undefined) plain(o, prefix);
      else add(readEntry(o, ix), true);
    };
    if (reuse === undefined) {
      for (const o of objects) read(o);
    } else {
      // The other side's view of the unchanged objects (its order; nothing here depends on the
      // order but the first object of each group, and any object of a group stands for it), then
      // this side's changed objects.
      const twin = reuse.index;
      for (const e of twin.entryList) if (!reuse.changed.has(e.obj.key)) add(e, false);
      for (const [prefix, o] of twin.firstOfGroup) if (!reuse.changed.has(o.key)) plain(o, prefix);
      for (const o of objects) read(o);
      // A group the other side's first object of which changed: any unchanged object of it here.
      for (const prefix of twin.firstOfGroup.keys()) {
        if (this.firstOfGroup.has(prefix)) continue;
        for (const o of ix.objects.values()) {
          if (apiVersionPrefix(o.manifest) === prefix) { plain(o, prefix); break; }
        }
      }
    }
    // Namespace objects come first in the analyzer's view: a Namespace read after workloads of its namespace wins.
    for (const e of declared) this.namespaces.set(e.namespace!.name, e.namespace!.labels);
    // Per namespace, the twin's selector index serves when the lists are the same (shared) items.
    const indexes = <T extends { readonly selector?: Selector }>(lists: Map<string, T[]>, into: Map<string, SelectorIndex<T>>,
      twin: Map<string, SelectorIndex<T>> | undefined, name: string) => {
      for (const [ns, list] of lists) {
        const before = reuse?.index.lists.get(`${name}\u0000${ns}`);
        const same = before !== undefined && before.length === list.length && before.every((t, i) => t === list[i]);
        into.set(ns, same && twin?.get(ns) ? twin.get(ns)! : new SelectorIndex(list, (p) => p.selector));
        this.lists.set(`${name}\u0000${ns}`, list);
      }
    };
    indexes(policiesByNs, this.policies, reuse?.index.policies, 'policies');
    indexes(meshByNs, this.meshIndex, reuse?.index.meshIndex, 'mesh');
    indexes(peerAuthByNs, this.peerAuthIndex, reuse?.index.peerAuthIndex, 'peerAuth');
  }

  /**
   * Whether an object other than a workload must stay in every analysis of this side whatever is
   * kept: it shapes the whole graph (address classes, endpoints the analyzer adds, external hosts),
   * or it may apply to endpoints the analyzer adds. Cached per object (the same on both sides: a
   * difference in what it reads makes the diff run in full).
   */
  public fixedInput(o: SideObject): boolean {
    const e = this.entryOf(o.key)!;
    if (e.keep === undefined) e.keep = shapesGraph(this, e, o);
    return e.keep;
  }

  /** What the view read of the object of a key (this side's changed objects here, the unchanged ones in the other side's view). */
  private entryOf(key: string): Entry | undefined {
    const own = this.entries.get(key);
    if (own !== undefined || this.reuse === undefined || this.reuse.changed.has(key)) return own;
    return this.reuse.index.entryOf(key);
  }

  /** The Istio AuthorizationPolicies and PeerAuthentications that apply to a workload. */
  public meshObjectsOf(w: Workload): SideObject[] {
    const pas = [...(this.peerAuthIndex.get(w.ns)?.matching(w.labels) ?? [])];
    if (w.ns !== this.root) pas.push(...(this.peerAuthIndex.get(this.root)?.matching(w.labels) ?? []));
    return [...this.meshPoliciesOf(w), ...pas].map((p) => p.obj);
  }

  /** How the analysis reads an object of this side. */
  public role(o: SideObject): Role {
    return roleOf(o, this.byObject.has(o));
  }

  /** Whether a namespace has a Namespace object, or else workloads (an ordered pass must finish first: call after construction). */
  public isKnown(ns: string): boolean {
    return this.namespaces.has(ns);
  }

  public inNamespace(ns: string): readonly Workload[] {
    return this.byNs.get(ns) ?? [];
  }

  /** The workloads of namespace `ns` a pod selector selects. */
  public select(ns: string, selector: unknown): Workload[] {
    return this.selectParsed(ns, parseSelector(selector ?? {}));
  }

  /** The workloads of namespace `ns` a parsed selector selects (through a label index). */
  private selectParsed(ns: string, sel: Selector): Workload[] {
    let candidates: readonly Workload[] = this.inNamespace(ns);
    for (const k of Object.keys(sel.matchLabels)) {
      let index = this.byLabel.get(ns);
      if (index === undefined) {
        index = new Map();
        for (const w of this.inNamespace(ns)) for (const l of Object.keys(w.labels)) push(index, `${l}\u0000${w.labels[l]}`, w);
        this.byLabel.set(ns, index);
      }
      candidates = index.get(`${k}\u0000${sel.matchLabels[k]}`) ?? [];
      break;
    }
    return candidates.filter((w) => selectorMatches(sel, w.labels));
  }

  /** Whether a NetworkPolicy peer of a policy in `ns` matches a workload (the analyzer's peerNodes). */
  private peerMatches(peer: any, ns: string, w: Workload): boolean {
    if (!peer || typeof peer !== 'object' || peer.ipBlock) return false;
    let p = this.parsed.get(peer);
    if (p === undefined) {
      const hasNs = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
      const namespaces = hasNs ? parseSelector(peer.namespaceSelector) : undefined;
      p = { pods: parseSelector(peer.podSelector ?? {}), namespaces, pinned: namespaces ? pinnedNamespaces(namespaces) : undefined };
      this.parsed.set(peer, p);
    }
    if (p.namespaces === undefined) return w.ns === ns && selectorMatches(p.pods, w.labels);
    if (p.pinned && !p.pinned.includes(w.ns)) return false;
    return selectorMatches(p.pods, w.labels) && selectorMatches(p.namespaces, this.namespaces.get(w.ns) ?? { [METADATA_NAME]: w.ns });
  }

  /** The NetworkPolicies selecting a workload (of its namespace). */
  public policiesOf(w: Workload): Policy[] {
    let list = this.selecting.get(w.id);
    if (list === undefined) {
      list = this.policies.get(w.ns)?.matching(w.labels, false) ?? [];
      this.selecting.set(w.id, list);
    }
    return list;
  }

  /** Whether `owner`'s policies of one direction may let `peer` through (on some port). */
  private lets(owner: Workload, direction: 'ingress' | 'egress', peer: Workload | undefined): boolean {
    const policies = this.policiesOf(owner).filter((p) => p[direction]);
    if (policies.length === 0) return true;
    for (const p of policies) {
      for (const peers of direction === 'ingress' ? p.from : p.to) {
        if (peers === 'all') return true;
        if (peer && peers.some((x) => this.peerMatches(x, p.ns, peer))) return true;
      }
    }
    return false;
  }

  /** Whether a direction of a workload lets every peer through (not isolated, or a rule open to every peer). */
  private open(w: Workload, direction: 'ingress' | 'egress'): boolean {
    const policies = this.policiesOf(w).filter((p) => p[direction]);
    return policies.length === 0 || policies.some((p) => (direction === 'ingress' ? p.from : p.to).includes('all'));
  }

  /** The workloads `w`'s policies of one direction name (or every workload when that direction is open). */
  private named(w: Workload, direction: 'ingress' | 'egress'): readonly Workload[] {
    if (this.open(w, direction)) return this.workloads;
    const out = new Set<Workload>();
    for (const p of this.policiesOf(w)) {
      if (!p[direction]) continue;
      for (const peers of direction === 'ingress' ? p.from : p.to) {
        for (const peer of peers as any[]) {
          if (!peer || typeof peer !== 'object' || peer.ipBlock) continue;
          const candidates = peer.namespaceSelector === undefined || peer.namespaceSelector === null ? this.inNamespace(p.ns) : this.workloads;
          for (const c of candidates) if (this.peerMatches(peer, p.ns, c)) out.add(c);
        }
      }
    }
    return [...out];
  }

  /** Workloads whose egress lets every destination through (not isolated, or a rule open to every peer). */
  private openSenders(): Set<Workload> {
    if (this.openEgress === undefined) {
      const out = new Set<Workload>();
      for (const [ns, list] of this.byNs) {
        const everyPodIsolated = this.policyList.some((p) => p.ns === ns && p.egress && p.selector.empty);
        if (!everyPodIsolated) for (const w of list) if (!this.policiesOf(w).some((p) => p.egress)) out.add(w);
      }
      for (const p of this.policyList) {
        if (p.egress && p.to.includes('all')) for (const w of this.selectParsed(p.ns, p.selector)) out.add(w);
      }
      this.openEgress = out;
    }
    return this.openEgress;
  }

  /**
   * The egress peers (of every policy) that may match a workload with these labels. With a twin,
   * its index serves the unchanged policies and only this side's changed ones are indexed here.
   */
  private egressPeersFor(labels: Record<string, string>): EgressPeer[] {
    this.expectLabels([labels]);
    const out: EgressPeer[] = [];
    const add = (index: EgressIndex, skip?: ReadonlySet<string>) => {
      const take = (e: EgressPeer) => { if (!skip?.has(e.policy.obj.key)) out.push(e); };
      index.always.forEach(take);
      for (const k of Object.keys(labels)) index.byPair.get(`${k}\u0000${labels[k]}`)?.forEach(take);
    };
    add(this.egressPeers!);
    if (this.reuse) {
      this.reuse.index.expectLabels([labels]);
      add(this.reuse.index.egressPeers!, this.reuse.changed);
    }
    return out;
  }

  /**
   * Makes the egress index hold what `sendersTo` reads for workloads with these labels: the index
   * holds only the peers under label pairs asked for so far (most peers name workloads no change
   * touched), and is built again when a new pair comes. Say every receiver first (one build).
   */
  public expectLabels(labels: ReadonlyArray<Record<string, string>>): void {
    let grown = this.egressPeers === undefined;
    for (const l of labels) {
      for (const k of Object.keys(l)) {
        const pair = `${k}\u0000${l[k]}`;
        if (!this.egressPairs.has(pair)) { this.egressPairs.add(pair); grown = true; }
      }
    }
    if (!grown) return;
    const policies = this.reuse ? this.policyList.filter((p) => this.reuse!.changed.has(p.obj.key)) : this.policyList;
    this.egressPeers = egressIndexOf(policies, this.egressPairs);
  }

  /** Workloads that can have a path to `d` (a superset): senders whose egress may reach it, if `d`'s ingress may admit them, and the senders its mesh policies name. */
  public sendersTo(d: Workload): Workload[] {
    const candidates = new Set<Workload>(this.openSenders());
    const peers = this.egressPeersFor(d.labels);
    const policies = new Set<Policy>();
    for (const { peer, policy } of peers) if (!policies.has(policy) && this.peerMatches(peer, policy.ns, d)) policies.add(policy);
    for (const policy of policies) for (const s of this.selectParsed(policy.ns, policy.selector)) candidates.add(s);
    const out = new Set<Workload>();
    for (const s of candidates) if (this.lets(d, 'ingress', s)) out.add(s);
    for (const s of this.meshNamed(d)) out.add(s);
    return [...out];
  }

  /** Workloads `s` can have a path to (a superset). */
  public receiversOf(s: Workload): Workload[] {
    const out = new Set<Workload>();
    for (const d of this.named(s, 'egress')) if (this.lets(d, 'ingress', s) && this.lets(s, 'egress', d)) out.add(d);
    for (const p of this.meshPolicies) {
      if (!p.sources.some((src) => this.sourceMayName(src, s))) continue;
      const targets = p.ns === this.root ? this.workloads : this.inNamespace(p.ns);
      for (const d of targets) if (!p.selector || selectorMatches(p.selector, d.labels)) out.add(d);
    }
    return [...out];
  }

  /** The Istio policies that apply to a workload (its namespace's and the root namespace's). */
  private meshPoliciesOf(d: Workload): MeshPolicy[] {
    const own = this.meshIndex.get(d.ns)?.matching(d.labels) ?? [];
    return d.ns === this.root ? own : [...own, ...(this.meshIndex.get(this.root)?.matching(d.labels) ?? [])];
  }

  private sourceMayName(src: any, s: Workload): boolean {
    if (wildSource(src)) return true;
    if (arr(src?.namespaces).map(String).includes(s.ns)) return true;
    return arr(src?.principals).some((p) => {
      const m = PRINCIPAL.exec(String(p));
      return m !== null && m[1] === s.ns && m[2] === s.serviceAccount;
    });
  }

  /** Workloads the mesh policies of `d` name (a superset of the analyzer's namedSenders). */
  private meshNamed(d: Workload): readonly Workload[] {
    const out = new Set<Workload>();
    for (const p of this.meshPoliciesOf(d)) {
      for (const src of p.sources) {
        if (wildSource(src)) return this.workloads;
        for (const ns of arr(src?.namespaces).map(String)) for (const w of this.inNamespace(ns)) out.add(w);
        for (const pr of arr(src?.principals)) {
          const m = PRINCIPAL.exec(String(pr));
          if (m) for (const w of this.inNamespace(m[1])) if (w.serviceAccount === m[2]) out.add(w);
        }
      }
    }
    return [...out];
  }

  /** Whether a NetworkPolicy's peers may add endpoints of their own (see `addsEndpoints` of reach-shape.ts). */
  public addsEndpoints(np: any, istio: boolean = this.istio): boolean {
    return addsEndpoints(this, np, istio);
  }
}

/** The namespace the analyzer reads an object in (`default` when unset). */
export function analyzerNamespace(o: SideObject): string {
  return rawNamespace(o) || 'default';
}
