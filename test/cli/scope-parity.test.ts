/**
 * One scoping for the CLI and the in-app audit: the same manifests through the CLI with scoping
 * flags, through the CLI with the same options in a config file (its keys are `reportScope`'s),
 * and through `auditManifests` with `reportScope` give the same findings, in the same order, with
 * the same counts, the same number left out of scope and the same verdict.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { AuditOptions, AuditScope, Severity } from '../../src';
import { runScopedAudit } from '../../src/audit/engine';
import { runCli } from '../../src/cli/audit';
import { findingKey, scopeFixture } from '../audit/scope-fixture';
import { expectValidManifests } from '../util/schema';

/** A NodePort Service acknowledged by annotation: an acknowledged finding, in the billing namespace. */
const ACKNOWLEDGED = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'metrics',
    namespace: 'billing',
    annotations: { 'ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED': 'scraped by the external monitoring VLAN; ticket NET-412' },
  },
  spec: { type: 'NodePort', selector: { app: 'ledger' }, ports: [{ port: 9100 }] },
};

/** The fixture's groups as files (`shop.yaml`, `billing.yaml`, `platform/vendor.yaml`), in the order the CLI reads them. */
function writeManifests(dir: string): any[] {
  const groups = scopeFixture();
  groups[1].objects.push(ACKNOWLEDGED);
  const objects: any[] = [];
  for (const g of [...groups].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const file = path.join(dir, `${g.path}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, g.objects.map((o) => YAML.stringify(o)).join('---\n'));
    objects.push(...g.objects);
  }
  return objects;
}

/** What the comparison looks at: the finding without where it was read from. */
function comparable(f: any): unknown {
  const { ruleId, severity, resource, jsonPath, message, acknowledgement } = f;
  return JSON.parse(JSON.stringify({ ruleId, severity, resource, jsonPath, message, acknowledgement }));
}

function cli(args: string[]): { code: number; json: any } {
  let out = '';
  const code = runCli(['audit', '--format', 'json', ...args], { stdout: (t) => { out += t; }, stderr: () => undefined });
  return { code, json: JSON.parse(out) };
}

describe('scoping: the CLI and auditManifests agree', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scope-parity-'));
  const objects = writeManifests(dir);

  test('the manifests are schema-valid', () => {
    expectValidManifests(objects);
  });

  test.each<[string[], AuditScope | undefined, Partial<AuditOptions>?]>([
    [[], undefined],
    [['--namespace', 'shop'], { namespaces: ['shop'] }],
    [['--namespace', 'bill*,shop'], { namespaces: ['bill*', 'shop'] }],
    [['--exclude-namespace', 'shop'], { excludeNamespaces: ['shop'] }],
    [['--kind', 'deployment'], { kinds: ['deployment'] }],
    [['--exclude-kind', 'Deployment,Service'], { excludeKinds: ['Deployment', 'Service'] }],
    [['--name', 'api', '--name', 'metrics'], { names: ['api', 'metrics'] }],
    [['--exclude-name', '*-reader', '--exclude-name', 'a?i'], { excludeNames: ['*-reader', 'a?i'] }],
    [['--min-severity', 'error'], { minSeverity: Severity.ERROR }],
    [['--min-severity', 'warning'], { minSeverity: Severity.WARNING }],
    [['--namespace', 'billing', '--kind', 'Deployment,Service', '--exclude-name', 'ledger', '--min-severity', 'error'],
      { namespaces: ['billing'], kinds: ['Deployment', 'Service'], excludeNames: ['ledger'], minSeverity: Severity.ERROR }],
    [['--name', 'web', '--fail-on-warnings'], { names: ['web'] }, { failOnWarnings: true }],
    [['--name', 'web', '--min-severity', 'error', '--fail-on-warnings'], { names: ['web'], minSeverity: Severity.ERROR }, { failOnWarnings: true }],
  ])('%j', (flags, reportScope, extra = {}) => {
    const inApp = runScopedAudit(objects.map((manifest) => ({ manifest })), { ...extra, ...(reportScope ? { reportScope } : {}) });
    const viaFlags = cli(['--no-config', ...flags, dir]);
    const config = path.join(dir, `config-${flags.join('_').replace(/[^a-z0-9_-]/gi, '')}.yaml`);
    fs.writeFileSync(config, YAML.stringify({ paths: [dir], ...extra, ...reportScope }));
    const viaConfig = cli(['--config', config]);
    fs.unlinkSync(config);

    const expected = inApp.result.findings.map(comparable);
    expect(expected.length + inApp.outOfScope).toBe(8); // every finding is either reported or out of scope
    for (const run of [viaFlags, viaConfig]) {
      expect(run.json.findings.map(comparable)).toEqual(expected);
      expect(run.json.summary).toEqual({
        objects: inApp.result.objectCount,
        violations: inApp.result.violations,
        warnings: inApp.result.warnings,
        acknowledged: inApp.result.acknowledged,
        passed: inApp.result.passed,
        ...(inApp.outOfScope > 0 ? { outOfScope: inApp.outOfScope } : {}),
      });
      expect(run.code).toBe(inApp.result.passed ? 0 : 1);
    }
  });

  test('the fixture covers an acknowledged finding, both severities and both verdicts', () => {
    const all = runScopedAudit(objects.map((manifest) => ({ manifest }))).result;
    expect(all.findings.map(findingKey)).toContain('SB-SVC-EXPOSED Service/billing/metrics');
    expect(all).toMatchObject({ objectCount: 14, violations: 5, warnings: 2, acknowledged: 1, passed: false });
    expect(runScopedAudit(objects.map((manifest) => ({ manifest })), { reportScope: { names: ['web'] } }))
      .toMatchObject({ result: { passed: true, warnings: 1 }, outOfScope: 7 });
  });
});
