import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { SARIF_SUBSET_SCHEMA } from './sarif-schema';
import { clone, compliantBundle, compliantPodSpec, deployment } from './util';
import { auditManifests } from '../../src/audit/engine';
import { FindingPosition, formatFinding, renderJson, renderSarifObject, renderText, toolVersion, writeReports } from '../../src/audit/report';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX } from '../../src/audit/rule-ids';
import { ALL_RULES } from '../../src/audit/rules';
import { Finding } from '../../src/audit/types';

function fixture(): any[] {
  const spec = compliantPodSpec();
  spec.containers[0].image = 'nginx:latest';
  spec.containers[0].imagePullPolicy = 'IfNotPresent';
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', annotations: { [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}SB-SVC-EXPOSED`]: 'lab cluster without a load balancer' } },
    spec: { type: 'NodePort' },
  };
  return [...compliantBundle(), deployment('api', 'shop', spec), svc];
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  return ajv.compile(SARIF_SUBSET_SCHEMA);
}

describe('reports', () => {
  const result = auditManifests(fixture());

  test('summary counts', () => {
    expect([result.objectCount, result.violations, result.warnings, result.acknowledged, result.passed]).toEqual([6, 1, 1, 1, false]);
  });

  test('text report: each object once with its findings, the fix once per rule, totals per severity, kind and namespace', () => {
    expect(renderText(result)).toBe([
      'security audit: 6 objects, 1 violations, 1 acknowledged, 1 warnings',
      '',
      'Findings by object (2 objects):',
      '',
      'Deployment/shop/api',
      '  violation    SB-CTR-IMAGE-TAG  container "web" uses image "nginx:latest" with the mutable tag "latest" (at spec.template.spec.containers[0].image)',
      '  warning      SB-CTR-IMAGE-PULL-POLICY  container "web" sets imagePullPolicy: IfNotPresent (at spec.template.spec.containers[0].imagePullPolicy)',
      '',
      'Service/shop/web',
      '  acknowledged SB-SVC-EXPOSED  Service is of type NodePort (at spec.type)',
      '    acknowledged by annotation: lab cluster without a load balancer',
      '',
      'Rules (3), with the fix of each:',
      '  SB-CTR-IMAGE-PULL-POLICY  warning  1 warning',
      '    fix: Set imagePullPolicy: Always on the container.',
      '  SB-CTR-IMAGE-TAG  error  1 violation',
      '    fix: Reference the image by an immutable version tag or, better, by digest (image@sha256:...).',
      '  SB-SVC-EXPOSED  error  1 acknowledged',
      '    fix: Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.',
      '',
      'Totals: 3 findings in 2 objects',
      '  by severity: error 2 (1 violation, 1 acknowledged); warning 1 (1 warning)',
      '  by kind: Deployment 2 in 1 object, Service 1 in 1 object',
      '  by namespace: shop 3 in 2 objects',
      '',
    ].join('\n'));
  });

  test('text report grouped by rule: each rule once with its fix, its findings under it', () => {
    expect(renderText(result, false, { groupBy: 'rule' })).toBe([
      'security audit: 6 objects, 1 violations, 1 acknowledged, 1 warnings',
      '',
      'SB-CTR-IMAGE-PULL-POLICY  warning  1 warning',
      '  fix: Set imagePullPolicy: Always on the container.',
      '  warning      Deployment/shop/api  container "web" sets imagePullPolicy: IfNotPresent (at spec.template.spec.containers[0].imagePullPolicy)',
      '',
      'SB-CTR-IMAGE-TAG  error  1 violation',
      '  fix: Reference the image by an immutable version tag or, better, by digest (image@sha256:...).',
      '  violation    Deployment/shop/api  container "web" uses image "nginx:latest" with the mutable tag "latest" (at spec.template.spec.containers[0].image)',
      '',
      'SB-SVC-EXPOSED  error  1 acknowledged',
      '  fix: Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.',
      '  acknowledged Service/shop/web  Service is of type NodePort (at spec.type)',
      '    acknowledged by annotation: lab cluster without a load balancer',
      '',
      'Totals: 3 findings in 2 objects',
      '  by severity: error 2 (1 violation, 1 acknowledged); warning 1 (1 warning)',
      '  by rule: SB-CTR-IMAGE-PULL-POLICY 1, SB-CTR-IMAGE-TAG 1, SB-SVC-EXPOSED 1',
      '  by kind: Deployment 2 in 1 object, Service 1 in 1 object',
      '  by namespace: shop 3 in 2 objects',
      '',
    ].join('\n'));
  });

  test('text report: a clean audit is the summary line only; a fix of its own is shown under its finding', () => {
    expect(renderText(auditManifests(compliantBundle()))).toBe('security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n');
    const custom = { ...result, findings: [{ ...result.findings[1], fix: 'Pin nginx to 1.27.3.' }] };
    expect(renderText(custom)).toContain('(at spec.template.spec.containers[0].image)\n    fix: Pin nginx to 1.27.3.\n');
  });

  test('positions: file:line:column in the text, line/column fields in JSON, a region in SARIF', () => {
    const withFile = { ...result, findings: result.findings.map((f) => ({ ...f, file: 'dist/shop.k8s.yaml' })) };
    const [pull, tag, svc] = withFile.findings;
    const positions = new Map<Finding, FindingPosition>([
      [pull, { line: 30, column: 11, objectLine: 12, objectColumn: 1, positionOf: 'parent' }],
      [tag, { line: 29, column: 11, objectLine: 12, objectColumn: 1, positionOf: 'field' }],
      [svc, { line: 3, objectLine: 3, positionOf: 'object' }],
    ]);
    const text = renderText(withFile, false, { positions });
    expect(text).toContain('Deployment/shop/api  (dist/shop.k8s.yaml:12:1)\n'
      + '  violation    SB-CTR-IMAGE-TAG  dist/shop.k8s.yaml:29:11  container "web" uses image');
    expect(text).toContain('  warning      SB-CTR-IMAGE-PULL-POLICY  dist/shop.k8s.yaml:30:11  ');
    expect(text).toContain('Service/shop/web  (dist/shop.k8s.yaml:3)\n  acknowledged SB-SVC-EXPOSED  dist/shop.k8s.yaml:3  ');
    const json = JSON.parse(renderJson(withFile, false, { positions }));
    expect(json.findings.map((f: any) => [f.line, f.column, f.objectLine, f.objectColumn, f.positionOf])).toEqual([
      [30, 11, 12, 1, 'parent'], [29, 11, 12, 1, 'field'], [3, undefined, 3, undefined, 'object'],
    ]);
    const sarif = renderSarifObject(withFile, { positions });
    expect(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.region)).toEqual([
      { startLine: 30, startColumn: 11 }, { startLine: 29, startColumn: 11 }, { startLine: 3 },
    ]);
    expect(validator()(sarif) ? [] : validator().errors).toEqual([]);
  });

  test('formatFinding names rule, object, construct path, problem and fix', () => {
    expect(formatFinding({ ...result.findings[1], constructPath: 'app/shop/api/Resource' })).toBe(
      'SB-CTR-IMAGE-TAG Deployment/shop/api [construct app/shop/api/Resource]: container "web" uses image "nginx:latest" with the mutable tag "latest" '
      + '(at spec.template.spec.containers[0].image). Fix: Reference the image by an immutable version tag or, better, by digest (image@sha256:...).',
    );
  });

  test('JSON report', () => {
    const json = JSON.parse(renderJson(result));
    expect(json.tool).toEqual({ name: 'cdk8s-secure-baseline', version: toolVersion() });
    expect(json.summary).toEqual({ objects: 6, violations: 1, warnings: 1, acknowledged: 1, passed: false });
    expect(json.totals).toEqual({
      bySeverity: {
        error: { findings: 2, violations: 1, warnings: 0, acknowledged: 1 },
        warning: { findings: 1, violations: 0, warnings: 1, acknowledged: 0 },
      },
      byRule: {
        'SB-CTR-IMAGE-PULL-POLICY': { findings: 1, severity: 'warning', violations: 0, warnings: 1, acknowledged: 0 },
        'SB-CTR-IMAGE-TAG': { findings: 1, severity: 'error', violations: 1, warnings: 0, acknowledged: 0 },
        'SB-SVC-EXPOSED': { findings: 1, severity: 'error', violations: 0, warnings: 0, acknowledged: 1 },
      },
      byKind: { Deployment: { findings: 2, objects: 1 }, Service: { findings: 1, objects: 1 } },
      byNamespace: { shop: { findings: 3, objects: 2 } },
    });
    expect(json.findings.map((f: any) => [f.ruleId, f.status])).toEqual([
      ['SB-CTR-IMAGE-PULL-POLICY', 'warning'],
      ['SB-CTR-IMAGE-TAG', 'violation'],
      ['SB-SVC-EXPOSED', 'acknowledged'],
    ]);
    expect(json.findings[2]).toEqual({
      ruleId: 'SB-SVC-EXPOSED',
      severity: 'error',
      status: 'acknowledged',
      resource: { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' },
      jsonPath: 'spec.type',
      message: 'Service is of type NodePort',
      fix: 'Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.',
      acknowledgement: { reason: 'lab cluster without a load balancer', source: 'annotation' },
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  test('SARIF 2.1.0 shape', () => {
    const sarif = renderSarifObject({ ...result, findings: result.findings.map(f => ({ ...f, constructPath: 'app/shop/x', file: path.join('dist', 'shop.k8s.yaml') })) });
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe('cdk8s-secure-baseline');
    expect(driver.rules.map((r: any) => r.id)).toEqual(ALL_RULES.map(r => r.id));
    for (const r of driver.rules) {
      expect(typeof r.shortDescription.text).toBe('string');
      expect(typeof r.help.text).toBe('string');
      expect(['error', 'warning']).toContain(r.defaultConfiguration.level);
    }
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.level, driver.rules[r.ruleIndex].id])).toEqual([
      ['SB-CTR-IMAGE-PULL-POLICY', 'warning', 'SB-CTR-IMAGE-PULL-POLICY'],
      ['SB-CTR-IMAGE-TAG', 'error', 'SB-CTR-IMAGE-TAG'],
      ['SB-SVC-EXPOSED', 'error', 'SB-SVC-EXPOSED'],
    ]);
    expect(results[2].locations).toEqual([{
      physicalLocation: { artifactLocation: { uri: 'dist/shop.k8s.yaml' } },
      logicalLocations: [
        { name: 'web', fullyQualifiedName: 'Service/shop/web', kind: 'resource' },
        { name: 'x', fullyQualifiedName: 'app/shop/x', kind: 'module' },
      ],
      message: { text: 'spec.type' },
    }]);
    expect(results[2].message.text).toBe('Service/shop/web: Service is of type NodePort. Fix: Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.');
    expect(results[2].suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'lab cluster without a load balancer', properties: { channel: 'annotation' } }]);
    expect(results[1].suppressions).toBeUndefined();
    expect(results[0].partialFingerprints['cdk8sSecureBaseline/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(results[0].partialFingerprints['cdk8sSecureBaseline/v2']).toMatch(/^[0-9a-f]{32}$/);
    expect(results[0].baselineState).toBeUndefined();
  });

  test('SARIF validates against the SARIF 2.1.0 schema definitions it uses', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    ajv.addFormat('uri-reference', /^[^\s]*$/);
    const validate = ajv.compile(SARIF_SUBSET_SCHEMA);
    const withPaths = { ...result, findings: result.findings.map(f => ({ ...f, constructPath: 'app/shop/x', file: 'dist/shop.k8s.yaml' })) };
    for (const log of [renderSarifObject(result), renderSarifObject(withPaths), renderSarifObject(auditManifests([]))]) {
      expect(validate(log) ? [] : validate.errors).toEqual([]);
    }
    expect(validate({ ...renderSarifObject(result), runs: [{ tool: { driver: { name: 'x', bogus: 1 } } }] })).toBe(false);
  });

  test('deterministic: the input order does not change the reports, and there are no timestamps', () => {
    const shuffled = clone(fixture()).reverse();
    const again = auditManifests(shuffled);
    expect(renderJson(again)).toBe(renderJson(result));
    expect(JSON.stringify(renderSarifObject(again))).toBe(JSON.stringify(renderSarifObject(result)));
    expect(renderText(again)).toBe(renderText(result));
    expect(renderJson(result)).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  test('writeReports creates the directory and writes three files', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-')), 'nested', 'out');
    const files = writeReports(dir, 'security-audit', result);
    expect(files.map(f => path.basename(f))).toEqual(['security-audit.json', 'security-audit.sarif', 'security-audit.txt']);
    expect(fs.readFileSync(files[2], 'utf-8')).toBe(renderText(result));
  });
});
