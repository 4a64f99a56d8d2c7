/**
 * Runs the README's own setup instructions, verbatim, in an empty folder with the packed tarball.
 *
 * The flows read README.md and then the pages of FLOW_DOCUMENTS, in that order (the README's app
 * goes on in docs/audit-cli.md: the cdk8s-cli plugin and the CLI; the recipes of other pages are
 * flows of their own, which tests run). A fenced block of one of them takes part when its info
 * string carries `readme=` (GitHub shows only the language):
 *
 *   ```sh readme=app                        shell commands, run in the flow's folder (bash -e)
 *   ```json readme=app:tsconfig.json        the block is that file of the flow
 *   ```ts readme=app:main.ts,projen:src/main.ts@.projenrc.ts   the same file in two flows (in
 *                                           the projen flow, written after .projenrc.ts)
 *
 * A flow (`app`: package.json + tsconfig + cdk8s.yaml + main.ts + `cdk8s synth`; `projen`: projen's
 * Cdk8sTypeScriptApp) runs its blocks in document order. FLOW_RUNNERS names what runs each flow:
 * this script in CI, or a test (which then checks what the commands print). A shell line ending in
 * `# not run in CI: <reason>` is skipped and counted (test/readme-blocks.test.ts lists them).
 *
 * What is substituted, and nothing else (each must apply, so a README edit cannot silently skip it):
 * - `cdk8s-secure-baseline` in `npm install` lines and in `.projenrc.ts` deps is the tarball;
 * - a package named without a version in `npm install` gets this project's devDependency version
 *   (cdk8s, constructs, cdk8s-cli, ts-node), so CI is reproducible;
 * - `npx projen new` runs this project's projen version.
 *
 * Usage: ts-node scripts/readme-blocks.ts --flow app|projen --tarball dist/js/x.tgz [--keep]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const NOT_RUN_MARKER = '# not run in CI:';
export const PACKAGE = 'cdk8s-secure-baseline';
export const TARBALL = `./${PACKAGE}.tgz`;

export interface ReadmeBlock {
  /** The Markdown file the block is in, relative to the repository root (`README.md`, `docs/x.md`). */
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  /**
   * One entry per flow the block belongs to; `file` unset for shell blocks. `after` (written
   * `flow:file@other`) places the step right after the flow's step writing `other`, where the
   * README's prose puts it, when the block itself sits earlier (it is shared with another flow).
   */
  readonly targets: ReadonlyArray<{ readonly flow: string; readonly file?: string; readonly after?: string }>;
  readonly code: string;
}

export interface NotRunLine {
  readonly doc: string;
  readonly line: number;
  readonly command: string;
  readonly reason: string;
}

/**
 * The documents whose `readme=` blocks make the flows, in flow order: a flow's blocks on a page
 * come after its blocks in the README.
 */
export const FLOW_DOCUMENTS: readonly string[] = ['README.md', 'docs/audit-cli.md', 'docs/security-diff.md', 'docs/security-alerts.md'];

/**
 * What runs each flow: `.ci/run` (this script, `--flow NAME`) or a test, with the fixtures the
 * commands need, which checks what they print (`shop-diff`: the page's file is the diff's output,
 * which the test renders and compares; `alerts`: commands for a cluster, a Pushgateway and this
 * repository's CI, each run or checked against the page's example).
 */
export const FLOW_RUNNERS: { readonly [flow: string]: string } = {
  'app': '.ci/run',
  'projen': '.ci/run',
  'adopt': 'test/cli/baseline.test.ts',
  'adopt-config': 'test/cli/config.test.ts',
  'diff': 'test/diff/readme-recipe.test.ts',
  'shop-diff': 'test/diff/shop.test.ts',
  'alerts': 'test/security-alerts-readme.test.ts',
};

/**
 * Every fenced block whose info string has a `readme=` attribute, in document order. A block opened
 * with more than three backticks (to show Markdown) ends at a fence at least as long.
 */
export function extractBlocks(markdown: string, doc: string = 'README.md'): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```+)([^`\s]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const close = new RegExp(`^${open[1]}\`*\\s*$`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
    const attr = /(?:^|\s)readme=(\S+)/.exec(open[3]);
    if (!attr) continue;
    const targets = attr[1].split(',').map((t) => {
      const [flowFile, after] = t.split('@');
      const [flow, file] = flowFile.split(':');
      if (!flow) throw new Error(`${doc}:${start + 1}: empty flow in readme=${attr[1]}`);
      return { flow, ...(file ? { file } : {}), ...(after ? { after } : {}) };
    });
    blocks.push({ doc, line: start + 1, lang: open[2], targets, code: body.join('\n') + '\n' });
  }
  return blocks;
}

/** The `readme=` blocks of every document of FLOW_DOCUMENTS (`root`: the repository), in flow order. */
export function documentBlocks(root: string): ReadmeBlock[] {
  return FLOW_DOCUMENTS.flatMap((doc) => extractBlocks(fs.readFileSync(path.join(root, doc), 'utf-8'), doc));
}

/** Shell lines marked as not runnable in CI, with their reason. */
export function notRunLines(blocks: readonly ReadmeBlock[]): NotRunLine[] {
  const out: NotRunLine[] = [];
  for (const b of blocks) {
    if (b.targets.some((t) => t.file)) continue;
    b.code.split('\n').forEach((l, i) => {
      const at = l.indexOf(NOT_RUN_MARKER);
      if (at < 0) return;
      const reason = l.slice(at + NOT_RUN_MARKER.length).trim();
      if (!reason) throw new Error(`${b.doc}:${b.line + 1 + i}: "${NOT_RUN_MARKER}" needs a reason`);
      out.push({ doc: b.doc, line: b.line + 1 + i, command: l.slice(0, at).trim(), reason });
    });
  }
  return out;
}

export interface Step {
  readonly kind: 'file' | 'sh';
  /** The document of the block (README.md or a page). */
  readonly doc: string;
  readonly line: number;
  /** The file to write, or undefined for shell. */
  readonly file?: string;
  /** The content to write or the script to run, after substitution. */
  readonly text: string;
}

/** Pins for bare package names in `npm install` lines: this project's devDependencies. */
export interface Versions {
  readonly devDependencies: { readonly [name: string]: string };
}

/** Tracks which substitutions applied, so that each one that is expected did. */
export class Substitutions {
  public readonly applied = new Set<string>();

  constructor(private readonly versions: Versions) {}

  /** One shell line: `npm install` arguments and `npx projen new`. Not-run lines become no-ops. */
  public shellLine(line: string): string {
    if (line.includes(NOT_RUN_MARKER)) {
      this.applied.add('not-run');
      return `: ${JSON.stringify(line.trim())}`;
    }
    const install = /^(\s*npm (?:install|i)\b)(.*?)(\s+#.*)?$/.exec(line);
    if (install) {
      const args = install[2].split(/\s+/).filter((a) => a !== '').map((a) => {
        if (a.startsWith('-')) return a;
        if (a === PACKAGE) {
          this.applied.add('tarball');
          return TARBALL;
        }
        const bare = /^(@?[^@\s]+)$/.exec(a);
        const pinned = bare ? this.versions.devDependencies[a] : undefined;
        if (pinned) {
          this.applied.add(`pin:${a}`);
          return `${a}@${pinned}`;
        }
        return a;
      });
      return `${install[1]} ${args.join(' ')}${install[3] ?? ''}`;
    }
    const projenNew = /^(\s*)npx projen new\b(.*)$/.exec(line);
    if (projenNew) {
      const v = this.versions.devDependencies.projen;
      this.applied.add('projen-new');
      return `${projenNew[1]}npx --yes projen@${v} new${projenNew[2]} --projen-version ${v}`;
    }
    return line;
  }

  /** A file block: the package in a `.projenrc.ts` `deps` list becomes the tarball. */
  public file(file: string, text: string): string {
    if (path.basename(file) !== '.projenrc.ts') return text;
    const out = text.replace(new RegExp(`(deps:\\s*\\[[^\\]]*)'${PACKAGE}'`), (_m, head) => {
      this.applied.add('tarball');
      return `${head}'${PACKAGE}@file:${TARBALL}'`;
    });
    return out;
  }
}

/** The steps of one flow, in document order, with substitutions applied. */
export function flowSteps(blocks: readonly ReadmeBlock[], flow: string, subs: Substitutions): Step[] {
  const steps: Step[] = [];
  const deferred: Array<{ after: string; step: Step }> = [];
  for (const b of blocks) {
    for (const t of b.targets.filter((x) => x.flow === flow)) {
      const step: Step = t.file
        ? { kind: 'file', doc: b.doc, line: b.line, file: t.file, text: subs.file(t.file, b.code) }
        : { kind: 'sh', doc: b.doc, line: b.line, text: b.code.split('\n').map((l) => subs.shellLine(l)).join('\n') };
      if (t.after) deferred.push({ after: t.after, step });
      else steps.push(step);
    }
  }
  for (const d of deferred) {
    const at = steps.findIndex((s) => s.file === d.after);
    if (at < 0) throw new Error(`${d.step.doc}:${d.step.line}: no step of flow "${flow}" writes ${d.after}`);
    steps.splice(at + 1, 0, d.step);
  }
  return steps;
}

/** What each flow must have produced (the synth really ran and the plugin really audited). */
export const EXPECTED_OUTPUTS: { readonly [flow: string]: readonly string[] } = {
  app: ['manifests/payments.k8s.yaml', 'reports/security-audit.sarif', 'audit.sarif'],
  projen: ['dist/payments.k8s.yaml', 'reports/security-audit.sarif'],
};

function main(argv: string[]): number {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const flow = arg('--flow');
  const tarball = arg('--tarball');
  if (!flow || !tarball) {
    process.stderr.write('usage: readme-blocks.ts --flow app|projen --tarball PATH [--keep]\n');
    return 2;
  }
  const root = path.resolve(__dirname, '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const blocks = documentBlocks(root);
  const subs = new Substitutions(pkg);
  const steps = flowSteps(blocks, flow, subs);
  if (steps.length === 0) throw new Error(`no block of ${FLOW_DOCUMENTS.join(', ')} belongs to flow "${flow}"`);
  const expected = flow === 'projen' ? ['tarball', 'projen-new'] : ['tarball'];
  for (const e of expected) if (!subs.applied.has(e)) throw new Error(`README flow "${flow}": substitution "${e}" never applied`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `readme-${flow}-`));
  fs.copyFileSync(path.resolve(tarball), path.join(dir, `${PACKAGE}.tgz`));
  const env = {
    ...process.env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // `projen new` commits the new project.
    GIT_AUTHOR_NAME: 'readme-blocks',
    GIT_AUTHOR_EMAIL: 'readme-blocks@example.invalid',
    GIT_COMMITTER_NAME: 'readme-blocks',
    GIT_COMMITTER_EMAIL: 'readme-blocks@example.invalid',
  };
  // The blocks run as a user runs them on a workstation: CI=true makes projen install with
  // `npm ci`, which needs a lockfile a brand-new project does not have yet.
  delete (env as NodeJS.ProcessEnv).CI;
  process.stdout.write(`README flow "${flow}" in an empty folder (${steps.length} blocks)\n`);
  try {
    for (const s of steps) {
      if (s.kind === 'file') {
        process.stdout.write(`--- ${s.doc}:${s.line}: write ${s.file}\n`);
        fs.mkdirSync(path.dirname(path.join(dir, s.file!)), { recursive: true });
        fs.writeFileSync(path.join(dir, s.file!), s.text);
      } else {
        process.stdout.write(`--- ${s.doc}:${s.line}: run\n`);
        const r = spawnSync('bash', ['-euo', 'pipefail', '-x', '-c', s.text], { cwd: dir, env, stdio: 'inherit' });
        if (r.status !== 0) throw new Error(`${s.doc}:${s.line}: the block failed (exit ${r.status ?? r.signal})`);
      }
    }
    for (const f of EXPECTED_OUTPUTS[flow] ?? []) {
      if (!fs.existsSync(path.join(dir, f)) || fs.statSync(path.join(dir, f)).size === 0) throw new Error(`README flow "${flow}" did not produce ${f}`);
    }
    const skipped = notRunLines(blocks.filter((b) => b.targets.some((t) => t.flow === flow)));
    process.stdout.write(`README flow "${flow}" passed; ${skipped.length} line(s) marked not run in CI:\n`);
    for (const n of skipped) process.stdout.write(`  ${n.doc}:${n.line}: ${n.command} (${n.reason})\n`);
    return 0;
  } finally {
    if (argv.includes('--keep')) process.stdout.write(`kept ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
