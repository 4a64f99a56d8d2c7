/**
 * Internal: renders an AuditResult as JSON, SARIF 2.1.0 and text, and writes the report files.
 * Output is deterministic (sorted findings, fixed key order, no timestamps).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BaselineOutcome, stableFingerprint } from './baseline';
import { describeObject } from './context';
import { renderGroupedText, statusOf, subjectOf } from './report-text';
import { ReportRule } from './rule-set';
import { ALL_RULES, RULES_BY_ID } from './rules';
import { AcknowledgementSource, AuditResult, Finding, Severity } from './types';

/**
 * Where a finding sits in its file (1-based; columns in UTF-16 code units). `line`/`column` point
 * at the field the jsonPath names (`positionOf: 'field'`), at its nearest existing parent when the
 * field is missing (`'parent'`), or at the object (`'object'`).
 */
export interface FindingPosition {
  readonly line: number;
  readonly column?: number;
  readonly objectLine: number;
  readonly objectColumn?: number;
  readonly positionOf: 'field' | 'parent' | 'object';
}

/** How the text report is grouped. */
export type GroupBy = 'object' | 'rule';

/** What the CLI adds to a report: positions, grouping, scoping and baseline figures. */
export interface ReportOptions {
  /** Positions of findings read from files. */
  readonly positions?: ReadonlyMap<Finding, FindingPosition>;
  /** Text report grouping (default: by object). */
  readonly groupBy?: GroupBy;
  /** Findings left out by --namespace, --kind, --min-severity (not counted in the result). */
  readonly outOfScope?: number;
  /** The baseline applied (its accepted findings are not in the result). */
  readonly baseline?: BaselineOutcome;
  /** The rules the audit ran (SARIF rule metadata, fixes in the text report; default: every built-in rule). */
  readonly rules?: readonly ReportRule[];
}

export const TOOL_NAME = 'cdk8s-secure-baseline';
export const TOOL_URI = 'https://github.com/cdk8s-secure-baseline/cdk8s-secure-baseline';
export const RULES_URI = `${TOOL_URI}/blob/main/RULES.md`;
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

let cachedVersion: string | undefined;

/** The package version (from package.json), '0.0.0' when unknown. */
export function toolVersion(): string {
  if (cachedVersion === undefined) {
    cachedVersion = '0.0.0';
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
      if (pkg.name === TOOL_NAME && typeof pkg.version === 'string') cachedVersion = pkg.version;
    } catch {
      // keep the default
    }
  }
  return cachedVersion ?? '0.0.0';
}

/** The one-line summary printed after every audit (scoping and baseline figures appended when used). */
export function summaryLine(result: AuditResult, options: ReportOptions = {}): string {
  const extra: string[] = [];
  if (options.outOfScope) extra.push(`${options.outOfScope} out of scope`);
  if (options.baseline) extra.push(`${options.baseline.accepted.length} accepted by the baseline (${options.baseline.absent.reduce((n, e) => n + (e.count ?? 1), 0)} no longer found)`);
  return `security audit: ${result.objectCount} objects, ${result.violations} violations, ${result.acknowledged} acknowledged, ${result.warnings} warnings${extra.map((e) => `, ${e}`).join('')}`;
}

/** `Deployment/shop/web`, or `construct app/x` for findings without an object. */
export function findingSubject(f: Finding): string {
  return subjectOf(f);
}

/** One line per finding, used in synth errors: rule, object, construct path, problem and fix. */
export function formatFinding(f: Finding): string {
  const where = [f.resource && f.constructPath !== undefined ? `construct ${f.constructPath}` : undefined, f.file ? `file ${f.file}` : undefined]
    .filter(x => x !== undefined);
  const at = f.jsonPath ? ` (at ${f.jsonPath})` : '';
  return `${f.ruleId} ${findingSubject(f)}${where.length > 0 ? ` [${where.join(', ')}]` : ''}: ${f.message}${at}. Fix: ${f.fix}`;
}

function status(f: Finding, failOnWarnings: boolean): 'violation' | 'warning' | 'acknowledged' {
  return statusOf(f, failOnWarnings);
}

/**
 * Human-readable report: each object once with its findings (file:line:column where known), the
 * fix once per rule, totals per severity, kind and namespace; `groupBy: 'rule'` groups by rule.
 */
export function renderText(result: AuditResult, failOnWarnings = false, options: ReportOptions = {}): string {
  return renderGroupedText(result, summaryLine(result, options), failOnWarnings, options);
}

function count<T>(items: readonly T[], keyOf: (t: T) => string, add: (entry: any, t: T) => void): Record<string, any> {
  const out = new Map<string, any>();
  for (const t of items) {
    const k = keyOf(t);
    if (!out.has(k)) out.set(k, { findings: 0 });
    const e = out.get(k);
    e.findings++;
    add(e, t);
  }
  return Object.fromEntries([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Totals of the JSON report: per severity, rule, kind and namespace. */
function totals(result: AuditResult, failOnWarnings: boolean): any {
  const byStatus = (e: any, f: Finding) => {
    for (const k of ['violations', 'warnings', 'acknowledged']) e[k] = e[k] ?? 0;
    const st = status(f, failOnWarnings);
    const k = st === 'violation' ? 'violations' : st === 'warning' ? 'warnings' : 'acknowledged';
    e[k] = (e[k] ?? 0) + 1;
  };
  const objectsOf = (e: any, f: Finding) => {
    e.objectSet = e.objectSet ?? new Set<string>();
    e.objectSet.add(`${subjectOf(f)}\u0000${f.file ?? ''}\u0000${f.constructPath ?? ''}`);
  };
  const withObjects = (r: Record<string, any>) => Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k, { findings: v.findings, objects: v.objectSet.size }]));
  const objects = result.findings.filter((f) => f.resource);
  return {
    bySeverity: count(result.findings, (f) => f.severity, byStatus),
    byRule: count(result.findings, (f) => f.ruleId, (e, f) => { e.severity = f.severity; byStatus(e, f); }),
    byKind: withObjects(count(objects, (f) => f.resource!.kind, objectsOf)),
    byNamespace: withObjects(count(objects, (f) => f.resource!.namespace ?? '', objectsOf)),
  };
}

function positionFields(p: FindingPosition | undefined): any {
  if (!p) return {};
  return {
    line: p.line,
    ...(p.column !== undefined ? { column: p.column } : {}),
    objectLine: p.objectLine,
    ...(p.objectColumn !== undefined ? { objectColumn: p.objectColumn } : {}),
    positionOf: p.positionOf,
  };
}

/** Machine-readable JSON report. */
export function renderJson(result: AuditResult, failOnWarnings = false, options: ReportOptions = {}): string {
  const baseline = options.baseline;
  const doc = {
    tool: { name: TOOL_NAME, version: toolVersion() },
    summary: {
      objects: result.objectCount,
      violations: result.violations,
      warnings: result.warnings,
      acknowledged: result.acknowledged,
      passed: result.passed,
      ...(options.outOfScope !== undefined ? { outOfScope: options.outOfScope } : {}),
      ...(baseline ? { acceptedByBaseline: baseline.accepted.length } : {}),
    },
    totals: totals(result, failOnWarnings),
    ...(baseline ? { baseline: { file: baseline.file, accepted: baseline.accepted.length, absent: baseline.absent } } : {}),
    findings: result.findings.map(f => ({
      ruleId: f.ruleId,
      severity: f.severity,
      status: status(f, failOnWarnings),
      resource: f.resource,
      constructPath: f.constructPath,
      file: f.file,
      ...positionFields(options.positions?.get(f)),
      jsonPath: f.jsonPath,
      message: f.message,
      fix: f.fix,
      acknowledgement: f.acknowledgement,
      fingerprint: stableFingerprint(f),
    })),
  };
  return JSON.stringify(doc, undefined, 2) + '\n';
}

function fingerprint(f: Finding): string {
  const key = [f.ruleId, f.resource?.kind, f.resource?.namespace, f.resource?.name, f.constructPath, f.jsonPath, f.message].join('\u0000');
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function toUri(file: string): string {
  return file.split(path.sep).join('/');
}

/** SARIF 2.1.0 log. Acknowledged findings carry `suppressions` with the reason as justification. */
export function renderSarifObject(result: AuditResult, options: ReportOptions = {}): any {
  const ruleIndex = new Map<string, number>();
  const rules = (options.rules ?? ALL_RULES).map((r: ReportRule, i) => {
    ruleIndex.set(r.id, i);
    const standards = Object.entries(r.standards)
      .filter(([, v]) => Array.isArray(v) && v.length > 0)
      .map(([k, v]) => `${k}: ${(v as string[]).join(', ')}`);
    return {
      id: r.id,
      name: r.id.replace(/^SB-/, '').toLowerCase().replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.description },
      fullDescription: { text: `${r.description}${standards.length > 0 ? ` Standards: ${standards.join('; ')}.` : ''}` },
      help: {
        text: `${r.description}\nFix: ${r.fix}`,
        markdown: `${r.description}\n\n**Fix:** ${r.fix}${standards.length > 0 ? `\n\n**Standards:** ${standards.join('; ')}` : ''}`,
      },
      helpUri: RULES_BY_ID.has(r.id) ? `${RULES_URI}#${r.id.toLowerCase()}` : r.helpUri,
      defaultConfiguration: { level: r.severity === Severity.ERROR ? 'error' : 'warning' },
      properties: { tags: ['security', 'kubernetes', r.area] },
    };
  });
  const results = result.findings.map(f => {
    const logicalLocations: any[] = [];
    if (f.resource) {
      logicalLocations.push({
        name: f.resource.name,
        fullyQualifiedName: describeObject(f.resource.kind, f.resource.namespace, f.resource.name),
        kind: 'resource',
      });
    }
    if (f.constructPath !== undefined) {
      const segments = f.constructPath.split('/');
      logicalLocations.push({ name: segments[segments.length - 1] || '<root>', fullyQualifiedName: f.constructPath || '<root>', kind: 'module' });
    }
    const location: any = {};
    const p = options.positions?.get(f);
    if (f.file) {
      location.physicalLocation = { artifactLocation: { uri: toUri(f.file) } };
      if (p) location.physicalLocation.region = { startLine: p.line, ...(p.column !== undefined ? { startColumn: p.column } : {}) };
    }
    if (logicalLocations.length > 0) location.logicalLocations = logicalLocations;
    if (f.jsonPath) location.message = { text: f.jsonPath };
    const r: any = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: f.severity === Severity.ERROR ? 'error' : 'warning',
      message: { text: `${findingSubject(f)}: ${f.message}. Fix: ${f.fix}` },
      locations: [location],
      partialFingerprints: { 'cdk8sSecureBaseline/v1': fingerprint(f), 'cdk8sSecureBaseline/v2': stableFingerprint(f) },
    };
    if (options.baseline) r.baselineState = 'new';
    if (f.acknowledgement) {
      const a = f.acknowledgement;
      r.suppressions = [{
        // An exception is kept outside the object's source (SARIF 3.35.2: "external").
        kind: a.source === AcknowledgementSource.EXCEPTION ? 'external' : 'inSource',
        status: 'accepted',
        justification: a.reason,
        properties: {
          channel: a.source,
          ...(a.constructPath !== undefined ? { constructPath: a.constructPath } : {}),
          ...(a.declaredAt !== undefined ? { declaredAt: a.declaredAt } : {}),
          ...(a.expires !== undefined ? { expires: a.expires } : {}),
        },
      }];
    }
    return r;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          version: toolVersion(),
          informationUri: TOOL_URI,
          rules,
        },
      },
      results,
      ...(options.baseline ? {
        properties: { baseline: { file: options.baseline.file, accepted: options.baseline.accepted.length, absent: options.baseline.absent } },
      } : {}),
    }],
  };
}

export function renderSarif(result: AuditResult, options: ReportOptions = {}): string {
  return JSON.stringify(renderSarifObject(result, options), undefined, 2) + '\n';
}

/**
 * Writes `<base>.json`, `<base>.sarif` and `<base>.txt` into `dir` (created if needed); returns the
 * paths. `rules`: the rules the audit ran (default: every built-in rule).
 */
export function writeReports(dir: string, baseName: string, result: AuditResult, failOnWarnings = false, options: ReportOptions = {}): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [path.join(dir, `${baseName}.json`), renderJson(result, failOnWarnings, options)],
    [path.join(dir, `${baseName}.sarif`), renderSarif(result, options)],
    [path.join(dir, `${baseName}.txt`), renderText(result, failOnWarnings, options)],
  ];
  for (const [file, content] of files) fs.writeFileSync(file, content, 'utf-8');
  return files.map(([file]) => file);
}
