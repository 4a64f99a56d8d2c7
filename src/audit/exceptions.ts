/**
 * Internal: exceptions (`AuditOptions.exceptions`, the `exceptions` list of the CLI's
 * `.secure-baseline.yaml`): accepted findings written down outside the objects, each with a rule,
 * an object selector, a reason and an optional expiry date.
 *
 * Applied by the engine after every rule ran: a finding not acknowledged otherwise that an
 * unexpired exception matches is acknowledged (source `exception`). An exception whose `expires`
 * day is over (dates compare as `YYYY-MM-DD` against `today`: the option, or the UTC date of the
 * clock) accepts nothing and is reported as SB-ACK-EXPIRED; one that matches no finding is
 * reported as SB-ACK-UNUSED. Pure but for reading the clock when `today` is not given.
 */
import { distance, knownRuleIds, reasonProblem, unknownRuleFix, unknownRuleProblem } from './acknowledgement';
import { RuleIds } from './rule-ids';
import { RULES_BY_ID } from './rules';
import { AcknowledgementSource, AuditException, AuditOptions, Finding } from './types';
import { nameMatcher, pathMatches } from '../private/glob';

/** The fields of an exception, in the order they are documented. */
export const EXCEPTION_FIELDS = ['ruleId', 'kind', 'namespace', 'name', 'file', 'reason', 'expires'];
const SELECTOR_FIELDS = ['kind', 'namespace', 'name', 'file'];

/** Rules whose findings report acknowledgements: nothing can accept them. */
export const ACKNOWLEDGEMENT_RULES: ReadonlySet<string> = new Set([RuleIds.ACK_EXPIRED, RuleIds.ACK_INVALID, RuleIds.ACK_UNUSED]);

const UNUSED_FIX = 'Remove the exception, or correct its rule and selector so that it matches the findings it is meant to accept.';

/** Where the CLI read an exception; named in its findings and in the acknowledgements it gives. */
export interface ExceptionOrigin {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/** Origins of exception objects read from a file (set by the CLI; in-app exceptions have none). */
export const exceptionOrigins = new WeakMap<object, ExceptionOrigin>();

/** A problem of one exception: the field it is about (none: the exception as a whole), what is wrong and the fix. */
export interface ExceptionProblem {
  readonly field?: string;
  readonly problem: string;
  readonly fix: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: unknown): s is string {
  const m = typeof s === 'string' ? DATE.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The candidate closest to `word` (case ignored; the first of equally close ones). */
export function closestWord(word: string, candidates: readonly string[]): string {
  let best = candidates[0];
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** Text of an unknown key, with the closest known key suggested. */
export function unknownKeyProblem(key: string, known: readonly string[], what: string): ExceptionProblem {
  return {
    field: key,
    problem: `unknown key (did you mean ${JSON.stringify(closestWord(key, known))}?)`,
    fix: `${what} has the keys ${known.join(', ')}`,
  };
}

/** Every problem of one exception (empty when it is valid). */
/** The problems of one exception; `userRuleIds`: the IDs of the audit's user rules, known besides the built-in ones. */
export function exceptionProblems(e: unknown, userRuleIds: readonly string[] = []): ExceptionProblem[] {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) {
    return [{ problem: `is ${JSON.stringify(e)}, not an exception`, fix: `write a map with the keys ${EXCEPTION_FIELDS.join(', ')} (ruleId, reason and one of ${SELECTOR_FIELDS.join(', ')} at least)` }];
  }
  const x = e as Record<string, unknown>;
  const out: ExceptionProblem[] = [];
  for (const key of Object.keys(x)) {
    if (!EXCEPTION_FIELDS.includes(key) && x[key] !== undefined) out.push(unknownKeyProblem(key, EXCEPTION_FIELDS, 'an exception'));
  }
  if (x.ruleId === undefined) {
    out.push({ problem: 'has no ruleId', fix: 'name the rule whose findings it accepts, e.g. ruleId: SB-PSS-HOST-PATH (RULES.md lists them)' });
  } else if (typeof x.ruleId !== 'string' || !knownRuleIds(userRuleIds).includes(x.ruleId)) {
    out.push({ field: 'ruleId', problem: unknownRuleProblem(x.ruleId), fix: unknownRuleFix(x.ruleId, userRuleIds) });
  } else if (ACKNOWLEDGEMENT_RULES.has(x.ruleId)) {
    out.push({ field: 'ruleId', problem: `rule ${x.ruleId} cannot be accepted: it reports an acknowledgement or exception`, fix: 'correct or remove the acknowledgement or exception it reports' });
  }
  if (x.reason === undefined || x.reason === null || x.reason === '') {
    out.push({ problem: 'has no reason', fix: 'say why the findings are acceptable in a full sentence (at least 20 characters and 3 words), e.g. reason: node exporter reads host metrics, reviewed by the platform team' });
  } else {
    const problem = reasonProblem(x.reason);
    if (problem !== undefined) out.push({ field: 'reason', problem: `${JSON.stringify(x.reason)} ${problem}`, fix: 'say why the findings are acceptable in a full sentence' });
  }
  for (const key of SELECTOR_FIELDS) {
    const v = x[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) {
      out.push({ field: key, problem: `must be a non-empty string, got ${JSON.stringify(v)}`, fix: `write a ${key === 'file' ? 'path glob' : `${key}${key === 'kind' ? '' : ' pattern'}`} or leave ${key} out` });
    }
  }
  if (SELECTOR_FIELDS.every((k) => x[k] === undefined)) {
    out.push({ problem: 'selects no object', fix: `give at least one of ${SELECTOR_FIELDS.join(', ')} (to skip a rule everywhere, use disabledRules)` });
  }
  if (x.expires !== undefined && !isIsoDate(x.expires)) {
    out.push({ field: 'expires', problem: `must be a date YYYY-MM-DD, got ${JSON.stringify(x.expires)}`, fix: 'write the last day the exception applies, e.g. expires: 2025-12-31' });
  }
  return out;
}

/** `exceptions[0].ruleId: unknown rule ID "SB-X". Fix: ...` */
export function problemText(path: string, p: ExceptionProblem): string {
  return `${path}${p.field !== undefined ? `.${p.field}` : ''}: ${p.problem}. Fix: ${p.fix}`;
}

/** Throws on an invalid `exceptions` or `today` option; `where` starts the message (e.g. `security audit`). */
export function validateExceptionOptions(options: AuditOptions, where: string, userRuleIds: readonly string[] = []): void {
  if (options.today !== undefined && !isIsoDate(options.today)) {
    throw new Error(`${where}: today must be a date YYYY-MM-DD, got ${JSON.stringify(options.today)}. Fix: pass the date exceptions expire against, e.g. "2025-06-30", or leave it out to use the clock`);
  }
  if (options.exceptions === undefined) return;
  if (!Array.isArray(options.exceptions)) {
    throw new Error(`${where}: exceptions must be a list, got ${JSON.stringify(options.exceptions)}. Fix: pass a list of { ruleId, kind, namespace, name, file, reason, expires }`);
  }
  options.exceptions.forEach((e, i) => {
    const p = exceptionProblems(e, userRuleIds)[0];
    if (p) throw new Error(`${where}: ${problemText(`exceptions[${i}]`, p)}`);
  });
}

/** `SB-PSS-HOST-PATH on kind DaemonSet, namespace monitoring, name node-exporter*`. */
export function describeException(e: AuditException): string {
  const parts = SELECTOR_FIELDS.filter((k) => (e as any)[k] !== undefined).map((k) => `${k} ${(e as any)[k]}`);
  return `${e.ruleId} on ${parts.join(', ')}`;
}

/** The namespace an object is in for exceptions (a Namespace object is in itself; '' when cluster-scoped). */
function namespaceOf(f: Finding): string {
  const r = f.resource!;
  if (r.kind === 'Namespace' && !r.apiVersion.includes('/')) return r.name;
  return r.namespace ?? '';
}

interface Compiled {
  readonly e: AuditException;
  readonly index: number;
  readonly expired: boolean;
  readonly matches: (f: Finding) => boolean;
  readonly declaredAt: string;
  readonly origin?: ExceptionOrigin;
  used: number;
}

function compile(e: AuditException, index: number, today: string): Compiled {
  const kind = e.kind?.toLowerCase();
  const ns = e.namespace !== undefined ? nameMatcher([e.namespace], false) : undefined;
  const name = e.name !== undefined ? nameMatcher([e.name], false) : undefined;
  const origin = exceptionOrigins.get(e);
  return {
    e,
    index,
    expired: e.expires !== undefined && e.expires < today,
    matches: (f) => {
      const r = f.resource!;
      if (kind !== undefined && r.kind.toLowerCase() !== kind) return false;
      if (ns) {
        const n = namespaceOf(f);
        if (n === '' || !ns(n)) return false;
      }
      if (name && !name(r.name)) return false;
      if (e.file !== undefined && (f.file === undefined || !pathMatches(f.file, e.file))) return false;
      return true;
    },
    declaredAt: `${origin ? `${origin.file}:${origin.line} ` : ''}exceptions[${index}]`,
    origin,
    used: 0,
  };
}

/**
 * Applies `options.exceptions` to the findings of an audit, in place: accepted findings are
 * replaced by acknowledged copies, and findings for expired (SB-ACK-EXPIRED) and unused
 * (SB-ACK-UNUSED) exceptions are appended, unless those rules are disabled. Findings already
 * acknowledged (annotation, construct) are left alone and do not count as a use.
 */
export function applyExceptions(findings: Finding[], options: AuditOptions, disabled: ReadonlySet<string>): void {
  const exceptions = options.exceptions ?? [];
  if (exceptions.length === 0) return;
  const today = options.today ?? utcToday();
  const compiled = exceptions.map((e, i) => compile(e, i, today));
  const byRule = new Map<string, Compiled[]>();
  for (const c of compiled) byRule.set(c.e.ruleId, [...(byRule.get(c.e.ruleId) ?? []), c]);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    const candidates = f.acknowledged || !f.resource ? undefined : byRule.get(f.ruleId);
    if (!candidates) continue;
    let accepted: Compiled | undefined;
    for (const c of candidates) {
      if (!c.matches(f)) continue;
      c.used++;
      if (!c.expired) accepted ??= c;
    }
    if (accepted) {
      findings[i] = {
        ...f,
        acknowledged: true,
        acknowledgement: {
          reason: accepted.e.reason,
          source: AcknowledgementSource.EXCEPTION,
          declaredAt: accepted.declaredAt,
          ...(accepted.e.expires !== undefined ? { expires: accepted.e.expires } : {}),
        },
      };
    }
  }
  for (const c of compiled) {
    const ruleId = c.expired ? RuleIds.ACK_EXPIRED : c.used === 0 ? RuleIds.ACK_UNUSED : undefined;
    if (ruleId === undefined || disabled.has(ruleId)) continue;
    const rule = RULES_BY_ID.get(ruleId)!;
    const what = `exception of ${describeException(c.e)} (reason: ${JSON.stringify(c.e.reason)})`;
    const message = !c.expired ? `${what} matches no finding`
      : `${what} expired on ${c.e.expires} (today is ${today}): ${c.used === 0 ? 'it matches no finding' : `it no longer accepts the ${c.used} finding${c.used === 1 ? '' : 's'} it matches, reported again`}`;
    findings.push({
      ruleId,
      severity: rule.severity,
      message,
      fix: c.expired ? rule.fix : UNUSED_FIX,
      ...(c.origin ? { file: c.origin.file } : {}),
      jsonPath: `exceptions[${c.index}]`,
      acknowledged: false,
    });
  }
}
