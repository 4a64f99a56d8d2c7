/**
 * Effective RBAC: what each binding really grants, and to whom — roles resolved by reference
 * (from the input, else from the API server's bootstrap roles), aggregated ClusterRoles filled as
 * the aggregation controller fills them, and subjects matched to identities as the RBAC authorizer
 * matches them (upstream `plugin/pkg/auth/authorizer/rbac/rbac.go` appliesToUser and
 * `pkg/controller/clusterroleaggregation`). Shared by the audit rules, the RBAC proof and `who-can`.
 */
import { BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-roles';
import { PolicyRuleLike } from './policy-rule';
import { AuditContext, K8sObject, asArray, isObject } from '../audit/context';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Where a role's rules come from. */
export interface RoleSource {
  readonly kind: string;
  readonly name: string;
  /** For a Role. */
  readonly namespace?: string;
  /** The object in the input, if there is one. */
  readonly obj?: K8sObject;
  /** One of the API server's bootstrap ClusterRoles. */
  readonly builtIn: boolean;
}

/** One PolicyRule of a resolved role. */
export interface ResolvedRule {
  readonly rule: PolicyRuleLike;
  /** The role whose `rules[index]` this is (for an aggregated role: the role it was aggregated from). */
  readonly source: RoleSource;
  readonly index: number;
}

/** A binding subject, with a ServiceAccount's namespace defaulted as the authorizer does. */
export interface BindingSubject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** What one RoleBinding or ClusterRoleBinding grants. */
export interface BindingGrant {
  readonly binding: K8sObject;
  /** The referenced role; undefined when it is neither in the input nor built in. */
  readonly role?: RoleSource;
  readonly roleRef: { readonly kind: string; readonly name: string };
  /** The namespace the grant holds in; undefined for a ClusterRoleBinding (every namespace, and cluster-scoped objects). */
  readonly namespace?: string;
  readonly rules: readonly ResolvedRule[];
  readonly subjects: readonly BindingSubject[];
}

/** An authenticated identity: a user name and its groups. */
export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
}

/** The identity a ServiceAccount's token authenticates as. */
export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

/** Whether a binding subject applies to an identity (RBAC's appliesToUser). */
export function subjectApplies(subject: BindingSubject, identity: Identity): boolean {
  switch (subject.kind) {
    case 'User': return subject.name === identity.user;
    case 'Group': return identity.groups.includes(subject.name);
    case 'ServiceAccount':
      return subject.namespace !== undefined && subject.namespace !== ''
        && identity.user === `system:serviceaccount:${subject.namespace}:${subject.name}`;
    default: return false;
  }
}

/** The identity key a subject matches (a ServiceAccount is its user name), as subjectApplies reads it. */
function subjectKey(s: BindingSubject): string | undefined {
  switch (s.kind) {
    case 'User': return `User|${s.name}`;
    case 'Group': return `Group|${s.name}`;
    case 'ServiceAccount':
      return s.namespace !== undefined && s.namespace !== '' ? `User|system:serviceaccount:${s.namespace}:${s.name}` : undefined;
    default: return undefined;
  }
}

/** A label selector as Kubernetes evaluates it (matchLabels and matchExpressions; `{}` selects everything). */
export function selectorMatches(selector: any, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of asArray(selector.matchExpressions)) {
    if (!isObject(e) || typeof e.key !== 'string') return false;
    const values = asArray(e.values).filter((x: unknown) => typeof x === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

interface ClusterRoleEntry {
  readonly source: RoleSource;
  readonly labels: Record<string, string>;
  readonly selectors?: unknown[];
  readonly rules: ResolvedRule[];
}

function ownRules(source: RoleSource, rules: unknown): ResolvedRule[] {
  const out: ResolvedRule[] = [];
  asArray(rules).forEach((rule: any, index: number) => {
    if (isObject(rule)) out.push({ rule, source, index });
  });
  return out;
}

const GRAPHS = new WeakMap<AuditContext, RbacGraph>();

/** The effective RBAC of one object set. */
export class RbacGraph {
  /** The graph of an audit context, built once. */
  public static of(ctx: AuditContext): RbacGraph {
    let g = GRAPHS.get(ctx);
    if (!g) {
      g = new RbacGraph(ctx);
      GRAPHS.set(ctx, g);
    }
    return g;
  }

  public readonly bindings: BindingGrant[] = [];
  /** Bindings by the identity key their subjects match (`User|name`, `Group|name`). */
  private readonly bySubject = new Map<string, BindingGrant[]>();
  private readonly clusterRoles = new Map<string, ClusterRoleEntry>();
  private readonly resolved = new Map<string, ResolvedRule[]>();
  private readonly roles = new Map<string, K8sObject>();

  private constructor(ctx: AuditContext) {
    for (const b of BOOTSTRAP_CLUSTER_ROLES) {
      const source: RoleSource = { kind: 'ClusterRole', name: b.name, builtIn: true };
      this.clusterRoles.set(b.name, {
        source,
        labels: { ...(b.labels ?? {}) },
        selectors: b.aggregateFrom?.map((matchLabels) => ({ matchLabels })),
        rules: ownRules(source, b.rules),
      });
    }
    for (const obj of ctx.ofKind('ClusterRole', RBAC_GROUP)) {
      const builtIn = this.clusterRoles.get(obj.name);
      const source: RoleSource = { kind: 'ClusterRole', name: obj.name, obj, builtIn: builtIn !== undefined };
      const agg = isObject(obj.manifest.aggregationRule) ? asArray(obj.manifest.aggregationRule.clusterRoleSelectors) : undefined;
      // The API server reconciles a bootstrap role it finds changed by adding back what it lacks:
      // the effective role is the union of both.
      this.clusterRoles.set(obj.name, {
        source,
        labels: { ...(builtIn?.labels ?? {}), ...obj.labels },
        selectors: agg !== undefined || builtIn?.selectors !== undefined ? [...(builtIn?.selectors ?? []), ...(agg ?? [])] : undefined,
        rules: [...(builtIn?.rules ?? []), ...ownRules(source, obj.manifest.rules)],
      });
    }
    for (const obj of ctx.ofKind('Role', RBAC_GROUP)) this.roles.set(`${obj.namespace !== '' ? obj.namespace : 'default'}|${obj.name}`, obj);
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      for (const b of ctx.ofKind(kind, RBAC_GROUP)) this.bindings.push(this.bindingGrant(b));
    }
    for (const g of this.bindings) {
      for (const s of g.subjects) {
        const key = subjectKey(s);
        if (key === undefined) continue;
        const list = this.bySubject.get(key) ?? [];
        if (!list.includes(g)) list.push(g);
        this.bySubject.set(key, list);
      }
    }
  }

  /** The rules of a ClusterRole as the cluster would hold them (aggregation applied); undefined if unknown. */
  public clusterRoleRules(name: string): ResolvedRule[] | undefined {
    const entry = this.clusterRoles.get(name);
    if (!entry) return undefined;
    return this.resolve(entry);
  }

  /** The ClusterRole entry's source (input object or built in). */
  public clusterRole(name: string): RoleSource | undefined {
    return this.clusterRoles.get(name)?.source;
  }

  /** Whether the ClusterRole takes its rules from an aggregationRule. */
  public isAggregated(name: string): boolean {
    return this.clusterRoles.get(name)?.selectors !== undefined;
  }

  /** The grants that apply to an identity, in binding order. */
  public grantsTo(identity: Identity): BindingGrant[] {
    const keys = [`User|${identity.user}`, ...identity.groups.map((g) => `Group|${g}`)];
    const found = new Set<BindingGrant>();
    for (const key of keys) for (const g of this.bySubject.get(key) ?? []) found.add(g);
    return this.bindings.filter((g) => found.has(g));
  }

  /**
   * An aggregated role holds the rules of every ClusterRole its selectors pick (never itself), and
   * those roles hold what their own selectors pick: the rules of everything reachable.
   */
  private resolve(entry: ClusterRoleEntry): ResolvedRule[] {
    if (entry.selectors === undefined) return entry.rules;
    const name = entry.source.name;
    const cached = this.resolved.get(name);
    if (cached) return cached;
    const names = [...this.clusterRoles.keys()].sort();
    const seen = new Set<string>([name]);
    const queue: ClusterRoleEntry[] = [entry];
    const out: ResolvedRule[] = [...entry.rules];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (current.selectors === undefined) continue;
      for (const other of names) {
        if (seen.has(other) || other === current.source.name) continue;
        const candidate = this.clusterRoles.get(other)!;
        if (current.selectors.some((s) => selectorMatches(s, candidate.labels))) {
          seen.add(other);
          out.push(...candidate.rules);
          queue.push(candidate);
        }
      }
    }
    this.resolved.set(name, out);
    return out;
  }

  private bindingGrant(b: K8sObject): BindingGrant {
    const ref = isObject(b.manifest.roleRef) ? b.manifest.roleRef : {};
    const roleRef = { kind: String(ref.kind ?? ''), name: String(ref.name ?? '') };
    // kubectl puts an object without metadata.namespace into the namespace of its context, the
    // default one here (as the workload rule does for pods).
    const namespace = b.kind === 'RoleBinding' ? (b.namespace !== '' ? b.namespace : 'default') : undefined;
    const subjects: BindingSubject[] = asArray(b.manifest.subjects).filter(isObject).map((s: any) => ({
      kind: String(s.kind ?? ''),
      name: String(s.name ?? ''),
      ...(s.kind === 'ServiceAccount'
        ? { namespace: typeof s.namespace === 'string' && s.namespace !== '' ? s.namespace : namespace }
        : {}),
    }));
    let role: RoleSource | undefined;
    let rules: ResolvedRule[] = [];
    if (roleRef.kind === 'ClusterRole') {
      const entry = this.clusterRoles.get(roleRef.name);
      if (entry) {
        role = entry.source;
        rules = this.resolve(entry);
      }
    } else if (roleRef.kind === 'Role' && namespace !== undefined) {
      const obj = this.roles.get(`${namespace}|${roleRef.name}`);
      if (obj) {
        role = { kind: 'Role', name: obj.name, namespace, obj, builtIn: false };
        rules = ownRules(role, obj.manifest.rules);
      }
    }
    return { binding: b, role, roleRef, namespace, rules, subjects };
  }
}
