import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

describe('SB-SECRET-IN-MANIFEST', () => {
  test('Secrets without data pass (e.g. service account token Secrets filled by the cluster)', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'shop', annotations: { 'kubernetes.io/service-account.name': 'web' } }, type: 'kubernetes.io/service-account-token' };
    const empty = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'empty', namespace: 'shop' }, data: {} };
    expect(findings(RuleIds.SECRET_IN_MANIFEST, [s, empty])).toEqual([]);
  });

  test('flags data and stringData', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'aHVudGVyMg==' }, stringData: { user: 'app' } };
    expect(findings(RuleIds.SECRET_IN_MANIFEST, [s])).toEqual([
      { object: 'Secret/shop/db', jsonPath: 'data', message: 'Secret carries data and stringData in the manifest (keys: password, user)' },
    ]);
  });
});
