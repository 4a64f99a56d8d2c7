/**
 * An independent, deliberately naive oracle for CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy (cilium.io/v2), for one packet at a time. Like netpol-oracle.ts
 * it imports nothing from src/. It covers what the differential tests generate: endpointSelector,
 * fromEndpoints/toEndpoints, fromCIDR/toCIDR, fromCIDRSet/toCIDRSet (with except),
 * fromEntities/toEntities world and all, toPorts (port, endPort, protocol, named ports),
 * enableDefaultDeny, `spec` and `specs`.
 *
 * Sources (cilium/cilium, transcribed):
 * [C1] Documentation/security/policy/intro.rst, default mode: "If any rule selects an Endpoint and
 *      the rule has an ingress section, the endpoint goes into default deny at ingress" (egress
 *      likewise). pkg/policy/api/rule.go EnableDefaultDeny: "If not specified, the default is true
 *      for each traffic direction that has rules ... If multiple policies apply to an endpoint,
 *      that endpoint's default deny will be enabled if any policy requests it."
 * [C2] Allowed = the union of the allow rules of every policy selecting the endpoint, Kubernetes
 *      NetworkPolicies included (Cilium enforces both); both the sender's egress and the receiver's
 *      ingress must allow (layer3.rst "policy must be configured on both sides").
 * [C3] kubernetes.rst: a CiliumNetworkPolicy's endpointSelector "always applies to pods of the
 *      namespace which is associated with the CiliumNetworkPolicy resource itself"; the pod's
 *      identity carries `k8s:io.kubernetes.pod.namespace`, its ServiceAccount
 *      `io.cilium.k8s.policy.serviceaccount` and its namespace's labels
 *      `io.cilium.k8s.namespace.labels.<key>`. A key without a source, or with `any:`, matches a
 *      label of any source; `k8s:` one of source k8s.
 * [C4] pkg/k8s/apis/cilium.io/utils/utils.go getEndpointSelector: a peer selector without the
 *      namespace key is limited to the policy's namespace (unless it names namespace labels); in a
 *      cluster-wide policy it gets `io.kubernetes.pod.namespace Exists` (pods only).
 * [C5] layer3.rst entities: "world ... Allowing to world is identical to allowing to CIDR
 *      0.0.0.0/0"; "all ... whitelists all communication". CIDR rules never match pods.
 * [C6] layer4.rst: a rule with toPorts and no L3 applies "to any layer 3 destination"; protocol
 *      "If omitted or empty, any protocol matches"; endPort makes a range; port "0" any port. An
 *      empty rule (`egress: [{}]`, examples/policies/l3/egress-default-deny) only puts the
 *      endpoint into default deny.
 */
import { cidrHas, OracleEndpoint, OraclePacket, OraclePod, parseIp } from './netpol-oracle';

const KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'];
const NS_KEY = 'io.kubernetes.pod.namespace';

export function isCiliumPolicy(o: any): boolean {
  return KINDS.includes(o?.kind) && o.apiVersion === 'cilium.io/v2';
}

/** The rules of a policy with the namespace it applies in (undefined: cluster-wide). */
function rulesOf(policy: any): Array<{ ns?: string; spec: any }> {
  const ns = policy.kind === 'CiliumNetworkPolicy' ? policy.metadata?.namespace ?? 'default' : undefined;
  const specs = [...(policy.spec ? [policy.spec] : []), ...(policy.specs ?? [])];
  return specs.map((spec: any) => ({ ns, spec }));
}

/** [C3] the identity labels of a pod, as `source:key` → value. */
function identity(pod: OraclePod, nsLabels: (ns: string) => Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(pod.labels)) out.set(`k8s:${k}`, v);
  out.set(`k8s:${NS_KEY}`, pod.namespace);
  out.set('k8s:io.cilium.k8s.policy.serviceaccount', pod.serviceAccount ?? 'default');
  for (const [k, v] of Object.entries(nsLabels(pod.namespace))) out.set(`k8s:io.cilium.k8s.namespace.labels.${k}`, v);
  return out;
}

/** [C3] the value of a selector key (`name`, `any:name`, `k8s:name`) in an identity. */
function lookup(labels: Map<string, string>, key: string): string | undefined {
  const colon = key.indexOf(':');
  const source = colon < 0 ? 'any' : key.slice(0, colon);
  const name = colon < 0 ? key : key.slice(colon + 1);
  if (source === 'any') return labels.get(`k8s:${name}`);
  return labels.get(`${source}:${name}`);
}

function selectorMatches(sel: any, labels: Map<string, string>): boolean {
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (lookup(labels, k) !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const v = lookup(labels, e.key);
    const values: string[] = e.values ?? [];
    if (e.operator === 'In' && !(v !== undefined && values.includes(v))) return false;
    if (e.operator === 'NotIn' && v !== undefined && values.includes(v)) return false;
    if (e.operator === 'Exists' && v === undefined) return false;
    if (e.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

function keysOf(sel: any): string[] {
  return [...Object.keys(sel?.matchLabels ?? {}), ...(sel?.matchExpressions ?? []).map((e: any) => String(e.key))]
    .map((k) => (k.includes(':') ? k.slice(k.indexOf(':') + 1) : k));
}

/** [C4] whether a peer selector selects a pod. */
function peerSelects(sel: any, policyNs: string | undefined, pod: OraclePod, labels: Map<string, string>): boolean {
  if (!selectorMatches(sel, labels)) return false;
  const keys = keysOf(sel);
  if (keys.includes(NS_KEY)) return true;
  if (policyNs === undefined) return true; // every pod has a namespace label
  if (keys.some((k) => k.startsWith('io.cilium.k8s.namespace.labels.'))) return true;
  return pod.namespace === policyNs;
}

/** [C6] one toPorts entry against the packet (named ports: the destination pod's). */
function portMatches(p: any, packet: OraclePacket): boolean {
  const proto = String(p.protocol ?? 'ANY').toUpperCase();
  if (proto !== 'ANY' && proto !== packet.protocol) return false;
  const port = String(p.port ?? '0');
  if (/^\d+$/.test(port)) {
    const n = Number(port);
    if (n === 0) return true;
    const end = typeof p.endPort === 'number' && p.endPort > n ? p.endPort : n;
    return packet.port >= n && packet.port <= end;
  }
  if (!('pod' in packet.dst)) return false;
  return packet.dst.pod.ports.some((cp) => cp.name === port && cp.port === packet.port && (proto === 'ANY' || cp.protocol === proto));
}

function portsMatch(rule: any, packet: OraclePacket): boolean {
  const toPorts: any[] = rule.toPorts ?? [];
  if (toPorts.length === 0) return true;
  return toPorts.some((pr) => (pr.ports ?? []).length === 0 || pr.ports.some((p: any) => portMatches(p, packet)));
}

/** [C5][C6] whether a rule's L3 part admits the peer. */
function peerMatches(rule: any, dir: 'Ingress' | 'Egress', policyNs: string | undefined, peer: OracleEndpoint, labelsOf: (p: OraclePod) => Map<string, string>): boolean {
  const f = dir === 'Egress' ? 'to' : 'from';
  const endpoints: any[] = rule[`${f}Endpoints`] ?? [];
  const cidrs: any[] = [...(rule[`${f}CIDR`] ?? []).map((c: string) => ({ cidr: c })), ...(rule[`${f}CIDRSet`] ?? [])];
  const entities: string[] = rule[`${f}Entities`] ?? [];
  if (endpoints.length + cidrs.length + entities.length === 0) return (rule.toPorts ?? []).length > 0;
  if (entities.includes('all')) return true;
  if ('ip' in peer) {
    if (entities.includes('world')) return true;
    const ip = parseIp(peer.ip);
    return cidrs.some((c) => cidrHas(c.cidr, ip) && !(c.except ?? []).some((e: string) => cidrHas(e, ip)));
  }
  return endpoints.some((sel) => peerSelects(sel, policyNs, peer.pod, labelsOf(peer.pod)));
}

/** What the Cilium policies say about one side of a packet: isolated, and allowed. */
export function ciliumSide(policies: any[], self: OraclePod, direction: 'Ingress' | 'Egress', peer: OracleEndpoint, packet: OraclePacket,
  nsLabels: (ns: string) => Record<string, string>): { isolated: boolean; allowed: boolean } {
  const labelsOf = (p: OraclePod) => identity(p, nsLabels);
  const own = labelsOf(self);
  const key = direction === 'Ingress' ? 'ingress' : 'egress';
  let isolated = false;
  let allowed = false;
  for (const policy of policies) {
    for (const { ns, spec } of rulesOf(policy)) {
      if (ns !== undefined && ns !== self.namespace) continue; // [C3]
      if (!spec.endpointSelector || !selectorMatches(spec.endpointSelector, own)) continue;
      const rules: any[] = spec[key] ?? [];
      if (rules.length > 0 && spec.enableDefaultDeny?.[key] !== false) isolated = true; // [C1]
      if (rules.some((r) => peerMatches(r, direction, ns, peer, labelsOf) && portsMatch(r, packet))) allowed = true; // [C2]
    }
  }
  return { isolated, allowed };
}
