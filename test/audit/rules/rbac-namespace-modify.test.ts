import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings } from '../util';

describe('SB-RBAC-NAMESPACE-MODIFY', () => {
  test('reading namespaces passes', () => {
    expect(findings(RuleIds.RBAC_NAMESPACE_MODIFY, [clusterRole('r', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }])])).toEqual([]);
  });

  test('flags update and patch on namespaces', () => {
    expect(findings(RuleIds.RBAC_NAMESPACE_MODIFY, [clusterRole('labeler', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch', 'update'] }])])).toEqual([
      { object: 'ClusterRole/labeler', jsonPath: 'rules[0]', message: 'rules[0] grants update, patch on namespaces' },
    ]);
  });
});
