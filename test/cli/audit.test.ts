import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { USAGE, runCli } from '../../src/cli/audit';
import { compliantBundle, compliantPodSpec, deployment } from '../audit/util';

/** `audit --metrics-file FILE`: the result as Prometheus metrics a pipeline can push. */
describe('cdk8s-secure-baseline audit --metrics-file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-metrics-'));
  });

  function run(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr };
  }

  function write(objects: any[]): string {
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, objects.map((o) => YAML.stringify(o)).join('---\n'));
    return file;
  }

  test('is listed in the usage', () => {
    expect(USAGE).toContain('--metrics-file FILE               also write the result as Prometheus metrics (text format) to FILE\n');
  });

  test('a failing audit writes its violations and the time it ran, next to the usual report, and still exits 1', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    const manifests = write([...compliantBundle(), deployment('api', 'shop', spec)]);
    const metricsFile = path.join(dir, 'out', 'audit.prom');
    const before = Math.floor(Date.now() / 1000);
    const r = run(['audit', '--metrics-file', metricsFile, manifests]);
    const after = Math.ceil(Date.now() / 1000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^security audit: \d+ objects, [1-9]\d* violations/);
    const metrics = fs.readFileSync(metricsFile, 'utf-8');
    expect(metrics).toMatch(/^cdk8s_secure_baseline_audit_violations [1-9]\d*$/m);
    expect(metrics).toContain('cdk8s_secure_baseline_audit_passed 0\n');
    expect(metrics).toMatch(/^cdk8s_secure_baseline_audit_findings\{rule="SB-PSS-PRIVILEGED",severity="error",status="violation"\} 1$/m);
    const ran = Number(/^cdk8s_secure_baseline_audit_last_run_timestamp_seconds (\d+)$/m.exec(metrics)![1]);
    expect(ran).toBeGreaterThanOrEqual(before);
    expect(ran).toBeLessThanOrEqual(after);
  });

  test('a clean audit writes passed 1 (with --metrics-file=FILE and --output)', () => {
    const manifests = write(compliantBundle());
    const r = run(['audit', `--metrics-file=${path.join(dir, 'audit.prom')}`, '--format', 'json', '--output', path.join(dir, 'audit.json'), manifests]);
    expect(r.code).toBe(0);
    const metrics = fs.readFileSync(path.join(dir, 'audit.prom'), 'utf-8');
    expect(metrics).toContain('cdk8s_secure_baseline_audit_violations 0\n');
    expect(metrics).toContain('cdk8s_secure_baseline_audit_passed 1\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'audit.json'), 'utf-8')).summary.passed).toBe(true);
  });

  test('without a value it is a usage error', () => {
    const r = run(['audit', write(compliantBundle()), '--metrics-file']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --metrics-file needs a value');
  });
});
