import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings } from '../util';

describe('SB-RBAC-CSR-APPROVE', () => {
  test('creating CSRs passes', () => {
    expect(findings(RuleIds.RBAC_CSR_APPROVE, [clusterRole('r', [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }])])).toEqual([]);
  });

  test('flags the approval subresource and approve on signers', () => {
    const objects = [clusterRole('approver', [
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
      { apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['kubernetes.io/kube-apiserver-client'], verbs: ['approve'] },
    ])];
    expect(findings(RuleIds.RBAC_CSR_APPROVE, objects)).toEqual([
      { object: 'ClusterRole/approver', jsonPath: 'rules[0]', message: 'rules[0] grants update on certificates.k8s.io/certificatesigningrequests/approval' },
      { object: 'ClusterRole/approver', jsonPath: 'rules[1]', message: 'rules[1] grants approve on certificates.k8s.io/signers' },
    ]);
  });
});
