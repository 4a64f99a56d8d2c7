import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Substitutions, documentBlocks, flowSteps } from '../../scripts/readme-blocks';
import { DIFF_USAGE } from '../../src/diff/cli';

/**
 * The CI recipe of docs/security-diff.md (the `sh readme=diff` block) runs verbatim in a git
 * repository holding a cdk8s app, with a base commit and a head commit. `npx` is the only thing
 * provided: `npx cdk8s synth --output DIR` runs the app's main.ts (as cdk8s-cli does) and
 * `npx cdk8s-secure-baseline` this checkout's CLI. (An unchanged app giving exit 0 is tested in
 * test/diff/cli.test.ts and test/diff/shop.test.ts; each run here takes tens of seconds.)
 */
const root = path.join(__dirname, '..', '..');
const PAGE = 'docs/security-diff.md';
const steps = flowSteps(documentBlocks(root), 'diff', new Substitutions({ devDependencies: {} }));

const APP = (extra: string) => `import { App, Chart } from 'cdk8s';
import { LeastPrivilegeServiceAccount, Mesh, SecureNamespace, SecurityAudit, Verb } from 'cdk8s-secure-baseline';
const app = new App({ outdir: process.env.CDK8S_OUTDIR });
SecurityAudit.of(app, { printSummary: false });
const chart = new Chart(app, 'ci', { disableResourceNameHashes: true });
const ns = new SecureNamespace(chart, 'ns', { name: 'ci', mesh: Mesh.istio() });
const deployer = new LeastPrivilegeServiceAccount(ns, 'deployer', { name: 'deployer' });
deployer.grantReadConfigMap('settings');
${extra}
app.synth();
`;

function sh(cwd: string, script: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf-8' });
}

function repo(head: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-recipe-'));
  const app = path.join(dir, 'app');
  fs.mkdirSync(path.join(app, 'node_modules'), { recursive: true });
  for (const m of ['cdk8s', 'constructs']) fs.symlinkSync(path.join(root, 'node_modules', m), path.join(app, 'node_modules', m));
  const lib = path.join(app, 'node_modules', 'cdk8s-secure-baseline');
  fs.mkdirSync(lib);
  fs.writeFileSync(path.join(lib, 'index.js'), `module.exports = require(${JSON.stringify(path.join(root, 'src'))});\n`);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const node = `"${process.execPath}" -r "${path.join(root, 'node_modules', 'ts-node', 'register', 'transpile-only')}"`;
  fs.writeFileSync(path.join(bin, 'npx'), `#!/usr/bin/env bash
set -euo pipefail
case "$1" in
  cdk8s) [[ "$2" == synth && "$3" == --output ]] || { echo "npx shim: unexpected $*" >&2; exit 2; }
         CDK8S_OUTDIR="$4" ${node} main.ts ;;
  cdk8s-secure-baseline) shift; exec ${node} "${path.join(root, 'src', 'cli', 'audit.ts')}" "$@" ;;
  *) echo "npx shim: unexpected $*" >&2; exit 2 ;;
esac
`, { mode: 0o755 });
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    TS_NODE_PROJECT: path.join(root, 'test', 'tsconfig.json'),
    BASE_REF: 'HEAD~1',
    GIT_AUTHOR_NAME: 'recipe',
    GIT_AUTHOR_EMAIL: 'recipe@example.invalid',
    GIT_COMMITTER_NAME: 'recipe',
    GIT_COMMITTER_EMAIL: 'recipe@example.invalid',
  };
  fs.writeFileSync(path.join(app, '.gitignore'), 'node_modules\nsecurity-diff.*\n');
  fs.writeFileSync(path.join(app, 'main.ts'), APP(''));
  const init = sh(app, 'git init -q -b main && git add -A && git commit -qm base', env);
  expect(init.stderr).toBe('');
  fs.writeFileSync(path.join(app, 'main.ts'), APP(head));
  expect(sh(app, 'git commit -qam head', env).status).toBe(0);
  return { dir: app, env };
}

describe('docs/security-diff.md: the security diff in CI', () => {
  test('the recipe is one sh block of the diff flow, on the page, with a git worktree for the base', () => {
    expect(steps.map((s) => [s.kind, s.doc])).toEqual([['sh', PAGE]]);
    expect(steps[0].text).toContain('git worktree add --detach');
    expect(steps[0].text).toContain('npx cdk8s-secure-baseline diff');
  });

  test('a change adding an acknowledged pods/exec grant: the job fails (exit 1) and the comment names it', () => {
    const { dir, env } = repo('deployer.grant({ verbs: [Verb.GET, Verb.CREATE], resources: [\'pods/exec\'], reason: \'for now: debugging the deploy hook until it logs enough\' });');
    const r = sh(dir, steps[0].text, env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Preparing worktree (detached HEAD');
    expect(r.stderr).toContain('security diff: 1 change that --fail-on new-capabilities,exposure,new-findings names');
    const md = fs.readFileSync(path.join(dir, 'security-diff.md'), 'utf-8');
    expect(md).toContain('- **MEDIUM** capability-gained: ServiceAccount ci/deployer can now run commands in running pods in namespace ci (declared)');
    expect(md).toContain('acknowledgement-added: new SB-RBAC-POD-EXEC finding, acknowledged');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'security-diff.sarif'), 'utf-8')).runs[0].results.map((x: any) => x.ruleId)).toEqual(['SB-RBAC-POD-EXEC']);
    expect(sh(dir, 'git worktree list | wc -l', env).stdout.trim()).toBe('1');
  }, 180_000);

  test('the page states the command line the CLI prints as its usage', () => {
    const synopsis = DIFF_USAGE.split('\n')[0].replace(/^Usage: /, '');
    expect(fs.readFileSync(path.join(root, PAGE), 'utf-8').split('\n')).toContain(`\`${synopsis}\`.`);
  });
});
