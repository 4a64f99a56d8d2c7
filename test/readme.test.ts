import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as ts from 'typescript';
import { expectValidManifests } from './util/schema';

/**
 * Every TypeScript example in the README that imports the library runs as written (with the
 * package name mapped to src/), and what it synthesizes is schema-valid. Blocks that are jest
 * tests themselves run their body inside this test.
 */
const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes("from 'cdk8s-secure-baseline'"));

function run(code: string, outdir: string) {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const js = ts.transpileModule(code, { compilerOptions }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const req = (id: string) => require(id === 'cdk8s-secure-baseline' ? '../src' : id);
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', 'test', 'expect', js)(req, {}, (_name: string, fn: () => void) => fn(), expect);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
}

describe('README examples', () => {
  test('there are examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  test.each(blocks.map((b, i) => [i, b] as const))('example %i runs and synthesizes schema-valid objects', (_i, code) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    run(code, outdir);
    for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.yaml'))) {
      expectValidManifests(Yaml.load(path.join(outdir, f)));
    }
  });
});
