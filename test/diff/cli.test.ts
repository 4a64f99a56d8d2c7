import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { USAGE, runCli } from '../../src/cli/audit';
import { DIFF_USAGE } from '../../src/diff/cli';

const FIXTURES = path.join(__dirname, 'fixtures');
const side = (category: string, which: string) => path.join(FIXTURES, category, which);

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

describe('cdk8s-secure-baseline diff', () => {
  test('--help documents formats, --fail-on choices and exit codes; the main help names diff', () => {
    expect(run(['diff', '--help'])).toEqual({ code: 0, stdout: DIFF_USAGE, stderr: '' });
    expect(DIFF_USAGE).toContain('Exit codes: 0 no change that --fail-on names');
    expect(DIFF_USAGE).toContain('new-paths, exposure, new-capabilities, new-findings');
    expect(USAGE).toContain('cdk8s-secure-baseline diff BASE HEAD');
    expect(run(['diff'])).toEqual({ code: 2, stdout: '', stderr: DIFF_USAGE });
  });

  test('unchanged: exit 0 whatever --fail-on says, and the summary says so', () => {
    const r = run(['diff', side('rbac', 'base'), side('rbac', 'base'), '--format', 'text', '--fail-on', 'any']);
    expect(r).toEqual({ code: 0, stdout: 'Security diff: no security change (objects: 0 added, 0 removed, 0 changed)\n', stderr: '' });
  });

  test('--fail-on: exit 1 only on what it names', () => {
    const base = side('rbac', 'base');
    const head = side('rbac', 'head');
    expect(run(['diff', base, head]).code).toBe(0);
    expect(run(['diff', base, head, '--fail-on', 'new-paths,privileges']).code).toBe(0);
    const r = run(['diff', base, head, '--fail-on=new-capabilities']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('security diff: 1 change that --fail-on new-capabilities names\n');
    expect(run(['diff', side('connectivity', 'base'), side('connectivity', 'head'), '--fail-on', 'new-paths']).code).toBe(1);
    expect(run(['diff', side('enforcement', 'base'), side('enforcement', 'head'), '--fail-on', 'enforcement']).code).toBe(1);
    // Strengthening changes never fail.
    expect(run(['diff', side('enforcement', 'head'), side('enforcement', 'base'), '--fail-on', 'any']).code).toBe(0);
  });

  test('formats: md (default), json, sarif, text; --output writes the report and prints the summary', () => {
    const base = side('rbac', 'base');
    const head = side('rbac', 'head');
    expect(run(['diff', base, head]).stdout.startsWith('## Security diff\n')).toBe(true);
    expect(JSON.parse(run(['diff', base, head, '--format', 'json']).stdout).items[0].change).toBe('capability-gained');
    expect(JSON.parse(run(['diff', base, head, '--format', 'sarif']).stdout).runs[0].results).toHaveLength(1);
    expect(run(['diff', base, head, '--format', 'text']).stdout).toContain('  HIGH   capability-gained: ServiceAccount apps/ci');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    const out = path.join(dir, 'sub', 'diff.md');
    const r = run(['diff', base, head, '--output', out]);
    expect(r.stdout).toBe('Security diff: 2 high, 0 medium, 0 low, 0 info; 2 of 2 changes weaken the posture (objects: 0 added, 0 removed, 1 changed)\n');
    expect(fs.readFileSync(out, 'utf-8').startsWith('## Security diff\n')).toBe(true);
  });

  test('usage and read errors: exit 2, naming the value and the fix', () => {
    const base = side('rbac', 'base');
    expect(run(['diff', base]).stderr).toContain('error: diff needs exactly two paths, BASE and HEAD, got 1');
    expect(run(['diff', base, base, '--format', 'html'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be md, json, sarif or text, got "html"') });
    expect(run(['diff', base, base, '--fail-on', 'paths'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--fail-on "paths" is not a choice; use one of new-paths, exposure') });
    expect(run(['diff', base, base, '--bogus']).code).toBe(2);
    const missing = run(['diff', base, path.join(FIXTURES, 'no-such-folder')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: security diff: cannot read the head manifests:\nhead .*no-such-folder: .*no such file or directory\n$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: [\n');
    const bad = run(['diff', dir, base]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot read the base manifests:\nbase ');
    expect(bad.stderr).toContain('bad.yaml:');
  });
});
