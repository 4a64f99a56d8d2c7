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
      { object: 'ClusterRoleBinding/everyone', jsonPath: 'subjects', message: 'ClusterRoleBinding grants ClusterRole "view" to Group "system:authenticated" (system:authenticated holds every authenticated request), Group "system:unauthenticated" (system:unauthenticated holds every anonymous request), User "system:anonymous" (system:anonymous holds every anonymous request)' },
      { object: 'RoleBinding/shop/sas', jsonPath: 'subjects', message: 'RoleBinding grants Role "r" to Group "system:serviceaccounts" (system:serviceaccounts holds every service account of the cluster), Group "system:masters" (system:masters bypasses RBAC altogether)' },
    ]);
  });

  // Issue #14: only five names were refused; every system: name is reserved for Kubernetes.
  test('flags every other system: user and group, and a service account written as a user', () => {
    const objects = [
      binding('RoleBinding', 'nodes', { kind: 'Role', name: 'r' }, [{ kind: 'Group', name: 'system:nodes' }, { kind: 'Group', name: 'system:bootstrappers' }]),
      binding('RoleBinding', 'sa-user', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'system:serviceaccount:shop:web' }]),
      binding('RoleBinding', 'ok', { kind: 'Role', name: 'r' }, [{ kind: 'Group', name: 'systems:team' }, { kind: 'User', name: 'alice@example.com' }]),
    ];
    expect(findings(RuleIds.RBAC_DANGEROUS_GROUP, objects)).toEqual([
      { object: 'RoleBinding/shop/nodes', jsonPath: 'subjects', message: 'RoleBinding grants Role "r" to Group "system:nodes" (system:nodes is the kubelets\' identity), Group "system:bootstrappers" (system:bootstrappers is reserved for Kubernetes components)' },
      { object: 'RoleBinding/shop/sa-user', jsonPath: 'subjects', message: 'RoleBinding grants Role "r" to User "system:serviceaccount:shop:web" (system:serviceaccount:shop:web is a service account\'s user name; bind kind ServiceAccount instead)' },
    ]);
  });
});
