import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings, role } from '../util';

describe('SB-RBAC-WILDCARD', () => {
  test('explicit rules pass', () => {
    expect(findings(RuleIds.RBAC_WILDCARD, [role('reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])])).toEqual([]);
  });

  test('flags "*" in verbs, resources, apiGroups and nonResourceURLs', () => {
    const objects = [
      role('all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      clusterRole('urls', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { nonResourceURLs: ['*'], verbs: ['get'] }]),
    ];
    expect(findings(RuleIds.RBAC_WILDCARD, objects)).toEqual([
      { object: 'ClusterRole/urls', jsonPath: 'rules[1]', message: 'rules[1] uses "*" in nonResourceURLs' },
      { object: 'Role/shop/all', jsonPath: 'rules[0]', message: 'rules[0] uses "*" in verbs, resources, apiGroups' },
    ]);
  });
});
