import { RuleIds } from '../../../src/audit/rule-ids';
import { binding, clusterRole, findings, role } from '../util';

describe('SB-RBAC-SYSTEM-NAMESPACE', () => {
  test('reading in kube-system, and writing in the app\'s namespace, pass', () => {
    expect(findings(RuleIds.RBAC_SYSTEM_NAMESPACE, [
      role('reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }], 'kube-system'),
      role('writer', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }], 'shop'),
      clusterRole('nodes', [{ apiGroups: [''], resources: ['nodes', 'persistentvolumes'], verbs: ['create', 'update'] }]),
      binding('ClusterRoleBinding', 'nodes', { kind: 'ClusterRole', name: 'nodes' }, [{ kind: 'Group', name: 'platform' }]),
    ])).toEqual([]);
  });

  // Issue #14: cross-namespace footholds (kube-system/aws-auth is cluster-admin on EKS; a policy in
  // istio-system applies to the whole mesh).
  test('flags writes through a Role there, a RoleBinding there, and a ClusterRoleBinding', () => {
    const objects = [
      role('aws-auth', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['patch'] }], 'kube-system'),
      role('mesh', [{ apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ['create'] }], 'istio-system'),
      clusterRole('cm-writer', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['update'] }]),
      binding('RoleBinding', 'there', { kind: 'ClusterRole', name: 'cm-writer' }, [{ kind: 'Group', name: 'ops' }], 'kube-system'),
      binding('RoleBinding', 'home', { kind: 'ClusterRole', name: 'cm-writer' }, [{ kind: 'Group', name: 'ops' }], 'shop'),
      binding('ClusterRoleBinding', 'everywhere', { kind: 'ClusterRole', name: 'cm-writer' }, [{ kind: 'Group', name: 'ops' }]),
    ];
    expect(findings(RuleIds.RBAC_SYSTEM_NAMESPACE, objects)).toEqual([
      {
        object: 'ClusterRoleBinding/everywhere',
        jsonPath: 'roleRef',
        message: 'ClusterRoleBinding grants ClusterRole "cm-writer" cluster-wide: rules[0] grants update on configmaps in every namespace, istio-system, kube-node-lease, kube-public, kube-system, linkerd included; update on configmaps (which includes "aws-auth") in every namespace, kube-system included',
      },
      {
        object: 'Role/istio-system/mesh',
        jsonPath: 'rules[0]',
        message: 'rules[0] grants create on security.istio.io/authorizationpolicies in namespace "istio-system"',
      },
      {
        object: 'Role/kube-system/aws-auth',
        jsonPath: 'rules[0]',
        message: 'rules[0] grants patch on configmaps in namespace "kube-system"; patch on configmaps (which includes "aws-auth") in namespace "kube-system"',
      },
      {
        object: 'RoleBinding/kube-system/there',
        jsonPath: 'roleRef',
        message: 'RoleBinding grants ClusterRole "cm-writer" in namespace "kube-system": rules[0] grants update on configmaps in namespace "kube-system"; update on configmaps (which includes "aws-auth") in namespace "kube-system"',
      },
    ]);
  });
});
