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

describe('SB-NS-PSS enforce-version', () => {
  const ns = (name: string, version: string) => namespace(name, { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version });

  test('latest, the minimum (what SecureNamespace pins by default) and newer pass; audit/warn versions do not count', () => {
    const old = namespace('w', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.0', 'pod-security.kubernetes.io/audit-version': 'v1.2' });
    expect(findings(RuleIds.NS_PSS, [ns('a', 'latest'), ns('b', 'v1.34'), ns('c', 'v1.35'), ns('d', 'v1.40'), ns('e', 'v1.100'), old])).toEqual([]);
  });

  test('flags v1.0 (the exact case: no seccomp, capabilities or runAsUser checks) and every version below the minimum', () => {
    expect(findings(RuleIds.NS_PSS, [ns('a', 'v1.0')])).toEqual([{
      object: 'Namespace/a',
      jsonPath: 'metadata.labels["pod-security.kubernetes.io/enforce-version"]',
      message: 'namespace pod-security.kubernetes.io/enforce-version "v1.0" pins a version older than v1.34, which skips checks the audit relies on (seccomp since v1.19, capabilities since v1.22, runAsUser since v1.23, host probes since v1.34)',
    }]);
    expect(findings(RuleIds.NS_PSS, [ns('a', 'v1.22'), ns('b', 'v1.33'), ns('c', 'v1.3'), ns('d', 'v1.4')]).map(f => f.object)).toEqual(['Namespace/a', 'Namespace/b', 'Namespace/c', 'Namespace/d']);
  });

  test('flags invalid spellings (which Pod Security Admission does not read as the version they look like)', () => {
    expect(findings(RuleIds.NS_PSS, ['1.34', 'v1.034', 'v2.0', 'Latest', 'v1.34.0', ''].map((v, i) => ns(`n${i}`, v))).map(f => f.message)).toEqual([
      'namespace pod-security.kubernetes.io/enforce-version "1.34" is not a Pod Security Standards version ("v1.N" or "latest")',
      'namespace pod-security.kubernetes.io/enforce-version "v1.034" is not a Pod Security Standards version ("v1.N" or "latest")',
      'namespace pod-security.kubernetes.io/enforce-version "v2.0" is not a Pod Security Standards version ("v1.N" or "latest")',
      'namespace pod-security.kubernetes.io/enforce-version "Latest" is not a Pod Security Standards version ("v1.N" or "latest")',
      'namespace pod-security.kubernetes.io/enforce-version "v1.34.0" is not a Pod Security Standards version ("v1.N" or "latest")',
      'namespace pod-security.kubernetes.io/enforce-version "" is not a Pod Security Standards version ("v1.N" or "latest")',
    ]);
  });
});
