/**
 * Internal: CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2, the only version
 * Cilium serves them in) in the proof. On Cilium they add up with Kubernetes NetworkPolicies.
 * Upstream: docs.cilium.io "Policy Enforcement Modes", "Layer 3 Policies", "Layer 4 Policies",
 * "Using Kubernetes Constructs in Policy", "Deny Policies"; cilium/cilium pkg/policy/api/rule.go
 * (`enableDefaultDeny`), l4.go, and pkg/k8s/apis/cilium.io/utils/utils.go.
 *
 * - A policy holds one rule (`spec`), a list of rules (`specs`), or both; each rule counts.
 * - A rule applies to the pods its `endpointSelector` selects: in the policy's namespace
 *   (CiliumNetworkPolicy) or in every namespace (CiliumClusterwideNetworkPolicy). A `nodeSelector`
 *   rule (host policy) applies to nodes, which the proof does not isolate: it only ever restricts
 *   them, so leaving it out shows more paths.
 * - Default deny ("default" enforcement mode): a pod is isolated in a direction once any policy
 *   selecting it — a NetworkPolicy by its policyTypes, a Cilium rule by having rules in that
 *   direction (`ingress`/`ingressDeny`, `egress`/`egressDeny`) — enables it; a Cilium rule with
 *   `enableDefaultDeny: { egress: false }` does not. An isolated pod admits the union of the allow
 *   rules of every policy selecting it, of both kinds.
 * - Deny rules (`ingressDeny`, `egressDeny`) are ignored: Cilium drops what they match even where an
 *   allow rule admits it, so without them the proof shows more paths, never fewer.
 * - Peers: cilium-peers.ts. Ports (`toPorts`): `port` (a number, `0` = every port, or a container
 *   port's name, resolved against the destination pod), `endPort`, `protocol` TCP, UDP, SCTP or
 *   ANY (or none: all three); ICMP is not a port. A rule without `toPorts` admits every port (one
 *   with only `icmps`, none of TCP/UDP/SCTP). A `toPorts` entry without ports admits every port. L7
 *   `rules` (HTTP, Kafka, DNS, `l7proto`), `listener`, `serverNames` and TLS settings narrow
 *   traffic inside the port: read as the whole port.
 * - The agent's enforcement mode is taken to be the default one; `always` would only narrow.
 */
import { addressSets, CLUSTER_NODES_ID, fqdnId, fqdnNames, namedEntities, normaliseFqdn, Peers, rulePeers } from './cilium-peers';
import { isK8sSource, matches, NAMESPACE_KEY, peerRequirements, pinnedNamespacesOf, requirementsOf, selectSubjects, Tri } from './cilium-selectors';
import type { IntentRule } from './intent';
import { hasNamedPorts, K8s, Model, namespaceOf, Node } from './model';
import type { CompiledRule } from './network-policy';
import { PortSet } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

export { CLUSTER_NODES_ID, fqdnId } from './cilium-peers';

const KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);
export const CILIUM_API_VERSION = 'cilium.io/v2';
const MANAGED_BY = 'cdk8s-secure-baseline';
const NOT_HOSTS = new Set(['world', 'world-ipv4', 'world-ipv6', 'none']);

/** Whether an object is a Cilium policy the proof models. */
export function isCiliumPolicy(o: K8s): boolean {
  return KINDS.has(o?.kind) && o.apiVersion === CILIUM_API_VERSION;
}

/** Whether a kind is a Cilium policy kind (in any version). */
export function isCiliumPolicyKind(kind: unknown): boolean {
  return KINDS.has(kind as string);
}

/** One rule of a Cilium policy. */
export interface CiliumRule {
  readonly object: K8s;
  /** `CiliumNetworkPolicy shop/payments`, `CiliumClusterwideNetworkPolicy open specs[1]`. */
  readonly name: string;
  /** undefined: cluster-wide. */
  readonly namespace?: string;
  readonly spec: K8s;
}

function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function isObject(x: unknown): x is K8s {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

const rulesCache = new WeakMap<readonly K8s[], CiliumRule[]>();

/** The rules of every Cilium policy of the input (`spec` and each of `specs`). */
export function ciliumRules(objects: readonly K8s[]): CiliumRule[] {
  const cached = rulesCache.get(objects);
  if (cached) return cached;
  const out: CiliumRule[] = [];
  for (const o of objects) {
    if (!isCiliumPolicy(o)) continue;
    const namespace = o.kind === 'CiliumClusterwideNetworkPolicy' ? undefined : namespaceOf(o);
    const base = `${o.kind} ${namespace === undefined ? '' : `${namespace}/`}${o.metadata?.name}`;
    if (isObject(o.spec)) out.push({ object: o, name: base, namespace, spec: o.spec });
    arr(o.specs).forEach((s, i) => { if (isObject(s)) out.push({ object: o, name: `${base} specs[${i}]`, namespace, spec: s }); });
  }
  rulesCache.set(objects, out);
  return out;
}

function hasRules(spec: K8s, direction: 'ingress' | 'egress'): boolean {
  return arr(spec[direction]).length > 0 || arr(spec[`${direction}Deny`]).length > 0;
}

/** Whether a rule puts the pods it selects into default deny in a direction. */
function defaultDeny(spec: K8s, direction: 'ingress' | 'egress'): boolean {
  return hasRules(spec, direction) && spec.enableDefaultDeny?.[direction] !== false;
}

/** One `toPorts[].ports[]` entry as NetworkPolicy port entries (one per protocol). */
function portEntries(p: K8s): K8s[] {
  const proto = String(p?.protocol ?? 'ANY').toUpperCase();
  const protocols = proto === 'ANY' || proto === '' ? ['TCP', 'UDP', 'SCTP'] : ['TCP', 'UDP', 'SCTP'].includes(proto) ? [proto] : [];
  const port = String(p?.port ?? '0');
  if (!/^\d+$/.test(port)) return protocols.map((protocol) => ({ protocol, port }));
  const n = Number(port);
  if (n === 0) return protocols.map((protocol) => ({ protocol }));
  const end = typeof p.endPort === 'number' && p.endPort > n ? p.endPort : undefined;
  return protocols.map((protocol) => ({ protocol, port: n, ...(end !== undefined ? { endPort: end } : {}) }));
}

/** A rule's ports as NetworkPolicy port entries, and as a set when no entry is a named port. */
export function rulePorts(rule: K8s): { ports: K8s[]; fixed?: PortSet } {
  const toPorts = arr(rule?.toPorts);
  if (toPorts.length === 0) return arr(rule?.icmps).length > 0 ? { ports: [], fixed: PortSet.EMPTY } : { ports: [], fixed: PortSet.ALL };
  const entries: K8s[] = [];
  for (const pr of toPorts) {
    const ps = arr(pr?.ports);
    if (ps.length === 0) return { ports: [], fixed: PortSet.ALL };
    for (const p of ps) entries.push(...portEntries(p));
  }
  if (entries.length === 0) return { ports: [], fixed: PortSet.EMPTY };
  return { ports: entries, fixed: hasNamedPorts(entries) ? undefined : Model.resolvePorts(entries) };
}

/** One direction of one Cilium rule, compiled for the NetworkPolicy layer. */
export interface CiliumCompiled {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  /** Pods the rule may select: its allow rules count for them. */
  readonly subjects: readonly Node[];
  /** Pods it certainly selects and puts into default deny. */
  readonly isolates: readonly Node[];
  readonly rules: CompiledRule[];
}

/** Every Cilium rule of the model's input, per direction (see the file comment). */
export function compileCilium(model: Model): CiliumCompiled[] {
  const out: CiliumCompiled[] = [];
  for (const r of ciliumRules(model.objects)) {
    if (!isObject(r.spec.endpointSelector)) continue;
    const { may, must } = selectSubjects(model, r.spec.endpointSelector, r.namespace);
    if (may.length === 0) continue;
    const ctx = { model, namespace: r.namespace, objects: model.objects };
    for (const direction of ['ingress', 'egress'] as const) {
      if (!hasRules(r.spec, direction)) continue;
      const rules: CompiledRule[] = [];
      for (const rule of arr(r.spec[direction])) {
        const peers: Peers = rulePeers(ctx, rule, direction);
        const ports = rulePorts(rule);
        if (peers === undefined || ports.fixed?.isEmpty) continue;
        rules.push({ policy: r.name, peers: peers === 'all' ? 'all' : peers.map((n) => n.index), ports: ports.ports, fixed: ports.fixed });
      }
      out.push({ policy: r.name, direction, subjects: may, isolates: defaultDeny(r.spec, direction) ? must : [], rules });
    }
  }
  return out;
}

/** What the Cilium rules add to the model (build.ts). */
export interface CiliumNodeOptions {
  /** Hosts the intent calls by name (they are endpoints even when no policy names them). */
  readonly namedHosts: readonly string[];
  /** Adds a synthetic node. */
  readonly add: (n: Partial<Node> & { id: string; kind: Node['kind']; name: string }) => Node;
}

/**
 * The endpoints Cilium rules name beyond the manifests' workloads: one per `toFQDNs` name or
 * pattern (and per host the intent calls by name), the cluster's nodes when an entity or node
 * selector names them, and the pods of namespaces without manifests that a peer selector pins
 * (as build.ts does for NetworkPolicy peers).
 */
export function addCiliumNodes(model: Model, options: CiliumNodeOptions): void {
  const rules = ciliumRules(model.objects);
  const sections = rules.flatMap((r) => [...arr(r.spec.ingress), ...arr(r.spec.egress)]);
  for (const h of new Set([...fqdnNames(sections), ...options.namedHosts.map(normaliseFqdn)])) {
    if (model.node(fqdnId(h))) continue;
    const pattern = h.includes('*');
    options.add({ id: fqdnId(h), kind: 'ExternalHost', name: pattern ? `any host matching ${h} (whatever addresses such names resolve to)` : `${h} (whatever addresses the name resolves to)` });
  }
  if (sections.some((s) => namedEntities(s).some((e) => !NOT_HOSTS.has(e)))) {
    options.add({ id: CLUSTER_NODES_ID, kind: 'ClusterNodes', name: "the cluster's nodes and their host-network pods (Cilium's host, remote-node and health entities)" });
  }
  for (const r of rules) {
    for (const s of [...arr(r.spec.ingress), ...arr(r.spec.egress)]) {
      for (const sel of [...arr(s?.toEndpoints), ...arr(s?.fromEndpoints)]) addPinnedPods(model, options, peerRequirements(sel, r.namespace));
    }
  }
}

/** A node for the pods a peer selector pins in a namespace without manifests, unless one stands for them. */
function addPinnedPods(model: Model, options: CiliumNodeOptions, reqs: ReturnType<typeof requirementsOf>): void {
  if (reqs.some((r) => r.source === 'reserved')) return;
  for (const ns of pinnedNamespacesOf(reqs) ?? []) {
    if (model.isKnownNamespace(ns)) continue;
    model.ensureNamespace(ns);
    if (model.inNamespace(ns).some((n) => matches(model, n, reqs) !== Tri.NO)) continue;
    const labels: Record<string, string> = {};
    let serviceAccount: string | undefined;
    let anyLabels = false;
    for (const r of reqs) {
      if (r.key === NAMESPACE_KEY && isK8sSource(r)) continue;
      const single = r.operator === 'In' && r.values.length === 1 && isK8sSource(r);
      if (single && r.key === 'io.cilium.k8s.policy.serviceaccount') serviceAccount = r.values[0];
      else if (single && !r.key.startsWith('io.cilium.k8s.')) labels[r.key] = r.values[0];
      else anyLabels = true;
    }
    anyLabels ||= Object.keys(labels).length === 0;
    const desc = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
    const name = anyLabels ? (serviceAccount ?? '*') : `{${desc}}`;
    options.add({ id: `${ns}/${name}`, kind: 'ExternalWorkload', namespace: ns, name, labels, anyLabels, serviceAccount, mesh: 'unknown' });
  }
}

/** The address sets of every Cilium rule (cilium-peers.ts addressSets). */
export function ciliumAddressSets(objects: readonly K8s[]): { blocks: IpRangeSet[]; rules: IpRangeSet[] } {
  return addressSets(ciliumRules(objects).flatMap((r) => [...arr(r.spec.ingress), ...arr(r.spec.egress)]), objects);
}

/**
 * The declared graph of the CiliumNetworkPolicies the library generates (labelled
 * `app.kubernetes.io/managed-by: cdk8s-secure-baseline`, NetworkEngine.cilium()): the pods of the
 * endpointSelector call each `toFQDNs` name on the rule's ports. Their DNS rule is the namespace's
 * DNS, declared by its NetworkPolicy.
 */
export function ciliumIntent(objects: readonly K8s[]): IntentRule[] {
  const out: IntentRule[] = [];
  for (const r of ciliumRules(objects)) {
    const labels = r.spec.endpointSelector?.matchLabels;
    if (r.namespace === undefined || r.object.metadata?.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY || !isObject(labels)) continue;
    if (arr(r.spec.endpointSelector.matchExpressions).length > 0) continue;
    for (const rule of arr(r.spec.egress)) {
      for (const f of arr(rule?.toFQDNs)) {
        if (typeof f?.matchName !== 'string') continue;
        out.push({
          from: { kind: 'selector', namespace: r.namespace, podSelector: { matchLabels: { ...labels } } },
          to: { kind: 'host', host: normaliseFqdn(f.matchName) },
          ports: rulePorts(rule).ports,
          infrastructure: false,
          origin: r.name,
        });
      }
    }
  }
  return out;
}
