import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('SB-RBAC-TOKEN-CREATE', () => {
  test('reading service accounts passes', () => {
    expect(findings(RuleIds.RBAC_TOKEN_CREATE, [role('r', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get'] }])])).toEqual([]);
  });

  test('flags create on serviceaccounts/token', () => {
    expect(findings(RuleIds.RBAC_TOKEN_CREATE, [role('minter', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }])])).toEqual([
      { object: 'Role/shop/minter', jsonPath: 'rules[0]', message: 'rules[0] grants create on serviceaccounts/token' },
    ]);
  });
});
