/**
 * Internal: the peers of one CiliumNetworkPolicy rule (cilium.io/v2 `egress[]` / `ingress[]`),
 * as model nodes. Upstream: docs.cilium.io "Layer 3 Policies" (Endpoints, Services, Entities,
 * Node, IP/CIDR and DNS based), cilium/cilium pkg/policy/api (rule.go, egress.go, ingress.go,
 * entity.go) and pkg/k8s/apis/cilium.io/utils/utils.go.
 *
 * - L3 fields of one rule are ORed. A rule without any (only `toPorts` or `icmps`) admits every
 *   peer, world included; an empty rule (`{}`) admits nothing (it only puts the pods into default
 *   deny). `toRequires`/`fromRequires` and `authentication` only narrow: ignored (more paths).
 * - `toEndpoints`/`fromEndpoints`: cilium-selectors.ts; a selector on `reserved:` labels names
 *   entities.
 * - Entities: `world` (and `world-ipv4`, `world-ipv6`): every address class (internet, CIDR
 *   classes, metadata endpoints, API server); `cluster`: every pod, the cluster's nodes and the API
 *   server (`kube-apiserver` below); `host`, `remote-node`, `health`: the cluster's nodes; `kube-apiserver`: the API
 *   server's endpoints when known, else every address class and the nodes; `init`, `unmanaged`:
 *   every pod and the nodes (any pod may be either); `ingress` (Cilium's Envoy, which forwards
 *   what clients inside and outside send), `all` and any entity we do not know: everything;
 *   `none`: nothing.
 * - `toCIDR`, `toCIDRSet` (`except`, `cidrGroupRef` resolved through CiliumCIDRGroup objects of
 *   the input, else every address class), `fromCIDR`, `fromCIDRSet`: address classes, never pods.
 * - `toFQDNs`: `matchName` → an endpoint named after the host (`api.stripe.com (by name)`);
 *   `matchPattern` → an endpoint named after the pattern plus every address class (a pattern
 *   matches names anybody may create, resolving anywhere).
 * - `toServices`: the pods a Service of the input selects (in a namespace the manifests
 *   describe); `default/kubernetes`: the API server; any other Service (selector-less, unknown):
 *   everything.
 * - `toNodes`/`fromNodes`: the cluster's nodes; `toGroups`/`fromGroups` (cloud security groups):
 *   every address class.
 */
import { isPodNode, peerRequirements, requirementsOf, selectPeerPods } from './cilium-selectors';
import { K8s, Model, Node, parseSelector, selectorMatches } from './model';
import { groupOf } from '../manifest/objects';
import { IpRangeSet } from '../private/ip-ranges';

/** The id of the endpoint standing for the cluster's nodes (host network). */
export const CLUSTER_NODES_ID = 'cluster nodes';

/** The id of the endpoint a `toFQDNs` name or pattern stands for. */
export function fqdnId(name: string): string {
  return `${normaliseFqdn(name)} (by name)`;
}

export function normaliseFqdn(name: string): string {
  return String(name).toLowerCase().replace(/\.$/, '');
}

/** 'all': every node; a list: those nodes; undefined: the rule admits nothing. */
export type Peers = 'all' | Node[] | undefined;

/** What resolving a rule needs besides the rule: the model, the policy's namespace, the input. */
export interface PeerContext {
  readonly model: Model;
  /** undefined: a cluster-wide policy. */
  readonly namespace?: string;
  readonly objects: readonly K8s[];
}

const WORLD = new Set(['world', 'world-ipv4', 'world-ipv6']);
const NODES_ONLY = new Set(['host', 'remote-node', 'health']);
const PODS_AND_NODES = new Set(['init', 'unmanaged']);

const EGRESS_L3 = ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes'];
const INGRESS_L3 = ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes'];

function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

/** Every address class (the internet, CIDR classes, metadata endpoints, the API server). */
function addresses(model: Model): Node[] {
  return model.cidrNodes;
}

function clusterNodes(model: Model): Node[] {
  const n = model.node(CLUSTER_NODES_ID);
  return n ? [n] : [];
}

function allPods(model: Model): Node[] {
  return model.nodes.filter(isPodNode);
}

function apiServer(model: Model): Node[] {
  const api = model.cidrNodes.filter((n) => n.kind === 'ApiServer');
  return api.length > 0 ? api : [...addresses(model), ...clusterNodes(model)];
}

/** The nodes an entity stands for ('all': everything). */
export function entityPeers(model: Model, entity: string): 'all' | Node[] {
  if (WORLD.has(entity)) return addresses(model);
  if (NODES_ONLY.has(entity)) return clusterNodes(model);
  if (PODS_AND_NODES.has(entity)) return [...allPods(model), ...clusterNodes(model)];
  if (entity === 'cluster') return [...allPods(model), ...new Set([...clusterNodes(model), ...apiServer(model)])];
  if (entity === 'kube-apiserver') return apiServer(model);
  if (entity === 'none') return [];
  return 'all';
}

/** Entities a rule section names (for the nodes endpoint): entities and reserved selector labels. */
export function namedEntities(rule: K8s): string[] {
  const out = [...arr(rule?.toEntities), ...arr(rule?.fromEntities)].map(String);
  for (const sel of [...arr(rule?.toEndpoints), ...arr(rule?.fromEndpoints)]) {
    for (const r of requirementsOf(sel)) if (r.source === 'reserved') out.push(r.key);
  }
  if (arr(rule?.toNodes).length > 0 || arr(rule?.fromNodes).length > 0) out.push('host');
  return out;
}

/** A peer selector: entities for `reserved:` labels, else pods. */
function endpointPeers(ctx: PeerContext, sel: unknown): 'all' | Node[] {
  const reqs = requirementsOf(sel);
  const reserved = reqs.filter((r) => r.source === 'reserved');
  if (reserved.length > 0) {
    if (reserved.some((r) => r.operator !== 'In')) return 'all';
    const out: Node[] = [];
    for (const r of reserved) {
      const e = entityPeers(ctx.model, r.key);
      if (e === 'all') return 'all';
      out.push(...e);
    }
    return out;
  }
  return ctx.model.cached(sel, ctx.namespace ?? '', 'cilium-peer', () => selectPeerPods(ctx.model, peerRequirements(sel, ctx.namespace)));
}

/** The address classes of one CIDR (with except); every class when it cannot be read. */
function cidrPeers(model: Model, cidr: unknown, except: unknown): Node[] {
  const ex = arr(except).map(String);
  return IpRangeSet.fromIpBlock(String(cidr), ex) ? model.selectCidrs(String(cidr), ex) : addresses(model);
}

/** The CIDRs of a CiliumCIDRGroup of the input; undefined when there is none. */
function cidrGroup(objects: readonly K8s[], name: unknown): string[] | undefined {
  const g = objects.find((o) => o?.kind === 'CiliumCIDRGroup' && groupOf(o.apiVersion) === 'cilium.io' && o.metadata?.name === name);
  return g ? arr(g.spec?.externalCIDRs).map(String) : undefined;
}

function cidrSetPeers(ctx: PeerContext, entry: K8s): Node[] {
  if (entry?.cidr !== undefined) return cidrPeers(ctx.model, entry.cidr, entry.except);
  const cidrs = entry?.cidrGroupRef !== undefined ? cidrGroup(ctx.objects, entry.cidrGroupRef) : undefined;
  if (!cidrs) return addresses(ctx.model);
  return cidrs.flatMap((c) => cidrPeers(ctx.model, c, entry.except));
}

function fqdnPeers(model: Model, entry: K8s): Node[] {
  if (typeof entry?.matchName === 'string') {
    const n = model.node(fqdnId(entry.matchName));
    return n ? [n] : addresses(model);
  }
  const n = typeof entry?.matchPattern === 'string' ? model.node(fqdnId(entry.matchPattern)) : undefined;
  return [...(n ? [n] : []), ...addresses(model)];
}

/** The pods behind a `toServices` entry; 'all' when the Service is not a selector-based one of the input. */
function servicePeers(ctx: PeerContext, entry: K8s): 'all' | Node[] {
  const { model } = ctx;
  const byName = entry?.k8sService;
  const bySelector = entry?.k8sServiceSelector;
  const ns = String((byName ?? bySelector)?.namespace || ctx.namespace || '');
  if (byName && ns === 'default' && byName.serviceName === 'kubernetes') return apiServer(model);
  if (!ns || !model.isKnownNamespace(ns) || (!byName && !bySelector)) return 'all';
  const services = ctx.objects.filter((o) => o?.kind === 'Service' && o.apiVersion === 'v1' && (o.metadata?.namespace || 'default') === ns
    && (byName ? o.metadata?.name === byName.serviceName : selectorMatches(parseSelector(bySelector.selector ?? {}), stringMap(o.metadata?.labels))));
  if (byName && services.length === 0) return 'all';
  const out: Node[] = [];
  for (const s of services) {
    const selector = stringMap(s.spec?.selector);
    if (Object.keys(selector).length === 0) return 'all';
    out.push(...model.selectPods(ns, parseSelector({ matchLabels: selector })));
  }
  return out;
}

function stringMap(x: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (x && typeof x === 'object' && !Array.isArray(x)) for (const [k, v] of Object.entries(x)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The peers of one rule (see the file comment). */
export function rulePeers(ctx: PeerContext, rule: K8s, direction: 'ingress' | 'egress'): Peers {
  const fields = direction === 'egress' ? EGRESS_L3 : INGRESS_L3;
  if (!fields.some((f) => arr(rule?.[f]).length > 0)) {
    const requires = arr(rule?.[direction === 'egress' ? 'toRequires' : 'fromRequires']).length > 0;
    return arr(rule?.toPorts).length > 0 || arr(rule?.icmps).length > 0 || requires ? 'all' : undefined;
  }
  const { model } = ctx;
  const out = new Set<Node>();
  const add = (p: 'all' | Node[]): boolean => {
    if (p === 'all') return true;
    for (const n of p) out.add(n);
    return false;
  };
  const to = direction === 'egress' ? 'to' : 'from';
  for (const sel of arr(rule[`${to}Endpoints`])) if (add(endpointPeers(ctx, sel))) return 'all';
  for (const e of arr(rule[`${to}Entities`])) if (add(entityPeers(model, String(e)))) return 'all';
  for (const c of arr(rule[`${to}CIDR`])) add(cidrPeers(model, c, []));
  for (const c of arr(rule[`${to}CIDRSet`])) add(cidrSetPeers(ctx, c));
  if (arr(rule[`${to}Nodes`]).length > 0) add(clusterNodes(model));
  if (arr(rule[`${to}Groups`]).length > 0) add(addresses(model));
  if (direction === 'egress') {
    for (const f of arr(rule.toFQDNs)) add(fqdnPeers(model, f));
    for (const s of arr(rule.toServices)) if (add(servicePeers(ctx, s))) return 'all';
  }
  return [...out];
}

/** The names and patterns of every `toFQDNs` of the rules, normalised. */
export function fqdnNames(rules: readonly K8s[]): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    for (const f of arr(r?.toFQDNs)) {
      const name = typeof f?.matchName === 'string' ? f.matchName : typeof f?.matchPattern === 'string' ? f.matchPattern : undefined;
      if (name) out.add(normaliseFqdn(name));
    }
  }
  return [...out].sort();
}

/**
 * The address sets of the rules, for the partition of the address space: every CIDR (with its
 * except) alone (`blocks`), and per rule their union (`rules`: the API server's classes that every
 * rule treats alike are merged, build.ts).
 */
export function addressSets(rules: readonly K8s[], objects: readonly K8s[]): { blocks: IpRangeSet[]; rules: IpRangeSet[] } {
  const blocks: IpRangeSet[] = [];
  const perRule: IpRangeSet[] = [];
  for (const r of rules) {
    let union = IpRangeSet.EMPTY;
    const push = (cidr: unknown, except: unknown) => {
      const b = IpRangeSet.fromIpBlock(String(cidr), arr(except).map(String));
      if (b) { blocks.push(b); union = union.union(b); }
    };
    for (const to of ['to', 'from']) {
      for (const c of arr(r?.[`${to}CIDR`])) push(c, []);
      for (const e of arr(r?.[`${to}CIDRSet`])) {
        if (e?.cidr !== undefined) push(e.cidr, e.except);
        else for (const c of cidrGroup(objects, e?.cidrGroupRef) ?? []) push(c, e?.except);
      }
    }
    if (!union.isEmpty) perRule.push(union);
  }
  return { blocks, rules: perRule };
}
