import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-NODES-PROXY. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_NODES_PROXY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant access to the nodes/proxy subresource (direct kubelet API access).',
  fix: 'Remove nodes/proxy; scrape metrics through the metrics endpoints instead.',
});
