import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-CSR-APPROVE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_CSR_APPROVE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant update/patch on certificatesigningrequests/approval or approve on signers.',
  fix: "Leave CSR approval to the cluster's approvers (kube-controller-manager, cert-manager approver policy).",
});
