import { RuleIds } from '../../../src/audit/rule-ids';
import { binding, clusterRole, findings, role } from '../util';

const sa = [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }];

describe('SB-RBAC-ROLE-MISSING', () => {
  test('roles in the output, built-in ClusterRoles, system:* and externalRoles pass', () => {
    const objects = [
      role('reader', []), clusterRole('custom', []),
      binding('RoleBinding', 'a', { kind: 'Role', name: 'reader' }, sa),
      binding('RoleBinding', 'b', { kind: 'ClusterRole', name: 'custom' }, sa),
      binding('RoleBinding', 'c', { kind: 'ClusterRole', name: 'view' }, sa),
      binding('ClusterRoleBinding', 'd', { kind: 'ClusterRole', name: 'system:auth-delegator' }, sa),
      binding('RoleBinding', 'e', { kind: 'Role', name: 'managed-elsewhere' }, sa),
    ];
    expect(findings(RuleIds.RBAC_ROLE_MISSING, objects, { externalRoles: ['managed-elsewhere'] })).toEqual([]);
  });

  test('flags missing roles, roles in another namespace and ClusterRoleBindings to Roles', () => {
    const objects = [
      role('reader', [], 'other'),
      binding('RoleBinding', 'a', { kind: 'Role', name: 'reader' }, sa),
      binding('RoleBinding', 'b', { kind: 'ClusterRole', name: 'ghost' }, sa),
      binding('ClusterRoleBinding', 'c', { kind: 'Role', name: 'reader' }, sa),
    ];
    expect(findings(RuleIds.RBAC_ROLE_MISSING, objects)).toEqual([
      { object: 'ClusterRoleBinding/c', jsonPath: 'roleRef', message: 'ClusterRoleBinding references Role "reader", but a ClusterRoleBinding can only reference a ClusterRole' },
      { object: 'RoleBinding/shop/a', jsonPath: 'roleRef', message: 'RoleBinding references Role "reader", which is not in namespace "shop" of the output' },
      { object: 'RoleBinding/shop/b', jsonPath: 'roleRef', message: 'RoleBinding references ClusterRole "ghost", which is not in the output' },
    ]);
  });
});
