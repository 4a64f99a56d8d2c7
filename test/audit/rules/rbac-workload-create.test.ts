import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('SB-RBAC-WORKLOAD-CREATE', () => {
  test('updating or reading workloads passes', () => {
    expect(findings(RuleIds.RBAC_WORKLOAD_CREATE, [role('r', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] }])])).toEqual([]);
  });

  test('flags create on pods and workload kinds', () => {
    const objects = [
      role('pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
      role('deployer', [{ apiGroups: ['apps', 'batch'], resources: ['deployments', 'cronjobs'], verbs: ['create', 'update'] }]),
    ];
    expect(findings(RuleIds.RBAC_WORKLOAD_CREATE, objects)).toEqual([
      { object: 'Role/shop/deployer', jsonPath: 'rules[0]', message: 'rules[0] grants create on apps/deployments; create on batch/cronjobs' },
      { object: 'Role/shop/pods', jsonPath: 'rules[0]', message: 'rules[0] grants create on pods' },
    ]);
  });
});
