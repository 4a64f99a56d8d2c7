import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, namespace } from '../util';

describe('SB-NS-PSS', () => {
  test('restricted namespaces pass', () => {
    expect(findings(RuleIds.NS_PSS, [namespace()])).toEqual([]);
  });

  test('flags missing and weaker levels', () => {
    expect(findings(RuleIds.NS_PSS, [namespace('a', {}), namespace('b', { 'pod-security.kubernetes.io/enforce': 'baseline' })])).toEqual([
      { object: 'Namespace/a', jsonPath: 'metadata.labels', message: 'namespace has no pod-security.kubernetes.io/enforce label' },
      { object: 'Namespace/b', jsonPath: 'metadata.labels', message: 'namespace enforces Pod Security level "baseline" instead of "restricted"' },
    ]);
  });
});
