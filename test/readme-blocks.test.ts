import * as fs from 'fs';
import * as path from 'path';
import {
  EXPECTED_OUTPUTS, FLOW_DOCUMENTS, FLOW_RUNNERS, NOT_RUN_MARKER, Substitutions, TARBALL, documentBlocks, extractBlocks, flowSteps, notRunLines,
} from '../scripts/readme-blocks';

/**
 * The README blocks CI runs (scripts/readme-blocks.ts, from .ci/run), with the pages the flows go
 * on in: what is extracted, what is substituted, exactly which commands are marked as not runnable
 * in CI, and that every flow block has a runner.
 */
const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const blocks = documentBlocks(root);

describe('README blocks run in CI', () => {
  test('the plain cdk8s-cli flow: install, tsconfig, main.ts, cdk8s.yaml, synth, plugin, synth, CLI', () => {
    const subs = new Substitutions(pkg);
    const steps = flowSteps(blocks, 'app', subs);
    expect(steps.map((s) => s.file ?? 'sh')).toEqual(['sh', 'tsconfig.json', 'main.ts', 'cdk8s.yaml', 'sh', 'cdk8s.yaml', 'sh', 'sh']);
    // The README's app, then the plugin and the CLI on their page.
    expect(steps.map((s) => s.doc)).toEqual([...Array(5).fill('README.md'), ...Array(3).fill('docs/audit-cli.md')]);
    const install = steps[0].text.split('\n');
    expect(install[1]).toBe(`npm install ${TARBALL} cdk8s@${pkg.devDependencies.cdk8s} constructs@${pkg.devDependencies.constructs}`);
    expect(install[2]).toBe(`npm install --save-dev cdk8s-cli@${pkg.devDependencies['cdk8s-cli']} ts-node@${pkg.devDependencies['ts-node']} typescript@~5.9`);
    expect(steps[4].text).toContain('npx cdk8s synth');
    // The plugin entry cdk8s-cli 2.207 accepts: a path and an exact version.
    expect(steps[5].text).toMatch(/- package: \.\/node_modules\/cdk8s-secure-baseline .*\n {4}version: \d+\.\d+\.\d+ /);
    expect(steps[7].text).toContain('npx cdk8s-secure-baseline --version');
    expect(EXPECTED_OUTPUTS.app).toContain('manifests/payments.k8s.yaml');
  });

  test('the projen flow: projen new pinned to this project\'s projen, the tarball in .projenrc.ts deps', () => {
    const subs = new Substitutions(pkg);
    const steps = flowSteps(blocks, 'projen', subs);
    expect(steps.map((s) => s.file ?? 'sh')).toEqual(['sh', '.projenrc.ts', 'src/main.ts', 'sh']);
    expect(steps[0].text).toMatch(new RegExp(`^npx --yes projen@${pkg.devDependencies.projen} new cdk8s-app-ts .* --projen-version ${pkg.devDependencies.projen}\\n`));
    expect(steps[1].text).toContain(`deps: ['cdk8s-secure-baseline@file:${TARBALL}']`);
    expect(steps[1].text).toContain('typescriptVersion: \'~5.9.0\'');
    expect(steps[3].text).toContain('npx projen build');
    expect([...subs.applied].sort()).toEqual(['projen-new', 'tarball']);
  });

  test('the main.ts both flows write is the README\'s, unchanged', () => {
    const subs = new Substitutions(pkg);
    const app = flowSteps(blocks, 'app', subs).find((s) => s.file === 'main.ts')!;
    const projen = flowSteps(blocks, 'projen', subs).find((s) => s.file === 'src/main.ts')!;
    expect(app.text).toBe(projen.text);
    expect(app.text).toContain("from 'cdk8s-secure-baseline'");
  });

  test('commands marked not runnable in CI are exactly these (a new one must be added here on purpose)', () => {
    expect(notRunLines(blocks).map((n) => [n.command, n.reason])).toEqual([
      ['helm template my-release ./chart > rendered.yaml && npx cdk8s-secure-baseline audit rendered.yaml', 'needs helm and a chart'],
    ]);
    const subs = new Substitutions(pkg);
    const cli = flowSteps(blocks, 'app', subs)[7].text;
    expect(cli).toContain(': "helm template');
    expect(cli.split('\n').filter((l) => l.startsWith('helm'))).toEqual([]);
  });

  test('every flow block is in a flow something runs, and every page with flow blocks is read by the flows', () => {
    const pages = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
    const withFlowBlocks = ['README.md', ...pages].filter((doc) => extractBlocks(fs.readFileSync(path.join(root, doc), 'utf-8'), doc).length > 0);
    expect([...FLOW_DOCUMENTS].sort()).toEqual(withFlowBlocks.sort());
    const flows = new Set(blocks.flatMap((b) => b.targets.map((t) => t.flow)));
    expect([...flows].sort()).toEqual(Object.keys(FLOW_RUNNERS).sort());
    // Each runner runs its flow: .ci/run this script with --flow NAME, a test the flow by name.
    for (const [flow, runner] of Object.entries(FLOW_RUNNERS)) {
      expect([flow, fs.readFileSync(path.join(root, runner), 'utf-8')]).toEqual([flow, expect.stringContaining(runner === '.ci/run' ? `scripts/readme-blocks.ts --flow ${flow} ` : `'${flow}'`)]);
    }
  });

  test('a marker without a reason is refused; substitutions leave versioned names alone', () => {
    expect(() => notRunLines(extractBlocks(`\`\`\`sh readme=x\nhelm x ${NOT_RUN_MARKER}\n\`\`\`\n`))).toThrow(/needs a reason/);
    const subs = new Substitutions({ devDependencies: { cdk8s: '2.70.0' } });
    expect(subs.shellLine('npm i cdk8s@2.1.0 cdk8s-secure-baseline -D x  # c')).toBe(`npm i cdk8s@2.1.0 ${TARBALL} -D x  # c`);
    expect(subs.shellLine('echo cdk8s-secure-baseline')).toBe('echo cdk8s-secure-baseline');
  });

  test('a block opened with four backticks (Markdown that shows a fence) ends at four', () => {
    expect(extractBlocks('````markdown readme=x:out.md\n```sh\nls\n```\n````\n```sh readme=x\nls\n```\n', 'docs/x.md').map((b) => [b.line, b.lang, b.code]))
      .toEqual([[1, 'markdown', '```sh\nls\n```\n'], [6, 'sh', 'ls\n']]);
  });
});
