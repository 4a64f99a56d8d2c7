import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-TOKEN-CREATE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_TOKEN_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create on serviceaccounts/token.',
  fix: 'Remove create on serviceaccounts/token; use projected service account tokens mounted into the pod.',
});
