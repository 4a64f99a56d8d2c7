import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as ts from 'typescript';
import { findPromtool, synthRuleFile } from '../scripts/promtool';
import { documentBlocks } from '../scripts/readme-blocks';
import { SecurityAlerts } from '../src';
import { fencedBlocks } from './util/code-blocks';
import { runCli } from '../src/cli/audit';

/**
 * The shell blocks of docs/security-alerts.md (its `alerts` flow: scripts/readme-blocks.ts), run or
 * checked against what the page's TypeScript example synthesizes (test/docs-pages.test.ts runs that
 * example too; these blocks need a cluster, a Pushgateway or this repository's CI, so no flow CI
 * runs holds them), and the page's runbooks, one per alert.
 */
const root = path.join(__dirname, '..');
const PAGE = 'docs/security-alerts.md';
const page = fs.readFileSync(path.join(root, PAGE), 'utf-8');
const blocks = (lang: string): string[] => lang === 'sh'
  ? documentBlocks(root).filter((b) => b.doc === PAGE && b.targets.some((t) => t.flow === 'alerts')).map((b) => b.code)
  : fencedBlocks(page).filter((b) => b.lang === lang).map((b) => b.code);

/** Runs the page's TypeScript example (the package name mapped to src/) into a new folder. */
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

describe('docs/security-alerts.md', () => {
  const outdir = synthExample();
  const objects = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).flatMap((f) => Yaml.load(path.join(outdir, f)));

  test('the page has one TypeScript example and three shell blocks, all of the alerts flow', () => {
    expect(blocks('ts').length).toBe(1);
    expect(blocks('sh').length).toBe(3);
    expect(fencedBlocks(page).map((b) => [b.lang, b.info])).toEqual([['ts', ''], ...Array(3).fill(['sh', 'readme=alerts'])]);
  });

  test('every alert SecurityAlerts can emit has its runbook on the page, where the default runbook URL leads', () => {
    expect(SecurityAlerts.DEFAULT_RUNBOOK_BASE_URL).toBe(`https://github.com/cdk8s-secure-baseline/cdk8s-secure-baseline/blob/main/${PAGE}`);
    const runbooks = new Set([...page.matchAll(/^### (\S+)$/gm)].map((m) => m[1]));
    const urls = synthRuleFile({}).groups.flatMap((g) => g.rules.map((r) => r.annotations.runbook_url as string));
    expect(urls.length).toBe(15);
    const anchors = urls.map((u) => u.slice(`${SecurityAlerts.DEFAULT_RUNBOOK_BASE_URL}#`.length));
    expect(anchors.filter((a) => !runbooks.has(a))).toEqual([]);
    expect([...runbooks].filter((r) => !anchors.includes(r))).toEqual([]);
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
