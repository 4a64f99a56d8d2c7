/**
 * The reader's fast paths (src/manifest/yaml-fast.ts, json-stream.ts) against its full path (the
 * `yaml` package, yaml-decode.ts), which they must never differ from: the same objects (values,
 * key order, -0), lines, documents and item paths, the same errors, and the same positions for
 * every field of every object read, on
 * - every YAML and JSON file of the repository's fixtures, examples and vendored CRDs;
 * - adversarial YAML (adversarial-yaml.ts) and thousands of random edits of it and of a
 *   real-world-shaped corpus (real-world-corpus.ts);
 * - the whole audit CLI (report text, JSON and SARIF, stderr, exit code) on the fixtures and the corpus.
 * It also checks that the fast path does read most real-world documents (it could pass every
 * check by giving up on everything).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { adversarialFiles, mutations } from './adversarial-yaml';
import { corpusFiles } from './real-world-corpus';
import { runCli } from '../../src/cli/audit';
import { PositionIndex } from '../../src/cli/positions';
import { ReadObject, readManifestText } from '../../src/manifest/reader';
import { readFastDocument, setFastPath } from '../../src/manifest/yaml-fast';

interface File { readonly name: string; readonly text: string }

const ROOT = path.join(__dirname, '..', '..');
/** Each test reads its inputs twice, the full path being the slow one. */
const TIMEOUT = 120_000;

function repositoryFiles(): File[] {
  const out: File[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '__snapshots__') walk(full); } else if (/\.(ya?ml|json)$/i.test(e.name)) {
        out.push({ name: path.relative(ROOT, full), text: fs.readFileSync(full, 'utf-8') });
      }
    }
  };
  for (const d of ['test', 'examples', 'crds']) walk(path.join(ROOT, d));
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A value as text that tells apart what toEqual does not: key order, -0, undefined, types. */
function canonical(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') return `{${Object.keys(v as object).map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`).join(',')}}`;
  return `<${typeof v}>`;
}

function withFastPath<T>(on: boolean, f: () => T): T {
  const before = setFastPath(on);
  try {
    return f();
  } finally {
    setFastPath(before);
  }
}

/** Every path into a manifest (as jsonPath text), and a few that do not exist, at most `cap`. */
function jsonPaths(manifest: unknown, cap = 400): string[] {
  const out: string[] = [];
  const seg = (k: string | number, first: boolean) => (typeof k === 'number' ? `[${k}]` : k === '' || /[.[\]"]/.test(k) ? `[${JSON.stringify(k)}]` : first ? k : `.${k}`);
  const walk = (v: unknown, p: string): void => {
    if (out.length >= cap) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => { out.push(p + seg(i, p === '')); walk(x, p + seg(i, p === '')); });
      out.push(`${p}[${v.length}]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) { out.push(p + seg(k, p === '')); walk(x, p + seg(k, p === '')); }
      out.push(p + seg('zzMissing', p === ''));
    }
  };
  walk(manifest, '');
  return out;
}

/** What the reader makes of files, and the position of every path of every object, as text. */
function readAll(files: readonly File[]): { read: string; positions: string } {
  const objects: ReadObject[] = [];
  const read: string[] = [];
  for (const f of files) {
    const r = readManifestText(f.text, f.name);
    objects.push(...r.objects);
    read.push(`${f.name}: ${r.objects.map((o) => `${canonical(o.manifest)} ${o.file} ${o.line} ${o.document} ${o.itemPath ?? ''}`).join('\n')}\n${r.errors.map((e) => `${e.message} ${e.line} ${e.document}`).join('\n')}`);
  }
  const texts = new Map(files.map((f) => [f.name, f.text]));
  const index = new PositionIndex(objects, (name) => Buffer.from(texts.get(name)!));
  const findings = objects.flatMap((o) => jsonPaths(o.manifest).map((jsonPath) => ({
    ruleId: 'X',
    severity: 'error' as any,
    message: '',
    fix: '',
    acknowledged: false,
    file: o.file,
    jsonPath,
    resource: {
      apiVersion: o.manifest.apiVersion, kind: o.manifest.kind, namespace: o.manifest.metadata?.namespace, name: o.manifest.metadata?.name,
    },
  })));
  const positions = index.positions(findings as any);
  return { read: read.join('\n'), positions: findings.map((f) => `${f.file} ${f.jsonPath} ${JSON.stringify(positions.get(f as any))}`).join('\n') };
}

function expectSame(files: readonly File[]): void {
  const fast = withFastPath(true, () => readAll(files));
  const full = withFastPath(false, () => readAll(files));
  expect(fast.read).toEqual(full.read);
  expect(fast.positions).toEqual(full.positions);
}

describe('reader: fast path = full path', () => {
  test('every YAML and JSON file of the repository', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(200);
    expectSame(files);
  }, TIMEOUT);

  test('adversarial YAML and JSON', () => {
    expectSame(adversarialFiles());
  }, TIMEOUT);

  test('random edits of adversarial YAML', () => {
    const texts = mutations(adversarialFiles().map((f) => f.text), 3000);
    for (let i = 0; i < texts.length; i += 100) expectSame(texts.slice(i, i + 100).map((text, j) => ({ name: `m${i + j}.yaml`, text })));
  }, TIMEOUT);

  test('a real-world-shaped corpus, and random edits of its YAML documents', () => {
    const files = [...corpusFiles(1)];
    expectSame(files);
    const docs = files.filter((f) => !f.name.endsWith('.json')).flatMap((f) => f.text.split(/^---\n/m)).filter((d) => d.length < 20_000);
    const texts = mutations(docs, 2000, 7);
    for (let i = 0; i < texts.length; i += 100) expectSame(texts.slice(i, i + 100).map((text, j) => ({ name: `c${i + j}.yaml`, text })));
  }, TIMEOUT);

  test('the fast path reads real-world documents (it does not just give up)', () => {
    let docs = 0;
    let fast = 0;
    for (const f of corpusFiles(2)) {
      if (f.name.endsWith('.json')) continue;
      const text = f.text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
      for (const d of text.split(/^---\n/m).filter((x) => x.trim() !== '')) {
        docs++;
        if (readFastDocument(d, 0, d.length, { maxNodes: 10_000_000, maxDepth: 1000 })) fast++;
      }
    }
    expect(fast).toEqual(docs);
  }, TIMEOUT);
});

describe('audit CLI: fast path = full path', () => {
  function run(args: string[]): string {
    let stdout = '';
    let stderr = '';
    const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return `${code}\n${stdout}\n${stderr}`;
  }
  function expectSameCli(args: string[]): void {
    const fast = withFastPath(true, () => run(args));
    const full = withFastPath(false, () => run(args));
    expect(fast).toEqual(full);
  }

  test('fixtures, examples and CRDs: text, JSON and SARIF reports', () => {
    const paths = ['test/fixtures', 'test/diff/fixtures', 'examples', 'crds'].map((p) => path.join(ROOT, p));
    for (const format of ['text', 'json', 'sarif']) expectSameCli(['audit', ...paths, '--no-config', '--format', format]);
  }, TIMEOUT);

  test('a real-world-shaped corpus and adversarial files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reader-differential-'));
    try {
      for (const f of [...corpusFiles(1), ...adversarialFiles().map((a) => ({ name: `adversarial/${a.name}`, text: a.text }))]) {
        fs.mkdirSync(path.dirname(path.join(dir, f.name)), { recursive: true });
        fs.writeFileSync(path.join(dir, f.name), f.text);
      }
      expectSameCli(['audit', dir, '--no-config', '--format', 'json']);
      expectSameCli(['audit', dir, '--no-config']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, TIMEOUT);
});
