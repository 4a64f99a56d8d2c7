/**
 * Internal: what `cdk8s-secure-baseline reachability` prints — the aggregated report (aggregate.ts)
 * or the openings (openings.ts), in text, JSON, Mermaid or DOT.
 *
 * Output is written in chunks: JSON is streamed element by element, never built as one string, so
 * that a large report cannot exceed the engine's string length limit.
 */
import { aggregateReport } from './aggregate';
import type { ReachabilityResult } from './analyzer';
import type { AggregateSink, EndpointGroup } from './classes';
import { findOpenings, Opening, openingLine, OPENING_KINDS } from './openings';
import { renderDot, renderMatrix, renderMermaid } from './render';

/** What the writers need of the command line. */
interface OutputArgs {
  readonly format: string;
  readonly maxPaths?: number;
  /** Bundle path lists longer than this (undefined: never). */
  readonly bundleAbove?: number;
}

const CHUNK = 65536;

/** Buffers small writes into chunks of about 64 KiB. */
class Chunked {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: (s: string) => void) {}
  public write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) this.flush();
  }
  public flush(): void {
    if (this.parts.length > 0) this.out(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** Writes `{ "key": value, ... }` as JSON.stringify(obj, null, 2) would, arrays one element at a time. */
function streamJson(w: Chunked, entries: Array<[string, unknown]>): void {
  w.write('{');
  entries.forEach(([key, value], i) => {
    w.write(`${i === 0 ? '' : ','}\n  ${JSON.stringify(key)}: `);
    if (!Array.isArray(value) || value.length === 0) {
      w.write(JSON.stringify(value, null, 2).replace(/\n/g, '\n  '));
      return;
    }
    w.write('[');
    value.forEach((v, j) => w.write(`${j === 0 ? '' : ','}\n    ${JSON.stringify(v, null, 2).replace(/\n/g, '\n    ')}`));
    w.write('\n  ]');
  });
  w.write('\n}\n');
  w.flush();
}

function capped<T>(list: readonly T[], max: number | undefined): T[] {
  return max === undefined ? [...list] : list.slice(0, max);
}

const NO_INTENT = 'note: the input holds no intent of cdk8s-secure-baseline (no NetworkPolicy it generated), so every open path counts as extra;'
  + ' for third-party YAML run with --openings, which reports only openings (internet, all-namespaces, metadata endpoint, cross-namespace) and exits 0 unless --fail-on-openings';

function firstOf(ids: readonly string[], max = 10): string {
  return ids.length > max ? `${ids.slice(0, max).join(', ')} and ${ids.length - max} more (--format json lists them all)` : ids.join(', ');
}

function groupLines(groups: readonly EndpointGroup[]): string {
  if (groups.length === 0) return '';
  return `Equivalent workloads (${groups.length} group(s); each stands for all its members):\n${groups.map((g) => {
    const namespaces = new Set(g.members.map((m) => m.namespace)).size;
    return `  ${g.id}: ${g.members.length} workloads in ${namespaces} namespace(s): ${firstOf(g.members.map((m) => m.id))}\n`;
  }).join('')}`;
}

/** Text lines naming the policies the proof does not model (empty when there are none). */
function unmodelledLines(result: ReachabilityResult): string {
  const u = result.unmodelledPolicies;
  if (u.length === 0) return '';
  return `\nPolicies the proof does not model (${u.length}): the proof cannot vouch for the paths they allow:\n${u.map((x) => `  ${x.message}\n`).join('')}`;
}

/** Objects defined more than once with different content: the proof cannot tell which copy the cluster runs. */
function ambiguous(result: ReachabilityResult): ReachabilityResult['duplicates'] {
  return result.duplicates.filter((d) => d.differs);
}

/** Text lines naming the objects defined more than once, differently (empty when there are none). */
function ambiguousLines(result: ReachabilityResult): string {
  const d = ambiguous(result);
  if (d.length === 0) return '';
  return `\nObjects defined more than once, differently (${d.length}): the proof cannot vouch for the paths:\n${d.map((x) => `  ${x.message}\n`).join('')}`;
}

/** How many things the proof cannot vouch for (policies it does not model, ambiguous duplicates): they fail, like extra paths. */
function undecided(result: ReachabilityResult): number {
  return result.unmodelledPolicies.length + ambiguous(result).length;
}

/** Warnings other than the unmodelled policies and ambiguous duplicates (which have their own sections). */
function otherWarnings(result: ReachabilityResult): string[] {
  const own = new Set([...result.unmodelledPolicies.map((u) => u.message), ...ambiguous(result).map((d) => d.message)]);
  return result.warnings.filter((w) => !own.has(w));
}

/**
 * Writes the aggregated report; returns the number of findings that fail (extra paths, reachable
 * but ungranted, policies the proof does not model).
 */
export function writeReport(result: ReachabilityResult, sink: AggregateSink, args: OutputArgs, out: (s: string) => void): number {
  const report = aggregateReport(result, sink.groups, args.bundleAbove ?? Infinity);
  const edges = capped(report.edges, args.maxPaths);
  const extraPaths = capped(report.extraPaths, args.maxPaths);
  const missingPaths = capped(report.missingPaths, args.maxPaths);
  const omitted = {
    edges: report.edges.length - edges.length,
    extraPaths: report.extraPaths.length - extraPaths.length,
    missingPaths: report.missingPaths.length - missingPaths.length,
  };
  const anyOmitted = omitted.edges + omitted.extraPaths + omitted.missingPaths > 0;
  const shape = {
    endpoints: report.endpoints,
    edges,
    extraPaths,
    missingPaths,
    unknownNamespaces: result.unknownNamespaces,
    warnings: result.warnings,
    grantedButUnreachable: result.grantedButUnreachable,
    reachableButUngranted: result.reachableButUngranted,
  };
  const w = new Chunked(out);
  const noIntent = sink.intentRules === 0;
  if (args.format === 'json') {
    streamJson(w, [
      ['endpoints', report.endpoints.filter((e) => !report.sets.some((s) => s.id === e.id))], ['groups', report.groups], ['sets', report.sets],
      ['edges', edges], ['extraPaths', extraPaths], ['missingPaths', missingPaths],
      ['unknownNamespaces', result.unknownNamespaces], ['warnings', result.warnings], ['duplicates', result.duplicates],
      ['grantedButUnreachable', result.grantedButUnreachable], ['reachableButUngranted', result.reachableButUngranted],
      ['unmodelledPolicies', result.unmodelledPolicies],
      ...(anyOmitted ? [['omitted', omitted] as [string, unknown]] : []),
      ...(noIntent ? [['notes', [NO_INTENT]] as [string, unknown]] : []),
    ]);
  } else if (args.format === 'mermaid') {
    w.write(renderMermaid(shape));
  } else if (args.format === 'dot') {
    w.write(renderDot(shape));
  } else {
    const more = (n: number) => (n > 0 ? `  ... and ${n} more (--max-paths ${args.maxPaths} caps the list)\n` : '');
    w.write(renderMatrix(shape));
    if (omitted.edges > 0) w.write(`... and ${omitted.edges} more paths (--max-paths ${args.maxPaths} caps the list)\n`);
    w.write('\n');
    const groups = groupLines(report.groups);
    if (groups) w.write(`${groups}\n`);
    if (report.sets.length > 0) {
      w.write(`Sets of endpoints (the senders or receivers of bundled paths, each listed once):\n${report.sets.map((s) => `  ${s.id}: ${firstOf(s.members)}\n`).join('')}\n`);
    }
    if (result.unknownNamespaces.length > 0) w.write(`Namespaces without manifests (isolated by nothing we can see): ${result.unknownNamespaces.join(', ')}\n\n`);
    w.write(`Extra paths (${report.extraPaths.length}):\n${extraPaths.map((e) => `  [${e.layer}] ${e.message}\n`).join('') || '  none\n'}${more(omitted.extraPaths)}\n`);
    w.write(`Missing paths (${report.missingPaths.length}):\n${missingPaths.map((m) => `  ${m.message}\n`).join('') || '  none\n'}${more(omitted.missingPaths)}`);
    if (result.grantedButUnreachable.length > 0) w.write(`\nGranted but unreachable API server (${result.grantedButUnreachable.length}):\n${result.grantedButUnreachable.map((f) => `  ${f.message}\n`).join('')}`);
    if (result.reachableButUngranted.length > 0) w.write(`\nReachable but ungranted API server (${result.reachableButUngranted.length}):\n${result.reachableButUngranted.map((f) => `  ${f.message}\n`).join('')}`);
    w.write(unmodelledLines(result));
    w.write(ambiguousLines(result));
    const warnings = otherWarnings(result);
    if (warnings.length > 0) w.write(`\nWarnings:\n${warnings.map((x) => `  ${x}\n`).join('')}`);
    if (noIntent) w.write(`\n${NO_INTENT}\n`);
  }
  w.flush();
  return result.extraPaths.length + result.reachableButUngranted.length + undecided(result);
}

/** Writes the openings (`--openings`); returns whether there are any (or policies the proof does not model). */
export function writeOpenings(result: ReachabilityResult, sink: AggregateSink, args: OutputArgs, out: (s: string) => void): boolean {
  const all = findOpenings(result, sink.groups, sink.metadata);
  const shown = capped(all, args.maxPaths);
  const counts = Object.fromEntries(OPENING_KINDS.map((k) => [k, all.filter((o) => o.kind === k).length]));
  const used = new Set(all.flatMap((o) => [o.to, ...o.examples]));
  const groups = sink.groups.filter((g) => used.has(g.id));
  const w = new Chunked(out);
  if (args.format === 'json') {
    streamJson(w, [
      ['openings', shown], ['summary', { total: all.length, ...counts }], ['groups', groups],
      ...(all.length > shown.length ? [['omitted', { openings: all.length - shown.length }] as [string, unknown]] : []),
      ['warnings', result.warnings], ['unmodelledPolicies', result.unmodelledPolicies],
    ]);
    return all.length > 0 || undecided(result) > 0;
  }
  w.write(`Openings (${all.length}): ${OPENING_KINDS.map((k) => `${counts[k]} ${k}`).join(', ')}\n`);
  for (const kind of OPENING_KINDS) {
    const of: Opening[] = shown.filter((o) => o.kind === kind);
    if (of.length > 0) w.write(`\n${kind} (${counts[kind]}):\n${of.map((o) => `  ${openingLine(o)}\n`).join('')}`);
  }
  if (all.length > shown.length) w.write(`\n... and ${all.length - shown.length} more openings (--max-paths ${args.maxPaths} caps the list)\n`);
  const g = groupLines(groups);
  if (g) w.write(`\n${g}`);
  w.write(unmodelledLines(result));
  w.write(ambiguousLines(result));
  const warnings = otherWarnings(result);
  if (warnings.length > 0) w.write(`\nWarnings:\n${warnings.map((x) => `  ${x}\n`).join('')}`);
  w.flush();
  return all.length > 0 || undecided(result) > 0;
}
