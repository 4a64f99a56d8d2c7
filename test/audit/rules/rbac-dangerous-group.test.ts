import { RuleIds } from '../../../src/audit/rule-ids';
import { binding, findings } from '../util';

describe('SB-RBAC-DANGEROUS-GROUP', () => {
  test('specific subjects pass', () => {
    expect(findings(RuleIds.RBAC_DANGEROUS_GROUP, [binding('RoleBinding', 'b', { kind: 'Role', name: 'r' }, [{ kind: 'Group', name: 'shop-devs' }, { kind: 'ServiceAccount', name: 'web', namespace: 'shop' }])])).toEqual([]);
  });

  test('flags system:masters, system:authenticated, system:unauthenticated, system:anonymous and system:serviceaccounts*', () => {
    const objects = [
      binding('ClusterRoleBinding', 'everyone', { kind: 'ClusterRole', name: 'view' }, [
        { kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:unauthenticated' }, { kind: 'User', name: 'system:anonymous' },
      ]),
      binding('RoleBinding', 'sas', { kind: 'Role', name: 'r' }, [{ kind: 'Group', name: 'system:serviceaccounts' }, { kind: 'Group', name: 'system:masters' }]),
    ];
    expect(findings(RuleIds.RBAC_DANGEROUS_GROUP, objects)).toEqual([
      { object: 'ClusterRoleBinding/everyone', jsonPath: 'subjects', message: 'ClusterRoleBinding grants ClusterRole "view" to Group "system:authenticated", Group "system:unauthenticated", User "system:anonymous"' },
      { object: 'RoleBinding/shop/sas', jsonPath: 'subjects', message: 'RoleBinding grants Role "r" to Group "system:serviceaccounts", Group "system:masters"' },
    ]);
  });
});
