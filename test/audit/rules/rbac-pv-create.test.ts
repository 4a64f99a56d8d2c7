import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings } from '../util';

describe('SB-RBAC-PV-CREATE', () => {
  test('creating claims passes', () => {
    expect(findings(RuleIds.RBAC_PV_CREATE, [clusterRole('r', [{ apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['create'] }])])).toEqual([]);
  });

  test('flags create on persistentvolumes', () => {
    expect(findings(RuleIds.RBAC_PV_CREATE, [clusterRole('pv', [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create', 'delete'] }])])).toEqual([
      { object: 'ClusterRole/pv', jsonPath: 'rules[0]', message: 'rules[0] grants create on persistentvolumes' },
    ]);
  });
});
