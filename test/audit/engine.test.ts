import { compliantBundle, compliantPodSpec, deployment, scaffold } from './util';
import { auditManifests, flattenLists, runAudit } from '../../src/audit/engine';
import { RuleIds } from '../../src/audit/rule-ids';

describe('engine', () => {
  test('a compliant bundle has no findings', () => {
    expect(auditManifests(compliantBundle())).toEqual({ objectCount: 4, findings: [], violations: 0, warnings: 0, acknowledged: 0, passed: true });
  });

  test('List documents are expanded', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: compliantBundle() };
    expect(auditManifests([list]).objectCount).toBe(4);
    expect(flattenLists([{ manifest: list, file: 'x.yaml' }]).map(i => [i.manifest.kind, i.file])).toEqual([
      ['Namespace', 'x.yaml'], ['NetworkPolicy', 'x.yaml'], ['ServiceAccount', 'x.yaml'], ['Deployment', 'x.yaml'],
    ]);
  });

  test('unknown disabledRules are an error', () => {
    expect(() => auditManifests([], { disabledRules: ['SB-NOPE'] })).toThrow(/disabledRules names an unknown rule ID "SB-NOPE"/);
  });

  test('disabling SB-ACK-UNUSED suppresses unused acknowledgement findings', () => {
    const ack = { ruleId: RuleIds.SVC_EXPOSED, reason: 'lab cluster without a load balancer', constructPath: 'x' };
    expect(runAudit([], {}, [ack]).findings.map(f => f.ruleId)).toEqual([RuleIds.ACK_UNUSED]);
    expect(runAudit([], { disabledRules: [RuleIds.ACK_UNUSED] }, [ack]).findings).toEqual([]);
  });

  test('an annotation acknowledgement wins over a construct acknowledgement and leaves it unused', () => {
    const ack = { ruleId: RuleIds.SVC_EXPOSED, reason: 'construct says lab cluster only', constructPath: 'app/web' };
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      spec: { type: 'LoadBalancer' },
      metadata: { name: 'web', namespace: 'shop', annotations: { 'ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED': 'public storefront behind the cloud WAF' } },
    };
    const r = runAudit([{ manifest: svc, acknowledgements: [ack] }], {}, [ack]);
    expect(r.findings.map(f => [f.ruleId, f.acknowledgement?.source ?? '-'])).toEqual([['SB-ACK-UNUSED', '-'], ['SB-SVC-EXPOSED', 'annotation']]);
  });

  test('findings are sorted by rule, then object', () => {
    const bad = compliantPodSpec();
    bad.containers[0].imagePullPolicy = 'Never';
    const r = auditManifests([...scaffold(), deployment('b', 'shop', bad), deployment('a', 'shop', bad)]);
    expect(r.findings.map(f => `${f.ruleId} ${f.resource!.name}`)).toEqual([
      'SB-CTR-IMAGE-PULL-POLICY a',
      'SB-CTR-IMAGE-PULL-POLICY b',
    ]);
    expect([r.violations, r.warnings, r.passed]).toEqual([0, 2, true]);
    expect(auditManifests([...scaffold(), deployment('a', 'shop', bad)], { failOnWarnings: true }).passed).toBe(false);
  });
});
