import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings } from '../util';

describe('SB-RBAC-WEBHOOK', () => {
  test('reading webhook configurations passes', () => {
    expect(findings(RuleIds.RBAC_WEBHOOK, [clusterRole('r', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list'] }])])).toEqual([]);
  });

  test('flags changes to webhook configurations', () => {
    expect(findings(RuleIds.RBAC_WEBHOOK, [clusterRole('hook', [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['patch', 'delete'] }])])).toEqual([
      { object: 'ClusterRole/hook', jsonPath: 'rules[0]', message: 'rules[0] grants patch, delete on admissionregistration.k8s.io/mutatingwebhookconfigurations' },
    ]);
  });
});
