/**
 * Internal: Kubernetes NetworkPolicy semantics (networking.k8s.io/v1).
 *
 * - A pod is isolated for a direction once any policy of its namespace that selects it has that
 *   policyType (`policyTypes` defaults to Ingress, plus Egress when the policy has egress rules).
 * - What an isolated direction allows is the union of the rules of every policy selecting it.
 * - A connection needs both the sender's egress and the receiver's ingress.
 * - Absent/empty `from`/`to`: every peer. Absent `ports`: every port and protocol.
 * - Peer: `namespaceSelector` absent = the policy's own namespace, `{}` = every namespace;
 *   podSelector + namespaceSelector in one peer = AND; several peers = OR. `ipBlock` matches
 *   exactly its `cidr` minus its `except`s, as address nodes (pods are not matched by ipBlocks).
 *   The address space is partitioned along every ipBlock's boundaries (build.ts), so each
 *   address node is either inside or outside each ipBlock. IPv4-mapped IPv6 is IPv4 and `::/0`
 *   contains all IPv4 (see private/ip-ranges.ts).
 * - Named ports resolve against the destination pod's container ports; `endPort` makes a range.
 * - Host-network pods (`hostNetwork: true`) are not selected by NetworkPolicies: nothing isolates
 *   them. Their traffic carries a node address, which an ipBlock may hold (node addresses are not
 *   in the manifests): as a peer, a host-network pod gets the ports of every rule naming an ipBlock
 *   besides those of rules open to every peer or whose selectors match its labels (kubernetes.io
 *   "Network Policies": what happens to host-network pods is up to the plugin; most treat their
 *   traffic as the node's, which selectors do not match; counting both errs towards a path).
 *
 * Every policy's selectors are evaluated once against the label index; per pod, the rules of the
 * policies selecting it are unioned into a map peer -> ports.
 *
 * Cilium's own policies (cilium.ts) add up with NetworkPolicies: their rules join the same sides.
 * An endpoint allowed by name (`toFQDNs`) is only ever a destination.
 */
import { compileCilium } from './cilium';
import { CLUSTER_NODES_ID } from './cilium-peers';
import { hasNamedPorts, K8s, Model, Node, parseSelector, pinnedNamespaces, resolvePort } from './model';
import { PortSet } from './ports';

export interface CompiledRule {
  readonly policy: string;
  /** 'all': every peer; otherwise node indexes. */
  readonly peers: 'all' | readonly number[];
  /** Whether a peer is an ipBlock (which may hold the node addresses of host-network pods). */
  readonly addresses?: boolean;
  readonly ports: any[] | undefined;
  /** Ports when they do not depend on the target (no named ports). */
  readonly fixed?: PortSet;
}

interface Side {
  isolated: boolean;
  policies: string[];
  /** peer index -> ports (rules naming that peer). */
  map: Map<number, PortSet>;
  /** Rules open to every peer. */
  open: CompiledRule[];
  /** Rules naming this peer with named ports (resolved per target). */
  named: Map<number, CompiledRule[]>;
  /** Rules naming an ipBlock: they may admit host-network pods (node addresses). */
  addresses: CompiledRule[];
}

export function isNetworkPolicy(o: K8s): boolean {
  return o?.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1';
}

/** policyTypes with the API server's defaulting. */
export function policyTypesOf(spec: K8s): { ingress: boolean; egress: boolean } {
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : undefined;
  if (types && types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: Array.isArray(spec.egress) && spec.egress.length > 0 };
}

/** Nodes a NetworkPolicy peer matches, for a policy in namespace `ns` (read-only: the list may be shared). */
export function peerNodes(model: Model, peer: K8s, ns: string): Node[] {
  if (!peer || typeof peer !== 'object') return [];
  return model.cached(peer, ns, 'peer', () => selectPeer(model, peer, ns));
}

function selectPeer(model: Model, peer: K8s, ns: string): Node[] {
  if (peer.ipBlock) return model.selectCidrs(String(peer.ipBlock.cidr), Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except.map(String) : []);
  const podSel = parseSelector(peer.podSelector ?? {});
  if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) return model.selectPods(ns, podSel);
  const nsSel = parseSelector(peer.namespaceSelector);
  const out: Node[] = [];
  for (const name of model.selectNamespaces(nsSel)) out.push(...model.selectPods(name, podSel));
  // A selector that does not pin namespace names may also match namespaces we cannot see.
  if (!pinnedNamespaces(nsSel) && model.unknownPods) out.push(model.unknownPods);
  return out;
}

/** The L3/L4 layer: per sender egress and per receiver ingress. */
export class NetworkPolicyLayer {
  private readonly egress: Side[];
  private readonly ingress: Side[];
  /** destination -> egress-isolated senders that name it. */
  private readonly reverseEgress = new Map<number, number[]>();
  /** Senders that may reach any destination through some rule (not isolated, or an open rule). */
  private readonly openSenders: number[] = [];
  /** Host-network workloads. */
  private readonly hostNetwork: number[] = [];
  /** Egress-isolated senders with a rule naming an ipBlock (which may reach host-network pods). */
  private readonly addressSenders: number[] = [];
  public readonly policyCount: number;
  /** The index of Cilium's node for the cluster's nodes, when there is one. */
  private readonly clusterNodes?: number;

  constructor(private readonly model: Model) {
    this.clusterNodes = model.nodes.find((x) => x.id === CLUSTER_NODES_ID)?.index;
    const n = model.nodes.length;
    const side = (): Side => ({ isolated: false, policies: [], map: new Map(), open: [], named: new Map(), addresses: [] });
    this.egress = Array.from({ length: n }, side);
    this.ingress = Array.from({ length: n }, side);
    const policies = model.objects.filter(isNetworkPolicy);
    this.policyCount = policies.length;
    for (const np of policies) this.compile(np);
    for (const c of compileCilium(model)) {
      const sides = c.direction === 'ingress' ? this.ingress : this.egress;
      this.apply(sides, c.subjects, c.policy, c.rules);
      for (const pod of c.isolates) sides[pod.index].isolated = true;
    }
    for (const node of model.nodes) {
      const e = this.egress[node.index];
      if (node.kind === 'ExternalHost') continue;
      if (node.hostNetwork) this.hostNetwork.push(node.index);
      if (!this.isolates(node, e) || e.open.length > 0) this.openSenders.push(node.index);
      else if (e.addresses.length > 0) this.addressSenders.push(node.index);
      for (const d of [...e.map.keys(), ...e.named.keys()]) {
        const list = this.reverseEgress.get(d);
        if (list) list.push(node.index);
        else this.reverseEgress.set(d, [node.index]);
      }
    }
  }

  private compile(np: K8s): void {
    const ns = np.metadata?.namespace ?? 'default';
    const spec = np.spec ?? {};
    const name = `${ns}/${np.metadata?.name}`;
    const selected = this.model.cached(spec.podSelector, ns, 'policy', () => this.model.selectPods(ns, parseSelector(spec.podSelector ?? {})))
      .filter((x) => x.managed && x.namespace === ns);
    if (selected.length === 0) return;
    const types = policyTypesOf(spec);
    const compileRules = (rules: any[] | undefined, key: 'from' | 'to'): CompiledRule[] => (Array.isArray(rules) ? rules : []).map((r) => {
      const peersJson = r?.[key];
      let peers: 'all' | number[] = 'all';
      if (Array.isArray(peersJson) && peersJson.length > 0) {
        const set = new Set<number>();
        for (const p of peersJson) for (const x of peerNodes(this.model, p, ns)) set.add(x.index);
        peers = [...set];
      }
      const addresses = peers !== 'all' && peersJson.some((p: any) => p && typeof p === 'object' && p.ipBlock);
      return { policy: name, peers, addresses, ports: r?.ports, fixed: hasNamedPorts(r?.ports) ? undefined : Model.resolvePorts(r?.ports) };
    });
    const isolate = (sides: Side[]) => { for (const pod of selected) sides[pod.index].isolated = true; };
    if (types.ingress) { isolate(this.ingress); this.apply(this.ingress, selected, name, compileRules(spec.ingress, 'from')); }
    if (types.egress) { isolate(this.egress); this.apply(this.egress, selected, name, compileRules(spec.egress, 'to')); }
  }

  /** Adds a policy's rules to the sides of the pods it selects. */
  private apply(sides: Side[], selected: readonly Node[], name: string, rules: readonly CompiledRule[]): void {
    for (const pod of selected) {
      const s = sides[pod.index];
      s.policies.push(name);
      for (const r of rules) {
        if (r.peers === 'all') { s.open.push(r); continue; }
        // Cilium: host-network pods are the host and remote-node entities (the cluster's nodes).
        if (r.addresses || (this.clusterNodes !== undefined && r.peers.includes(this.clusterNodes))) s.addresses.push(r);
        for (const peer of r.peers) {
          if (r.fixed) {s.map.set(peer, (s.map.get(peer) ?? PortSet.EMPTY).union(r.fixed));} else {
            const list = s.named.get(peer);
            if (list) list.push(r);
            else s.named.set(peer, [r]);
          }
        }
      }
    }
  }

  /** Ports `sender` may send to `target` on, by the sender's egress policies. `portsOf` resolves named ports. */
  public egressPorts(sender: Node, target: Node): PortSet {
    return this.sidePorts(sender, this.egress[sender.index], target, target);
  }

  /** Ports `target` admits from `sender` on, by the target's ingress policies. */
  public ingressPorts(target: Node, sender: Node): PortSet {
    return this.sidePorts(target, this.ingress[target.index], sender, target);
  }

  /** Whether a direction of a node is isolated (host-network pods never are). */
  private isolates(owner: Node, s: Side): boolean {
    return owner.managed && s.isolated && !owner.hostNetwork;
  }

  private sidePorts(owner: Node, s: Side, peer: Node, portsOf: Node): PortSet {
    if (!this.isolates(owner, s)) return PortSet.ALL;
    let out = s.map.get(peer.index) ?? PortSet.EMPTY;
    for (const r of s.named.get(peer.index) ?? []) out = out.union(rulePorts(r, portsOf));
    for (const r of s.open) out = out.union(rulePorts(r, portsOf));
    if (peer.hostNetwork) for (const r of s.addresses) out = out.union(rulePorts(r, portsOf));
    return out;
  }

  /** L3/L4: both the sender's egress and the target's ingress. */
  public allowed(sender: Node, target: Node): PortSet {
    if (sender.kind === 'ExternalHost') return PortSet.EMPTY;
    const e = this.egressPorts(sender, target);
    if (e.isEmpty) return e;
    return e.intersect(this.ingressPorts(target, sender));
  }

  public isIsolated(node: Node, direction: 'ingress' | 'egress'): boolean {
    return this.isolates(node, (direction === 'ingress' ? this.ingress : this.egress)[node.index]);
  }

  public policiesOf(node: Node, direction: 'ingress' | 'egress'): string[] {
    return (direction === 'ingress' ? this.ingress : this.egress)[node.index].policies;
  }

  /** Senders that may reach `target` at L3/L4 (a superset, to be checked with `allowed`). */
  public candidateSenders(target: Node): Iterable<number> {
    const s = this.ingress[target.index];
    if (this.isolates(target, s) && s.open.length === 0) {
      return [...s.map.keys(), ...s.named.keys(), ...(s.addresses.length > 0 ? this.hostNetwork : [])];
    }
    return new Set([...(this.reverseEgress.get(target.index) ?? []), ...this.openSenders, ...(target.hostNetwork ? this.addressSenders : [])]);
  }
}

function rulePorts(r: CompiledRule, target: Node): PortSet {
  if (r.fixed) return r.fixed;
  let out = PortSet.EMPTY;
  for (const p of r.ports ?? []) out = out.union(resolvePort(p, target));
  return out;
}

