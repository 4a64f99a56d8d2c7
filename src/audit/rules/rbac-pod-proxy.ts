import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-POD-PROXY. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_POD_PROXY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant pods/proxy or services/proxy: the API server proxy reaches any port of a pod past NetworkPolicies and mesh authorization.',
  fix: 'Remove the proxy subresources; reach the service through its own authenticated endpoint.',
});
