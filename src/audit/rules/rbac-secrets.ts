import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-SECRETS. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_SECRETS,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant list or watch on Secrets, nor get on Secrets without resourceNames.',
  fix: 'Grant only get on the named Secrets the subject needs (resourceNames), or mount the Secret into the pod instead.',
});
