/**
 * What identities can do, in the risk model's terms: the rows each binding's effective rules hit,
 * and whether the object where the audit reports them carries the rule's acknowledgement.
 */
import { BindingGrant, Identity, RbacGraph, ResolvedRule } from './graph';
import { RbacRisk, RiskHit, riskHits } from './risk-model';
import { K8sObject } from '../audit/context';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from '../audit/rule-ids';

/** One dangerous power held through one rule of one binding. */
export interface HeldRisk {
  readonly risk: RbacRisk;
  readonly grant: BindingGrant;
  readonly rule: ResolvedRule;
  readonly hit: RiskHit;
}

/** The ClusterRole whose binding the audit reports as SB-RBAC-CLUSTER-ADMIN. */
export const CLUSTER_ADMIN = 'cluster-admin';

/** Whether a binding grants the cluster-admin ClusterRole. */
export function bindsClusterAdmin(grant: BindingGrant): boolean {
  return grant.roleRef.kind === 'ClusterRole' && grant.roleRef.name === CLUSTER_ADMIN;
}

const GRANT_RISKS = new WeakMap<BindingGrant, HeldRisk[]>();
const IDENTITY_RISKS = new WeakMap<RbacGraph, Map<string, HeldRisk[]>>();

/** Every risk row a binding's effective rules hit, where the binding holds (computed once per binding). */
export function risksOfGrant(grant: BindingGrant): HeldRisk[] {
  const cached = GRANT_RISKS.get(grant);
  if (cached) return cached;
  const out: HeldRisk[] = [];
  for (const rule of grant.rules) {
    for (const hit of riskHits(rule.rule, grant.namespace, grant.namespace === undefined)) {
      out.push({ risk: hit.risk, grant, rule, hit });
    }
  }
  GRANT_RISKS.set(grant, out);
  return out;
}

/** Every risk an identity holds through the bindings of the graph. */
export function risksOfIdentity(graph: RbacGraph, identity: Identity): HeldRisk[] {
  let byIdentity = IDENTITY_RISKS.get(graph);
  if (!byIdentity) {
    byIdentity = new Map();
    IDENTITY_RISKS.set(graph, byIdentity);
  }
  const key = [identity.user, ...identity.groups].join('\u0000');
  let risks = byIdentity.get(key);
  if (!risks) {
    risks = graph.grantsTo(identity).flatMap(risksOfGrant);
    byIdentity.set(key, risks);
  }
  return risks;
}

/** Whether the object carries a (non-empty) acknowledgement of the rule. */
export function acknowledges(obj: K8sObject | undefined, ruleId: string): boolean {
  const reason = obj?.annotations[`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${ruleId}`];
  return typeof reason === 'string' && reason.trim() !== '';
}

/**
 * Whether the power was declared with a reason: the rule's acknowledgement is on the role the
 * rule comes from or on the binding (where the audit reports a risk that depends on the
 * binding's scope, or on a role that is not in the manifests). A binding of cluster-admin counts
 * as acknowledged when the binding acknowledges SB-RBAC-CLUSTER-ADMIN.
 */
export function isAcknowledged(held: HeldRisk): boolean {
  if (bindsClusterAdmin(held.grant)) return acknowledges(held.grant.binding, RuleIds.RBAC_CLUSTER_ADMIN);
  return acknowledges(held.rule.source.obj, held.risk.ruleId)
    || acknowledges(held.grant.role?.obj, held.risk.ruleId)
    || acknowledges(held.grant.binding, held.risk.ruleId);
}

/** Whether a binding of cluster-admin is declared: the binding acknowledges SB-RBAC-CLUSTER-ADMIN. */
export function isClusterAdminAcknowledged(grant: BindingGrant): boolean {
  return bindsClusterAdmin(grant) && acknowledges(grant.binding, RuleIds.RBAC_CLUSTER_ADMIN);
}

/** `RoleBinding "shop/x" → ClusterRole "edit"`. */
export function grantLabel(grant: BindingGrant): string {
  const b = grant.binding;
  const where = b.namespace !== '' ? `${b.namespace}/` : '';
  return `${b.kind} "${where}${b.name}" → ${grant.roleRef.kind} "${grant.roleRef.name}"`;
}
