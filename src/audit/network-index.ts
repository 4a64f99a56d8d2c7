/**
 * Internal: NetworkPolicy lookups shared by the network rules, indexed so that matching every
 * workload against the policies of its namespace stays O(workloads + policies).
 */
import { AuditContext, K8sObject, asArray, isObject, selectorIsEmpty, selectorMatches } from './context';

export const NETWORKING_GROUP = 'networking.k8s.io';

export interface Directions {
  ingress: boolean;
  egress: boolean;
}

/** The policyTypes a NetworkPolicy applies to (with the API server's defaulting). */
export function policyTypes(np: K8sObject): Directions {
  const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
  const types = asArray(spec.policyTypes);
  if (types.length > 0) {
    return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  }
  return { ingress: true, egress: asArray(spec.egress).length > 0 };
}

/** Directions in which a namespace denies all traffic by default (empty podSelector, no rules). */
export function defaultDeny(ctx: AuditContext, namespace: string): Directions {
  const deny = namespacePolicies(ctx, namespace).deny;
  return { ingress: deny.ingress, egress: deny.egress };
}

interface IndexedPolicy {
  readonly selector: any;
  readonly types: Directions;
}

/** What the NetworkPolicies of a namespace say about its pods as a whole, read once per audit. */
interface NamespacePolicies {
  /** Directions in which every pod of the namespace is selected (policies with an empty podSelector). */
  readonly all: Directions;
  /** Directions in which the namespace denies all traffic by default (empty podSelector, no rules). */
  readonly deny: Directions;
  /** The policies that select some pods only. */
  readonly selecting: IndexedPolicy[];
  /** `selecting` indexed, built when a pod is not covered by `all` (a namespace with a default-deny needs none). */
  lookup?: { readonly byPair: Map<string, IndexedPolicy[]>; readonly scan: IndexedPolicy[] };
}

const NAMESPACE_POLICIES = new WeakMap<AuditContext, Map<string, NamespacePolicies>>();

function namespacePolicies(ctx: AuditContext, namespace: string): NamespacePolicies {
  let byNamespace = NAMESPACE_POLICIES.get(ctx);
  if (byNamespace === undefined) {
    byNamespace = new Map();
    NAMESPACE_POLICIES.set(ctx, byNamespace);
  }
  let found = byNamespace.get(namespace);
  if (found) return found;
  const all: Directions = { ingress: false, egress: false };
  const deny: Directions = { ingress: false, egress: false };
  const selecting: IndexedPolicy[] = [];
  for (const np of ctx.inNamespace('NetworkPolicy', namespace, NETWORKING_GROUP)) {
    const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
    const types = policyTypes(np);
    if (!selectorIsEmpty(spec.podSelector)) {
      selecting.push({ selector: spec.podSelector, types });
      continue;
    }
    all.ingress = all.ingress || types.ingress;
    all.egress = all.egress || types.egress;
    if (types.ingress && asArray(spec.ingress).length === 0) deny.ingress = true;
    if (types.egress && asArray(spec.egress).length === 0) deny.egress = true;
  }
  found = { all, deny, selecting };
  byNamespace.set(namespace, found);
  return found;
}

function pairsOf(selector: any): string[] {
  const ml = isObject(selector) && isObject(selector.matchLabels) ? selector.matchLabels : {};
  return Object.keys(ml).map(k => `${k}=${ml[k]}`);
}

/** Finds which directions of a pod (by namespace and labels) are covered by some NetworkPolicy. */
export class PolicySelectionIndex {
  constructor(private readonly ctx: AuditContext) {}

  public coverage(namespace: string, labels: { [key: string]: string }): Directions {
    const idx = namespacePolicies(this.ctx, namespace);
    const d: Directions = { ingress: idx.all.ingress, egress: idx.all.egress };
    if (d.ingress && d.egress) return d;
    const consider = (p: IndexedPolicy) => {
      if ((d.ingress || !p.types.ingress) && (d.egress || !p.types.egress)) return;
      if (selectorMatches(p.selector, labels)) {
        d.ingress = d.ingress || p.types.ingress;
        d.egress = d.egress || p.types.egress;
      }
    };
    if (idx.lookup === undefined) idx.lookup = indexSelecting(idx.selecting);
    const lookup = idx.lookup;
    for (const p of lookup.scan) consider(p);
    for (const k of Object.keys(labels)) {
      if (d.ingress && d.egress) break;
      const list = lookup.byPair.get(`${k}=${labels[k]}`);
      if (list) for (const p of list) consider(p);
    }
    return d;
  }
}

/**
 * Policies indexed by label: each under its rarest matchLabels pair (a pod it selects must carry
 * that pair); those without matchLabels are always scanned.
 */
function indexSelecting(policies: IndexedPolicy[]): { byPair: Map<string, IndexedPolicy[]>; scan: IndexedPolicy[] } {
  const byPair = new Map<string, IndexedPolicy[]>();
  const scan: IndexedPolicy[] = [];
  const frequency = new Map<string, number>();
  for (const p of policies) {
    for (const pair of pairsOf(p.selector)) frequency.set(pair, (frequency.get(pair) ?? 0) + 1);
  }
  for (const entry of policies) {
    const pairs = pairsOf(entry.selector);
    if (pairs.length === 0) {
      scan.push(entry);
      continue;
    }
    let best = pairs[0];
    for (const p of pairs) if ((frequency.get(p) ?? 0) < (frequency.get(best) ?? 0)) best = p;
    const list = byPair.get(best);
    if (list) list.push(entry);
    else byPair.set(best, [entry]);
  }
  return { byPair, scan };
}

// ---------------------------------------------------------------------------------------------
// Peers and rules of NetworkPolicies

/** One ingress or egress rule of a NetworkPolicy, with its location. */
export interface PolicyRuleView {
  readonly np: K8sObject;
  readonly direction: 'ingress' | 'egress';
  readonly rule: any;
  /** e.g. `spec.ingress[0]`. */
  readonly path: string;
  /** `from` for ingress, `to` for egress. */
  readonly peerField: 'from' | 'to';
  /** The peers (`from` or `to`; empty when absent or not a list). */
  readonly peers: any[];
  /** Whether a peer is an ipBlock with a cidr (the rules about addresses look at no other rule). */
  readonly hasIpBlock: boolean;
}

/** Whether a peer is an ipBlock with a cidr. */
export function isIpBlockPeer(peer: any): boolean {
  return isObject(peer) && isObject(peer.ipBlock) && typeof peer.ipBlock.cidr === 'string';
}

/** A PolicyRuleView whose `path` is written out only when a message needs it. */
class RuleView implements PolicyRuleView {
  public readonly peerField: 'from' | 'to';
  public readonly peers: any[];
  public readonly hasIpBlock: boolean;

  constructor(public readonly np: K8sObject, public readonly direction: 'ingress' | 'egress', public readonly rule: any, private readonly index: number) {
    this.peerField = direction === 'ingress' ? 'from' : 'to';
    this.peers = asArray(rule[this.peerField]);
    this.hasIpBlock = this.peers.some(isIpBlockPeer);
  }

  public get path(): string {
    return `spec.${this.direction}[${this.index}]`;
  }
}

const DIRECTIONS = ['ingress', 'egress'] as const;
const NO_RULE = Object.freeze({});
const POLICY_RULES = new WeakMap<AuditContext, PolicyRuleView[]>();

/** Every rule of every NetworkPolicy, in the directions its policyTypes enforce (others are ignored by the API server). */
export function policyRules(ctx: AuditContext): PolicyRuleView[] {
  // Three rules read the same list: build it once per audit.
  const cached = POLICY_RULES.get(ctx);
  if (cached) return cached;
  const out: PolicyRuleView[] = [];
  POLICY_RULES.set(ctx, out);
  const policies = ctx.ofKind('NetworkPolicy', NETWORKING_GROUP);
  for (let p = 0; p < policies.length; p++) {
    const np = policies[p];
    const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
    const types = policyTypes(np);
    for (const direction of DIRECTIONS) {
      if (!types[direction]) continue;
      const rules = asArray(spec[direction]);
      for (let i = 0; i < rules.length; i++) out.push(new RuleView(np, direction, isObject(rules[i]) ? rules[i] : NO_RULE, i));
    }
  }
  return out;
}

/** Whether a map has an own key (without listing them). */
function hasKeys(x: object): boolean {
  for (const k in x) if (Object.prototype.hasOwnProperty.call(x, k)) return true;
  return false;
}

/**
 * How much of the label space a selector leaves out: `all` when it selects every object (empty,
 * or only `Exists` on `kubernetes.io/metadata.name`, which the API server puts on every
 * Namespace), `allBut` when it only excludes (NotIn / DoesNotExist: everything else, including
 * objects created later), `some` when it requires a label.
 */
export function selectorBreadth(selector: any, namespaces: boolean): 'all' | 'allBut' | 'some' {
  if (selector === undefined || selector === null) return 'all';
  if (!isObject(selector)) return 'some';
  if (isObject(selector.matchLabels) && hasKeys(selector.matchLabels)) return 'some';
  let excludes = false;
  for (const e of asArray(selector.matchExpressions)) {
    if (!isObject(e)) return 'some';
    if (e.operator === 'NotIn' || e.operator === 'DoesNotExist') {
      excludes = true;
    } else if (!(namespaces && e.operator === 'Exists' && e.key === 'kubernetes.io/metadata.name')) {
      return 'some';
    }
  }
  return excludes ? 'allBut' : 'all';
}

/** Why a peer admits every pod of every namespace, or undefined when it does not. */
export function allPodsPeer(peer: any): string | undefined {
  if (!isObject(peer)) return undefined;
  if (peer.ipBlock !== undefined) return undefined;
  const hasNs = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  const hasPods = peer.podSelector !== undefined && peer.podSelector !== null;
  if (!hasNs && !hasPods) return 'an empty peer ({}) selects every pod in every namespace';
  // Without a namespaceSelector a peer means pods of the policy's own namespace.
  if (!hasNs) return undefined;
  const ns = selectorBreadth(peer.namespaceSelector, true);
  if (ns === 'some') return undefined;
  const pods = hasPods ? selectorBreadth(peer.podSelector, false) : 'all';
  if (pods === 'some') return undefined;
  const nsText = ns === 'all' ? 'every namespace' : 'every namespace not excluded by its NotIn/DoesNotExist expressions';
  const podText = pods === 'all' ? 'every pod' : 'every pod not excluded by its NotIn/DoesNotExist expressions';
  return `the peer selects ${podText} in ${nsText}`;
}

/** `on all ports` / `on TCP 443, UDP 53` / `on TCP 30000-32767`. */
export function portsText(rule: any): string {
  const ports = asArray(rule.ports).filter(isObject);
  if (ports.length === 0) return 'on every port';
  const one = (p: any) => {
    const proto = typeof p.protocol === 'string' ? p.protocol : 'TCP';
    if (p.port === undefined || p.port === null) return `${proto} (every port)`;
    return `${proto} ${p.port}${typeof p.endPort === 'number' ? `-${p.endPort}` : ''}`;
  };
  return `on ${ports.map(one).join(', ')}`;
}
