import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings, role } from '../util';

describe('SB-RBAC-SECRETS', () => {
  test('get on named Secrets passes', () => {
    expect(findings(RuleIds.RBAC_SECRETS, [role('r', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] }])])).toEqual([]);
  });

  test('flags list/watch anywhere and get without resourceNames', () => {
    const objects = [
      role('lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'], resourceNames: ['db'] }]),
      role('getter', [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get'] }]),
      clusterRole('all', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }]),
    ];
    expect(findings(RuleIds.RBAC_SECRETS, objects)).toEqual([
      { object: 'ClusterRole/all', jsonPath: 'rules[0]', message: 'rules[0] grants list, watch on secrets; get on secrets without resourceNames' },
      { object: 'Role/shop/getter', jsonPath: 'rules[0]', message: 'rules[0] grants get on secrets without resourceNames' },
    ]);
  });

  // list and watch restricted by resourceNames only answer requests with a metadata.name field
  // selector for those names: reading the named Secret, as get does (the constructs still refuse
  // them, as a matter of style: grantReadSecret).
  test('list and watch restricted by resourceNames read only those Secrets', () => {
    expect(findings(RuleIds.RBAC_SECRETS, [
      role('lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'], resourceNames: ['db'] }]),
    ])).toEqual([]);
  });
});
