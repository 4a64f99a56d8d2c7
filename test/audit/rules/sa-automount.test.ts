import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, findings } from '../util';

describe('SB-SA-AUTOMOUNT', () => {
  test('compliant ServiceAccounts pass', () => {
    expect(findings(RuleIds.SA_AUTOMOUNT, compliantBundle())).toEqual([]);
  });

  test('flags true and unset', () => {
    const a = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'shop' }, automountServiceAccountToken: true };
    const b = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'b', namespace: 'shop' } };
    expect(findings(RuleIds.SA_AUTOMOUNT, [a, b])).toEqual([
      { object: 'ServiceAccount/shop/a', jsonPath: 'automountServiceAccountToken', message: 'ServiceAccount sets automountServiceAccountToken: true' },
      { object: 'ServiceAccount/shop/b', jsonPath: 'automountServiceAccountToken', message: 'ServiceAccount does not set automountServiceAccountToken: false' },
    ]);
  });
});
