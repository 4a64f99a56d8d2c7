import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { clone, compliantBundle, compliantPodSpec, deployment } from './util';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds, SecurityAudit } from '../../src/audit';

/** Adds plain manifests as ApiObjects under a scope. */
function addObjects(scope: Construct, objects: any[], prefix = 'o'): ApiObject[] {
  return objects.map((o, i) => {
    const { apiVersion, kind, metadata, ...rest } = clone(o);
    return new ApiObject(scope, `${prefix}${i}-${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest });
  });
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));
}

function privilegedDeployment(): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return deployment('web', 'shop', spec);
}

describe('SecurityAudit', () => {
  test('Testing.synth fails on violations with rule, object, construct path, problem and fix', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    addObjects(chart, [...compliantBundle().slice(0, 3), privilegedDeployment()]);
    SecurityAudit.of(app, { printSummary: false });
    expect(() => Testing.synth(chart)).toThrow(
      'Validation failed with the following errors:\n'
      + `  [] security audit failed: 1 violation in 4 objects (full report: ${path.join(`${app.outdir}-reports`, 'security-audit.txt')})\n`
      + '  [] SB-PSS-PRIVILEGED Deployment/shop/web [construct test/o3-Deployment-web]: container "web" runs privileged (securityContext.privileged: true) '
      + '(at spec.template.spec.containers[0].securityContext.privileged). Fix: Remove securityContext.privileged or set it to false; grant only the specific capability the process needs.',
    );
  });

  test('a compliant app synthesizes, writes the reports and prints one summary line', () => {
    const outdir = tmpdir();
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop');
    addObjects(chart, compliantBundle());
    SecurityAudit.of(app);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let printed: unknown[];
    try {
      app.synth();
    } finally {
      printed = write.mock.calls.map(c => c[0]);
      write.mockRestore();
    }
    expect(printed).toEqual(['security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n']);
    // Beside the manifests folder, not in it: Argo CD and Flux apply every .json file there.
    expect(fs.readdirSync(outdir)).toEqual(['shop.k8s.yaml']);
    expect(fs.readdirSync(`${outdir}-reports`).sort()).toEqual(['security-audit.json', 'security-audit.sarif', 'security-audit.txt']);
    expect(fs.readFileSync(path.join(`${outdir}-reports`, 'security-audit.txt'), 'utf-8')).toBe('security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n');
  });

  test('an app with several charts is audited once per synth (cdk8s re-validates per chart)', () => {
    const outdir = tmpdir();
    const app = new App({ outdir });
    addObjects(new Chart(app, 'a'), compliantBundle());
    new Chart(app, 'b');
    new Chart(app, 'c');
    SecurityAudit.of(app);
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let printed: unknown[];
    try {
      app.synth();
      app.synthYaml();
    } finally {
      printed = write.mock.calls.map(c => c[0]);
      write.mockRestore();
    }
    expect(printed).toEqual([
      'security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n',
      'security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n',
    ]);
  });

  test('reports are written even when the audit fails; a Chart scope gets its own report name', () => {
    const outdir = tmpdir();
    const app = new App({ outdir });
    const chart = new Chart(app, 'shop');
    addObjects(chart, [privilegedDeployment()]);
    SecurityAudit.of(chart, { printSummary: false });
    expect(() => app.synth()).toThrow(/security audit failed/);
    const json = JSON.parse(fs.readFileSync(path.join(`${outdir}-reports`, 'security-audit-shop.json'), 'utf-8'));
    expect(json.summary.passed).toBe(false);
    expect(json.findings.some((f: any) => f.ruleId === RuleIds.PSS_PRIVILEGED && f.constructPath === 'shop/o0-Deployment-web')).toBe(true);
  });

  test('the synth error lists at most 100 violations and points at the report for the rest', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    addObjects(chart, Array.from({ length: 105 }, (_, i) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: 'shop' }, spec: { type: 'NodePort' } })));
    SecurityAudit.of(app, { printSummary: false });
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(1 + 1 + 100 + 1);
    expect(lines[1]).toBe(`  [] security audit failed: 105 violations in 105 objects (full report: ${path.join(`${app.outdir}-reports`, 'security-audit.txt')})`);
    expect(lines[102]).toBe(`  [] ... and 5 more violations (full report: ${path.join(`${app.outdir}-reports`, 'security-audit.txt')})`);
  });

  test('of() is idempotent and rejects different props', () => {
    const app = Testing.app();
    const a = SecurityAudit.of(app, { printSummary: false });
    expect(SecurityAudit.of(app)).toBe(a);
    expect(SecurityAudit.of(app, { printSummary: false })).toBe(a);
    expect(() => SecurityAudit.of(app, { failOnWarnings: true })).toThrow(
      '<root>: SecurityAudit.of() was already called on this scope with different props {"printSummary":false}, got {"failOnWarnings":true}. Fix: pass the props only on the first SecurityAudit.of() call',
    );
  });

  test('unknown disabledRules are refused', () => {
    expect(() => SecurityAudit.of(Testing.app(), { disabledRules: ['SB-PSS-PRIVILEDGED'] })).toThrow(
      'security audit: disabledRules names an unknown rule ID "SB-PSS-PRIVILEDGED". Fix: use one of the rule IDs listed in RULES.md (exported as RuleIds), e.g. did you mean "SB-PSS-PRIVILEGED"?',
    );
  });

  test('disabledRules skip rules', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    addObjects(chart, [...compliantBundle().slice(0, 3), privilegedDeployment()]);
    const audit = SecurityAudit.of(app, { printSummary: false, disabledRules: [RuleIds.PSS_PRIVILEGED] });
    expect(audit.audit().findings).toEqual([]);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('audits cdk8s-plus objects and objects of nested charts', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx' }] });
    const nested = new Chart(chart, 'nested');
    new ApiObject(nested, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' } });
    const result = SecurityAudit.of(app, { printSummary: false }).audit();
    expect(result.objectCount).toBe(2);
    const tag = result.findings.find(f => f.ruleId === RuleIds.CTR_IMAGE_TAG)!;
    expect(tag.resource).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: tag.resource!.name, namespace: 'shop' });
    expect(tag.constructPath).toBe('test/web/Resource');
    expect(result.findings.find(f => f.ruleId === RuleIds.SA_AUTOMOUNT)!.constructPath).toBe('test/nested/sa');
  });

  test('evaluates the final JSON, after patches', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const [, , , d] = addObjects(chart, [...compliantBundle().slice(0, 3), privilegedDeployment()]);
    d.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/privileged', false));
    expect(SecurityAudit.of(app, { printSummary: false }).audit().findings).toEqual([]);
  });
});

describe('acknowledgements', () => {
  function setup() {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const group = new Construct(chart, 'edge');
    addObjects(chart, compliantBundle());
    const [svc] = addObjects(group, [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort' } }], 'svc');
    return { app, chart, group, svc };
  }

  test('a construct acknowledgement covers every object under the construct and is reported with its reason', () => {
    const { app, chart, group } = setup();
    SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'bare-metal cluster, MetalLB is not installed yet');
    const audit = SecurityAudit.of(app, { printSummary: false });
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(audit.audit().findings).toEqual([{
      ruleId: 'SB-SVC-EXPOSED',
      severity: 'error',
      message: 'Service is of type NodePort',
      fix: 'Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.',
      resource: { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' },
      constructPath: 'test/edge/svc0-Service-web',
      jsonPath: 'spec.type',
      acknowledged: true,
      acknowledgement: { reason: 'bare-metal cluster, MetalLB is not installed yet', source: 'construct', constructPath: 'test/edge' },
    }]);
    expect(audit.audit().acknowledged).toBe(1);
  });

  test('the nearest construct acknowledgement wins and the outer one is not reported as unused', () => {
    const { app, chart, group } = setup();
    SecurityAudit.acknowledge(chart, RuleIds.SVC_EXPOSED, 'the whole chart runs on a lab cluster only');
    SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'bare-metal cluster, MetalLB is not installed yet');
    const result = SecurityAudit.of(app, { printSummary: false }).audit();
    expect(result.findings.map(f => [f.ruleId, f.acknowledgement?.reason])).toEqual([['SB-SVC-EXPOSED', 'bare-metal cluster, MetalLB is not installed yet']]);
  });

  test('an annotation acknowledgement works without code', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    addObjects(chart, [...compliantBundle(), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', annotations: { [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${RuleIds.SVC_EXPOSED}`]: 'exposed on the node network for the lab only' } },
      spec: { type: 'NodePort' },
    }]);
    const result = SecurityAudit.of(app, { printSummary: false }).audit();
    expect(result.passed).toBe(true);
    expect(result.findings.map(f => [f.ruleId, f.acknowledgement])).toEqual([
      ['SB-SVC-EXPOSED', { reason: 'exposed on the node network for the lab only', source: 'annotation' }],
    ]);
  });

  test('an acknowledgement that matches nothing is reported as a warning', () => {
    const { app, chart, group } = setup();
    SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'bare-metal cluster, MetalLB is not installed yet');
    SecurityAudit.acknowledge(group, RuleIds.PSS_HOST_PATH, 'log shipper reads /var/log on the node');
    const result = SecurityAudit.of(app, { printSummary: false }).audit();
    expect(result.findings.filter(f => f.ruleId === RuleIds.ACK_UNUSED)).toEqual([{
      ruleId: 'SB-ACK-UNUSED',
      severity: 'warning',
      message: 'acknowledgement of SB-PSS-HOST-PATH on construct "test/edge" (reason: "log shipper reads /var/log on the node") matches no finding',
      fix: 'Remove the acknowledgement, or move it to the construct that produces the finding.',
      constructPath: 'test/edge',
      acknowledged: false,
    }]);
    expect(result.passed).toBe(true);
    expect(result.warnings).toBe(1);
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('failOnWarnings turns warnings into violations', () => {
    const { app, chart, group } = setup();
    SecurityAudit.acknowledge(group, RuleIds.PSS_HOST_PATH, 'log shipper reads /var/log on the node');
    SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'bare-metal cluster, MetalLB is not installed yet');
    SecurityAudit.of(app, { printSummary: false, failOnWarnings: true });
    expect(() => Testing.synth(chart)).toThrow(/SB-ACK-UNUSED construct test\/edge: acknowledgement of SB-PSS-HOST-PATH/);
  });

  test('trivial reasons are refused with the construct path, the value and the fix', () => {
    const { group } = setup();
    expect(() => SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'todo')).toThrow(
      'test/edge: the acknowledgement reason "todo" for SB-SVC-EXPOSED is too short (4 characters, 1 word; at least 20 characters and 3 words are required). '
      + "Fix: explain why the finding is acceptable in a full sentence, e.g. SecurityAudit.acknowledge(scope, 'SB-SVC-EXPOSED', 'metrics agent must read node stats, reviewed by the platform team')",
    );
    expect(() => SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'todo todo todo todo todo n/a')).toThrow(
      'test/edge: the acknowledgement reason "todo todo todo todo todo n/a" for SB-SVC-EXPOSED is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...). Fix:',
    );
    expect(() => SecurityAudit.acknowledge(group, RuleIds.SVC_EXPOSED, 'because')).toThrow(/"because" for SB-SVC-EXPOSED is too short/);
  });

  test('unknown and meta rule IDs are refused', () => {
    const { group } = setup();
    expect(() => SecurityAudit.acknowledge(group, 'SB-SVC-EXPOSD', 'bare-metal cluster without a load balancer')).toThrow(
      'test/edge: SecurityAudit.acknowledge() names an unknown rule ID "SB-SVC-EXPOSD". Fix: use one of the rule IDs listed in RULES.md (exported as RuleIds), e.g. did you mean "SB-SVC-EXPOSED"?',
    );
    expect(() => SecurityAudit.acknowledge(group, RuleIds.ACK_UNUSED, 'bare-metal cluster without a load balancer')).toThrow(
      'test/edge: rule SB-ACK-UNUSED cannot be acknowledged. Fix: correct or remove the acknowledgement it reports',
    );
  });
});

describe('SecurityAudit inside a synth renders each object once', () => {
  function shopApp(outdir: string, audit: boolean): { app: App; objects: ApiObject[] } {
    const app = new App({ outdir });
    if (audit) SecurityAudit.of(app, { printSummary: false, writeReports: false });
    const chart = new Chart(app, 'shop');
    const objects = addObjects(chart, compliantBundle());
    return { app, objects };
  }

  test('the audited synth writes exactly what an unaudited synth writes', () => {
    const withAudit = tmpdir();
    const without = tmpdir();
    shopApp(withAudit, true).app.synth();
    shopApp(without, false).app.synth();
    const files = fs.readdirSync(without).sort();
    expect(fs.readdirSync(withAudit).sort()).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(withAudit, f), 'utf-8')).toEqual(fs.readFileSync(path.join(without, f), 'utf-8'));
    }
  });

  test('objects are rendered once per synth, and render afresh afterwards', () => {
    const { app, objects } = shopApp(tmpdir(), true);
    const spy = jest.spyOn(ApiObject.prototype, 'toJson');
    app.synth();
    expect(spy).toHaveBeenCalledTimes(objects.length);
    spy.mockClear();
    // Outside a synth nothing is reused: a later change to an object shows up.
    objects[0].metadata.addLabel('changed', 'yes');
    expect(objects[0].toJson().metadata.labels.changed).toBe('yes');
    spy.mockRestore();
  });
});
