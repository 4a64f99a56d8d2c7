/**
 * Internal: accepted-findings baselines (`audit --write-baseline FILE`, `audit --baseline FILE`).
 *
 * A baseline records today's unacknowledged findings by a stable key — the rule, the object's
 * identity (API group, kind, namespace, name: what `kubectl apply` keys on, so not the API
 * version) and the jsonPath — never the message, the file or the line: moving a manifest to
 * another file, reordering or reformatting it, or rewording a message keeps a finding accepted.
 * Several findings with one key (the same rule on the same field) are counted.
 */
import * as crypto from 'crypto';
import { Finding } from './types';

export const BASELINE_VERSION = 1;

/** One accepted finding (or several with the same key). */
export interface BaselineEntry {
  readonly ruleId: string;
  /** `Kind[.group]/namespace/name` or `Kind[.group]/name`, e.g. `Deployment.apps/shop/api`. */
  readonly object: string;
  readonly jsonPath?: string;
  /** How many findings share this key (omitted when 1). */
  readonly count?: number;
}

export interface BaselineFile {
  readonly version: number;
  readonly tool: string;
  readonly findings: BaselineEntry[];
}

/** What applying a baseline did. */
export interface BaselineOutcome {
  /** The baseline file as named on the command line. */
  readonly file: string;
  /** Findings accepted by the baseline (left out of the report). */
  readonly accepted: Finding[];
  /** Entries of the baseline that match no finding any more (fixed, removed or renamed). */
  readonly absent: BaselineEntry[];
}

function group(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** `Deployment.apps/shop/api`: the object part of a finding's key (`construct PATH` without an object). */
export function objectKey(f: Finding): string {
  if (!f.resource) return `construct ${f.constructPath ?? ''}`;
  const g = group(f.resource.apiVersion);
  const kind = g === '' ? f.resource.kind : `${f.resource.kind}.${g}`;
  return f.resource.namespace ? `${kind}/${f.resource.namespace}/${f.resource.name}` : `${kind}/${f.resource.name}`;
}

function entryKey(ruleId: string, object: string, jsonPath: string | undefined): string {
  return `${ruleId}\u0000${object}\u0000${jsonPath ?? ''}`;
}

/** The stable key of a finding: rule, object identity, jsonPath. */
export function findingKey(f: Finding): string {
  return entryKey(f.ruleId, objectKey(f), f.jsonPath);
}

/** The stable fingerprint of a finding (SARIF `partialFingerprints`, `cdk8sSecureBaseline/v2`). */
export function stableFingerprint(f: Finding): string {
  return crypto.createHash('sha256').update(findingKey(f)).digest('hex').slice(0, 32);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The baseline of `findings` (acknowledged ones are already accepted and left out), sorted, as JSON text. */
export function renderBaseline(findings: readonly Finding[], tool: string): string {
  const counts = new Map<string, { entry: BaselineEntry; count: number }>();
  for (const f of findings) {
    if (f.acknowledged) continue;
    const key = findingKey(f);
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { entry: { ruleId: f.ruleId, object: objectKey(f), ...(f.jsonPath ? { jsonPath: f.jsonPath } : {}) }, count: 1 });
  }
  const entries = [...counts.entries()].sort(([a], [b]) => compare(a, b))
    .map(([, { entry, count }]) => (count > 1 ? { ...entry, count } : entry));
  const doc: BaselineFile = { version: BASELINE_VERSION, tool, findings: entries };
  return JSON.stringify(doc, undefined, 2) + '\n';
}

/** Parses a baseline file's text; throws an error naming the file, the problem and the fix. */
export function parseBaseline(text: string, file: string): BaselineFile {
  const fix = `Fix: write it again with --write-baseline ${file}`;
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`baseline ${file} is not valid JSON (${(e as Error).message}). ${fix}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Array.isArray(doc.findings)) {
    throw new Error(`baseline ${file} has no "findings" list: not a baseline written by --write-baseline. ${fix}`);
  }
  if (doc.version !== BASELINE_VERSION) {
    throw new Error(`baseline ${file} has version ${JSON.stringify(doc.version)}, this version reads version ${BASELINE_VERSION}. ${fix}`);
  }
  doc.findings.forEach((e: any, i: number) => {
    const ok = e !== null && typeof e === 'object' && typeof e.ruleId === 'string' && typeof e.object === 'string'
      && (e.jsonPath === undefined || typeof e.jsonPath === 'string')
      && (e.count === undefined || (Number.isInteger(e.count) && e.count >= 1));
    if (!ok) {
      throw new Error(`baseline ${file}: findings[${i}] ${JSON.stringify(e)} is not an entry {"ruleId", "object", "jsonPath"?, "count"?}. ${fix}`);
    }
  });
  return doc as BaselineFile;
}

/**
 * Splits `findings` into new ones and ones the baseline accepts. Acknowledged findings pass
 * through (they are accepted already). With more findings of one key than the baseline counts,
 * the last ones (in report order) are new.
 */
export function applyBaseline(findings: readonly Finding[], baseline: BaselineFile, file: string): { findings: Finding[]; outcome: BaselineOutcome } {
  const remaining = new Map<string, { entry: BaselineEntry; left: number }>();
  for (const e of baseline.findings) {
    const key = entryKey(e.ruleId, e.object, e.jsonPath);
    const seen = remaining.get(key);
    if (seen) seen.left += e.count ?? 1;
    else remaining.set(key, { entry: e, left: e.count ?? 1 });
  }
  const kept: Finding[] = [];
  const accepted: Finding[] = [];
  for (const f of findings) {
    const r = f.acknowledged ? undefined : remaining.get(findingKey(f));
    if (r && r.left > 0) {
      r.left--;
      accepted.push(f);
    } else {
      kept.push(f);
    }
  }
  const absent: BaselineEntry[] = [];
  for (const [, { entry, left }] of [...remaining.entries()].sort(([a], [b]) => compare(a, b))) {
    if (left <= 0) continue;
    const rest: BaselineEntry = { ruleId: entry.ruleId, object: entry.object, ...(entry.jsonPath !== undefined ? { jsonPath: entry.jsonPath } : {}) };
    absent.push(left > 1 ? { ...rest, count: left } : rest);
  }
  return { findings: kept, outcome: { file, accepted, absent } };
}
