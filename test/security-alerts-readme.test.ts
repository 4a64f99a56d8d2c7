import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as ts from 'typescript';
import { findPromtool } from '../scripts/promtool';
import { runCli } from '../src/cli/audit';

/**
 * The shell blocks of the README's "Security alerts" section, run or checked against what the
 * section's TypeScript example synthesizes (test/readme.test.ts runs that example too; these
 * blocks need a cluster or a Pushgateway, so they are not part of the README flows CI runs).
 */
const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
const start = readme.indexOf('\n## Security alerts\n');
if (start < 0) throw new Error('README.md has no "## Security alerts" section');
/** The section, up to the next section of the README (its subsections, ###, included). */
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = (lang: string) => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

/** Runs the section's TypeScript example (the package name mapped to src/) into a new folder. */
function synthExample(): string {
  const [code] = blocks('ts');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-readme-'));
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const req = (id: string) => require(id === 'cdk8s-secure-baseline' ? '../src' : id);
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)(req, {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  return outdir;
}

describe('README: Security alerts', () => {
  const outdir = synthExample();
  const objects = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).flatMap((f) => Yaml.load(path.join(outdir, f)));

  test('the section has one TypeScript example and three shell blocks', () => {
    expect(blocks('ts').length).toBe(1);
    expect(blocks('sh').length).toBe(3);
  });

  test('the promtool command is the one CI runs', () => {
    const [command] = blocks('sh')[0].trim().split('\n');
    expect(command).toBe('npx ts-node -T -P test/tsconfig.json scripts/promtool.ts --example dist/');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf-8').split('\n')).toContain(command);
  });

  test('the kubectl command names the example\'s dashboard ConfigMap, namespace and file', () => {
    const m = /^kubectl get configmap (\S+) -n (\S+) -o jsonpath='\{\.data\.(\S+)\}' > (\S+)$/.exec(blocks('sh')[1].trim())!;
    expect(m).not.toBeNull();
    const [, name, namespace, key, file] = m;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name && o.metadata.namespace === namespace);
    expect(cm.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(Object.keys(cm.data)).toEqual([key.replace(/\\\./g, '.')]);
    expect(file).toBe(key.replace(/\\\./g, '.'));
    expect(JSON.parse(cm.data[file]).uid).toBe('security-baseline');
  });

  test('the CLI line writes a metrics file of the example\'s manifests; the push URL is the Pushgateway\'s API', () => {
    const lines = blocks('sh')[2].trim().split('\n');
    expect([lines[0], lines[3]]).toEqual(['status=0', 'exit "$status"']);
    const [audit, push] = [lines[1], lines[2]];
    expect(audit.endsWith(' || status=$?')).toBe(true);
    const args = audit.replace(' || status=$?', '').split(/\s+/);
    expect(args.slice(0, 2)).toEqual(['npx', 'cdk8s-secure-baseline']);
    const cwd = process.cwd();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-readme-cli-'));
    fs.cpSync(outdir, path.join(dir, 'manifests'), { recursive: true });
    process.chdir(dir);
    let code: number;
    try {
      code = runCli(args.slice(2), { stdout: () => undefined, stderr: () => undefined });
    } finally {
      process.chdir(cwd);
    }
    expect(code).toBe(0);
    const metrics = fs.readFileSync(path.join(dir, 'audit.prom'), 'utf-8');
    expect(metrics).toContain(`cdk8s_secure_baseline_audit_objects ${objects.length}\n`);
    expect(metrics).toContain('cdk8s_secure_baseline_audit_violations 0\n');
    if (findPromtool()) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf-8' });
      expect([r.status, r.stdout + r.stderr]).toEqual([0, '']);
    }
    // PUT/POST /metrics/job/<job>{/<label>/<value>} (Pushgateway README), pushing the file as is.
    expect(push).toMatch(/^curl --data-binary @audit\.prom "\$PUSHGATEWAY_URL\/metrics\/job\/cdk8s-secure-baseline(\/[a-z_]+\/[a-z-]+)*"$/);
  });
});
