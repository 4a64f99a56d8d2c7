/**
 * The RBAC proof: for every subject of the input — each subject of every binding, every
 * ServiceAccount a workload runs as and every ServiceAccount object — the dangerous capabilities
 * of the risk model it holds, where (a namespace, or cluster-wide), through which binding and role,
 * with which access, and whether the app declared each one: the audit rule's acknowledgement on the
 * role or binding it comes from, which is what the constructs write for a grant given with a reason.
 * Built only on the shared model (graph, risk model, capabilities). Pure: no I/O; every list is in
 * a deterministic order.
 */
import { HeldRisk, bindsClusterAdmin, isAcknowledged, isClusterAdminAcknowledged, risksOfGrant } from './capabilities';
import { BindingGrant, Identity, RbacGraph, RoleSource, serviceAccountIdentity, subjectApplies } from './graph';
import { RBAC_RISKS } from './risk-model';
import { AuditContext } from '../audit/context';
import { podServiceAccount } from '../audit/rule';
import { RuleIds } from '../audit/rule-ids';

/** A subject of the input: a ServiceAccount (with its namespace), a User or a Group. */
export interface ProofSubject {
  readonly kind: string;
  readonly name: string;
  /** For a ServiceAccount. */
  readonly namespace?: string;
}

/** The pseudo-capability of a cluster-admin binding: every capability of the model. */
export const CLUSTER_ADMIN_CAPABILITY = 'cluster-admin';

/** One column of the proof: a capability of the model, in table order (cluster-admin first). */
export interface CapabilityColumn {
  readonly capability: string;
  readonly title: string;
  readonly ruleIds: readonly string[];
}

/** One way a subject holds a capability: one binding, the role its rules come from, the access. */
export interface CapabilityGrant {
  /** The namespace the binding holds in; undefined: cluster-wide. */
  readonly namespace?: string;
  /** `RoleBinding "shop/api-edit"`. */
  readonly binding: string;
  /** Where the binding was read from: `construct "app/shop/rb"`, `x.yaml document 2`. */
  readonly location: string;
  /** `ClusterRole "edit" (built in)`. */
  readonly role: string;
  /** The role the rules come from when it is not the bound one (aggregation): `ClusterRole "x"`. */
  readonly rulesFrom?: string;
  /** The binding's subject that applies when it is not the subject itself: `Group system:serviceaccounts:shop`. */
  readonly via?: string;
  /** `create, get on pods/exec`, sorted. */
  readonly access: readonly string[];
  readonly ruleIds: readonly string[];
  /** Acknowledged on the role or binding it comes from. */
  readonly declared: boolean;
}

/** One capability a subject holds, and every way it holds it. */
export interface CapabilityHolding {
  readonly capability: string;
  readonly title: string;
  readonly ruleIds: readonly string[];
  /** Every grant of it is declared. */
  readonly declared: boolean;
  readonly grants: readonly CapabilityGrant[];
}

/** What one subject holds. */
export interface SubjectProof {
  readonly subject: ProofSubject;
  /** `ServiceAccount shop/api`, `Group system:masters`, `User alice`. */
  readonly label: string;
  /** Workloads running as the ServiceAccount: `Deployment shop/api`. */
  readonly workloads: readonly string[];
  /** cluster-admin first, then in the model's order. */
  readonly capabilities: readonly CapabilityHolding[];
  /** The capabilities held through at least one undeclared grant. */
  readonly undeclared: readonly string[];
  /** Holds cluster-admin somewhere: every capability of the model. */
  readonly clusterAdmin: boolean;
}

/** The proof over one object set. */
export interface RbacProof {
  /** Every subject of the input, sorted by kind, namespace and name. */
  readonly subjects: readonly SubjectProof[];
  /** The columns: cluster-admin, then every capability of the model. */
  readonly columns: readonly CapabilityColumn[];
  readonly bindings: number;
}

/** `ServiceAccount shop/api`, `Group system:masters`. */
export function subjectLabel(s: ProofSubject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}

/** `ClusterRole "edit" (built in)`, `Role "shop/reader"`. */
export function roleLabel(kind: string, name: string, source: RoleSource | undefined): string {
  const where = source?.namespace !== undefined && source.namespace !== '' ? `${source.namespace}/` : '';
  const note = source === undefined ? ' (not in the input and not built in)' : source.builtIn && source.obj === undefined ? ' (built in)' : source.builtIn ? ' (built in, changed by the input)' : '';
  return `${kind} "${where}${name}"${note}`;
}

/** `RoleBinding "shop/api-edit"`. */
export function bindingLabel(grant: BindingGrant): string {
  const b = grant.binding;
  return `${b.kind} "${b.namespace !== '' ? `${b.namespace}/` : ''}${b.name}"`;
}

const GROUP_SAS = 'system:serviceaccounts';

/**
 * The identity a subject authenticates as. A ServiceAccount as its token does; a User as any
 * authenticated user (in system:authenticated; system:anonymous in system:unauthenticated); a Group
 * as any of its members: the group, and the groups every member is in (the members of
 * system:serviceaccounts:<ns> are in system:serviceaccounts, and every group but
 * system:unauthenticated holds authenticated users only).
 */
export function subjectIdentity(s: ProofSubject): Identity {
  if (s.kind === 'ServiceAccount') return serviceAccountIdentity(s.namespace ?? '', s.name);
  if (s.kind === 'User') return { user: s.name, groups: [s.name === 'system:anonymous' ? 'system:unauthenticated' : 'system:authenticated'] };
  const groups = [s.name];
  if (s.name.startsWith(`${GROUP_SAS}:`)) groups.push(GROUP_SAS);
  if (s.name !== 'system:unauthenticated' && s.name !== 'system:authenticated') groups.push('system:authenticated');
  // No user name: a group member's name is not known (and matches no User subject).
  return { user: '\u0000', groups };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A stable key of a subject (sorts by kind, namespace, name). */
export function subjectKeyOf(s: ProofSubject): string {
  return `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
}

/** The subjects of the input and the workloads of each ServiceAccount. */
export interface InputSubjects {
  readonly subjects: ProofSubject[];
  /** By subject key (see `subjectKeyOf`). */
  readonly workloads: Map<string, string[]>;
}

/**
 * Every subject of every binding (User, Group, ServiceAccount with a namespace), every
 * ServiceAccount a workload runs as (`spec.serviceAccountName`, else `default`, in the workload's
 * namespace, `default` when unset) and every ServiceAccount object; sorted by kind, namespace, name.
 */
export function inputSubjects(ctx: AuditContext, graph: RbacGraph): InputSubjects {
  const byKey = new Map<string, ProofSubject>();
  const workloads = new Map<string, string[]>();
  const add = (s: ProofSubject): string => {
    const key = subjectKeyOf(s);
    if (!byKey.has(key)) byKey.set(key, s);
    return key;
  };
  for (const g of graph.bindings) {
    for (const s of g.subjects) {
      if (s.kind === 'ServiceAccount') {
        if (s.namespace !== undefined && s.namespace !== '' && s.name !== '') add({ kind: s.kind, name: s.name, namespace: s.namespace });
      } else if ((s.kind === 'User' || s.kind === 'Group') && s.name !== '') {
        add({ kind: s.kind, name: s.name });
      }
    }
  }
  for (const sa of ctx.ofKind('ServiceAccount', '')) {
    if (sa.name !== '') add({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace !== '' ? sa.namespace : 'default' });
  }
  for (const pod of ctx.pods) {
    if (pod.templateOnly) continue;
    const namespace = pod.obj.namespace !== '' ? pod.obj.namespace : 'default';
    const key = add({ kind: 'ServiceAccount', name: podServiceAccount(pod.spec), namespace });
    const list = workloads.get(key) ?? [];
    const label = `${pod.obj.kind} ${namespace}/${pod.obj.name}`;
    if (!list.includes(label)) list.push(label);
    workloads.set(key, list);
  }
  for (const list of workloads.values()) list.sort(compareText);
  const subjects = [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, s]) => s);
  return { subjects, workloads };
}

/**
 * The grants of the graph that apply to an identity, in binding order: `RbacGraph.grantsTo`, with
 * the bindings looked up by subject name first (the proof asks once per subject).
 */
export class GrantIndex {
  private readonly byName = new Map<string, number[]>();

  constructor(private readonly graph: RbacGraph) {
    graph.bindings.forEach((g, i) => {
      for (const s of g.subjects) {
        const name = s.kind === 'ServiceAccount' ? `system:serviceaccount:${s.namespace ?? ''}:${s.name}` : s.name;
        const list = this.byName.get(name) ?? [];
        if (list[list.length - 1] !== i) list.push(i);
        this.byName.set(name, list);
      }
    });
  }

  /** The grants that apply to `identity`, with the binding subject that applies. */
  public grantsTo(identity: Identity): Array<{ grant: BindingGrant; via: ProofSubject }> {
    const candidates = new Set<number>();
    for (const name of [identity.user, ...identity.groups]) for (const i of this.byName.get(name) ?? []) candidates.add(i);
    const out: Array<{ grant: BindingGrant; via: ProofSubject }> = [];
    for (const i of [...candidates].sort((a, b) => a - b)) {
      const grant = this.graph.bindings[i];
      const s = grant.subjects.find((x) => subjectApplies(x, identity));
      if (s) out.push({ grant, via: { kind: s.kind, name: s.name, ...(s.kind === 'ServiceAccount' ? { namespace: s.namespace } : {}) } });
    }
    return out;
  }
}

/** The columns: cluster-admin, then each capability of the model once, in table order. */
export function proofColumns(): CapabilityColumn[] {
  const out: CapabilityColumn[] = [{ capability: CLUSTER_ADMIN_CAPABILITY, title: 'do everything (every capability below)', ruleIds: [RuleIds.RBAC_CLUSTER_ADMIN] }];
  const index = new Map<string, number>();
  for (const r of RBAC_RISKS) {
    const i = index.get(r.capability);
    if (i === undefined) {
      index.set(r.capability, out.length);
      out.push({ capability: r.capability, title: r.title, ruleIds: [r.ruleId] });
    } else if (!out[i].ruleIds.includes(r.ruleId)) {
      out[i] = { ...out[i], ruleIds: [...out[i].ruleIds, r.ruleId] };
    }
  }
  return out;
}

interface GrantDraft {
  readonly grant: BindingGrant;
  readonly rulesFrom?: RoleSource;
  readonly via?: ProofSubject;
  /** Verbs by `group/resource`. */
  readonly access: Map<string, Set<string>>;
  readonly ruleIds: Set<string>;
  declared: boolean;
}

function sourceKey(s: RoleSource | undefined): string {
  return s === undefined ? '' : `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
}

function grantSortKey(g: CapabilityGrant): string {
  // Cluster-wide first, then by namespace, binding, role, rules' source, subject.
  return [g.namespace === undefined ? '0' : `1${g.namespace}`, g.binding, g.role, g.rulesFrom ?? '', g.via ?? '', g.location].join('\u0000');
}

const VERB_ORDER = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

function compareVerbs(a: string, b: string): number {
  const i = VERB_ORDER.indexOf(a);
  const j = VERB_ORDER.indexOf(b);
  return (i < 0 ? VERB_ORDER.length : i) - (j < 0 ? VERB_ORDER.length : j) || compareText(a, b);
}

/** `create, get on pods/attach, pods/exec`: resources with the same verbs together, sorted. */
function accessText(access: Map<string, Set<string>>): string[] {
  const byVerbs = new Map<string, string[]>();
  for (const [key, verbs] of access) {
    const slash = key.indexOf('/');
    const v = [...verbs].sort(compareVerbs).join(', ');
    const list = byVerbs.get(v) ?? [];
    const group = key.slice(0, slash);
    list.push(`${group === '' ? '' : `${group}/`}${key.slice(slash + 1)}`);
    byVerbs.set(v, list);
  }
  return [...byVerbs.entries()].map(([v, resources]) => `${v} on ${resources.sort(compareText).join(', ')}`).sort(compareText);
}

function finish(d: GrantDraft): CapabilityGrant {
  const role = roleLabel(d.grant.roleRef.kind, d.grant.roleRef.name, d.grant.role);
  return {
    namespace: d.grant.namespace,
    binding: bindingLabel(d.grant),
    location: d.grant.binding.location,
    role,
    ...(d.rulesFrom !== undefined ? { rulesFrom: roleLabel(d.rulesFrom.kind, d.rulesFrom.name, d.rulesFrom) } : {}),
    ...(d.via !== undefined ? { via: subjectLabel(d.via) } : {}),
    access: accessText(d.access),
    ruleIds: [...d.ruleIds].sort(compareText),
    declared: d.declared,
  };
}

/** Computes the proof. */
export function proveRbac(ctx: AuditContext): RbacProof {
  const graph = RbacGraph.of(ctx);
  const index = new GrantIndex(graph);
  const columns = proofColumns();
  const order = new Map(columns.map((c, i) => [c.capability, i]));
  const titles = new Map(columns.map((c) => [c.capability, c.title]));
  const heldByGrant = new Map<BindingGrant, HeldRisk[]>();
  const position = new Map(graph.bindings.map((g, i) => [g, i]));
  const { subjects, workloads } = inputSubjects(ctx, graph);
  const out: SubjectProof[] = [];
  for (const subject of subjects) {
    const key = subjectKeyOf(subject);
    const byCapability = new Map<string, Map<string, GrantDraft>>();
    const draft = (capability: string, grant: BindingGrant, via: ProofSubject, rulesFrom: RoleSource | undefined): GrantDraft => {
      const drafts = byCapability.get(capability) ?? new Map<string, GrantDraft>();
      byCapability.set(capability, drafts);
      const viaOther = subjectKeyOf(via) === key ? undefined : via;
      const k = `${position.get(grant)}\u0000${sourceKey(rulesFrom)}`;
      let d = drafts.get(k);
      if (!d) {
        d = { grant, rulesFrom, via: viaOther, access: new Map(), ruleIds: new Set(), declared: true };
        drafts.set(k, d);
      }
      return d;
    };
    for (const { grant, via } of index.grantsTo(subjectIdentity(subject))) {
      if (bindsClusterAdmin(grant)) {
        const d = draft(CLUSTER_ADMIN_CAPABILITY, grant, via, undefined);
        d.access.set('/*', new Set(['*']));
        d.ruleIds.add(RuleIds.RBAC_CLUSTER_ADMIN);
        d.declared = isClusterAdminAcknowledged(grant);
        continue;
      }
      let held = heldByGrant.get(grant);
      if (!held) {
        held = risksOfGrant(grant);
        heldByGrant.set(grant, held);
      }
      for (const h of held) {
        const own = grant.role !== undefined && sourceKey(h.rule.source) === sourceKey(grant.role);
        const d = draft(h.risk.capability, grant, via, own ? undefined : h.rule.source);
        for (const a of h.hit.access) {
          const k = `${a.group}/${a.resource}`;
          const verbs = d.access.get(k) ?? new Set<string>();
          a.verbs.forEach((v) => verbs.add(v));
          d.access.set(k, verbs);
        }
        d.ruleIds.add(h.risk.ruleId);
        if (!isAcknowledged(h)) d.declared = false;
      }
    }
    const capabilities: CapabilityHolding[] = [...byCapability.entries()]
      .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
      .map(([capability, drafts]) => {
        const grants = [...drafts.values()].map(finish).sort((a, b) => compareText(grantSortKey(a), grantSortKey(b)));
        return {
          capability,
          title: titles.get(capability) ?? capability,
          ruleIds: [...new Set(grants.flatMap((g) => g.ruleIds))].sort(compareText),
          declared: grants.every((g) => g.declared),
          grants,
        };
      });
    out.push({
      subject,
      label: subjectLabel(subject),
      workloads: workloads.get(key) ?? [],
      capabilities,
      undeclared: capabilities.filter((c) => !c.declared).map((c) => c.capability),
      clusterAdmin: byCapability.has(CLUSTER_ADMIN_CAPABILITY),
    });
  }
  return { subjects: out, columns, bindings: graph.bindings.length };
}

/** Summary counts: subjects, subjects holding power, held (subject × capability) and undeclared ones. */
export function proofCounts(p: RbacProof): { subjects: number; holding: number; held: number; undeclared: number; undeclaredSubjects: number } {
  let holding = 0;
  let held = 0;
  let undeclared = 0;
  let undeclaredSubjects = 0;
  for (const s of p.subjects) {
    if (s.capabilities.length > 0) holding++;
    held += s.capabilities.length;
    undeclared += s.undeclared.length;
    if (s.undeclared.length > 0) undeclaredSubjects++;
  }
  return { subjects: p.subjects.length, holding, held, undeclared, undeclaredSubjects };
}
