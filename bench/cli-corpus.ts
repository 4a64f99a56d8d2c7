/**
 * Reading speed and memory on a real-world-shaped corpus (issue #22): many files, CRD-heavy YAML
 * (test/manifest/real-world-corpus.ts: controller-gen CRDs with deep schemas, Helm-rendered
 * bundles, ConfigMaps with big data blocks, JSON files), at several sizes. Three points, each run
 * in its own process (peak RSS is per process), interleaved run by run (the order reversed every
 * other run) so that a noisy moment of the shared machine hits all three alike; minima are compared:
 *   (a) the floor: the `yaml` library alone on the same files (`parseAllDocuments` + `toJS` for
 *       YAML files, `JSON.parse` per value for JSON streams), results dropped as they are made;
 *   (b) the manifest reader alone (`readManifestFiles`, src/manifest/reader.ts);
 *   (c) the whole `audit` CLI in process (`runCli`, text report to a sink, `--no-config`).
 * Reported: MiB/s (wall and CPU time) and objects/s of each, b/a and c/a, RSS over the input's size.
 * Targets, at the largest size: (c) ≥ 24 MiB/s (wall; 5× the 4.8 MB/s the CLI did when #22 was
 * filed), and (c)'s RSS growth while it runs (peak RSS − RSS with its modules loaded) ≤ 3× the
 * input: the RSS at start is mostly ts-node and the TypeScript compiler here, which the installed
 * CLI does not carry (both figures are printed). Compare ratios within one run: the machine is shared.
 *
 *   npx ts-node -T -P bench/tsconfig.json bench/run.ts --cli-corpus [--corpus-sizes 5,20,80] [--runs 3]
 *   npx ts-node -T -P bench/tsconfig.json bench/cli-corpus.ts write 80 DIR     # the corpus of 80 MiB into DIR
 *   npx ts-node -T -P bench/tsconfig.json bench/cli-corpus.ts point c DIR      # one point, one JSON line
 * Profile a point with `node --cpu-prof -r ts-node/register/transpile-only bench/cli-corpus.ts point c DIR`
 * (TS_NODE_PROJECT=bench/tsconfig.json).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Target, measure, writeReport } from './measure';
import { runCli } from '../src/cli/audit';
import { jsonValueEnd, readManifestFiles } from '../src/manifest/reader';
import { corpusFiles } from '../test/manifest/real-world-corpus';

type PointName = 'a' | 'b' | 'c';
const POINTS: PointName[] = ['a', 'b', 'c'];
const NAMES: Record<PointName, string> = { a: '(a) floor: yaml library', b: '(b) reader', c: '(c) audit CLI' };
const MiB = 1024 * 1024;

/** What one point prints. */
interface PointResult {
  readonly point: PointName;
  readonly files: number;
  readonly bytes: number;
  readonly objects: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** RSS when the measured section started (modules loaded), and the process's peak. */
  readonly startRssMiB: number;
  readonly peakRssMiB: number;
  readonly exitCode?: number;
  readonly reportBytes?: number;
}

/** Writes the corpus of about `mib` MiB into `dir`; returns the files and bytes written. */
export function writeCorpus(mib: number, dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of corpusFiles(mib)) {
    const file = path.join(dir, f.name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.text);
    files++;
    bytes += Buffer.byteLength(f.text);
  }
  return { files, bytes };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/** (a): the library's own cost on the same files; returns the objects made. */
function floor(files: string[]): number {
  let objects = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf-8').replace(/^\uFEFF/, '');
    if (text.trimStart().startsWith('{')) {
      for (let pos = 0; pos < text.length;) {
        while (pos < text.length && /\s/.test(text[pos])) pos++;
        if (pos >= text.length) break;
        const end = jsonValueEnd(text, pos);
        if (JSON.parse(text.slice(pos, end))) objects++;
        pos = end;
      }
      continue;
    }
    for (const doc of parseAllDocuments(text)) if (doc.toJS()) objects++;
  }
  return objects;
}

function runPoint(point: PointName, dir: string): PointResult {
  const files = listFiles(dir);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const startRssMiB = process.memoryUsage().rss / MiB;
  let exitCode: number | undefined;
  let reportBytes = 0;
  const m = measure(() => {
    if (point === 'a') return floor(files);
    if (point === 'b') return readManifestFiles([dir]).objects.length;
    exitCode = runCli(['audit', dir, '--no-config'], { stdout: (t) => { reportBytes += t.length; }, stderr: () => undefined });
    return 0; // (c) prints a report: its objects are the reader's, (b)'s
  });
  return {
    point,
    files: files.length,
    bytes,
    objects: m.value,
    wallMs: m.wallMs,
    cpuMs: m.cpuMs,
    startRssMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    ...(exitCode !== undefined ? { exitCode, reportBytes } : {}),
  };
}

function sample(point: PointName, dir: string): PointResult {
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', __filename, 'point', point, dir], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    encoding: 'utf-8',
    maxBuffer: MiB,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

export interface CliCorpusOptions {
  /** Corpus sizes in MiB. */
  readonly sizes: number[];
  readonly runs: number;
  readonly out: string;
}

interface Summary { minMs: number; cpuMs: number; peakRssMiB: number; startRssMiB: number; objects: number; bytes: number; files: number }

/** Runs the points at every size, prints the table, ratios and targets, writes `out`; returns the exit code. */
export function runCliCorpus(o: CliCorpusOptions): number {
  const results: Record<string, Record<PointName, Summary>> = {};
  for (const mib of o.sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-corpus-'));
    try {
      writeCorpus(mib, dir);
      const samples: Record<PointName, PointResult[]> = { a: [], b: [], c: [] };
      for (let r = 0; r < o.runs; r++) {
        for (const p of r % 2 ? [...POINTS].reverse() : POINTS) {
          samples[p].push(sample(p, dir));
          process.stderr.write('.');
        }
      }
      results[mib] = Object.fromEntries(POINTS.map((p) => {
        const s = samples[p];
        return [p, {
          minMs: Math.min(...s.map((x) => x.wallMs)),
          cpuMs: Math.min(...s.map((x) => x.cpuMs)),
          peakRssMiB: Math.min(...s.map((x) => x.peakRssMiB)),
          startRssMiB: Math.min(...s.map((x) => x.startRssMiB)),
          objects: samples.b[0].objects,
          bytes: s[0].bytes,
          files: s[0].files,
        }];
      })) as Record<PointName, Summary>;
      process.stderr.write(` ${mib} MiB\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return report(o, results);
}

function report(o: CliCorpusOptions, results: Record<string, Record<PointName, Summary>>): number {
  const fmt = (x: number, d = 0) => x.toFixed(d);
  const lines: string[] = [];
  lines.push(`CLI corpus benchmark: minima of ${o.runs} interleaved runs per point, each in its own process (test/manifest/real-world-corpus.ts)`);
  lines.push('RSS at start: the process with its modules loaded (here with ts-node and the TypeScript compiler), before reading; growth: peak RSS − RSS at start.');
  lines.push('');
  lines.push('| corpus | files | objects | point | wall ms | CPU ms | MiB/s (wall) | MiB/s (CPU) | objects/s (wall) | RSS at start MiB | peak RSS MiB | growth / input | peak / input |');
  lines.push('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const ratios: Record<string, { bOverA: number; cOverA: number; bOverACpu: number; cOverACpu: number }> = {};
  for (const [mib, pts] of Object.entries(results)) {
    for (const p of POINTS) {
      const s = pts[p];
      const input = s.bytes / MiB;
      lines.push(`| ${fmt(input, 1)} MiB | ${s.files} | ${s.objects} | ${NAMES[p]} | ${fmt(s.minMs)} | ${fmt(s.cpuMs)} | ${fmt(input / (s.minMs / 1000), 1)} | `
        + `${fmt(input / (s.cpuMs / 1000), 1)} | ${fmt(s.objects / (s.minMs / 1000))} | ${fmt(s.startRssMiB)} | ${fmt(s.peakRssMiB)} | `
        + `${fmt((s.peakRssMiB - s.startRssMiB) / input, 2)} | ${fmt(s.peakRssMiB / input, 2)} |`);
    }
    const { a, b, c } = pts;
    ratios[mib] = { bOverA: b.minMs / a.minMs, cOverA: c.minMs / a.minMs, bOverACpu: b.cpuMs / a.cpuMs, cOverACpu: c.cpuMs / a.cpuMs };
  }
  lines.push('');
  lines.push('| corpus | b/a (wall) | c/a (wall) | b/a (CPU) | c/a (CPU) |');
  lines.push('|---:|---:|---:|---:|---:|');
  for (const [mib, r] of Object.entries(ratios)) {
    lines.push(`| ${mib} MiB | ${fmt(r.bOverA, 2)} | ${fmt(r.cOverA, 2)} | ${fmt(r.bOverACpu, 2)} | ${fmt(r.cOverACpu, 2)} |`);
  }
  const largest = String(Math.max(...o.sizes));
  const top = results[largest];
  const targets: Target[] = [];
  if (top) {
    const input = top.c.bytes / MiB;
    const speed = input / (top.c.minMs / 1000);
    targets.push({
      target: `audit CLI ≥ 24 MiB/s on the ${largest} MiB corpus (5× the 4.8 MB/s of #22)`,
      value: `${fmt(speed, 1)} MiB/s (CPU: ${fmt(input / (top.c.cpuMs / 1000), 1)}), ${fmt(top.c.objects / (top.c.minMs / 1000))} objects/s`,
      ok: speed >= 24,
    });
    const growth = top.c.peakRssMiB - top.c.startRssMiB;
    targets.push({
      target: `audit CLI RSS ≤ 3× the input (${fmt(input)} MiB): peak RSS − RSS at start`,
      value: `${fmt(growth)} MiB = ${fmt(growth / input, 2)}× (peak ${fmt(top.c.peakRssMiB)} MiB = ${fmt(top.c.peakRssMiB / input, 2)}×, ${fmt(top.c.startRssMiB)} MiB at start)`,
      ok: growth <= 3 * input,
    });
  }
  return writeReport(lines, targets, o.out, { ...o, node: process.version, results, ratios, targets }) ? 0 : 1;
}

if (require.main === module) {
  const [mode, a1, a2] = process.argv.slice(2);
  if (mode === 'point') {
    process.stdout.write(`${JSON.stringify(runPoint(a1 as PointName, a2))}\n`);
  } else if (mode === 'write') {
    process.stdout.write(`${JSON.stringify(writeCorpus(Number(a1), a2))}\n`);
  } else {
    process.exitCode = runCliCorpus({ sizes: [5, 20, 80], runs: 3, out: path.join(__dirname, 'results', 'cli-corpus.json') });
  }
}
