/**
 * An independent, deliberately naive Kubernetes NetworkPolicy (networking.k8s.io/v1) oracle.
 *
 * It decides ONE concrete packet at a time — (source pod or IP, destination pod or IP, protocol,
 * port) — by brute force over every policy, transcribing the API documentation directly. It
 * shares no code with src/ (nothing here may import from src/): no indexes, no port-set algebra,
 * no graph. Slow on purpose; the differential tests compare the analyzer against it.
 *
 * Sources (the doc comments of k8s.io/api networking/v1 types.go, as published in
 * kubernetes/api `networking/v1/types.go` and mirrored by the generated clients, e.g.
 * kubernetes-client/python `kubernetes/docs/V1NetworkPolicySpec.md`, `V1NetworkPolicyPeer.md`;
 * and the concept page https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 *
 * [S1] NetworkPolicySpec.podSelector: "selects the pods to which this NetworkPolicy object applies
 *      ... An empty podSelector matches all pods in this namespace."
 * [S2] NetworkPolicySpec.ingress: "Traffic is allowed to a pod if there are no NetworkPolicies
 *      selecting the pod ... OR if the traffic matches at least one ingress rule across all of the
 *      NetworkPolicy objects whose podSelector matches the pod. If this field is empty then this
 *      NetworkPolicy does not allow any traffic (and serves solely to ensure that the pods it
 *      selects are isolated by default)". Same for egress ("Outgoing traffic is allowed if ...").
 * [S3] NetworkPolicySpec.policyTypes: "If this field is not specified, it will default based on
 *      the existence of ingress or egress rules; policies that contain an egress section are
 *      assumed to affect egress, and all policies (whether or not they contain an ingress section)
 *      are assumed to affect ingress." (The API server applies this default when the list is empty.)
 * [S4] NetworkPolicyIngressRule.ports / .from (and egress .ports / .to): "If this field is empty or
 *      missing, this rule matches all ports / all sources (destinations)... If this field is present
 *      and contains at least one item, this rule allows traffic only if the traffic matches at
 *      least one item in the list." The traffic must match both ports and from/to.
 * [S5] NetworkPolicyPeer.podSelector: "if present but empty, it selects all pods. If
 *      namespaceSelector is also set, then the NetworkPolicyPeer as a whole selects the pods
 *      matching podSelector in the Namespaces selected by NamespaceSelector. Otherwise it selects
 *      the pods matching podSelector in the policy's own namespace."
 *      NetworkPolicyPeer.namespaceSelector: "if present but empty, it selects all namespaces. ...
 *      Otherwise it selects all pods in the namespaces selected by namespaceSelector."
 *      NetworkPolicyPeer.ipBlock: "If this field is set then neither of the other fields can be."
 * [S6] IPBlock: "describes a particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64") that is allowed
 *      to the pods matched by a NetworkPolicySpec's podSelector. The except entry describes CIDRs
 *      that should not be included within this rule." Concept page: ipBlock "selects particular IP
 *      CIDR ranges to allow as ingress sources or egress destinations. These should be
 *      cluster-external IPs, since Pod IPs are ephemeral and unpredictable." — this oracle (like the
 *      analyzer's documented model) lets ipBlocks match cluster-external addresses only, never pods.
 * [S7] NetworkPolicyPort.protocol: "protocol represents the protocol (TCP, UDP, or SCTP) which
 *      traffic must match. If not specified, this field defaults to TCP."
 *      .port: "This can either be a numerical or named port on a pod. If this field is not
 *      provided, this matches all port names and numbers. If present, only traffic on the
 *      specified protocol AND port will be matched."
 *      .endPort: "the range of ports from port to endPort if set, inclusive, should be allowed ...
 *      cannot be defined if the port field is not defined or if the port field is defined as a
 *      named (string) port."
 *      A named port is resolved against the container ports of the pod it names (the destination
 *      pod): it matches a packet whose port is the containerPort of a container port with that name
 *      and the rule's protocol (the upstream e2e suite's pods name theirs `serve-80-tcp`).
 * [S8] Concept page: "For a connection from a source pod to a destination pod to be allowed, both
 *      the egress policy on the source pod and the ingress policy on the destination pod need to
 *      allow the connection."
 * [S9] LabelSelector (apimachinery meta/v1): matchLabels and matchExpressions are ANDed; operators
 *      In, NotIn, Exists, DoesNotExist; NotIn / DoesNotExist match objects without the key.
 *      Namespaces carry the immutable label `kubernetes.io/metadata.name` = their name.
 */

import { ciliumSide, isCiliumPolicy } from './cilium-oracle';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface OracleContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One pod (or every replica of one workload: same namespace, labels and ports). */
export interface OraclePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly ports: OracleContainerPort[];
  /** The pod's ServiceAccount (Cilium selects by it); `default` when unset. */
  readonly serviceAccount?: string;
}

export type OracleEndpoint = { readonly pod: OraclePod } | { readonly ip: string };

export interface OraclePacket {
  readonly src: OracleEndpoint;
  readonly dst: OracleEndpoint;
  readonly protocol: Protocol;
  readonly port: number;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod'];

export class NetpolOracle {
  /**
   * Reads Namespaces, simple workloads (one pod template each; a bare Pod is its own pod) and
   * NetworkPolicies from manifests, and Cilium policies (cilium-oracle.ts), which Cilium enforces
   * alongside them. Workloads are named `namespace/name` like the analyzer's nodes.
   */
  public static fromManifests(objects: any[]): NetpolOracle {
    const nsLabels = new Map<string, Record<string, string>>();
    const pods: OraclePod[] = [];
    const policies: any[] = [];
    const cilium: any[] = [];
    for (const o of objects) {
      if (!o || typeof o !== 'object') continue;
      if (isCiliumPolicy(o)) { cilium.push(o); continue; }
      if (o.kind === 'Namespace') {nsLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}) });} else if (o.kind === 'NetworkPolicy') {policies.push(o);} else if (WORKLOAD_KINDS.includes(o.kind)) {
        const template = o.kind === 'Pod' ? o : o.spec.template;
        const ports: OracleContainerPort[] = [];
        for (const c of template.spec?.containers ?? []) {
          for (const p of c.ports ?? []) ports.push({ name: p.name, port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol });
        }
        pods.push({
          namespace: o.metadata.namespace ?? 'default',
          name: o.metadata.name,
          labels: { ...(template.metadata?.labels ?? {}) },
          ports,
          serviceAccount: template.spec?.serviceAccountName ?? 'default',
        });
      }
    }
    return new NetpolOracle(nsLabels, pods, policies, cilium);
  }

  constructor(
    /** Namespace name -> its labels (without the automatic metadata.name label). */
    private readonly namespaceLabels: Map<string, Record<string, string>>,
    public readonly pods: OraclePod[],
    public readonly policies: any[],
    /** CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies (cilium.io/v2). */
    public readonly ciliumPolicies: any[] = [],
  ) {}

  /** The labels a namespace carries: its own plus `kubernetes.io/metadata.name` [S9]. */
  public labelsOfNamespace(name: string): Record<string, string> {
    return { ...(this.namespaceLabels.get(name) ?? {}), [METADATA_NAME]: name };
  }

  public pod(id: string): OraclePod {
    const p = this.pods.find((x) => `${x.namespace}/${x.name}` === id);
    if (!p) throw new Error(`no pod ${id}`);
    return p;
  }

  /** Whether the packet is allowed: the source's egress AND the destination's ingress [S8]. */
  public allowed(packet: OraclePacket): boolean {
    return this.egressAllows(packet) && this.ingressAllows(packet);
  }

  /** The source side. Only pods are subject to NetworkPolicy egress; an external source is not. */
  public egressAllows(packet: OraclePacket): boolean {
    if (!('pod' in packet.src)) return true;
    return this.sideAllows(packet.src.pod, 'Egress', packet.dst, packet);
  }

  /** The destination side. An external destination has no ingress policy. */
  public ingressAllows(packet: OraclePacket): boolean {
    if (!('pod' in packet.dst)) return true;
    return this.sideAllows(packet.dst.pod, 'Ingress', packet.src, packet);
  }

  private sideAllows(self: OraclePod, direction: 'Ingress' | 'Egress', peer: OracleEndpoint, packet: OraclePacket): boolean {
    let isolated = false;
    for (const policy of this.policies) {
      const ns = policy.metadata?.namespace ?? 'default';
      const spec = policy.spec ?? {};
      // [S1] a policy only applies to pods of its own namespace that its podSelector selects.
      if (ns !== self.namespace) continue;
      if (!selectorMatches(spec.podSelector ?? {}, self.labels)) continue;
      if (!policyTypes(spec).includes(direction)) continue;
      isolated = true;
      const rules: any[] = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
      for (const rule of rules) {
        const peers = direction === 'Ingress' ? rule?.from : rule?.to;
        if (this.peersMatch(peers, ns, peer) && portsMatch(rule?.ports, packet)) return true;
      }
    }
    // Cilium's policies add up with NetworkPolicies (cilium-oracle.ts [C2]).
    const c = ciliumSide(this.ciliumPolicies, self, direction, peer, packet, (n) => this.labelsOfNamespace(n));
    if (c.allowed) return true;
    // [S2] not isolated in this direction: everything is allowed.
    return !isolated && !c.isolated;
  }

  /** [S4] absent or empty list: every peer; otherwise OR across the items. */
  private peersMatch(peers: any[] | undefined, policyNs: string, ep: OracleEndpoint): boolean {
    if (peers === undefined || peers === null || peers.length === 0) return true;
    return peers.some((p) => this.peerMatches(p, policyNs, ep));
  }

  /** [S5][S6] one peer. */
  private peerMatches(peer: any, policyNs: string, ep: OracleEndpoint): boolean {
    if (peer.ipBlock) {
      if (!('ip' in ep)) return false; // [S6] ipBlocks name cluster-external addresses, not pods
      const ip = parseIp(ep.ip);
      if (!cidrHas(peer.ipBlock.cidr, ip)) return false;
      return !(peer.ipBlock.except ?? []).some((e: string) => cidrHas(e, ip));
    }
    if (!('pod' in ep)) return false; // pod/namespace selectors select pods only
    const pod = ep.pod;
    if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) {
      if (pod.namespace !== policyNs) return false;
    } else if (!selectorMatches(peer.namespaceSelector, this.labelsOfNamespace(pod.namespace))) {
      return false;
    }
    if (peer.podSelector === undefined || peer.podSelector === null) return true;
    return selectorMatches(peer.podSelector, pod.labels);
  }
}

/** [S3] policyTypes with the API server's default. */
export function policyTypes(spec: any): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  const out = ['Ingress'];
  if (Array.isArray(spec.egress) && spec.egress.length > 0) out.push('Egress');
  return out;
}

/** [S4][S7] absent or empty: every port; otherwise OR across the items. */
function portsMatch(ports: any[] | undefined, packet: OraclePacket): boolean {
  if (ports === undefined || ports === null || ports.length === 0) return true;
  return ports.some((p) => portMatches(p, packet));
}

function portMatches(p: any, packet: OraclePacket): boolean {
  const protocol = p.protocol ?? 'TCP';
  if (protocol !== packet.protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port === 'number') {
    if (p.endPort !== undefined && p.endPort !== null) return packet.port >= p.port && packet.port <= p.endPort;
    return packet.port === p.port;
  }
  // a named port: the destination pod's container port of that name and protocol [S7]
  if (!('pod' in packet.dst)) return false;
  return packet.dst.pod.ports.some((cp) => cp.name === p.port && cp.protocol === protocol && cp.port === packet.port);
}

/** [S9] label selector semantics. */
export function selectorMatches(sel: any, labels: Record<string, string>): boolean {
  for (const key of Object.keys(sel.matchLabels ?? {})) {
    if (labels[key] !== sel.matchLabels[key]) return false;
  }
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// --- IP addresses ------------------------------------------------------------------------------

export interface Ip {
  /** 4 or 6. */
  readonly family: number;
  readonly value: bigint;
}

/**
 * Parses an IPv4 or IPv6 address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4
 * address a.b.c.d: a dual-stack socket that connects to it sends IPv4 packets to a.b.c.d.
 */
export function parseIp(text: string): Ip {
  const s = text.trim().toLowerCase();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) {
    let v = 0n;
    for (const part of s.split('.')) {
      const n = Number(part);
      if (n > 255) throw new Error(`bad IPv4 ${text}`);
      v = v * 256n + BigInt(n);
    }
    return { family: 4, value: v };
  }
  const mapped = /^(?:(?:0{1,4}:){5}|::(?:0{1,4}:){0,4})ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) return parseIp(mapped[1]);
  let head = s;
  let tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) { head = s.slice(0, dbl); tail = s.slice(dbl + 2); }
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = dbl >= 0 ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) throw new Error(`bad IPv6 ${text}`);
  let v = 0n;
  for (const g of groups) v = v * 65536n + BigInt(parseInt(g || '0', 16));
  return { family: 6, value: v };
}

/** Whether `ip` lies in `cidr` (same family only). */
export function cidrHas(cidr: string, ip: Ip): boolean {
  const [addr, len] = cidr.split('/');
  const base = parseIp(addr);
  if (base.family !== ip.family) return false;
  const bits = base.family === 4 ? 32 : 128;
  // a network written in IPv4-mapped IPv6 form (::ffff:a.b.c.d/120) is the IPv4 network /(120-96)
  const prefix = base.family === 4 && addr.includes(':') ? Math.max(0, Number(len) - 96) : Number(len);
  const shift = BigInt(bits - prefix);
  const size = 2n ** shift;
  return base.value / size === ip.value / size;
}
