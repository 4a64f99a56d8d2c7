/**
 * The benchmark: `npx projen bench` (or `npm run bench`).
 *
 * For every size N and namespace count K, runs each comparison point in its own process several
 * times and reports medians:
 *   (a) the library with the audit   (b) the library without the audit
 *   (c) the same objects by hand with cdk8s-plus-27 + ApiObjects   (d) the floor: JSON → YAML only
 * plus the audit alone over the library's output. Ratios are computed within this run (the
 * machine is shared and noisy; absolute times are not comparable across runs).
 *
 * Options: --sizes 100,1000,5000  --namespaces 10,50  --runs 3  --out bench/results/latest.json
 *
 * `--north-south` runs the north-south point instead (bench/north-south.ts; N=1000, K=10 unless
 * given): (a) and (c) with --exposed 0.1 of the services behind a gateway and --external 0.1
 * calling an external API, and the same without, interleaved; writes bench/results/north-south.json.
 *
 * `--cli-corpus` runs the reading point instead (bench/cli-corpus.ts, issue #22): the audit CLI, the
 * manifest reader and the `yaml` library alone on a generated real-world-shaped corpus of
 * --corpus-sizes MiB (default 5,20,80), interleaved; targets: the CLI ≥ 24 MiB/s (5× the 4.8 MB/s
 * of #22) and its RSS growth ≤ 3× the input; writes bench/results/cli-corpus.json.
 *
 * `--diff` runs the security diff point instead (bench/diff-point.ts, issue #17; N=5000, K=10
 * unless given): the diff of two baselines with 1% of the services changed against the audit of
 * the head alone, both change kinds interleaved; target ≤ 2×; writes bench/results/diff.json.
 */
import * as path from 'path';
import { runCliCorpus } from './cli-corpus';
import { runDiff } from './diff-point';
import { Target, writeReport } from './measure';
import { runNorthSouth } from './north-south';
import { Sample, median, sample } from './sample';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const northSouth = process.argv.includes('--north-south');
const cliCorpus = process.argv.includes('--cli-corpus');
const diff = process.argv.includes('--diff');
const sizes = arg('sizes', northSouth ? '1000' : diff ? '5000' : '100,1000,5000').split(',').map(Number);
const namespaceCounts = arg('namespaces', northSouth || diff ? '10' : '10,50').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const out = arg('out', path.join(__dirname, 'results', northSouth ? 'north-south.json' : cliCorpus ? 'cli-corpus.json' : diff ? 'diff.json' : 'latest.json'));
const POINTS = ['a', 'b', 'c', 'd', 'audit', 'reachability'];

if (diff) {
  process.exitCode = runDiff({ sizes, namespaceCounts, runs, out });
} else if (cliCorpus) {
  process.exitCode = runCliCorpus({ sizes: arg('corpus-sizes', '5,20,80').split(',').map(Number), runs, out });
} else if (northSouth) {
  process.exitCode = runNorthSouth({ sizes, namespaceCounts, runs, exposed: Number(arg('exposed', '0.1')), external: Number(arg('external', '0.1')), out });
} else {
  reportGrid(runGrid());
}

/** The grid: every point at every size and namespace count, medians of the runs. */
function runGrid(): Record<string, Record<string, Sample>> {
  const results: Record<string, Record<string, Sample>> = {};
  for (const k of namespaceCounts) {
    for (const n of sizes) {
      if (n < k) continue;
      const key = `${n}/${k}`;
      results[key] = {};
      // Interleave the points run by run, so that a noisy moment hits all of them alike.
      const samples: Record<string, Sample[]> = Object.fromEntries(POINTS.map((p) => [p, []]));
      for (let r = 0; r < runs; r++) {
        for (const p of POINTS) {
          samples[p].push(sample(p, n, k));
          process.stderr.write('.');
        }
      }
      for (const p of POINTS) {
        const s = samples[p];
        results[key][p] = {
          ...s[0],
          wallMs: median(s.map((x) => x.wallMs)),
          cpuMs: median(s.map((x) => x.cpuMs)),
          maxRssMiB: median(s.map((x) => x.maxRssMiB)),
          ...(p === 'audit' ? { objectsPerSecond: median(s.map((x) => x.objectsPerSecond!)) } : {}),
        };
      }
      process.stderr.write(` ${key}\n`);
    }
  }
  return results;
}

/** The table, ratios and targets of the grid; writes `out`. */
function reportGrid(results: Record<string, Record<string, Sample>>) {
  const fmt = (x: number, d = 0) => x.toFixed(d);
  const lines: string[] = [];
  lines.push(`Benchmark: median of ${runs} runs per point; N services over K namespaces (Istio), 3 callers each, 1 EncryptedVolume per 10 services`);
  lines.push('');
  lines.push('| N | K | point | wall ms | CPU ms | peak RSS MiB | objects | bytes |');
  lines.push('|---:|---:|---|---:|---:|---:|---:|---:|');
  const NAMES: Record<string, string> = {
    a: '(a) library + audit',
    b: '(b) library',
    c: '(c) by hand (cdk8s-plus-27)',
    d: '(d) floor: JSON → YAML',
    audit: 'audit alone',
    reachability: 'reachability analyzer alone',
  };
  for (const [key, pts] of Object.entries(results)) {
    const [n, k] = key.split('/');
    for (const p of POINTS) {
      const s = pts[p];
      const objects = p === 'audit' ? `${s.auditedObjects} audited (${fmt(s.objectsPerSecond!)} obj/s)`
        : p === 'reachability' ? `${s.analyzedObjects} analyzed, ${s.edges} paths, ${s.extraPaths} extra` : String(s.objects);
      lines.push(`| ${n} | ${k} | ${NAMES[p]} | ${fmt(s.wallMs)} | ${fmt(s.cpuMs)} | ${fmt(s.maxRssMiB)} | ${objects} | ${['audit', 'reachability'].includes(p) ? '' : s.bytes} |`);
    }
  }
  lines.push('');
  lines.push('| N | K | a/c | a/d | b/c | audit obj/s |');
  lines.push('|---:|---:|---:|---:|---:|---:|');
  const ratios: Record<string, any> = {};
  for (const [key, pts] of Object.entries(results)) {
    const [n, k] = key.split('/');
    ratios[key] = {
      aOverC: pts.a.wallMs / pts.c.wallMs,
      aOverD: pts.a.wallMs / pts.d.wallMs,
      bOverC: pts.b.wallMs / pts.c.wallMs,
      auditObjectsPerSecond: pts.audit.objectsPerSecond,
    };
    lines.push(`| ${n} | ${k} | ${fmt(ratios[key].aOverC, 2)} | ${fmt(ratios[key].aOverD, 2)} | ${fmt(ratios[key].bOverC, 2)} | ${fmt(pts.audit.objectsPerSecond!)} |`);
  }
  lines.push('');
  const scaling: Record<string, number> = {};
  for (const k of namespaceCounts) {
    const big = results[`5000/${k}`];
    const mid = results[`1000/${k}`];
    if (big && mid) {
      scaling[`a@${k}`] = big.a.wallMs / mid.a.wallMs;
      const others = (['b', 'c', 'd'] as const).map((p) => `${p}: ${fmt(big[p].wallMs / mid[p].wallMs, 2)}`).join(', ');
      lines.push(`time(5000)/time(1000) for (a) with ${k} namespaces: ${fmt(scaling[`a@${k}`], 2)} (${others})`);
    }
  }
  // The targets (issue: synthesis and audit that stay fast and linear at platform scale).
  const targets: Target[] = [];
  for (const k of namespaceCounts) {
    const mid = ratios[`1000/${k}`];
    if (mid) targets.push({ target: `a/c ≤ 1.5 at N=1000, K=${k}`, value: fmt(mid.aOverC, 2), ok: mid.aOverC <= 1.5 });
    const s = scaling[`a@${k}`];
    if (s !== undefined) targets.push({ target: `time(5000)/time(1000) ≤ 5.5 for (a), K=${k}`, value: fmt(s, 2), ok: s <= 5.5 });
    const big = results[`5000/${k}`];
    if (big) {
      targets.push({ target: `peak RSS of (a) at N=5000, K=${k} < 1536 MiB`, value: `${fmt(big.a.maxRssMiB)} MiB`, ok: big.a.maxRssMiB < 1536 });
      // No regression from the correctness work (#13): the audit's throughput and the reachability proof's time.
      targets.push({ target: `audit alone at N=5000, K=${k} ≥ 100,000 objects/s`, value: fmt(big.audit.objectsPerSecond!), ok: big.audit.objectsPerSecond! >= 100000 });
      targets.push({ target: `reachability at N=5000, K=${k} < 2 s`, value: `${fmt(big.reachability.wallMs)} ms`, ok: big.reachability.wallMs < 2000 });
    }
  }
  const payload = { runs, sizes, namespaceCounts, node: process.version, results, ratios, scaling, targets };
  if (!writeReport(lines, targets, out, payload)) process.exitCode = 1;
}
