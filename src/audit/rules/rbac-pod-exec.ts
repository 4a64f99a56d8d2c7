import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-POD-EXEC. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_POD_EXEC,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant pods/exec, pods/attach or pods/portforward (get or create), nor update or patch on pods/ephemeralcontainers (kubectl debug).',
  fix: 'Remove the subresource from the role; use logs, metrics or an audited break-glass role for debugging.',
});
