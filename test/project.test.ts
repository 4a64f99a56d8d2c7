import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';

/**
 * The project's own guarantees: snapshot tests can fail, tests and examples are type-checked,
 * and CI fails on stale generated files.
 */
const root = path.join(__dirname, '..');
const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf-8')).tasks;

describe('project configuration', () => {
  test('the test task type-checks, runs jest with --ci and never updates snapshots', () => {
    const steps = tasks.test.steps;
    expect(steps[0]).toEqual({ spawn: 'typecheck' });
    const jest = steps.find((s: any) => s.execArgs?.[0] === 'jest' || String(s.exec ?? '').startsWith('jest'));
    const args: string[] = jest.execArgs ?? jest.exec.split(' ');
    expect(args).toContain('--ci');
    expect(args).not.toContain('--updateSnapshot');
    expect(args).not.toContain('-u');
    expect(tasks.typecheck.steps[0].exec).toBe('tsc --noEmit -p test/tsconfig.json');
    const include = JSON.parse(fs.readFileSync(path.join(root, 'test', 'tsconfig.json'), 'utf-8').replace(/^\/\/.*$/gm, '')).include;
    expect(include).toEqual(expect.arrayContaining(['**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts']));
  });

  test('the ci task runs the full build between a snapshot and a check of generated files', () => {
    expect(tasks.ci.steps).toEqual([
      { exec: 'node scripts/generated-files.js snapshot' },
      { spawn: 'build' },
      { exec: 'node scripts/generated-files.js verify' },
    ]);
    expect(tasks.build.steps.map((s: any) => s.spawn)).toEqual(['default', 'pre-compile', 'compile', 'post-compile', 'test', 'package']);
  });

  test('the generated-files check fails when a generated file changes during the build', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'generated-'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.mkdirSync(path.join(dir, '.projen'));
    fs.copyFileSync(path.join(root, 'scripts', 'generated-files.js'), path.join(dir, 'scripts', 'generated-files.js'));
    fs.writeFileSync(path.join(dir, '.projen', 'files.json'), JSON.stringify({ files: ['tsconfig.json'] }));
    fs.writeFileSync(path.join(dir, 'API.md'), '# API\n');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const run = (cmd: string) => spawnSync(process.execPath, [path.join(dir, 'scripts', 'generated-files.js'), cmd], { encoding: 'utf-8' });
    expect(run('snapshot').status).toBe(0);
    expect(run('verify').status).toBe(0);
    expect(run('snapshot').status).toBe(0);
    fs.writeFileSync(path.join(dir, 'API.md'), '# API\n\nnew section\n');
    const failed = run('verify');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('  - API.md\nRun `npx projen build` and commit the result.');
  });

  test('jsii\'s Node end-of-life banner is silenced by Node major (the variable lists majors; "1" silences nothing)', () => {
    const env = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf-8')).env;
    const majors = String(env.JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION).split(',').map((v) => v.trim());
    expect(majors).toContain('20');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf-8')).toMatch(/JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=\$\(node -p 'process\.versions\.node\.split\("\."\)\[0\]'\)/);
  });

  test('peer dependencies are what src/ imports: cdk8s and constructs, not cdk8s-plus-27', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
    expect(pkg.devDependencies['cdk8s-plus-27']).toBeDefined(); // tests harden cdk8s-plus workloads
    const imports = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return imports(p);
      return e.name.endsWith('.ts') ? [...fs.readFileSync(p, 'utf-8').matchAll(/^(?:import|export)\b[^;']*?from\s+'([^'.][^']*)'/gm)].map((m) => m[1]) : [];
    });
    const packages = new Set(imports(path.join(root, 'src')).map((m) => m.split('/').slice(0, m.startsWith('@') ? 2 : 1).join('/')));
    expect(packages.has('cdk8s')).toBe(true);
    expect(packages.has('cdk8s-plus-27')).toBe(false);
    for (const p of packages) {
      const builtin = builtinModules.includes(p.replace(/^node:/, ''));
      if (!builtin) expect([...Object.keys(pkg.peerDependencies), ...Object.keys(pkg.dependencies ?? {})]).toContain(p);
    }
  });
});

describe('snapshot tests fail when the output changes', () => {
  test('one changed field in a committed snapshot fails jest --ci', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-proof-'));
    const testFile = path.join(dir, 'namespace.test.ts');
    fs.writeFileSync(testFile, [
      'import { Testing } from \'cdk8s\';',
      `import { SecureNamespace } from ${JSON.stringify(path.join(root, 'src'))};`,
      'test(\'namespace\', () => {',
      '  const chart = Testing.chart();',
      '  new SecureNamespace(chart, \'ns\', { name: \'shop\' });',
      '  expect(Testing.synth(chart).find((o: any) => o.kind === \'Namespace\')).toMatchSnapshot();',
      '});',
    ].join('\n'));
    const config = JSON.stringify({
      rootDir: dir,
      testMatch: ['<rootDir>/*.test.ts'],
      modulePaths: [path.join(root, 'node_modules')],
      transform: { '^.+\\.ts$': [require.resolve('ts-jest'), { tsconfig: path.join(root, 'test', 'tsconfig.json'), isolatedModules: true }] },
    });
    const jest = (...args: string[]) => spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', config, '--coverage=false', ...args], { cwd: dir, encoding: 'utf-8' });

    // Write the snapshot once, on purpose, then prove --ci passes on it unchanged.
    expect(jest('--updateSnapshot').status).toBe(0);
    expect(jest('--ci').status).toBe(0);

    // Change one field of the recorded output: the same test must now fail.
    const snap = path.join(dir, '__snapshots__', 'namespace.test.ts.snap');
    const recorded = fs.readFileSync(snap, 'utf-8');
    expect(recorded).toContain('"pod-security.kubernetes.io/enforce": "restricted"');
    fs.writeFileSync(snap, recorded.replace('"pod-security.kubernetes.io/enforce": "restricted"', '"pod-security.kubernetes.io/enforce": "baseline"'));
    const changed = jest('--ci');
    expect(changed.status).toBe(1);
    expect(changed.stderr).toContain('1 snapshot failed');
  }, 120_000);
});
