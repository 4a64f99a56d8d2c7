import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-NAMESPACE-MODIFY. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_NAMESPACE_MODIFY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: "Roles must not grant update, patch or delete on namespaces (which could relax Pod Security labels or mesh settings, or remove the namespace's policies).",
  fix: 'Manage Namespaces through GitOps; grant namespace changes only to the platform identity.',
});
