import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-WEBHOOK. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_WEBHOOK,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant changes to admission webhook or admission policy configurations.',
  fix: 'Remove write verbs on admissionregistration.k8s.io resources; manage admission configuration through GitOps.',
});
