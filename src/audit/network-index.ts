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
  const d: Directions = { ingress: false, egress: false };
  for (const np of ctx.inNamespace('NetworkPolicy', namespace, NETWORKING_GROUP)) {
    const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
    if (!selectorIsEmpty(spec.podSelector)) continue;
    const t = policyTypes(np);
    if (t.ingress && asArray(spec.ingress).length === 0) d.ingress = true;
    if (t.egress && asArray(spec.egress).length === 0) d.egress = true;
  }
  return d;
}

interface IndexedPolicy {
  readonly selector: any;
  readonly types: Directions;
}

interface NamespaceIndex {
  readonly all: Directions;
  readonly byPair: Map<string, IndexedPolicy[]>;
  readonly scan: IndexedPolicy[];
}

/** Finds which directions of a pod (by namespace and labels) are covered by some NetworkPolicy. */
export class PolicySelectionIndex {
  private readonly namespaces = new Map<string, NamespaceIndex>();

  constructor(private readonly ctx: AuditContext) {}

  public coverage(namespace: string, labels: { [key: string]: string }): Directions {
    const idx = this.index(namespace);
    const d: Directions = { ingress: idx.all.ingress, egress: idx.all.egress };
    const consider = (p: IndexedPolicy) => {
      if ((d.ingress || !p.types.ingress) && (d.egress || !p.types.egress)) return;
      if (selectorMatches(p.selector, labels)) {
        d.ingress = d.ingress || p.types.ingress;
        d.egress = d.egress || p.types.egress;
      }
    };
    for (const p of idx.scan) consider(p);
    for (const k of Object.keys(labels)) {
      if (d.ingress && d.egress) break;
      const list = idx.byPair.get(`${k}=${labels[k]}`);
      if (list) for (const p of list) consider(p);
    }
    return d;
  }

  private index(namespace: string): NamespaceIndex {
    let idx = this.namespaces.get(namespace);
    if (idx) return idx;
    const policies = this.ctx.inNamespace('NetworkPolicy', namespace, NETWORKING_GROUP);
    const all: Directions = { ingress: false, egress: false };
    const byPair = new Map<string, IndexedPolicy[]>();
    const scan: IndexedPolicy[] = [];
    // Index each policy under its rarest matchLabels pair: a pod it selects must carry that pair.
    const frequency = new Map<string, number>();
    const pairsOf = (selector: any): string[] => {
      const ml = isObject(selector) && isObject(selector.matchLabels) ? selector.matchLabels : {};
      return Object.keys(ml).map(k => `${k}=${ml[k]}`);
    };
    for (const np of policies) {
      const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
      for (const p of pairsOf(spec.podSelector)) frequency.set(p, (frequency.get(p) ?? 0) + 1);
    }
    for (const np of policies) {
      const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
      const types = policyTypes(np);
      if (selectorIsEmpty(spec.podSelector)) {
        all.ingress = all.ingress || types.ingress;
        all.egress = all.egress || types.egress;
        continue;
      }
      const entry: IndexedPolicy = { selector: spec.podSelector, types };
      const pairs = pairsOf(spec.podSelector);
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
    idx = { all, byPair, scan };
    this.namespaces.set(namespace, idx);
    return idx;
  }
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
}

const POLICY_RULES = new WeakMap<AuditContext, PolicyRuleView[]>();

/** Every rule of every NetworkPolicy, in the directions its policyTypes enforce (others are ignored by the API server). */
export function policyRules(ctx: AuditContext): PolicyRuleView[] {
  // Three rules read the same list: build it once per audit.
  const cached = POLICY_RULES.get(ctx);
  if (cached) return cached;
  const out: PolicyRuleView[] = [];
  POLICY_RULES.set(ctx, out);
  for (const np of ctx.ofKind('NetworkPolicy', NETWORKING_GROUP)) {
    const spec = isObject(np.manifest.spec) ? np.manifest.spec : {};
    const types = policyTypes(np);
    for (const direction of ['ingress', 'egress'] as const) {
      if (!types[direction]) continue;
      asArray(spec[direction]).forEach((rule: any, i: number) => {
        out.push({ np, direction, rule: isObject(rule) ? rule : {}, path: `spec.${direction}[${i}]`, peerField: direction === 'ingress' ? 'from' : 'to' });
      });
    }
  }
  return out;
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
  if (isObject(selector.matchLabels) && Object.keys(selector.matchLabels).length > 0) return 'some';
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
  const pods = hasPods ? selectorBreadth(peer.podSelector, false) : 'all';
  if (ns === 'some' || pods === 'some') return undefined;
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
