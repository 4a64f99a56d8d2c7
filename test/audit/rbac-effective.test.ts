/**
 * Issue #14's attacks on the audit, end to end: power that reaches a subject through a built-in
 * role or an aggregated ClusterRole, where no role text in the manifests shows it.
 */
import { allFindings, binding, clusterRole } from './util';

const rbac = (objects: any[]) => allFindings(objects).filter((f) => f.startsWith('SB-RBAC-'));

describe('effective RBAC in the audit', () => {
  test('a raw RoleBinding of a ServiceAccount to the built-in edit role is reported rule by rule', () => {
    const objects = [binding('RoleBinding', 'ci-edit', { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'ServiceAccount', name: 'ci', namespace: 'shop' }])];
    expect(rbac(objects)).toEqual([
      'SB-RBAC-ESCALATE RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[1] grants impersonate on serviceaccounts',
      'SB-RBAC-POD-EXEC RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[0] grants get on pods/exec; get on pods/attach; get on pods/portforward; ClusterRole "system:aggregate-to-edit" rules[2] grants create on pods/exec; create on pods/attach; create on pods/portforward',
      'SB-RBAC-POD-PROXY RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[0] grants get on pods/proxy; get on services/proxy; ClusterRole "system:aggregate-to-edit" rules[2] grants create, update, patch, delete on pods/proxy; ClusterRole "system:aggregate-to-edit" rules[4] grants create, update, patch, delete on services/proxy',
      'SB-RBAC-POLICY-MODIFY RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[9] grants create, update, patch, delete, deletecollection on extensions/networkpolicies; ClusterRole "system:aggregate-to-edit" rules[11] grants create, update, patch, delete, deletecollection on networking.k8s.io/networkpolicies',
      'SB-RBAC-SECRETS RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[0] grants list, watch on secrets; get on secrets without resourceNames',
      'SB-RBAC-TOKEN-CREATE RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[5] grants create on serviceaccounts/token',
      'SB-RBAC-WORKLOAD-CREATE RoleBinding/shop/ci-edit: RoleBinding grants built-in ClusterRole "edit" in namespace "shop": ClusterRole "system:aggregate-to-edit" rules[2] grants create, update, patch on pods; ClusterRole "system:aggregate-to-edit" rules[4] grants create, update, patch on replicationcontrollers; ClusterRole "system:aggregate-to-edit" rules[6] grants create, update, patch on apps/deployments; create, update, patch on apps/statefulsets; create, update, patch on apps/daemonsets; create, update, patch on apps/replicasets; ClusterRole "system:aggregate-to-edit" rules[8] grants create, update, patch on batch/jobs; create, update, patch on batch/cronjobs; ClusterRole "system:aggregate-to-edit" rules[9] grants create, update, patch on extensions/deployments; create, update, patch on extensions/daemonsets; create, update, patch on extensions/replicasets',
    ]);
  });

  test('a ClusterRoleBinding of a group to admin holds everything edit holds, cluster-wide, and the RBAC writes', () => {
    const ids = rbac([binding('ClusterRoleBinding', 'team-admin', { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'Group', name: 'team' }])])
      .map((f) => f.split(' ')[0]);
    expect(ids).toEqual([
      'SB-RBAC-ESCALATE', 'SB-RBAC-POD-EXEC', 'SB-RBAC-POD-PROXY', 'SB-RBAC-POLICY-MODIFY', 'SB-RBAC-SECRETS', 'SB-RBAC-SYSTEM-NAMESPACE', 'SB-RBAC-TOKEN-CREATE', 'SB-RBAC-WORKLOAD-CREATE',
    ]);
  });

  test('view bound anywhere is clean', () => {
    expect(rbac([binding('RoleBinding', 'viewers', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'team' }])])).toEqual([]);
  });

  test('an aggregated ClusterRole with empty rules shows what its selectors pull in', () => {
    const agg = {
      ...clusterRole('sneaky', []),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }] },
    };
    const findings = rbac([agg, binding('RoleBinding', 'sneaky', { kind: 'ClusterRole', name: 'sneaky' }, [{ kind: 'ServiceAccount', name: 'app', namespace: 'shop' }])]);
    expect(findings.filter((f) => f.startsWith('SB-RBAC-SECRETS'))).toEqual([
      'SB-RBAC-SECRETS ClusterRole/sneaky: aggregationRule selects built-in ClusterRole "system:aggregate-to-edit" rules[0] grants list, watch on secrets; get on secrets without resourceNames',
    ]);
    expect(findings.map((f) => f.split(' ')[0])).toEqual(expect.arrayContaining(['SB-RBAC-POD-EXEC', 'SB-RBAC-WORKLOAD-CREATE', 'SB-RBAC-ESCALATE']));
  });

  test('an app ClusterRole labelled aggregate-to-edit makes every edit binding hold its power', () => {
    const extra = { ...clusterRole('extra', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]) };
    extra.metadata.labels = { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' };
    const findings = rbac([extra, binding('RoleBinding', 'e', { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'Group', name: 'team' }])]);
    expect(findings.filter((f) => f.startsWith('SB-RBAC-NODES-PROXY'))).toEqual([
      'SB-RBAC-NODES-PROXY ClusterRole/extra: rules[0] grants get on nodes/proxy',
    ]);
  });

  test('a matchExpressions selector and an empty selector aggregate as Kubernetes does', () => {
    const everything = { ...clusterRole('everything', []), aggregationRule: { clusterRoleSelectors: [{}] } };
    const ids = rbac([everything]).map((f) => f.split(' ')[0]);
    // {} selects every ClusterRole, cluster-admin's wildcards among them.
    expect(ids).toEqual(expect.arrayContaining(['SB-RBAC-ESCALATE', 'SB-RBAC-SECRETS', 'SB-RBAC-NODES-PROXY', 'SB-RBAC-CSR-APPROVE', 'SB-RBAC-WEBHOOK']));
    const exprs = {
      ...clusterRole('exprs', []),
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'rbac.authorization.k8s.io/aggregate-to-edit', operator: 'In', values: ['true'] }] }] },
    };
    expect(rbac([exprs]).map((f) => f.split(' ')[0])).toContain('SB-RBAC-SECRETS');
  });
});
