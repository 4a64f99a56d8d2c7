import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as YAML from 'yaml';
import { latest, privileged, run, useTempDir, writeFile } from './util';
import { documentBlocks } from '../../scripts/readme-blocks';
import { applyBaseline, parseBaseline, renderBaseline } from '../../src/audit/baseline';
import { auditManifests } from '../../src/audit/engine';
import { USAGE } from '../../src/cli/audit';
import { SARIF_SUBSET_SCHEMA } from '../audit/sarif-schema';
import { compliantBundle, deployment } from '../audit/util';

const ROOT = path.resolve(__dirname, '..', '..');

/** `audit --write-baseline FILE` / `--baseline FILE`: accept today's findings, fail only on new ones. */
describe('cdk8s-secure-baseline audit: accepted-findings baseline', () => {
  const tmp = useTempDir('audit-baseline');

  const write = (file: string, objects: any[]) => writeFile(tmp(), file, objects);

  test('the baseline file: sorted entries keyed by rule, object identity and jsonPath; counts for repeated keys', () => {
    write('m/app.yaml', [...compliantBundle().slice(0, 3), privileged('api'), latest('web')]);
    const r = run(['audit', '--write-baseline', 'base/accepted.json', 'm']);
    expect([r.code, r.stderr]).toEqual([0, 'baseline: 2 accepted finding(s) written to base/accepted.json\n']);
    expect(r.stdout).toMatch(/^security audit: 5 objects, 2 violations/);
    expect(JSON.parse(fs.readFileSync('base/accepted.json', 'utf-8'))).toEqual({
      version: 1,
      tool: 'cdk8s-secure-baseline',
      findings: [
        { ruleId: 'SB-CTR-IMAGE-TAG', object: 'Deployment.apps/shop/web', jsonPath: 'spec.template.spec.containers[0].image' },
        { ruleId: 'SB-PSS-PRIVILEGED', object: 'Deployment.apps/shop/api', jsonPath: 'spec.template.spec.containers[0].securityContext.privileged' },
      ],
    });
    const one = auditManifests([privileged('api')]).findings.find((f) => f.ruleId === 'SB-PSS-PRIVILEGED')!;
    const twice = [one, { ...one, message: 'the same field again' }];
    const doc = parseBaseline(renderBaseline(twice, 'x'), 'b.json');
    expect(doc.findings).toEqual([{ ruleId: 'SB-PSS-PRIVILEGED', object: 'Deployment.apps/shop/api', jsonPath: 'spec.template.spec.containers[0].securityContext.privileged', count: 2 }]);
    expect(applyBaseline(twice, { ...doc, findings: [{ ...doc.findings[0], count: 1 }] }, 'b.json').findings).toEqual([twice[1]]);
  });

  test('--baseline reports and fails only on new findings; moving, reordering and reformatting keep findings accepted', () => {
    write('m/app.yaml', [...compliantBundle().slice(0, 3), privileged('api')]);
    expect(run(['audit', '--write-baseline', '.secure-baseline.json', 'm']).code).toBe(0);
    // Moved to another file, reformatted as flow YAML, apiVersion unchanged but document order reversed.
    fs.rmSync(path.join(tmp(), 'm/app.yaml'));
    write('m/base.yaml', compliantBundle().slice(0, 3).reverse());
    fs.mkdirSync(path.join(tmp(), 'm/apps'), { recursive: true });
    fs.writeFileSync(path.join(tmp(), 'm/apps/api.yaml'), `# moved here\n${YAML.stringify(privileged('api'), { collectionStyle: 'flow' })}`);
    const same = run(['audit', '--baseline', '.secure-baseline.json', 'm']);
    expect(same).toEqual({ code: 0, stdout: 'security audit: 4 objects, 0 violations, 0 acknowledged, 0 warnings, 1 accepted by the baseline (0 no longer found)\n', stderr: '' });
    // A new finding fails; the accepted one is not reported.
    write('m/apps/web.yaml', [latest('web')]);
    const added = run(['audit', '--baseline', '.secure-baseline.json', 'm']);
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('Deployment/shop/web  (m/apps/web.yaml:1:1)\n  violation    SB-CTR-IMAGE-TAG  m/apps/web.yaml:');
    expect(added.stdout).not.toContain('SB-PSS-PRIVILEGED');
    expect(added.stdout).toMatch(/^security audit: 5 objects, 1 violations, 0 acknowledged, 0 warnings, 1 accepted by the baseline \(0 no longer found\)\n/);
  });

  test('entries no longer found are listed; --baseline F --write-baseline F shrinks F and never adds to it', () => {
    write('m/app.yaml', [...compliantBundle().slice(0, 3), privileged('api'), latest('web')]);
    run(['audit', '--write-baseline', 'accepted.json', 'm']);
    write('m/app.yaml', [...compliantBundle().slice(0, 3), deployment('api'), latest('web'), privileged('new')]);
    const r = run(['audit', '--baseline', 'accepted.json', 'm']);
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith([
      '',
      'Baseline accepted.json: 1 accepted finding no longer found; shrink the baseline with --baseline accepted.json --write-baseline accepted.json:',
      '  SB-PSS-PRIVILEGED  Deployment.apps/shop/api (at spec.template.spec.containers[0].securityContext.privileged)',
      '',
    ].join('\n'))).toBe(true);
    const json = JSON.parse(run(['audit', '--baseline', 'accepted.json', '--format', 'json', 'm']).stdout);
    expect(json.summary).toMatchObject({ violations: 1, acceptedByBaseline: 1, passed: false });
    expect(json.baseline).toEqual({ file: 'accepted.json', accepted: 1, absent: [{ ruleId: 'SB-PSS-PRIVILEGED', object: 'Deployment.apps/shop/api', jsonPath: 'spec.template.spec.containers[0].securityContext.privileged' }] });
    expect(json.findings.map((f: any) => [f.ruleId, f.resource.name])).toEqual([['SB-PSS-PRIVILEGED', 'new']]);
    const sarif = JSON.parse(run(['audit', '--baseline', 'accepted.json', '--format', 'sarif', 'm']).stdout);
    expect(sarif.runs[0].results.map((x: any) => x.baselineState)).toEqual(['new']);
    expect(sarif.runs[0].properties.baseline.absent).toHaveLength(1);
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    ajv.addFormat('uri-reference', /^[^\s]*$/);
    const validate = ajv.compile(SARIF_SUBSET_SCHEMA);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);

    const shrink = run(['audit', '--baseline', 'accepted.json', '--write-baseline', 'accepted.json', 'm']);
    expect(shrink.code).toBe(1); // the new finding still fails
    expect(shrink.stderr).toBe('baseline: 1 accepted finding(s) written to accepted.json (1 no longer found removed)\n');
    expect(JSON.parse(fs.readFileSync('accepted.json', 'utf-8')).findings.map((e: any) => e.object)).toEqual(['Deployment.apps/shop/web']);
  });

  test('errors name the file and the fix (exit 2); no baseline is written from a partial read', () => {
    write('m/app.yaml', [...compliantBundle().slice(0, 3), privileged('api')]);
    expect(run(['audit', '--baseline', 'missing.json', 'm'])).toEqual({
      code: 2, stdout: '', stderr: 'error: baseline missing.json cannot be read (no such file?). Fix: create it with --write-baseline missing.json, or name the file written by --write-baseline\n',
    });
    fs.writeFileSync('bad.json', '{"findings": [');
    expect(run(['audit', '--baseline', 'bad.json', 'm']).stderr).toMatch(/^error: baseline bad\.json is not valid JSON \(.*\)\. Fix: write it again with --write-baseline bad\.json\n$/);
    fs.writeFileSync('v2.json', '{"version": 2, "findings": []}');
    expect(run(['audit', '--baseline', 'v2.json', 'm']).stderr).toBe('error: baseline v2.json has version 2, this version reads version 1. Fix: write it again with --write-baseline v2.json\n');
    fs.writeFileSync('list.json', '[]');
    expect(run(['audit', '--baseline', 'list.json', 'm']).stderr).toBe('error: baseline list.json has no "findings" list: not a baseline written by --write-baseline. Fix: write it again with --write-baseline list.json\n');
    fs.writeFileSync('entry.json', '{"version": 1, "findings": [{"ruleId": "SB-X"}]}');
    expect(run(['audit', '--baseline', 'entry.json', 'm']).stderr).toBe('error: baseline entry.json: findings[0] {"ruleId":"SB-X"} is not an entry {"ruleId", "object", "jsonPath"?, "count"?}. Fix: write it again with --write-baseline entry.json\n');
    expect(run(['audit', '--output', 'x.json', '--write-baseline', './x.json', 'm']).stderr).toMatch(/^error: --output and --write-baseline both name "x\.json"; write the report and the baseline to different files\n/);
    fs.writeFileSync(path.join(tmp(), 'm/broken.yaml'), 'kind: [\n');
    const partial = run(['audit', '--write-baseline', 'partial.json', 'm']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('error: 1 read error(s): the audit covers only the objects that could be read; the baseline partial.json was not written\n');
    expect(fs.existsSync('partial.json')).toBe(false);
  });

  test('a baseline file inside the audited folder is not read as a manifest', () => {
    write('m/app.yaml', [...compliantBundle().slice(0, 3), privileged('api')]);
    expect(run(['audit', '--write-baseline', 'm/accepted.json', 'm']).code).toBe(0);
    expect(run(['audit', '--baseline', 'm/accepted.json', 'm'])).toMatchObject({ code: 0, stderr: '' });
  });

  test('--help documents the options and the exit codes', () => {
    for (const o of ['--baseline FILE', '--write-baseline FILE', '--exclude-path GLOB', '--namespace NS[,NS...]', '--exclude-namespace NS[,NS...]',
      '--kind KIND[,KIND...]', '--exclude-kind KIND[,KIND...]', '--min-severity error|warning', '--group-by object|rule']) {
      expect(USAGE).toContain(`  ${o} `);
    }
    expect(USAGE).toContain('Exit codes: 0 no violations (with --baseline: no new ones; with --write-baseline\nalone: the baseline was written), 1 violations, 2 usage or read errors or an\nunreadable baseline');
  });

  test('the adoption recipe (docs/audit-cli.md) adopts the CLI on a repo in three commands (write baseline, commit it, fail on new findings)', () => {
    const block = documentBlocks(ROOT).filter((b) => b.targets.some((t) => t.flow === 'adopt'));
    expect(block.map((b) => b.doc)).toEqual(['docs/audit-cli.md']);
    const commands = block[0].code.trim().split('\n');
    expect(commands).toHaveLength(3);
    write('manifests/app.yaml', [...compliantBundle().slice(0, 3), privileged('api')]);
    const env = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com' };
    expect(spawnSync('git', ['init', '-q'], { cwd: tmp(), env }).status).toBe(0);
    const cli = `node -r ${require.resolve('ts-node/register/transpile-only')} ${path.join(ROOT, 'src', 'cli', 'audit.ts')}`;
    const sh = (line: string) => spawnSync('bash', ['-c', line.split('npx cdk8s-secure-baseline').join(cli)], { cwd: tmp(), env, encoding: 'utf-8' });
    const [writeStep, commitStep, checkStep] = commands.map((c) => () => sh(c));
    expect(writeStep().status).toBe(0);
    expect(commitStep().status).toBe(0);
    expect(spawnSync('git', ['ls-files'], { cwd: tmp(), encoding: 'utf-8' }).stdout).toContain('.secure-baseline.json');
    expect(checkStep().status).toBe(0);
    write('manifests/web.yaml', [latest('web')]);
    const failing = checkStep();
    expect([failing.status, failing.stdout]).toEqual([1, expect.stringContaining('SB-CTR-IMAGE-TAG  manifests/web.yaml:')]);
  }, 90_000);
});
