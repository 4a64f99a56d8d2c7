/**
 * Internal: the RBAC objects of a LeastPrivilegeServiceAccount — one Role and RoleBinding per
 * namespace (or a ClusterRole and ClusterRoleBinding), into which validated grants merge, with
 * the acknowledgements of flagged access; and RoleBindings to existing ClusterRoles, judged by
 * the RBAC risk model over the API server's bootstrap policy.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { acknowledgementAnnotation } from './acknowledge';
import { lazy } from './lazy';
import type { ValidatedGrant } from './rbac-grant';
import { fail, makeClusterScoped, show } from './validation';
import { bootstrapRules } from '../rbac/bootstrap-roles';
import { GrantDecision, RBAC_RISKS, riskHits } from '../rbac/risk-model';
import type { ServiceAccountSubject } from '../service-account-options';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_NAME = /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/;

/** A merged rule: one group, one resource, one set of names. */
interface RuleEntry {
  readonly apiGroup: string;
  readonly resource: string;
  readonly resourceNames?: string[];
  readonly verbs: Set<string>;
}

/** The Role (or ClusterRole) and binding of one namespace (or of the cluster). */
export interface Access {
  readonly role: ApiObject;
  readonly binding: ApiObject;
  readonly rules: Map<string, RuleEntry>;
  readonly acknowledgements: Map<string, Set<string>>;
  readonly bindingAcknowledgements: Map<string, Set<string>>;
}

/** Writes each rule's reasons (sorted, joined) as its acknowledgement annotation on `obj`. */
function acknowledge(obj: ApiObject, acks: Map<string, Set<string>>, ids: readonly string[], reason: string | undefined): void {
  for (const id of ids) {
    const reasons = acks.get(id) ?? new Set<string>();
    reasons.add(reason!);
    acks.set(id, reasons);
    obj.metadata.addAnnotation(acknowledgementAnnotation(id), [...reasons].sort().join(' | '));
  }
}

/** Merges a validated grant into a Role (or ClusterRole). */
export function mergeGrant(access: Access, g: ValidatedGrant): void {
  for (const resource of g.resources) {
    const key = [g.apiGroup, resource, ...(g.resourceNames ?? [])].join('\u0000') + (g.resourceNames ? '\u0001' : '');
    let entry = access.rules.get(key);
    if (!entry) {
      entry = { apiGroup: g.apiGroup, resource, resourceNames: g.resourceNames, verbs: new Set() };
      access.rules.set(key, entry);
    }
    for (const v of g.verbs) entry.verbs.add(v);
  }
  acknowledge(access.role, access.acknowledgements, g.flagged, g.reason);
  acknowledge(access.binding, access.bindingAcknowledgements, g.flaggedOnBinding, g.reason);
}

/** The rules of a Role (or ClusterRole), sorted by group, resource and names. */
export function renderRules(access: Access): any[] {
  const sortKey = (e: RuleEntry) => [e.apiGroup, e.resource, e.resourceNames ? `1${e.resourceNames.join(',')}` : '0'].join('\u0000');
  return [...access.rules.values()]
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
    .map((e) => ({
      apiGroups: [e.apiGroup],
      resources: [e.resource],
      ...(e.resourceNames ? { resourceNames: e.resourceNames } : {}),
      verbs: [...e.verbs].sort(),
    }));
}

/** A derived RBAC object name, refused when longer than 253 characters. */
export function checkedRbacName(scope: IConstruct, name: string): string {
  if (name.length > 253) {
    fail(scope, `derived RBAC object name ${show(name)} is longer than 253 characters`, 'choose a shorter ServiceAccount `name`');
  }
  return name;
}

/**
 * A Role and RoleBinding named `name` in `namespace` (construct ids `Role` and `RoleBinding`, suffixed
 * with the namespace when it is not `home`), their rules read from the returned Access at synth time.
 */
export function createRoleAccess(scope: Construct, namespace: string, home: boolean, name: string, subject: ServiceAccountSubject): Access {
  const holder: { access?: Access } = {};
  const role = new ApiObject(scope, home ? 'Role' : `Role-${namespace}`, {
    apiVersion: RBAC_API,
    kind: 'Role',
    metadata: { name, namespace },
    rules: lazy(() => renderRules(holder.access!)),
  });
  const binding = new ApiObject(scope, home ? 'RoleBinding' : `RoleBinding-${namespace}`, {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name },
    subjects: [subject],
  });
  holder.access = { role, binding, rules: new Map(), acknowledgements: new Map(), bindingAcknowledgements: new Map() };
  return holder.access;
}

/** The ClusterRole and ClusterRoleBinding named `name`, their rules read at synth time. */
export function createClusterAccess(scope: Construct, name: string, subject: ServiceAccountSubject): Access {
  const holder: { access?: Access } = {};
  const role = makeClusterScoped(new ApiObject(scope, 'ClusterRole', {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: { name },
    rules: lazy(() => renderRules(holder.access!)),
  }));
  const binding = makeClusterScoped(new ApiObject(scope, 'ClusterRoleBinding', {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: [subject],
  }));
  holder.access = { role, binding, rules: new Map(), acknowledgements: new Map(), bindingAcknowledgements: new Map() };
  return holder.access;
}

/**
 * Refuses binding `clusterRoleName` in `namespace`: `cluster-admin`, `system:*`, invalid names, and
 * built-in roles judged by what the API server puts in them (the risk model over the bootstrap
 * policy, aggregation included); the audit judges the app's own ClusterRoles.
 */
export function checkClusterRoleBinding(scope: IConstruct, clusterRoleName: string, namespace: string): void {
  if (clusterRoleName === 'cluster-admin') {
    fail(scope, `binding ClusterRole ${show(clusterRoleName)} is refused`, 'cluster-admin grants every permission on the whole cluster; grant() the exact verbs and resources the workload uses');
  }
  if (typeof clusterRoleName !== 'string' || clusterRoleName.startsWith('system:')) {
    fail(scope, `binding ClusterRole ${show(clusterRoleName)} is refused`, 'system:* ClusterRoles belong to Kubernetes components; grant() the exact verbs and resources the workload uses');
  }
  if (clusterRoleName.length > 253 || !RBAC_NAME.test(clusterRoleName)) {
    fail(scope, `ClusterRole name ${show(clusterRoleName)} is not a valid name`, "use lowercase letters, digits, '-', '.' and ':', starting and ending with a letter or digit");
  }
  const hits = (bootstrapRules(clusterRoleName) ?? []).flatMap((rule) => riskHits(rule, namespace, false));
  if (hits.length > 0) {
    const held = RBAC_RISKS.filter((r) => hits.some((h) => h.risk === r));
    const refused = held.find((r) => r.decision === GrantDecision.REFUSE) ?? held[0];
    fail(scope, `binding ClusterRole ${show(clusterRoleName)} is refused: it would ${[...new Set(held.map((r) => r.title))].join('; ')}`,
      `${refused.rationale}; grant() the exact verbs and resources the workload uses`);
  }
}

/** A RoleBinding named `name` in `namespace` to the ClusterRole `clusterRoleName`. */
export function createClusterRoleBinding(
  scope: Construct, namespace: string, clusterRoleName: string, name: string, subject: ServiceAccountSubject,
): ApiObject {
  return new ApiObject(scope, `ClusterRoleBinding-${namespace}-${clusterRoleName}`, {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName },
    subjects: [subject],
  });
}
