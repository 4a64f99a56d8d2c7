import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.11: approving CSRs mints client credentials. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_CSR_APPROVE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant update/patch on certificatesigningrequests/approval or approve on signers.',
  fix: 'Leave CSR approval to the cluster\'s approvers (kube-controller-manager, cert-manager approver policy).',
  standards: {
    cis: ['5.1.11'],
    kubescape: ['C-0280'],
  },
}, [
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'] },
  { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve'] },
]);
