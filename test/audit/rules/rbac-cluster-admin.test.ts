import { RuleIds } from '../../../src/audit/rule-ids';
import { binding, findings } from '../util';

describe('SB-RBAC-CLUSTER-ADMIN', () => {
  test('other roles pass', () => {
    expect(findings(RuleIds.RBAC_CLUSTER_ADMIN, [binding('RoleBinding', 'view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }])])).toEqual([]);
  });

  test('flags RoleBindings and ClusterRoleBindings to cluster-admin', () => {
    const objects = [
      binding('ClusterRoleBinding', 'ops', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }]),
      binding('RoleBinding', 'local', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'Group', name: 'devs' }]),
    ];
    expect(findings(RuleIds.RBAC_CLUSTER_ADMIN, objects)).toEqual([
      { object: 'ClusterRoleBinding/ops', jsonPath: 'roleRef', message: 'ClusterRoleBinding grants ClusterRole "cluster-admin" to User "alice", ServiceAccount "tools/ci"' },
      { object: 'RoleBinding/shop/local', jsonPath: 'roleRef', message: 'RoleBinding grants ClusterRole "cluster-admin" to Group "devs"' },
    ]);
  });
});
