import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('SB-RBAC-WORKLOAD-CREATE', () => {
  test('reading workloads and scaling them passes', () => {
    expect(findings(RuleIds.RBAC_WORKLOAD_CREATE, [role('r', [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['update', 'patch'] },
      { apiGroups: [''], resources: ['pods/log', 'pods/eviction'], verbs: ['get', 'create'] },
    ])])).toEqual([]);
  });

  test('flags create on pods and workload kinds', () => {
    const objects = [
      role('pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
      role('deployer', [{ apiGroups: ['apps', 'batch'], resources: ['deployments', 'cronjobs'], verbs: ['create', 'update'] }]),
    ];
    expect(findings(RuleIds.RBAC_WORKLOAD_CREATE, objects)).toEqual([
      { object: 'Role/shop/deployer', jsonPath: 'rules[0]', message: 'rules[0] grants create, update on apps/deployments; create, update on batch/cronjobs' },
      { object: 'Role/shop/pods', jsonPath: 'rules[0]', message: 'rules[0] grants create on pods' },
    ]);
  });

  // Issue #14: as strong as create — a swapped image or a rewritten pod template runs the
  // attacker's code as the workload's identity.
  test('flags update and patch on pods and pod templates, including the legacy extensions group and named objects', () => {
    const objects = [
      role('image-swap', [{ apiGroups: [''], resources: ['pods'], verbs: ['patch'] }]),
      role('rollout', [{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'], verbs: ['update'] }]),
      role('legacy', [{ apiGroups: ['extensions'], resources: ['daemonsets'], verbs: ['patch'] }]),
      role('jobs', [{ apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['update'] }]),
    ];
    expect(findings(RuleIds.RBAC_WORKLOAD_CREATE, objects)).toEqual([
      { object: 'Role/shop/image-swap', jsonPath: 'rules[0]', message: 'rules[0] grants patch on pods' },
      { object: 'Role/shop/jobs', jsonPath: 'rules[0]', message: 'rules[0] grants update on batch/jobs; update on batch/cronjobs' },
      { object: 'Role/shop/legacy', jsonPath: 'rules[0]', message: 'rules[0] grants patch on extensions/daemonsets' },
      { object: 'Role/shop/rollout', jsonPath: 'rules[0]', message: 'rules[0] grants update on apps/deployments' },
    ]);
  });
});
