import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { readmeTsBlocks, runTsBlock } from './util/code-blocks';
import { expectValidManifests } from './util/schema';

/**
 * Every TypeScript example in the README that imports the library runs as written (with the
 * package name mapped to src/), and what it synthesizes is schema-valid. Blocks that are jest
 * tests themselves run their body inside this test.
 */
const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
const blocks = readmeTsBlocks(readme);

describe('README examples', () => {
  test('there are examples to run (each subsystem\'s own are on its page: test/docs-pages.test.ts)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  test.each(blocks.map((b, i) => [i, b] as const))('example %i runs and synthesizes schema-valid objects', (_i, code) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    runTsBlock(code, outdir);
    for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.yaml'))) {
      expectValidManifests(Yaml.load(path.join(outdir, f)));
    }
  });
});
