import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import * as YAML from 'yaml';
import { compliantBundle, compliantPodSpec, deployment } from './util';
import { SecurityAuditValidation } from '../../src/audit';

function manifests(dir: string, files: { [name: string]: any[] }): string[] {
  return Object.entries(files).map(([name, objects]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, objects.map(o => YAML.stringify(o)).join('---\n'));
    return file;
  });
}

describe('SecurityAuditValidation (cdk8s-cli plugin)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-plugin-'));
  });

  test('reportScope: findings out of scope neither fail the validation nor reach the report, which counts them', async () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    const files = manifests(dir, { 'apps.k8s.yaml': [...compliantBundle(), deployment('vendored', 'shop', spec)] });
    const context = new ValidationContext(files, 'cdk8s-secure-baseline', '1.0.0', {}, false);
    jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
    await new SecurityAuditValidation({ reportDir: path.join(dir, 'reports'), reportScope: { excludeNames: ['vendored'] } }).validate(context);
    expect(context.report.toJson().summary.status).toBe('success');
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'security-audit.json'), 'utf-8'));
    expect(json.findings).toEqual([]);
    expect(json.summary).toMatchObject({ violations: 0, passed: true, outOfScope: 1 });
  });

  test('reports violations per rule with construct paths from the cdk8s construct metadata', async () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'shop', annotations: { 'ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED': 'lab cluster without a load balancer' } }, spec: { type: 'NodePort' } };
    const files = manifests(dir, { 'base.k8s.yaml': compliantBundle().slice(0, 3), 'apps.k8s.yaml': [deployment('api', 'shop', spec), svc] });
    const context = new ValidationContext(files, 'cdk8s-secure-baseline', '1.0.0', { api: { path: 'apps/api/Resource' } }, false);
    const logged: string[] = [];
    jest.spyOn(context.logger, 'log').mockImplementation((m: string) => { logged.push(m); });

    await new SecurityAuditValidation({ reportDir: path.join(dir, 'reports') }).validate(context);

    const report = context.report.toJson();
    expect(report.summary).toEqual({
      status: 'failure',
      plugin: 'cdk8s-secure-baseline',
      version: '1.0.0',
      metadata: { objects: '5', violations: '1', warnings: '1', acknowledged: '1' },
    });
    expect(report.violations).toEqual([
      {
        ruleName: 'SB-CTR-IMAGE-PULL-POLICY (warning)',
        recommendation: 'Containers should set imagePullPolicy: Always so that registry credentials are verified for every pod.',
        fix: 'Set imagePullPolicy: Always on the container.',
        violatingConstructs: [{
          resourceName: 'api',
          manifestPath: files[1],
          constructPath: 'apps/api/Resource',
          locations: ['Deployment shop/api spec.template.spec.containers[0].imagePullPolicy: container "web" sets imagePullPolicy: IfNotPresent'],
        }],
      },
      {
        ruleName: 'SB-PSS-PRIVILEGED',
        recommendation: 'Containers (including init and ephemeral containers) must not run privileged.',
        fix: 'Remove securityContext.privileged or set it to false; grant only the specific capability the process needs.',
        violatingConstructs: [{
          resourceName: 'api',
          manifestPath: files[1],
          constructPath: 'apps/api/Resource',
          locations: ['Deployment shop/api spec.template.spec.containers[0].securityContext.privileged: container "web" runs privileged (securityContext.privileged: true)'],
        }],
      },
    ]);
    expect(logged).toEqual(['security audit: 5 objects, 1 violations, 1 acknowledged, 1 warnings']);
    expect(fs.readdirSync(path.join(dir, 'reports')).sort()).toEqual(['security-audit.json', 'security-audit.sarif', 'security-audit.txt']);
  });

  test('clean manifests succeed; properties are the audit options', async () => {
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { storageClassName: 'corp-enc' } };
    const files = manifests(dir, { 'app.k8s.yaml': [...compliantBundle(), pvc] });
    const failing = new ValidationContext(files, 'cdk8s-secure-baseline', '1.0.0', {}, false);
    jest.spyOn(failing.logger, 'log').mockImplementation(() => undefined);
    await new SecurityAuditValidation().validate(failing);
    expect(failing.report.success).toBe(false);

    const passing = new ValidationContext(files, 'cdk8s-secure-baseline', '1.0.0', {}, false);
    jest.spyOn(passing.logger, 'log').mockImplementation(() => undefined);
    await new SecurityAuditValidation({ encryptedStorageClasses: ['corp-enc'] }).validate(passing);
    expect(passing.report.success).toBe(true);
    expect(passing.report.toJson().violations).toEqual([]);
  });

  test('works with a minimal context (no parseManifest, no logger, no metadata)', async () => {
    const files = manifests(dir, { 'app.k8s.yaml': compliantBundle() });
    const calls: any[] = [];
    await new SecurityAuditValidation().validate({
      manifests: files,
      report: { addViolation: (v: any) => calls.push(['violation', v]), submit: (s: string, m: any) => calls.push(['submit', s, m]) },
    });
    expect(calls).toEqual([['submit', 'success', { objects: '4', violations: '0', warnings: '0', acknowledged: '0' }]]);
  });

  test('runs in a real `cdk8s synth` (local plugin path, construct paths from the CLI metadata)', () => {
    const root = path.join(__dirname, '..', '..');
    // A local plugin package that loads the TypeScript sources through ts-node.
    fs.mkdirSync(path.join(dir, 'plugin'));
    fs.writeFileSync(path.join(dir, 'plugin', 'package.json'), JSON.stringify({ name: 'cdk8s-secure-baseline', version: '0.0.0', main: 'index.js' }));
    fs.writeFileSync(path.join(dir, 'plugin', 'index.js'), [
      `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(root, 'test', 'tsconfig.json'))} });`,
      `module.exports = require(${JSON.stringify(path.join(root, 'src', 'audit', 'plugin.ts'))});`,
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript',
      'app: node main.js',
      'validations:',
      `  - package: ${path.join(dir, 'plugin')}`,
      '    version: 0.0.0',
      '    class: SecurityAuditValidation',
      '    properties:',
      '      disabledRules: [SB-CTR-IMAGE-PULL-POLICY]',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'main.js'), [
      `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
      'const app = new App();',
      "const chart = new Chart(app, 'shop');",
      "new ApiObject(chart, 'web', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] } });",
      'app.synth();',
    ].join('\n'));
    const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const r = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: dir, encoding: 'utf-8', timeout: 60_000 });
    const out = r.stdout + r.stderr;
    expect(r.status).not.toBe(0);
    expect(out).toContain('security audit: 1 objects, 11 violations, 0 acknowledged, 2 warnings');
    expect(out).toContain('SB-PSS-PRIVILEGED (1 occurrences)');
    expect(out).toContain('Construct Path: shop/web');
    expect(out).toContain('> Pod shop/web spec.containers[0].securityContext.privileged: container "web" runs privileged (securityContext.privileged: true)');
  }, 60_000);
});
