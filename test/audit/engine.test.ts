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
    expect(flattenLists([{ manifest: list, file: 'x.yaml' }]).map(i => [i.manifest.kind, i.file, i.location])).toEqual([
      ['Namespace', 'x.yaml', 'x.yaml document 1 items[0]'], ['NetworkPolicy', 'x.yaml', 'x.yaml document 1 items[1]'],
      ['ServiceAccount', 'x.yaml', 'x.yaml document 1 items[2]'], ['Deployment', 'x.yaml', 'x.yaml document 1 items[3]'],
    ]);
  });

  test('typed lists: items without kind/apiVersion take the list\'s, and are audited (nested lists too)', () => {
    const bad = compliantPodSpec();
    bad.containers[0].securityContext.privileged = true;
    const podList = { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'shop' }, spec: bad }] };
    const deploymentList = { apiVersion: 'apps/v1', kind: 'DeploymentList', items: [{ metadata: { name: 'd', namespace: 'shop' }, spec: deployment('d', 'shop', bad).spec }] };
    const r = auditManifests([...scaffold(), { apiVersion: 'v1', kind: 'List', items: [podList] }, deploymentList]);
    expect(r.findings.filter(f => f.ruleId === RuleIds.PSS_PRIVILEGED).map(f => `${f.resource!.apiVersion} ${f.resource!.kind}/${f.resource!.name} ${f.jsonPath}`)).toEqual([
      'apps/v1 Deployment/d spec.template.spec.containers[0].securityContext.privileged',
      'v1 Pod/p spec.containers[0].securityContext.privileged',
    ]);
  });

  test('duplicates: the rules audit the last object of each identity, as kubectl apply keeps it, and every earlier copy too', () => {
    const bad = compliantPodSpec();
    bad.containers[0].securityContext.privileged = true;
    // A reviewed, compliant Deployment first; a privileged one with the same identity later wins.
    const r = runAudit([
      ...scaffold().map(manifest => ({ manifest, file: 'base.yaml' })),
      { manifest: deployment('web', 'shop'), file: 'base.yaml' },
      { manifest: deployment('web', 'shop', bad), file: 'overlay.yaml' },
    ]);
    expect(r.objectCount).toBe(5);
    expect(r.findings.map(f => `${f.ruleId} ${f.file} ${f.message}`)).toEqual([
      'SB-META-DUPLICATE overlay.yaml kubectl apply keeps only the last: Deployment/shop/web at overlay.yaml document 1 shadows the definition at base.yaml document 4',
      'SB-PSS-PRIVILEGED overlay.yaml container "web" runs privileged (securityContext.privileged: true)',
    ]);
    // And the other way round: a compliant object last does not hide the privileged one (Helm and
    // `kubectl create` keep the first copy): it is judged in the world where it is kept.
    const r2 = auditManifests([...scaffold(), deployment('web', 'shop', bad), deployment('web', 'shop')]);
    expect(r2.findings.map(f => `${f.ruleId} ${f.message}`)).toEqual([
      'SB-META-DUPLICATE kubectl apply keeps only the last: Deployment/shop/web at input 5 shadows the definition at input 4',
      'SB-PSS-PRIVILEGED container "web" runs privileged (securityContext.privileged: true)',
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
