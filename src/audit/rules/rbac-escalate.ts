import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-ESCALATE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_ESCALATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant escalate or bind on roles, or impersonate on users, groups, service accounts, UIDs or user extras.',
  fix: 'Remove the escalate/bind/impersonate verbs; let a cluster administrator create the bindings instead.',
});
