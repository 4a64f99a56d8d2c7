import { RuleIds } from '../../../src/audit/rule-ids';
import { binding, findings } from '../util';

describe('SB-RBAC-CLUSTER-SCOPED', () => {
  test('RoleBindings to ClusterRoles and ClusterRoleBindings to people pass', () => {
    const objects = [
      binding('RoleBinding', 'web-view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]),
      binding('ClusterRoleBinding', 'auditors', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'auditors' }]),
    ];
    expect(findings(RuleIds.RBAC_CLUSTER_SCOPED, objects)).toEqual([]);
  });

  test('flags ClusterRoleBindings to ServiceAccounts and service-account groups', () => {
    const objects = [
      binding('ClusterRoleBinding', 'web-read', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }, { kind: 'Group', name: 'system:serviceaccounts:ci' }]),
    ];
    expect(findings(RuleIds.RBAC_CLUSTER_SCOPED, objects)).toEqual([
      { object: 'ClusterRoleBinding/web-read', jsonPath: 'subjects', message: 'ClusterRoleBinding grants ClusterRole "reader" cluster-wide to ServiceAccount "shop/web", Group "system:serviceaccounts:ci"' },
    ]);
  });
});
