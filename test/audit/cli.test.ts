import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { compliantBundle, compliantPodSpec, deployment } from './util';
import { USAGE, runCli } from '../../src/cli/audit';

function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr };
}

function yamlDocs(objects: any[]): string {
  return objects.map(o => YAML.stringify(o)).join('---\n');
}

describe('cdk8s-secure-baseline audit', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
    process.chdir(dir);
  });
  afterEach(() => process.chdir(cwd));

  function write(file: string, content: string): string {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
    return file;
  }

  function badDeployment(): any {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    return deployment('api', 'shop', spec);
  }

  test('--help prints the usage on stdout (exit 0); no arguments is a usage error: the usage on stderr, exit 2', () => {
    expect(run(['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(run(['-h'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(run(['audit', '--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(run([])).toEqual({ code: 2, stdout: '', stderr: USAGE });
    expect(USAGE).toContain('Without arguments this help goes to stderr and the exit code is 2.');
  });

  test('--version prints the package version (exit 0)', () => {
    const version = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf-8')).version;
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(run(['audit', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(run(['reachability', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(USAGE).toContain('--version');
  });

  test('clean manifests exit 0', () => {
    write('manifests/app.k8s.yaml', yamlDocs(compliantBundle()));
    expect(run(['audit', 'manifests'])).toEqual({ code: 0, stdout: 'security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n', stderr: '' });
  });

  test('violations exit 1 and name the file; folders are searched recursively, multi-document YAML is split', () => {
    write('deploy/base/ns.yaml', yamlDocs(compliantBundle().slice(0, 3)));
    write('deploy/apps/api.yml', yamlDocs([badDeployment()]));
    write('deploy/README.md', '# not yaml');
    const r = run(['audit', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const text = fs.readFileSync(path.join(dir, 'deploy/apps/api.yml'), 'utf-8').split('\n');
    expect(text[30]).toBe('            privileged: true'); // line 31, column 13
    expect(r.stdout).toBe([
      'security audit: 4 objects, 1 violations, 0 acknowledged, 0 warnings',
      '',
      'Findings by object (1 object):',
      '',
      'Deployment/shop/api  (deploy/apps/api.yml:1:1)',
      '  violation    SB-PSS-PRIVILEGED  deploy/apps/api.yml:31:13  container "web" runs privileged (securityContext.privileged: true) (at spec.template.spec.containers[0].securityContext.privileged)',
      '',
      'Rules (1), with the fix of each:',
      '  SB-PSS-PRIVILEGED  error  1 violation',
      '    fix: Remove securityContext.privileged or set it to false; grant only the specific capability the process needs.',
      '',
      'Totals: 1 finding in 1 object',
      '  by severity: error 1 (1 violation)',
      '  by kind: Deployment 1 in 1 object',
      '  by namespace: shop 1 in 1 object',
      '',
    ].join('\n'));
  });

  test('acknowledgement annotations apply', () => {
    const d = badDeployment();
    d.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-PSS-PRIVILEGED': 'CNI agent needs full network privileges on the node' };
    write('all.yaml', yamlDocs([...compliantBundle().slice(0, 3), d]));
    const r = run(['audit', 'all.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('acknowledged by annotation: CNI agent needs full network privileges on the node');
  });

  test('--format json|sarif with --output write the report and print the summary', () => {
    write('all.yaml', yamlDocs([...compliantBundle().slice(0, 3), badDeployment()]));
    const j = run(['audit', '--format', 'json', '--output', 'out/report.json', 'all.yaml']);
    expect(j).toEqual({ code: 1, stdout: 'security audit: 4 objects, 1 violations, 0 acknowledged, 0 warnings\n', stderr: '' });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'out/report.json'), 'utf-8'));
    expect(json.findings.map((f: any) => [f.ruleId, f.file])).toEqual([['SB-PSS-PRIVILEGED', 'all.yaml']]);
    const s = run(['audit', '--format=sarif', 'all.yaml']);
    expect(s.code).toBe(1);
    const sarif = JSON.parse(s.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'all.yaml' }, region: { startLine: 56, startColumn: 13 } });
  });

  test('options: --disable, --fail-on-warnings, --encrypted-storage-class, --external-role', () => {
    const spec = compliantPodSpec();
    spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { storageClassName: 'corp-enc' } };
    const rb = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ext' }, subjects: [] };
    write('all.yaml', yamlDocs([...compliantBundle().slice(0, 3), deployment('api', 'shop', spec), pvc, rb]));
    expect(run(['audit', 'all.yaml']).code).toBe(1);
    expect(run(['audit', '--encrypted-storage-class', 'corp-enc', '--external-role', 'ext', 'all.yaml']).code).toBe(0);
    expect(run(['audit', '--encrypted-storage-class', 'corp-enc', '--external-role', 'ext', '--fail-on-warnings', 'all.yaml']).code).toBe(1);
    expect(run(['audit', '--disable', 'SB-STORAGE-CLASS-UNVERIFIED,SB-RBAC-ROLE-MISSING', '--disable=SB-CTR-IMAGE-PULL-POLICY', '--fail-on-warnings', 'all.yaml']).code).toBe(0);
  });

  test('usage errors exit 2', () => {
    expect(run(['lint', 'x.yaml'])).toEqual({ code: 2, stdout: '', stderr: `error: unknown command "lint" (expected "audit", "reachability", "rbac", "who-can" or "diff")\n\n${USAGE}` });
    expect(run(['audit'])).toEqual({ code: 2, stdout: '', stderr: `error: no PATH given\n\n${USAGE}` });
    expect(run(['audit', '--format', 'xml', 'x.yaml']).stderr).toMatch(/^error: --format must be text, json or sarif, got "xml"/);
    expect(run(['audit', '--bogus', 'x.yaml']).stderr).toMatch(/^error: unknown option --bogus/);
    expect(run(['audit', '--output']).stderr).toMatch(/^error: --output needs a value/);
    expect(run(['audit', 'missing.yaml'])).toEqual({ code: 2, stdout: '', stderr: 'error: missing.yaml: no such file or directory\n' });
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(run(['audit', 'empty'])).toEqual({ code: 2, stdout: '', stderr: 'error: no *.yaml, *.yml or *.json files found in empty\n' });
    write('ok.yaml', yamlDocs(compliantBundle()));
    expect(run(['audit', '--disable', 'SB-NOPE', 'ok.yaml'])).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^error: security audit: disabledRules names an unknown rule ID "SB-NOPE"/) });
  });

  test('YAML syntax errors exit 2 with file:line; the other documents are still audited and reported', () => {
    write('broken.yaml', `${yamlDocs(compliantBundle())}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n`);
    const r = run(['audit', 'broken.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n');
    expect(r.stderr).toMatch(/^error: broken\.yaml:\d+: document 5: YAML syntax error: /);
    expect(r.stderr).toContain('error: 1 read error(s): the audit covers only the objects that could be read\n');
  });

  test('documents that are not Kubernetes objects are read errors (kubectl refuses them): exit 2', () => {
    write('values.yaml', `replicas: 3\n---\n${yamlDocs(compliantBundle())}---\nfoo\n--- # comment\n42\n`);
    const r = run(['audit', 'values.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: values.yaml'))).toEqual([
      expect.stringMatching(/^error: values\.yaml:1: document 1: no kind: not a Kubernetes object/),
      expect.stringMatching(/^error: values\.yaml:\d+: document 6: the document is a string \("foo"\)/),
      expect.stringMatching(/^error: values\.yaml:\d+: document 7: the document is a number \(42\)/),
    ]);
  });

  test('read errors outrank violations: the report is printed, the exit code is 2', () => {
    write('all.yaml', `${yamlDocs([...compliantBundle().slice(0, 3), badDeployment()])}---\nkind: [unclosed\n`);
    const r = run(['audit', 'all.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Deployment/shop/api  (all.yaml:26:1)\n  violation    SB-PSS-PRIVILEGED  all.yaml:56:13  ');
    expect(r.stderr).toMatch(/^error: all\.yaml:\d+: document 5: YAML syntax error/);
  });

  test('YAML 1.1 scalars decode as in the cluster: privileged: yes is a violation (exit 1)', () => {
    const text = yamlDocs([...compliantBundle().slice(0, 3), badDeployment()]).replace('privileged: true', 'privileged: yes');
    expect(text).toContain('privileged: yes');
    write('yes.yaml', text);
    const r = run(['audit', 'yes.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Deployment/shop/api  (yes.yaml:26:1)\n  violation    SB-PSS-PRIVILEGED  yes.yaml:56:13  ');
  });

  test('*.json files in folders are audited (JSON streams), Lists are expanded', () => {
    write('deploy/base.yaml', yamlDocs(compliantBundle().slice(0, 3)));
    write('deploy/api.json', `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [badDeployment()] })}\n`);
    const r = run(['audit', 'deploy']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Deployment/shop/api  (deploy/api.json:1:43)\n  violation    SB-PSS-PRIVILEGED  deploy/api.json:1:');
  });

  test('an alias bomb is a clean read error (exit 2), not a hang or a stack trace', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol, namespace: shop}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    'bcdefghi'.split('').forEach((c, i) => bomb.push(`  ${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`));
    write('bomb.yaml', `${yamlDocs(compliantBundle())}---\n${bomb.join('\n')}\n`);
    const r = run(['audit', 'bomb.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n');
    expect(r.stderr).toMatch(/^error: bomb\.yaml:\d+: document 5: document contains excessive aliasing/);
  });

  test('unrendered Helm templates are read errors', () => {
    write('chart.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n');
    const r = run(['audit', 'chart.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: chart\.yaml:4: document 1: looks like an unrendered Helm\/Go template .*helm template/);
  });

  test('as a process: exit codes 0 / 1 / 2', () => {
    write('ok.yaml', yamlDocs(compliantBundle()));
    write('bad.yaml', yamlDocs([badDeployment()]));
    const cli = path.join(cwd, 'src', 'cli', 'audit.ts');
    const exec = (args: string[]) => spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), cli, ...args], {
      cwd: dir, encoding: 'utf-8', env: { ...process.env, TS_NODE_PROJECT: path.join(cwd, 'test', 'tsconfig.json') },
    });
    const ok = exec(['audit', 'ok.yaml']);
    expect([ok.status, ok.stdout]).toEqual([0, 'security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings\n']);
    expect(exec(['audit', 'bad.yaml']).status).toBe(1);
    expect(exec(['audit', 'nope.yaml']).status).toBe(2);
    const none = exec([]);
    expect([none.status, none.stdout, none.stderr]).toEqual([2, '', USAGE]);
    expect(exec(['reachability']).status).toBe(2);
    const version = exec(['--version']);
    expect([version.status, version.stdout]).toEqual([0, `${JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf-8')).version}\n`]);
    write('broken.yaml', 'a: [');
    const broken = exec(['audit', 'broken.yaml', 'bad.yaml']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(broken.stdout).toContain('SB-PSS-PRIVILEGED');
  }, 60_000);

  test('the reachability subcommand is dispatched to the reachability CLI', () => {
    const r = run(['reachability', '--format', 'nope', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of');
  });
});
