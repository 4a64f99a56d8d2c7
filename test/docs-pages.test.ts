import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { FencedBlock, SRC, fencedBlocks, runTsBlock } from './util/code-blocks';
import { expectValidManifests } from './util/schema';

/**
 * Every block of every page under docs/ is executed, in page order, in one folder per page (the
 * reader's project):
 * - a block whose info string says `file=NAME` (any language) is written to NAME;
 * - a ```ts block runs as the README examples do (test/util/code-blocks.ts); what it synthesizes
 *   (the App's outdir is `dist/`) must be schema-valid;
 * - a ```sh block runs line by line with bash, `npx cdk8s-secure-baseline` being this checkout's
 *   CLI (as the README commands run in test/cli); each line must exit 0, or the code its trailing
 *   `# exit N` names.
 * Any other block fails the test: a page shows no code that is not run.
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

describe('docs pages', () => {
  test('there are pages, and the writing-rules guide is one of them', () => {
    expect(pages).toContain('writing-rules.md');
  });

  test.each(pages)('every block of docs/%s runs', (page) => {
    const where = `docs/${page}`;
    const blocks = fencedBlocks(fs.readFileSync(path.join(docs, page), 'utf-8'));
    expect(blocks.length).toBeGreaterThan(0);
    const dir = projectDir();
    for (const block of blocks) {
      const file = fileOf(block);
      if (file !== undefined) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), block.code);
      } else if (block.lang === 'ts') {
        runTs(block, dir);
      } else if (block.lang === 'sh') {
        runShell(block, dir, where);
      } else {
        throw new Error(`${where}:${block.line}: a \`\`\`${block.lang} block is neither run nor written. Fix: make it a ts or sh block, or give it file=NAME (and use the file)`);
      }
    }
  }, 120_000);
});
