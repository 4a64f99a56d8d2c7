import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { FencedBlock, SRC, fencedBlocks, runTsBlock } from './util/code-blocks';
import { FLOW_DOCUMENTS, FLOW_RUNNERS } from '../scripts/readme-blocks';
import { expectValidManifests } from './util/schema';

/**
 * Every block of every page under docs/ is executed, in page order, in one folder per page (the
 * reader's project):
 * - a block whose info string says `file=NAME` (any language) is written to NAME;
 * - a ```ts block runs as the README examples do (test/util/code-blocks.ts); what it synthesizes
 *   (the App's outdir is `dist/`) must be schema-valid;
 * - a ```sh block runs line by line with bash, `npx cdk8s-secure-baseline` being this checkout's
 *   CLI (as the README commands run in test/cli); each line must exit 0, or the code its trailing
 *   `# exit N` names;
 * - a block whose info string says `error` (```text error) shows what the ```ts block right before
 *   it throws: that block must throw, and the message must contain the block's text (runs of
 *   whitespace, line breaks included, compare as one space, so a long message may be wrapped);
 * - a block whose info string says `readme=FLOW` is a step of a README flow (scripts/readme-blocks.ts)
 *   that goes on in the page: the flow runs it, after the README's steps, where FLOW_RUNNERS says
 *   (CI's `.ci/run`, or a test that provides what the commands need and checks what they print),
 *   not this test. The page must be one of FLOW_DOCUMENTS (the documents the flows read) and FLOW
 *   one of FLOW_RUNNERS, so that no such block goes unrun.
 * Any other block fails the test: a page shows no code that is not run. Relative links of the
 * README and the pages must lead to a file, and to a heading of it when they name an anchor.
 */
const root = path.join(__dirname, '..');
const docs = path.join(root, 'docs');
const pages = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith('.md')).sort() : [];
const CLI = `node -r ${require.resolve('ts-node/register/transpile-only')} ${path.join(SRC, 'cli', 'audit.ts')}`;

/** A folder where `require('cdk8s-secure-baseline')` (from files the page writes) loads src/. */
function projectDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-page-'));
  fs.mkdirSync(path.join(dir, 'node_modules', 'cdk8s-secure-baseline'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'cdk8s-secure-baseline', 'index.js'), `module.exports = require(${JSON.stringify(SRC)});\n`);
  return dir;
}

function fileOf(block: FencedBlock): string | undefined {
  return /(?:^|\s)file=(\S+)/.exec(block.info)?.[1];
}

function runShell(block: FencedBlock, dir: string, where: string): void {
  const env = { ...process.env, TS_NODE_PROJECT: path.join(root, 'test', 'tsconfig.json') };
  block.code.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const expected = Number(/#\s*exit (\d+)\b/.exec(line)?.[1] ?? 0);
    const r = spawnSync('bash', ['-c', line.split('npx cdk8s-secure-baseline').join(CLI)], { cwd: dir, env, encoding: 'utf-8' });
    expect({ at: `${where}:${block.line + 1 + i}`, line, status: r.status, stderr: r.stderr }).toEqual({ at: `${where}:${block.line + 1 + i}`, line, status: expected, stderr: expected === 0 ? '' : r.stderr });
  });
}

/** The flows a `readme=FLOW[:FILE][,FLOW...]` block belongs to, or undefined for another block. */
function flowsOf(block: FencedBlock): string[] | undefined {
  return /(?:^|\s)readme=(\S+)/.exec(block.info)?.[1].split(',').map((t) => t.split(/[:@]/)[0]);
}

/** A flow's step on a page: another runner runs it; the page and the flow must be known to it. */
function expectRunByItsFlow(block: FencedBlock, flows: readonly string[], where: string): void {
  if (!FLOW_DOCUMENTS.includes(where)) {
    throw new Error(`${where}:${block.line}: a readme= block is run by its flow, and the flows do not read this page. Fix: add ${where} to FLOW_DOCUMENTS in scripts/readme-blocks.ts`);
  }
  for (const flow of flows) {
    if (FLOW_RUNNERS[flow] === undefined) {
      throw new Error(`${where}:${block.line}: nothing runs the flow "${flow}" (FLOW_RUNNERS in scripts/readme-blocks.ts: ${Object.keys(FLOW_RUNNERS).join(', ')}). Fix: name a flow that runs, or run the block here (a ts, sh or file= block)`);
    }
  }
}

function isErrorBlock(block: FencedBlock): boolean {
  return /(?:^|\s)error(?:\s|$)/.test(block.info);
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The ts block must throw, with a message that contains the error block's text. */
function expectThrows(block: FencedBlock, error: FencedBlock, dir: string, where: string): void {
  const expected = oneLine(error.code);
  if (expected === '') throw new Error(`${where}:${error.line}: the error block is empty`);
  let thrown: unknown;
  try {
    runTs(block, dir);
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`${where}:${block.line}: the block runs without an error, but the error block after it (line ${error.line}) shows one`);
  const message = oneLine(thrown instanceof Error ? thrown.message : String(thrown));
  if (!message.includes(expected)) {
    throw new Error(`${where}:${error.line}: the block before throws another error.\nshown:  ${expected}\nthrown: ${message}`);
  }
}

function runTs(block: FencedBlock, dir: string): void {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    runTsBlock(block.code, path.join(dir, 'dist'), dir);
  } finally {
    process.chdir(cwd);
  }
  const dist = path.join(dir, 'dist');
  for (const f of fs.existsSync(dist) ? fs.readdirSync(dist).filter((x) => x.endsWith('.yaml')) : []) {
    expectValidManifests(Yaml.load(path.join(dist, f)));
  }
}

/** The text outside code (fenced blocks and inline code), where links and headings are. */
function prose(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const open = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && open !== undefined) fence = open;
    else if (fence !== undefined && line.trim() === fence) fence = undefined;
    else if (fence === undefined) out.push(line.replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, '')));
  }
  return out.join('\n');
}

/** The anchors GitHub gives a page's headings (lowercased, punctuation dropped, spaces as dashes, repeats numbered) and its `<a id>`s. */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown).split('\n')) {
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(a[1]);
    const heading = /^#{1,6}\s+(.*?)\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The relative links of a Markdown file (at `file`) that lead nowhere: no such file, or no such heading in it. */
function brokenLinks(file: string, markdown: string): string[] {
  const broken: string[] = [];
  for (const m of prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [relative, anchor] = target.split('#');
    const resolved = relative === '' ? file : path.resolve(path.dirname(file), relative);
    if (!fs.existsSync(resolved)) broken.push(`${target} (no file ${path.relative(root, resolved)})`);
    else if (anchor !== undefined && !anchorsOf(fs.readFileSync(resolved, 'utf-8')).has(anchor)) broken.push(`${target} (no heading with anchor #${anchor})`);
  }
  return broken;
}

/** Runs the blocks of one page, in order, in a new project folder. */
function runPage(blocks: readonly FencedBlock[], where: string): void {
  const dir = projectDir();
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const file = fileOf(block);
    const flows = flowsOf(block);
    if (flows !== undefined) {
      expectRunByItsFlow(block, flows, where);
    } else if (file !== undefined) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), block.code);
    } else if (block.lang === 'ts' && blocks[i + 1] !== undefined && isErrorBlock(blocks[i + 1])) {
      expectThrows(block, blocks[++i], dir, where);
    } else if (block.lang === 'ts') {
      runTs(block, dir);
    } else if (block.lang === 'sh') {
      runShell(block, dir, where);
    } else if (isErrorBlock(block)) {
      throw new Error(`${where}:${block.line}: an error block shows what the \`\`\`ts block right before it throws, and there is none. Fix: put it right after that block`);
    } else {
      throw new Error(`${where}:${block.line}: a \`\`\`${block.lang} block is neither run nor written. Fix: make it a ts or sh block, or give it file=NAME (and use the file)`);
    }
  }
}

describe('docs pages', () => {
  test('there are pages, and the writing-rules guide is one of them', () => {
    expect(pages).toContain('writing-rules.md');
  });

  test.each(pages)('every block of docs/%s runs', (page) => {
    const blocks = fencedBlocks(fs.readFileSync(path.join(docs, page), 'utf-8'));
    expect(blocks.length).toBeGreaterThan(0);
    runPage(blocks, `docs/${page}`);
  }, 120_000);

  test('relative links of the README and of every page lead to a file, and to a heading when they name one', () => {
    const files = [path.join(root, 'README.md'), ...pages.map((p) => path.join(docs, p))];
    const broken = files.flatMap((f) => brokenLinks(f, fs.readFileSync(f, 'utf-8')).map((b) => `${path.relative(root, f)}: ${b}`));
    expect(broken).toEqual([]);
    // and the check finds what is broken
    const readme = path.join(root, 'README.md');
    expect(brokenLinks(readme, '[a](docs/none.md) [b](#no-such-heading) [c](RULES.md) `[d](#in-code)` [e](https://example.com/#x)\n```\n[f](#in-a-block)\n```\n'))
      .toEqual(['docs/none.md (no file docs/none.md)', '#no-such-heading (no heading with anchor #no-such-heading)']);
    expect([...anchorsOf('# By name with Cilium (`NetworkEngine.cilium()`)\n## Errors\n### Errors\n```\n# not a heading\n```\n')])
      .toEqual(['by-name-with-cilium-networkenginecilium', 'errors', 'errors-1']);
  });

  test('a block nothing checks fails the page, and an error block is checked against what the block before throws', () => {
    const page = (markdown: string) => () => runPage(fencedBlocks(markdown), 'docs/example.md');
    const throwing = '```ts\nthrow new Error(\'shop/ns: size "20GB" is not a valid quantity. Fix: write "20Gi"\');\n```\n';
    expect(page(`${throwing}\`\`\`text error\nshop/ns: size "20GB" is not a\nvalid quantity.\n\`\`\`\n`)).not.toThrow();
    expect(page(`${throwing}\`\`\`text error\nshop/ns: size "20GB" is not valid\n\`\`\`\n`)).toThrow(/docs\/example.md:4: the block before throws another error/);
    expect(page('```ts\nconst ok = 1;\n```\n```text error\nshop/ns: size\n```\n')).toThrow(/docs\/example.md:1: the block runs without an error/);
    expect(page('```text error\nshop/ns: size\n```\n')).toThrow(/docs\/example.md:1: an error block shows what the ```ts block right before it throws, and there is none/);
    expect(page(throwing)).toThrow(/size "20GB"/);
    expect(page('```yaml\nkind: Namespace\n```\n')).toThrow(/docs\/example.md:1: a ```yaml block is neither run nor written/);
    expect(page('````markdown\n```ts\nconst ok = 1;\n```\n````\n')).toThrow(/docs\/example.md:1: a ```markdown block is neither run nor written/);
  });

  test('a readme= block is left to its flow, which must read the page and have a runner', () => {
    const flowStep = '```sh readme=app\nexit 1\n```\n';
    expect(() => runPage(fencedBlocks(flowStep), 'docs/audit-cli.md')).not.toThrow();
    expect(() => runPage(fencedBlocks('```yaml readme=adopt-config:.secure-baseline.yaml\nkind: [\n```\n'), 'docs/audit-cli.md')).not.toThrow();
    expect(() => runPage(fencedBlocks(flowStep), 'docs/example.md')).toThrow(/docs\/example.md:1: a readme= block is run by its flow, and the flows do not read this page. Fix: add docs\/example.md to FLOW_DOCUMENTS/);
    expect(() => runPage(fencedBlocks('```sh readme=app,nowhere:x.ts\nexit 1\n```\n'), 'docs/audit-cli.md')).toThrow(/docs\/audit-cli.md:1: nothing runs the flow "nowhere"/);
  });
});
