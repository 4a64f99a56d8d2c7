import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('SB-RBAC-POD-PROXY', () => {
  test('reading pods and services passes', () => {
    expect(findings(RuleIds.RBAC_POD_PROXY, [role('r', [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] }])])).toEqual([]);
  });

  test('flags pods/proxy and services/proxy with any HTTP verb, and through */proxy', () => {
    const objects = [
      role('pods', [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }]),
      role('any', [{ apiGroups: [''], resources: ['*/proxy'], verbs: ['create', 'delete'] }]),
    ];
    expect(findings(RuleIds.RBAC_POD_PROXY, objects)).toEqual([
      { object: 'Role/shop/any', jsonPath: 'rules[0]', message: 'rules[0] grants create, delete on pods/proxy; create, delete on services/proxy' },
      { object: 'Role/shop/pods', jsonPath: 'rules[0]', message: 'rules[0] grants get on pods/proxy' },
    ]);
  });
});
