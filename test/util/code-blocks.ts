/**
 * Runs the code blocks of Markdown pages (README.md, docs/*.md) as the tests do: TypeScript
 * examples as written, with the package name mapped to src/.
 */
import * as path from 'path';
import * as ts from 'typescript';

/** The source of the library, what `require('cdk8s-secure-baseline')` loads in examples. */
export const SRC = path.join(__dirname, '..', '..', 'src');

/** One fenced block: its language, the rest of its info string, its code and the line of its opening fence (1-based). */
export interface FencedBlock {
  readonly lang: string;
  readonly info: string;
  readonly code: string;
  readonly line: number;
}

/**
 * Every fenced block of a Markdown text, in order. A block opened with more than three backticks
 * (to show Markdown) ends at a fence at least as long.
 */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```+)([^`\s]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const line = i + 1;
    const close = new RegExp(`^${open[1]}\`*\\s*$`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i]);
    out.push({ lang: open[2], info: open[3].trim(), code: body.join('\n') + '\n', line });
  }
  return out;
}

/** The ```ts blocks of the README that import the library. */
export function readmeTsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes("from 'cdk8s-secure-baseline'"));
}

/**
 * Runs a TypeScript example (transpiled, not type-checked) with the App's outdir set to `outdir`.
 * `cdk8s-secure-baseline` is src/; relative imports resolve in `baseDir` (default: test/). Jest's
 * `test(name, fn)` in a block runs `fn` at once, and `expect` is jest's.
 */
export function runTsBlock(code: string, outdir: string, baseDir: string = path.join(__dirname, '..')): void {
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const js = ts.transpileModule(code, { compilerOptions }).outputText;
  const req = (id: string) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id === 'cdk8s-secure-baseline' ? SRC : id.startsWith('.') ? path.resolve(baseDir, id) : id);
  };
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', 'test', 'expect', js)(req, {}, (_name: string, fn: () => void) => fn(), expect);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
}
