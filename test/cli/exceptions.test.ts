import * as path from 'path';
import Ajv from 'ajv';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { privileged, run, useTempDir, writeFile } from './util';
import { AuditException, RuleIds, SecureNamespace, SecurityAudit } from '../../src';
import { auditManifests } from '../../src/audit/engine';
import { utcToday } from '../../src/audit/exceptions';
import { SARIF_SUBSET_SCHEMA } from '../audit/sarif-schema';
import { compliantBundle, namespace } from '../audit/util';

const REASON = 'the CSI node plugin needs device access, reviewed by the platform team';
const PRIVILEGED_PATH = 'spec.template.spec.containers[0].securityContext.privileged';

/** Exceptions: the `exceptions` list of `.secure-baseline.yaml` and the `exceptions` audit option. */
describe('exceptions', () => {
  const tmp = useTempDir('audit-exceptions');

  const write = (file: string, content: string | any[]) => writeFile(tmp(), file, content);
  /** The config file: `paths: [...]` on line 1, the exceptions from line 3 on. */
  const config = (exceptions: object[], paths = ['m']) => write('.secure-baseline.yaml', `paths: ${JSON.stringify(paths)}\n${YAML.stringify({ exceptions }, { lineWidth: 0 })}`);
  const statuses = (json: any) => json.findings.map((f: any) => `${f.ruleId} ${f.resource ? `${f.resource.namespace ?? ''}/${f.resource.name}` : f.jsonPath} ${f.status}`);

  function fixture(): void {
    write('m/app.yaml', [
      ...compliantBundle(), privileged('api-1'), privileged('api-2'), privileged('api-10'), privileged('other'),
      namespace('team-a'), privileged('tool', 'team-a'), namespace('team-ab'), privileged('tool', 'team-ab'),
    ]);
    write('vendor/agent.yaml', [privileged('agent')]);
  }

  test('a matching exception acknowledges the finding; name, namespace and file globs; kind in any case', () => {
    fixture();
    config([
      { ruleId: RuleIds.PSS_PRIVILEGED, kind: 'deployment', name: 'api-?', reason: REASON, expires: '2030-01-31' },
      { ruleId: RuleIds.PSS_PRIVILEGED, namespace: 'team-?', reason: REASON },
      { ruleId: RuleIds.PSS_PRIVILEGED, file: 'vendor/**', reason: REASON },
    ], ['m', 'vendor']);
    const r = run(['audit', '--format', 'json', '--today', '2030-01-01', '--exclude-kind', 'NetworkPolicy,Namespace', '--disable', 'SB-NET-WORKLOAD-ISOLATION,SB-NS-PSS,SB-NET-NS-DEFAULT-DENY']);
    const json = JSON.parse(r.stdout);
    expect(statuses(json)).toEqual([
      'SB-PSS-PRIVILEGED shop/agent acknowledged',
      'SB-PSS-PRIVILEGED shop/api-1 acknowledged',
      'SB-PSS-PRIVILEGED shop/api-10 violation',
      'SB-PSS-PRIVILEGED shop/api-2 acknowledged',
      'SB-PSS-PRIVILEGED shop/other violation',
      'SB-PSS-PRIVILEGED team-a/tool acknowledged',
      'SB-PSS-PRIVILEGED team-ab/tool violation',
    ]);
    expect(r.code).toBe(1);
    expect(json.findings[1]).toMatchObject({
      file: 'm/app.yaml',
      jsonPath: PRIVILEGED_PATH,
      positionOf: 'field',
      acknowledgement: { reason: REASON, source: 'exception', declaredAt: '.secure-baseline.yaml:3 exceptions[0]', expires: '2030-01-31' },
    });
    expect(json.findings[0].acknowledgement).toEqual({ reason: REASON, source: 'exception', declaredAt: '.secure-baseline.yaml:11 exceptions[2]' });

    const text = run(['audit', '--today', '2030-01-01']).stdout;
    expect(text).toContain(`    acknowledged by exception .secure-baseline.yaml:3 exceptions[0], expires 2030-01-31: ${REASON}\n`);
    const sarif = JSON.parse(run(['audit', '--format', 'sarif', '--today', '2030-01-01']).stdout);
    const suppressed = sarif.runs[0].results.filter((x: any) => x.suppressions && x.locations[0].logicalLocations[0].fullyQualifiedName === 'Deployment/shop/api-1');
    expect(suppressed.map((x: any) => x.suppressions)).toEqual([[{
      kind: 'external',
      status: 'accepted',
      justification: REASON,
      properties: { channel: 'exception', declaredAt: '.secure-baseline.yaml:3 exceptions[0]', expires: '2030-01-31' },
    }]]);
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    ajv.addFormat('uri-reference', /^[^\s]*$/);
    const validate = ajv.compile(SARIF_SUBSET_SCHEMA);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });

  test('expiry: the expires day still accepts; the day after the finding is back and SB-ACK-EXPIRED points at the exception', () => {
    write('m/app.yaml', [...compliantBundle(), privileged('api-1')]);
    config([{ ruleId: RuleIds.PSS_PRIVILEGED, name: 'api-*', reason: REASON, expires: '2030-01-31' }]);
    const lastDay = run(['audit', '--today', '2030-01-31']);
    expect(lastDay.code).toBe(0);
    expect(lastDay.stdout.split('\n')[0]).toBe('security audit: 5 objects, 0 violations, 1 acknowledged, 0 warnings');
    const dayAfter = run(['audit', '--today', '2030-02-01', '--format', 'json']);
    expect(dayAfter.code).toBe(1);
    const json = JSON.parse(dayAfter.stdout);
    expect(statuses(json)).toEqual(['SB-ACK-EXPIRED exceptions[0] warning', 'SB-PSS-PRIVILEGED shop/api-1 violation']);
    expect(json.findings[0]).toEqual({
      ruleId: 'SB-ACK-EXPIRED',
      severity: 'warning',
      status: 'warning',
      file: '.secure-baseline.yaml',
      line: 3,
      column: 5,
      objectLine: 3,
      objectColumn: 5,
      positionOf: 'object',
      jsonPath: 'exceptions[0]',
      message: `exception of SB-PSS-PRIVILEGED on name api-* (reason: "${REASON}") expired on 2030-01-31 (today is 2030-02-01): it no longer accepts the 1 finding it matches, reported again`,
      fix: 'Fix the findings the exception accepted and remove it, or review it and set a later expires date.',
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const sarif = JSON.parse(run(['audit', '--today', '2030-02-01', '--format', 'sarif']).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: '.secure-baseline.yaml' }, region: { startLine: 3, startColumn: 5 } });
    // Without --today, the clock's UTC date.
    expect(utcToday()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(auditManifests([privileged('api-1')], { exceptions: [{ ruleId: RuleIds.PSS_PRIVILEGED, name: 'api-1', reason: REASON, expires: '2000-01-01' }] })
      .findings.map((f) => f.ruleId)).toContain('SB-ACK-EXPIRED');
  });

  test('an exception that matches no finding is SB-ACK-UNUSED; a finding acknowledged otherwise does not use it', () => {
    const annotated = privileged('api-1');
    annotated.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-PSS-PRIVILEGED': 'privileged CSI plugin on the storage nodes, reviewed' };
    write('m/app.yaml', [...compliantBundle(), annotated]);
    config([
      { ruleId: RuleIds.PSS_PRIVILEGED, name: 'api-1', reason: REASON },
      { ruleId: RuleIds.PSS_HOST_PATH, kind: 'DaemonSet', reason: 'node agents read the host log directory, reviewed' },
    ]);
    const r = run(['audit', '--format', 'json']);
    const json = JSON.parse(r.stdout);
    expect(statuses(json)).toEqual(['SB-ACK-UNUSED exceptions[0] warning', 'SB-ACK-UNUSED exceptions[1] warning', 'SB-PSS-PRIVILEGED shop/api-1 acknowledged']);
    expect(json.findings[1]).toMatchObject({
      file: '.secure-baseline.yaml',
      line: 6,
      column: 5,
      jsonPath: 'exceptions[1]',
      message: 'exception of SB-PSS-HOST-PATH on kind DaemonSet (reason: "node agents read the host log directory, reviewed") matches no finding',
    });
    expect(json.findings[2].acknowledgement.source).toBe('annotation');
    expect(r.code).toBe(0);
    expect(run(['audit', '--disable', 'SB-ACK-UNUSED']).stdout.split('\n')[0]).toBe('security audit: 5 objects, 0 violations, 1 acknowledged, 0 warnings');
  });

  test('in the app: the exceptions option is validated at construction, with the construct path', () => {
    const chart = Testing.chart();
    expect(() => SecurityAudit.of(chart, { exceptions: [{ ruleId: RuleIds.PSS_PRIVILEGED, name: 'api' } as AuditException] })).toThrow(
      'test: SecurityAudit: exceptions[0]: has no reason. Fix: say why the findings are acceptable in a full sentence (at least 20 characters and 3 words), e.g. reason: node exporter reads host metrics, reviewed by the platform team',
    );
    expect(() => SecurityAudit.of(Testing.chart(), { exceptions: [{ ruleId: 'SB-PSS-PRIV', name: 'api', reason: REASON }] })).toThrow(
      'test: SecurityAudit: exceptions[0].ruleId: unknown rule ID "SB-PSS-PRIV". Fix: use one of the rule IDs listed in RULES.md',
    );
    expect(() => SecurityAudit.of(Testing.chart(), { today: '31.01.2030' })).toThrow(
      'test: SecurityAudit: today must be a date YYYY-MM-DD, got "31.01.2030". Fix: pass the date exceptions expire against, e.g. "2025-06-30", or leave it out to use the clock',
    );
    expect(() => auditManifests([], { exceptions: [{ ruleId: RuleIds.PSS_PRIVILEGED, reason: REASON }] })).toThrow(
      'security audit: exceptions[0]: selects no object. Fix: give at least one of kind, namespace, name, file (to skip a rule everywhere, use disabledRules)',
    );
  });

  test('the same exceptions give the same result in the app and in the CLI over its YAML', () => {
    const exceptions: AuditException[] = [
      { ruleId: RuleIds.PSS_PRIVILEGED, kind: 'Deployment', namespace: 'shop', name: 'storage-*', reason: REASON, expires: '2030-06-30' },
      { ruleId: RuleIds.SVC_EXPOSED, name: 'edge', reason: 'bare-metal cluster without a load balancer, reviewed', expires: '2029-12-31' },
      { ruleId: RuleIds.PSS_HOST_PATH, namespace: 'shop', reason: 'node agents read the host log directory, reviewed' },
    ];
    const app = new App({ outdir: path.join(tmp(), 'dist') });
    const chart = new Chart(app, 'shop');
    new SecureNamespace(chart, 'ns', { name: 'shop' });
    new ApiObject(chart, 'storage', privileged('storage-node'));
    new ApiObject(chart, 'edge', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'shop' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    app.synth();
    const inApp = SecurityAudit.of(app, { exceptions, today: '2030-01-01', writeReports: false, printSummary: false }).audit();
    config(exceptions, ['dist']);
    const cli = run(['audit', '--format', 'json', '--today', '2030-01-01']);
    const key = (f: any) => [f.ruleId, f.resource?.kind ?? '', f.resource?.namespace ?? '', f.resource?.name ?? '', f.jsonPath ?? '', f.message,
      f.acknowledgement ? `${f.acknowledgement.source}: ${f.acknowledgement.reason} (${f.acknowledgement.expires ?? 'no expiry'})` : 'not acknowledged'].join(' | ');
    const cliFindings = JSON.parse(cli.stdout).findings;
    expect(cliFindings.map(key)).toEqual(inApp.findings.map(key));
    expect(inApp.findings.filter((f) => f.ruleId.startsWith('SB-ACK') || f.acknowledged).map(key)).toEqual([
      'SB-ACK-EXPIRED |  |  |  | exceptions[1] | exception of SB-SVC-EXPOSED on name edge (reason: "bare-metal cluster without a load balancer, reviewed") expired on 2029-12-31 (today is 2030-01-01): it no longer accepts the 1 finding it matches, reported again | not acknowledged',
      'SB-ACK-UNUSED |  |  |  | exceptions[2] | exception of SB-PSS-HOST-PATH on namespace shop (reason: "node agents read the host log directory, reviewed") matches no finding | not acknowledged',
      `SB-PSS-PRIVILEGED | Deployment | shop | storage-node | ${PRIVILEGED_PATH} | container "web" runs privileged (securityContext.privileged: true) | exception: ${REASON} (2030-06-30)`,
    ]);
    expect(inApp.findings.find((f) => f.acknowledged)!.acknowledgement!.declaredAt).toBe('exceptions[0]');
    expect(cliFindings.find((f: any) => f.acknowledgement)!.acknowledgement.declaredAt).toBe('.secure-baseline.yaml:3 exceptions[0]');
    expect([cli.code, inApp.passed]).toEqual([1, false]);
  });
});
