/**
 * Internal: acknowledgement reasons and rule-ID checks shared by both acknowledgement channels.
 */
import { RuleIds } from './rule-ids';

/** Placeholder words that do not explain anything on their own. */
export const TRIVIAL_WORDS = new Set([
  'todo', 'tbd', 'fixme', 'xxx', 'n/a', 'na', 'none', 'nothing', 'because', 'temp', 'temporary', 'test', 'testing',
  'ok', 'okay', 'fine', 'needed', 'required', 'necessary', 'whatever', 'later', 'wip', 'ignore', 'ignored', 'skip',
  'hack', 'ack', 'acknowledged', 'approved', 'accepted', 'known', 'exception', 'yes', 'no', 'reason', 'fix', 'it',
]);

export const MIN_REASON_LENGTH = 20;
export const MIN_REASON_WORDS = 3;

/** Why a reason is not acceptable, or undefined when it is. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return 'is not a string';
  const text = reason.trim();
  const words = text.split(/\s+/).filter(w => w.length > 0);
  const meaningful = new Set(words
    .map(w => w.toLowerCase().replace(/^[^a-z0-9/]+|[^a-z0-9/]+$/g, ''))
    .filter(w => /[a-z]/.test(w) && !TRIVIAL_WORDS.has(w)));
  if (text.length < MIN_REASON_LENGTH || words.length < MIN_REASON_WORDS) {
    return `is too short (${text.length} character${text.length === 1 ? '' : 's'}, ${words.length} word${words.length === 1 ? '' : 's'}; at least ${MIN_REASON_LENGTH} characters and ${MIN_REASON_WORDS} words are required)`;
  }
  if (meaningful.size < MIN_REASON_WORDS) {
    return 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)';
  }
  return undefined;
}

/** Every known rule ID. */
export function knownRuleIds(): string[] {
  return Object.values(RuleIds).filter((v): v is string => typeof v === 'string').sort();
}

function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The closest known rule ID, to suggest in errors. */
export function closestRuleId(id: string): string {
  const upper = String(id).toUpperCase();
  let best = '';
  let bestD = Infinity;
  for (const k of knownRuleIds()) {
    const dd = distance(upper, k);
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best;
}

/** Error text for an unknown rule ID (without the location prefix). */
export function unknownRuleProblem(id: unknown): string {
  return `unknown rule ID ${JSON.stringify(id)}`;
}

export function unknownRuleFix(id: unknown): string {
  return `use one of the rule IDs listed in RULES.md (exported as RuleIds), e.g. did you mean "${closestRuleId(String(id))}"?`;
}
