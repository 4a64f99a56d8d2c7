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

/**
 * Letters of scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
 * Myanmar, Tibetan), with the Japanese iteration and prolonged-sound marks. A word there is about
 * two characters, so such a letter counts twice towards the length and a run of them counts as
 * one word per two letters.
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\u3005\u30fc]/u;
const UNSPACED_RUN = new RegExp(`${UNSPACED.source}+`, 'gu');
/** A word of a spaced script: letters, combining marks and digits, joined by ' - . / _ inside. */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['\u2019./_-][\p{L}\p{M}\p{N}]+)*/gu;
const LETTER = /\p{L}/gu;

/** The words of a reason: spaced-script words, and the runs of unspaced-script letters. */
function wordsOf(text: string): { spaced: string[]; unspaced: string[] } {
  const unspaced = text.match(UNSPACED_RUN) ?? [];
  const spaced = (text.replace(UNSPACED_RUN, ' ').match(WORD) ?? []).map((w) => w.toLowerCase());
  return { spaced, unspaced };
}

/**
 * Why a reason is not acceptable, or undefined when it is. Reasons may be written in any
 * language: letters of every script count (`\p{L}`), and Chinese or Japanese text, which has no
 * spaces, is judged by its characters. Refused: too short (fewer than 20 characters or 3 words),
 * placeholders ("todo", "n/a", the same word again and again), and letter salad (mostly
 * one-letter words, words that repeat, or no word of 3 letters or more).
 */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return 'is not a string';
  const text = reason.trim();
  const chars = [...text].length;
  const { spaced, unspaced } = wordsOf(text);
  const unspacedLetters = unspaced.reduce((n, run) => n + [...run].length, 0);
  const wordCount = spaced.length + unspaced.reduce((n, run) => n + Math.ceil([...run].length / 2), 0);
  if (chars + unspacedLetters < MIN_REASON_LENGTH || wordCount < MIN_REASON_WORDS) {
    const unspacedNote = unspacedLetters > 0 ? '; Chinese, Japanese or Thai characters count twice' : '';
    return `is too short (${chars} character${chars === 1 ? '' : 's'}, ${wordCount} word${wordCount === 1 ? '' : 's'}; at least ${MIN_REASON_LENGTH} characters and ${MIN_REASON_WORDS} words are required${unspacedNote})`;
  }
  const lettered = spaced.filter((w) => /\p{L}/u.test(w));
  const letters = (w: string) => (w.match(LETTER) ?? []).length;
  if (lettered.length >= MIN_REASON_WORDS && lettered.filter((w) => /^\p{L}$/u.test(w)).length * 2 > lettered.length) {
    return 'is letter salad (most of its words are single letters)';
  }
  // A word says something when it has a letter, two different characters, and is no placeholder.
  const meaningful = new Set(lettered.filter((w) => new Set(w).size > 1 && !TRIVIAL_WORDS.has(w)));
  const unspacedDistinct = new Set(unspaced.flatMap((run) => [...run])).size;
  if (meaningful.size + Math.floor(unspacedDistinct / 2) < MIN_REASON_WORDS) {
    return 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)';
  }
  if (!lettered.some((w) => letters(w) >= 3 && new Set(w.match(LETTER)).size > 1) && !unspaced.some((run) => new Set(run).size > 1)) {
    return 'is letter salad (no word has 3 letters or more)';
  }
  if (spaced.length >= 6 && new Set(spaced).size * 2 < spaced.length) {
    return `is letter salad (${spaced.length} words, but only ${new Set(spaced).size} different ones)`;
  }
  return undefined;
}

/**
 * Every known rule ID: the built-in rules', and `userRuleIds`, those of the user rules of the
 * audit concerned (`SelectedRules.userIds`; known only once their modules are loaded).
 */
export function knownRuleIds(userRuleIds: readonly string[] = []): string[] {
  const builtIn = Object.values(RuleIds).filter((v): v is string => typeof v === 'string');
  return (userRuleIds.length === 0 ? builtIn : [...builtIn, ...userRuleIds]).sort();
}

/** The prefix of the built-in rule IDs, reserved for them. */
export const BUILT_IN_PREFIX = 'SB-';

/**
 * A user rule ID: uppercase letters and digits in dash-separated words, a prefix of one's own
 * first (`ACME-REGISTRY-ALLOWLIST`); at most 63 characters, the longest name part of an
 * annotation key (`ack.cdk8s-secure-baseline.io/<RULE-ID>`).
 */
export const USER_RULE_ID = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
export const MAX_RULE_ID_LENGTH = 63;

/** Whether `id` has the shape of a user rule ID (whether or not such a rule is known). */
export function isUserRuleIdShape(id: string): boolean {
  return USER_RULE_ID.test(id) && id.length <= MAX_RULE_ID_LENGTH && !id.startsWith(BUILT_IN_PREFIX);
}

/** Levenshtein distance of two strings. */
export function distance(a: string, b: string): number {
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

/** The closest known rule ID (built in, or one of `userRuleIds`), to suggest in errors. */
export function closestRuleId(id: string, userRuleIds: readonly string[] = []): string {
  const upper = String(id).toUpperCase();
  let best = '';
  let bestD = Infinity;
  for (const k of knownRuleIds(userRuleIds)) {
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

export function unknownRuleFix(id: unknown, userRuleIds: readonly string[] = []): string {
  const user = typeof id === 'string' && !id.startsWith(BUILT_IN_PREFIX) ? ' or the ID of a rule passed in `rules` or `packs`' : '';
  return `use one of the rule IDs listed in RULES.md (exported as RuleIds)${user}, e.g. did you mean "${closestRuleId(String(id), userRuleIds)}"?`;
}
