/**
 * The north-south point (`run.ts --north-south`): the same topology with a fraction of the
 * services exposed through a SecureGateway per namespace and a fraction calling an external API
 * by name, against today's topology, in the same run:
 *   (a) the library with the audit   (c) the same objects by hand (cdk8s-plus-27 + ApiObjects)
 * Runs are interleaved (variant by variant, point by point, the order reversed every other run),
 * so a noisy moment of the shared machine hits all four alike; medians and minima are reported.
 */
import { Target, writeReport } from './measure';
import { Sample, median, sample } from './sample';

export interface NorthSouthOptions {
  readonly sizes: number[];
  readonly namespaceCounts: number[];
  readonly runs: number;
  readonly exposed: number;
  readonly external: number;
  readonly out: string;
}

interface Summary { medianMs: number; minMs: number; cpuMs: number; maxRssMiB: number; objects: number; bytes: number }

const POINTS = ['a', 'c'] as const;
const pct = (f: number) => `${Math.round(f * 100)}%`;
const fmt = (x: number, d = 0) => x.toFixed(d);

function summarize(s: Sample[]): Summary {
  const wall = s.map((x) => x.wallMs);
  return {
    medianMs: median(wall),
    minMs: Math.min(...wall),
    cpuMs: median(s.map((x) => x.cpuMs)),
    maxRssMiB: median(s.map((x) => x.maxRssMiB)),
    objects: s[0].objects,
    bytes: s[0].bytes,
  };
}

/** Runs the point, prints the table, ratios and target, writes `out`; returns the exit code. */
export function runNorthSouth(o: NorthSouthOptions): number {
  const ns = `${pct(o.exposed)} exposed, ${pct(o.external)} external`;
  const variants = [
    { name: 'today', fractions: undefined },
    { name: ns, fractions: { exposed: o.exposed, external: o.external } },
  ];
  const results: Record<string, Record<string, Record<string, Summary>>> = {};
  for (const k of o.namespaceCounts) {
    for (const n of o.sizes) {
      if (n < k) continue;
      const samples: Record<string, Sample[]> = {};
      const order = variants.flatMap((v) => POINTS.map((p) => ({ v, p })));
      for (let r = 0; r < o.runs; r++) {
        for (const { v, p } of r % 2 ? [...order].reverse() : order) {
          (samples[`${v.name}/${p}`] ??= []).push(sample(p, n, k, v.fractions));
          process.stderr.write('.');
        }
      }
      results[`${n}/${k}`] = Object.fromEntries(variants.map((v) => [v.name, Object.fromEntries(POINTS.map((p) => [p, summarize(samples[`${v.name}/${p}`])]))]));
      process.stderr.write(` ${n}/${k}\n`);
    }
  }

  const lines: string[] = [];
  lines.push(`North-south benchmark: ${o.runs} interleaved runs per point; N services over K namespaces (Istio), 3 callers each, 1 EncryptedVolume per 10 services;`);
  lines.push(`"${ns}": one SecureGateway per namespace (a listener and Certificate per exposed host), exposeVia per exposed service, allowEgressTo(ExternalService.https(host, { cidrs })) per external caller`);
  lines.push('');
  lines.push('| N | K | topology | point | wall ms (median) | wall ms (min) | CPU ms | peak RSS MiB | objects | bytes |');
  lines.push('|---:|---:|---|---|---:|---:|---:|---:|---:|---:|');
  for (const [key, byVariant] of Object.entries(results)) {
    const [n, k] = key.split('/');
    for (const [v, pts] of Object.entries(byVariant)) {
      for (const p of POINTS) {
        const s = pts[p];
        lines.push(`| ${n} | ${k} | ${v} | ${p === 'a' ? '(a) library + audit' : '(c) by hand'} | ${fmt(s.medianMs)} | ${fmt(s.minMs)} | ${fmt(s.cpuMs)} | ${fmt(s.maxRssMiB)} | ${s.objects} | ${s.bytes} |`);
      }
    }
  }
  lines.push('');
  lines.push('| N | K | topology | a/c (wall, medians) | a/c (wall, minima) | a/c (CPU, medians) |');
  lines.push('|---:|---:|---|---:|---:|---:|');
  const ratios: Record<string, Record<string, { medians: number; minima: number; cpu: number }>> = {};
  for (const [key, byVariant] of Object.entries(results)) {
    const [n, k] = key.split('/');
    ratios[key] = {};
    for (const [v, pts] of Object.entries(byVariant)) {
      const ratio = { medians: pts.a.medianMs / pts.c.medianMs, minima: pts.a.minMs / pts.c.minMs, cpu: pts.a.cpuMs / pts.c.cpuMs };
      ratios[key][v] = ratio;
      lines.push(`| ${n} | ${k} | ${v} | ${fmt(ratio.medians, 2)} | ${fmt(ratio.minima, 2)} | ${fmt(ratio.cpu, 2)} |`);
    }
  }
  const targets: Target[] = [];
  for (const k of o.namespaceCounts) {
    const r = ratios[`1000/${k}`];
    if (!r) continue;
    const suffix = o.namespaceCounts.length > 1 ? `, K=${k}` : '';
    targets.push({
      target: `a/c ≤ 1.5 at N=1000 with ${pct(o.exposed)} exposed and ${pct(o.external)} external${suffix}`,
      value: `${fmt(r[ns].medians, 2)} (minima ${fmt(r[ns].minima, 2)}, CPU ${fmt(r[ns].cpu, 2)}; today's topology ${fmt(r.today.medians, 2)}, `
        + `minima ${fmt(r.today.minima, 2)}, CPU ${fmt(r.today.cpu, 2)})`,
      ok: r[ns].medians <= 1.5,
    });
  }
  return writeReport(lines, targets, o.out, { ...o, node: process.version, results, ratios, targets }) ? 0 : 1;
}
