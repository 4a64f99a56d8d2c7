/**
 * Reachability on third-party YAML at scale (issue #22): the CLI on a corpus that declares no intent
 * of this library (test/reachability/foreign-corpus.ts: an Online-Boutique-like app, a
 * kube-prometheus-like stack and an ingress controller, 82 objects a copy, namespaces renamed per
 * copy), at 1x, 5x and 10x (10, 50 and 100 copies: about the 826, 4,130 and 8,260 objects of the
 * report). Each point runs in its own process (peak RSS is per process):
 *   ts-node -T -P bench/tsconfig.json bench/reachability-foreign.ts          # the table
 *   ts-node -T -P bench/tsconfig.json bench/reachability-foreign.ts 100      # one point, one JSON line
 * A point writes the corpus as one JSON stream, then runs `reachability` three times — the default
 * text report, `--format json` and `--openings` — and prints the objects, the wall time of the
 * three runs (reading included), the process's peak RSS and the bytes each run printed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { measure } from './measure';
import { runReachabilityCli } from '../src/reachability/cli';
import { foreignCorpus } from '../test/reachability/foreign-corpus';

const SCALES: Array<[string, number]> = [['1x', 10], ['5x', 50], ['10x', 100]];

interface Point {
  readonly copies: number;
  readonly objects: number;
  readonly code: number;
  readonly wallMs: { text: number; json: number; openings: number };
  readonly peakRssMb: number;
  readonly bytes: { text: number; json: number; openings: number };
}

function point(copies: number): Point {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reach-foreign-'));
  const objects = foreignCorpus(copies);
  fs.writeFileSync(path.join(dir, 'all.json'), objects.map((o) => JSON.stringify(o)).join('\n'));
  const once = (args: string[]) => {
    let bytes = 0;
    const m = measure(() => runReachabilityCli([dir, ...args], { out: (s) => { bytes += Buffer.byteLength(s); }, err: () => undefined }));
    return { ms: Math.round(m.wallMs), bytes, code: m.value };
  };
  const text = once([]);
  const json = once(['--format', 'json']);
  const openings = once(['--openings']);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    copies,
    objects: objects.length,
    code: Math.max(text.code, json.code, openings.code),
    wallMs: { text: text.ms, json: json.ms, openings: openings.ms },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes: { text: text.bytes, json: json.bytes, openings: openings.bytes },
  };
}

function main(): void {
  const arg = process.argv[2];
  if (arg !== undefined) {
    process.stdout.write(`${JSON.stringify(point(Number(arg)))}\n`);
    return;
  }
  const rows: Array<[string, Point]> = SCALES.map(([name, copies]) => [name, JSON.parse(execFileSync(process.execPath,
    [...process.execArgv, __filename, String(copies)], { encoding: 'utf-8', maxBuffer: 1048576 })) as Point]);
  const base = rows[0][1];
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  process.stdout.write('scale | objects | wall ms (text / json / openings) | peak RSS | output (text / json / openings) | json bytes per object (x 1x)\n');
  for (const [name, p] of rows) {
    const perObject = (p.bytes.json / p.objects) / (base.bytes.json / base.objects);
    process.stdout.write(`${name} | ${p.objects} | ${p.wallMs.text} / ${p.wallMs.json} / ${p.wallMs.openings} | ${p.peakRssMb} MB | `
      + `${kb(p.bytes.text)} / ${kb(p.bytes.json)} / ${kb(p.bytes.openings)} | ${perObject.toFixed(2)}\n`);
  }
}

main();
