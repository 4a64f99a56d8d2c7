import { allFindings, binding, clusterRole, compliantPodSpec, deployment } from '../util';

/** The workload → identity chain: power a workload's ServiceAccount holds through bindings anywhere in the input. */
describe('SB-RBAC-WORKLOAD-IDENTITY', () => {
  test('a workload whose account holds no dangerous power passes', () => {
    const objects = [
      deployment('web', 'shop', compliantPodSpec('web')),
      binding('RoleBinding', 'view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]),
    ];
    expect(allFindings(objects).filter((f) => f.startsWith('SB-RBAC-WORKLOAD-IDENTITY'))).toEqual([]);
  });

  test('a workload runs as the account that holds the power, even when binding and workload are far apart', () => {
    const objects = [
      deployment('web', 'shop', compliantPodSpec('web')),
      binding('RoleBinding', 'ci-edit', { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'Group', name: 'system:serviceaccounts:shop' }], 'shop'),
    ];
    const chain = allFindings(objects).filter((f) => f.startsWith('SB-RBAC-WORKLOAD-IDENTITY'));
    expect(chain).toEqual([
      'SB-RBAC-WORKLOAD-IDENTITY Deployment/shop/web: runs as ServiceAccount "shop/web", which can, through RoleBinding "shop/ci-edit" → ClusterRole "edit": act as other users, groups or service accounts, read every Secret, read any Secret by name, run commands in running pods, reach pods and services through the API server proxy, run or change workloads, mint service account tokens, change NetworkPolicies or mesh policies',
    ]);
  });

  test('power declared with a reason on the role is not repeated on the workload; cluster-admin is named', () => {
    const ack = 'The release controller creates the shop\'s Jobs; approved by platform security (SEC-7).';
    const creator = { ...clusterRole('job-creator', [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }]) };
    creator.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-RBAC-WORKLOAD-CREATE': ack };
    const objects = [
      deployment('web', 'shop', compliantPodSpec('web')),
      deployment('ops', 'shop', compliantPodSpec('ops')),
      creator,
      binding('RoleBinding', 'jobs', { kind: 'ClusterRole', name: 'job-creator' }, [{ kind: 'ServiceAccount', name: 'web' }], 'shop'),
      binding('ClusterRoleBinding', 'ops-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'User', name: 'system:serviceaccount:shop:ops' }]),
    ];
    expect(allFindings(objects).filter((f) => f.startsWith('SB-RBAC-WORKLOAD-IDENTITY'))).toEqual([
      'SB-RBAC-WORKLOAD-IDENTITY Deployment/shop/ops: runs as ServiceAccount "shop/ops", which can, through ClusterRoleBinding "ops-admin" → ClusterRole "cluster-admin": do everything (cluster-admin)',
    ]);
  });
});
