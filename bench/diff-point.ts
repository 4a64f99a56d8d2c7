/**
 * The security diff's benchmark point, in its own process:
 *   diff-point.ts <services> <namespaces> [mixed|images] [api|cli]
 * Base: the library's output for the topology (bench/library.ts). Head: the same with 1% of the
 * services changed, spread over every namespace — `mixed`: each changed service gets another image
 * registry and a NetworkPolicy admitting its whole namespace on TCP/8080 (connectivity, data and
 * audit changes); `images`: only the image changes. Measures the audit of the head alone and the
 * diff of base and head, and prints one JSON line: wall and CPU milliseconds of each, their ratio,
 * the items and the peak RSS. Two ways in:
 *   - `api` (default): `SecurityAudit.auditManifests(head)` against `SecurityDiff.betweenManifests`,
 *     from plain JSON objects computed before the clocks start;
 *   - `cli`: the commands a GitOps pipeline runs, in process (`runCli`, reports to a sink) over
 *     YAML folders written before the clocks start (one file per namespace, as `cdk8s synth` writes
 *     one per chart): `audit HEAD --no-config` against `diff BASE HEAD`, reading included.
 *
 * `runDiff` (`bench/run.ts --diff`) runs this point in its own process several times, every kind
 * and way interleaved, and checks the target of issue #17: the diff within 2× the audit of the head
 * alone (the median of the runs' ratios; the minimum is printed too: the machine is shared and noisy).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { libraryApp } from './library';
import { Target, measure, writeReport } from './measure';
import { Topology, namespaceOf, serviceName } from './topology';
import { SecurityAudit, SecurityDiff, SecurityDiffResult } from '../src';
import { runCli } from '../src/cli/audit';

/** The 1% of services changed: 100k + k for k = 0, 1, ... (one per namespace when there are ≥ 1% namespaces). */
export function changedServices(t: Topology): number[] {
  const count = Math.max(1, Math.round(t.services / 100));
  const out: number[] = [];
  for (let k = 0; out.length < count; k++) out.push((100 * k + k) % t.services);
  return [...new Set(out)];
}

/** The head: a deep copy of the base with the changed services edited. */
export function headOf(t: Topology, base: any[], kind: string): any[] {
  const head = JSON.parse(JSON.stringify(base));
  for (const i of changedServices(t)) {
    const name = serviceName(i);
    const namespace = namespaceOf(t, i);
    const d = head.find((o: any) => o.kind === 'Deployment' && o.metadata?.name === name && o.metadata?.namespace === namespace);
    if (!d) throw new Error(`no Deployment ${namespace}/${name} in the base`);
    const c = d.spec.template.spec.containers[0];
    c.image = c.image.replace('registry.example.com', 'mirror.example.net');
    if (kind === 'mixed') {
      head.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `${name}-from-namespace`, namespace },
        spec: {
          podSelector: { matchLabels: d.spec.selector.matchLabels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }],
        },
      });
    }
  }
  return head;
}

/** Writes objects as YAML, one file per namespace (`cluster.yaml` for the others), documents in the objects' order. */
export function writeFolder(objects: any[], dir: string): void {
  const files = new Map<string, string[]>();
  for (const o of objects) {
    const name = `${o.metadata?.namespace ?? 'cluster'}.yaml`;
    files.set(name, [...(files.get(name) ?? []), yaml.stringify(o)]);
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, docs] of files) fs.writeFileSync(path.join(dir, name), docs.join('---\n'));
}

function main() {
  const [services, namespaces, kind = 'mixed', via = 'api'] = process.argv.slice(2);
  if (kind !== 'mixed' && kind !== 'images') throw new Error(`unknown change kind ${JSON.stringify(kind)}: use mixed or images`);
  if (via !== 'api' && via !== 'cli') throw new Error(`unknown way in ${JSON.stringify(via)}: use api or cli`);
  const t: Topology = { services: Number(services), namespaces: Number(namespaces) };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-diff-'));
  const base = libraryApp(t, outdir, false).charts.flatMap((c) => c.toJson());
  fs.rmSync(outdir, { recursive: true, force: true });
  const head = headOf(t, base, kind);
  let audit: { wallMs: number; cpuMs: number };
  let diff: { wallMs: number; cpuMs: number; value: SecurityDiffResult };
  if (via === 'api') {
    audit = measure(() => SecurityAudit.auditManifests(head).objectCount);
    diff = measure(() => SecurityDiff.betweenManifests(base, head));
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-diff-cli-'));
    writeFolder(base, path.join(dir, 'base'));
    writeFolder(head, path.join(dir, 'head'));
    const sink = { stdout: () => undefined, stderr: () => undefined };
    audit = measure(() => runCli(['audit', path.join(dir, 'head'), '--no-config'], sink));
    const timed = measure(() => runCli(['diff', path.join(dir, 'base'), path.join(dir, 'head')], sink));
    if (timed.value !== 0) throw new Error(`diff CLI exited ${timed.value}`);
    // (The items: the API over the same folders, after the clocks.)
    diff = { ...timed, value: SecurityDiff.betweenFiles([path.join(dir, 'base')], [path.join(dir, 'head')]) };
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const items = diff.value.items;
  process.stdout.write(JSON.stringify({
    point: 'diff',
    change: kind,
    via,
    ...t,
    objects: head.length,
    changedServices: changedServices(t).length,
    changedObjects: diff.value.changedObjects,
    auditWallMs: audit.wallMs,
    auditCpuMs: audit.cpuMs,
    diffWallMs: diff.wallMs,
    diffCpuMs: diff.cpuMs,
    ratio: Math.round((diff.wallMs / audit.wallMs) * 100) / 100,
    items: items.length,
    weakening: items.filter((i) => i.weakens).length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n');
}

/** One run of the point in its own process. */
interface DiffSample {
  readonly change: string;
  readonly via: string;
  readonly objects: number;
  readonly changedObjects: number;
  readonly auditWallMs: number;
  readonly auditCpuMs: number;
  readonly diffWallMs: number;
  readonly diffCpuMs: number;
  readonly ratio: number;
  readonly items: number;
  readonly maxRssMiB: number;
}

function sampleDiff(n: number, k: number, kind: string, via: string): DiffSample {
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', __filename, String(n), String(k), kind, via], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    encoding: 'utf-8',
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

export interface DiffRunOptions {
  readonly sizes: number[];
  readonly namespaceCounts: number[];
  readonly runs: number;
  readonly out: string;
}

/** Change kinds and ways in (`kind/via`). */
const KINDS = ['mixed/api', 'images/api', 'mixed/cli', 'images/cli'];

/** The diff point at every size and namespace count, both kinds interleaved; returns the exit code (1: a target missed). */
export function runDiff(o: DiffRunOptions): number {
  const min = (xs: number[]) => Math.min(...xs);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const fmt = (x: number, d = 0) => x.toFixed(d);
  const lines: string[] = [];
  lines.push(`Security diff benchmark: ${o.runs} interleaved runs per kind; base = the library's output, head = 1% of the services changed`);
  lines.push('(mixed: another image registry and a NetworkPolicy admitting the namespace; images: the image only;');
  lines.push(' api: auditManifests against betweenManifests; cli: `audit HEAD` against `diff BASE HEAD` over YAML folders, reading included)');
  lines.push('');
  lines.push('| N | K | change | objects | changed | audit ms (min) | diff ms (min) | diff/audit per run (min) | diff/audit per run (median) | CPU ratio (median) | items |');
  lines.push('|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const results: Record<string, Record<string, DiffSample[]>> = {};
  const targets: Target[] = [];
  for (const k of o.namespaceCounts) {
    for (const n of o.sizes) {
      const byKind: Record<string, DiffSample[]> = Object.fromEntries(KINDS.map((c) => [c, []]));
      for (let r = 0; r < o.runs; r++) {
        for (const kind of r % 2 ? [...KINDS].reverse() : KINDS) {
          const [change, via] = kind.split('/');
          byKind[kind].push(sampleDiff(n, k, change, via));
          process.stderr.write('.');
        }
      }
      process.stderr.write(` ${n}/${k}\n`);
      results[`${n}/${k}`] = byKind;
      for (const kind of KINDS) {
        const s = byKind[kind];
        // Each run measures the audit and the diff in one process: their ratio is the least noisy figure.
        const minRatio = min(s.map((x) => x.diffWallMs / x.auditWallMs));
        const medianRatio = med(s.map((x) => x.diffWallMs / x.auditWallMs));
        const cpu = med(s.map((x) => x.diffCpuMs / x.auditCpuMs));
        lines.push(`| ${n} | ${k} | ${kind} | ${s[0].objects} | ${s[0].changedObjects} | ${fmt(min(s.map((x) => x.auditWallMs)))} | ${fmt(min(s.map((x) => x.diffWallMs)))} `
          + `| ${fmt(minRatio, 2)} | ${fmt(medianRatio, 2)} | ${fmt(cpu, 2)} | ${s[0].items} |`);
        if (n === 5000) {
          targets.push({
            target: `diff ≤ 2× the audit of the head alone at N=5000, K=${k}, ${kind.replace('/', ', ')} (#17; median of the runs' ratios)`,
            value: `${fmt(medianRatio, 2)} (best run ${fmt(minRatio, 2)}, CPU ${fmt(cpu, 2)})`,
            ok: medianRatio <= 2,
          });
        }
      }
    }
  }
  return writeReport(lines, targets, o.out, { ...o, node: process.version, results, targets }) ? 0 : 1;
}

if (require.main === module) main();
