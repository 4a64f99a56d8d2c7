/**
 * Internal: the human-readable audit report, built to stay readable on thousands of findings:
 * each object once with its findings under it (or each rule once with `groupBy: 'rule'`), the fix
 * text once per rule (a legend), totals per severity, rule, object kind and namespace, and, with a
 * baseline, the entries that no longer occur. Deterministic.
 */
import type { FindingPosition, ReportOptions } from './report';
import { RULES_BY_ID } from './rules';
import { Finding, Severity } from './types';

export type Status = 'violation' | 'warning' | 'acknowledged';

const STATUS_ORDER: Record<Status, number> = { violation: 0, warning: 1, acknowledged: 2 };

export function statusOf(f: Finding, failOnWarnings: boolean): Status {
  if (f.acknowledged) return 'acknowledged';
  if (f.severity === Severity.ERROR || failOnWarnings) return 'violation';
  return 'warning';
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `Deployment/shop/web`; for findings without an object `construct app/x` (acknowledgements), or
 * the file that declares an exception (`.secure-baseline.yaml`, `audit options` in an app).
 */
export function subjectOf(f: Finding): string {
  if (f.resource) return f.resource.namespace ? `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}` : `${f.resource.kind}/${f.resource.name}`;
  if (f.constructPath === undefined) return f.file ?? 'audit options';
  return `construct ${f.constructPath || '<root>'}`;
}

/** `construct app/x`, `annotation`, `exception .secure-baseline.yaml:12 exceptions[0], expires 2025-06-30`. */
export function acknowledgedBy(a: NonNullable<Finding['acknowledgement']>): string {
  if (a.source === 'construct') return `construct ${a.constructPath || '<root>'}`;
  if (a.source === 'exception') return `exception ${a.declaredAt ?? ''}${a.expires !== undefined ? `, expires ${a.expires}` : ''}`;
  return 'annotation';
}

/** `file:line:column`, `file:line` or `file`; undefined without a file. */
export function whereText(f: Finding, p: FindingPosition | undefined, object = false): string | undefined {
  if (f.file === undefined) return undefined;
  if (!p) return f.file;
  const line = object ? p.objectLine : p.line;
  const column = object ? p.objectColumn : p.column;
  return `${f.file}:${line}${column !== undefined ? `:${column}` : ''}`;
}

interface ObjectGroup {
  readonly key: string;
  readonly first: Finding;
  readonly findings: Finding[];
}

/** Breakdown `1 violation, 2 warnings` of a list of findings (parts that are 0 left out). */
function breakdown(findings: readonly Finding[], failOnWarnings: boolean): string {
  const n: Record<Status, number> = { violation: 0, warning: 0, acknowledged: 0 };
  for (const f of findings) n[statusOf(f, failOnWarnings)]++;
  return (['violation', 'warning', 'acknowledged'] as Status[]).filter((s) => n[s] > 0).map((s) => (s === 'acknowledged' ? `${n[s]} acknowledged` : plural(n[s], s))).join(', ');
}

function ruleFix(ruleId: string, fallback: string, options: ReportOptions): string {
  return RULES_BY_ID.get(ruleId)?.fix ?? options.rules?.find((r) => r.id === ruleId)?.fix ?? fallback;
}

function groupsBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = keyOf(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Characters of report text handed on at a time by `writeGroupedText`. */
const CHUNK = 64 * 1024;

/** Lines (each ends with a newline) handed on in chunks of about `CHUNK` characters. */
class Lines {
  private buffered: string[] = [];
  private size = 0;

  constructor(private readonly write: (chunk: string) => void) {}

  public push(...lines: string[]): void {
    for (const line of lines) {
      this.buffered.push(line);
      this.size += line.length + 1;
    }
    if (this.size >= CHUNK) this.flush();
  }

  public flush(): void {
    if (this.buffered.length === 0) return;
    const chunk = this.buffered.join('\n') + '\n';
    this.buffered = [];
    this.size = 0;
    this.write(chunk);
  }
}

/** The text report. */
export function renderGroupedText(result: { findings: Finding[] }, summary: string, failOnWarnings: boolean, options: ReportOptions): string {
  const chunks: string[] = [];
  writeGroupedText(result, summary, failOnWarnings, options, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

/**
 * The text report, handed to `write` in chunks: the CLI writes a large report out as it goes
 * rather than holding it (and the lines it is joined from) whole.
 */
export function writeGroupedText(
  result: { findings: Finding[] }, summary: string, failOnWarnings: boolean, options: ReportOptions, write: (chunk: string) => void,
): void {
  const positions = options.positions;
  const pos = (f: Finding) => positions?.get(f);
  const lines = new Lines(write);
  lines.push(summary);
  const findings = result.findings;
  const objectKey = (f: Finding) => `${subjectOf(f)}\u0000${f.constructPath ?? ''}\u0000${f.file ?? ''}\u0000${pos(f)?.objectLine ?? ''}`;

  const findingLine = (f: Finding, label: string): string[] => {
    const where = whereText(f, pos(f));
    const out = [`  ${statusOf(f, failOnWarnings).padEnd(12)} ${label}${where !== undefined ? `  ${where}` : ''}  ${f.message}${f.jsonPath ? ` (at ${f.jsonPath})` : ''}`];
    if (f.acknowledgement) {
      out.push(`    acknowledged by ${acknowledgedBy(f.acknowledgement)}: ${f.acknowledgement.reason}`);
    } else if (f.fix !== ruleFix(f.ruleId, f.fix, options)) {
      out.push(`    fix: ${f.fix}`);
    }
    return out;
  };
  const byStatusThenLine = (a: Finding, b: Finding) => compare(STATUS_ORDER[statusOf(a, failOnWarnings)], STATUS_ORDER[statusOf(b, failOnWarnings)])
    || compare(pos(a)?.line ?? 0, pos(b)?.line ?? 0) || compare(a.ruleId, b.ruleId);

  const objects: ObjectGroup[] = [...groupsBy(findings, objectKey).entries()].map(([key, list]) => ({ key, first: list[0], findings: list }));
  objects.sort((a, b) => compare(a.first.resource?.kind ?? '', b.first.resource?.kind ?? '')
    || compare(a.first.resource?.namespace ?? '', b.first.resource?.namespace ?? '')
    || compare(subjectOf(a.first), subjectOf(b.first))
    || compare(a.first.file ?? '', b.first.file ?? '')
    || compare(pos(a.first)?.objectLine ?? 0, pos(b.first)?.objectLine ?? 0)
    || compare(a.key, b.key));
  const header = (g: ObjectGroup): string => {
    const f = g.first;
    const where = [f.resource && f.constructPath !== undefined ? `construct ${f.constructPath}` : undefined, whereText(f, pos(f), true)].filter((x) => x !== undefined);
    return `${subjectOf(f)}${where.length > 0 ? `  (${where.join(', ')})` : ''}`;
  };
  const rules = [...groupsBy(findings, (f) => f.ruleId).entries()].sort(([a], [b]) => compare(a, b));

  if (options.groupBy === 'rule') {
    for (const [ruleId, list] of rules) {
      lines.push('', `${ruleId}  ${list[0].severity}  ${breakdown(list, failOnWarnings)}`, `  fix: ${ruleFix(ruleId, list[0].fix, options)}`);
      const sorted = [...list].sort((a, b) => compare(STATUS_ORDER[statusOf(a, failOnWarnings)], STATUS_ORDER[statusOf(b, failOnWarnings)]));
      for (const f of sorted) lines.push(...findingLine(f, subjectOf(f)));
    }
  } else if (objects.length > 0) {
    lines.push('', `Findings by object (${plural(objects.length, 'object')}):`);
    for (const g of objects) {
      lines.push('', header(g));
      for (const f of [...g.findings].sort(byStatusThenLine)) lines.push(...findingLine(f, f.ruleId));
    }
    lines.push('', `Rules (${rules.length}), with the fix of each:`);
    for (const [ruleId, list] of rules) {
      lines.push(`  ${ruleId}  ${list[0].severity}  ${breakdown(list, failOnWarnings)}`, `    fix: ${ruleFix(ruleId, list[0].fix, options)}`);
    }
  }
  if (findings.length > 0) {
    lines.push('', `Totals: ${plural(findings.length, 'finding')} in ${plural(objects.length, 'object')}`);
    const bySeverity = [...groupsBy(findings, (f) => f.severity).entries()].sort(([a], [b]) => compare(a, b));
    lines.push(`  by severity: ${bySeverity.map(([s, list]) => `${s} ${list.length} (${breakdown(list, failOnWarnings)})`).join('; ')}`);
    if (options.groupBy === 'rule') lines.push(`  by rule: ${rules.map(([r, list]) => `${r} ${list.length}`).join(', ')}`);
    const perObjectGroup = (keyOf: (g: ObjectGroup) => string) => [...groupsBy(objects, keyOf).entries()].sort(([a], [b]) => compare(a, b))
      .map(([k, gs]) => `${k} ${gs.reduce((n, g) => n + g.findings.length, 0)} in ${plural(gs.length, 'object')}`).join(', ');
    lines.push(`  by kind: ${perObjectGroup((g) => g.first.resource?.kind ?? (g.first.constructPath !== undefined ? 'construct' : 'exception'))}`);
    lines.push(`  by namespace: ${perObjectGroup((g) => (g.first.resource ? g.first.resource.namespace ?? '(cluster-scoped)' : '(no object)'))}`);
  }
  const baseline = options.baseline;
  if (baseline && baseline.absent.length > 0) {
    const total = baseline.absent.reduce((n, e) => n + (e.count ?? 1), 0);
    lines.push('', `Baseline ${baseline.file}: ${plural(total, 'accepted finding')} no longer found; shrink the baseline with --baseline ${baseline.file} --write-baseline ${baseline.file}:`);
    for (const e of baseline.absent) lines.push(`  ${e.ruleId}  ${e.object}${e.jsonPath ? ` (at ${e.jsonPath})` : ''}${e.count !== undefined ? ` x${e.count}` : ''}`);
  }
  lines.flush();
}
