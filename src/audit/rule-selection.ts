/**
 * Internal: the rules an audit runs, from its options — the built-in rules its packs select (all
 * of them by default) and the rules about the audit itself, plus its user rules — and their
 * metadata for the reports. Resolved once per options object.
 */
import { RuleDefinition } from './rule';
import { RulePack } from './rule-pack';
import { ALWAYS_RUN, LabelledRule, ReportRule, checkUserRules, runnableUserRule, userRuleInfo } from './rule-set';
import { ALL_RULES } from './rules';
import { AuditOptions } from './types';

/** The rules of one audit. */
export interface SelectedRules {
  /** The rules to run: the selected built-in rules (by ID), then the user rules (by ID). */
  readonly run: readonly RuleDefinition[];
  /** The IDs of the user rules (known to acknowledgements, exceptions and `disabledRules`). */
  readonly userIds: readonly string[];
  /** Metadata of every rule run, sorted by ID, for the reports. */
  readonly report: readonly ReportRule[];
}

let defaults: SelectedRules | undefined;
const resolved = new WeakMap<object, SelectedRules>();

/** Every built-in rule, and no user rule: the audit without `rules` and `packs`. */
export function defaultRules(): SelectedRules {
  defaults ??= { run: ALL_RULES, userIds: [], report: ALL_RULES };
  return defaults;
}

function show(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * The rules of an audit with these options; throws (the message starting with `where`) on an
 * invalid rule, a pack that is not a RulePack, or two rules with one ID.
 */
export function selectRules(options: AuditOptions, where: string): SelectedRules {
  if (options.rules === undefined && options.packs === undefined) return defaultRules();
  const known = resolved.get(options);
  if (known) return known;
  const rules = options.rules ?? [];
  const packs = options.packs ?? [RulePack.baseline()];
  if (!Array.isArray(rules)) throw new Error(`${where}: rules must be a list of rules (IAuditRule), got ${show(rules)}. Fix: pass [] or leave rules out`);
  if (!Array.isArray(packs)) throw new Error(`${where}: packs must be a list of RulePacks, got ${show(packs)}. Fix: pass e.g. [RulePack.baseline()], or leave packs out for every built-in rule`);
  const builtIn = new Set<string>(ALWAYS_RUN);
  const entries: LabelledRule[] = rules.map((rule, i) => ({ rule, label: `rules[${i}]` }));
  packs.forEach((pack, i) => {
    if (!RulePack.isRulePack(pack)) {
      throw new Error(`${where}: packs[${i}] is not a RulePack: it is ${show(pack)}. Fix: pass packs made by RulePack.baseline(), RulePack.cis(), ... or RulePack.custom()`);
    }
    pack.builtInRuleIds.forEach((id) => builtIn.add(id));
    for (const e of pack._userRules) entries.push({ rule: e.rule, label: `packs[${i}] "${pack.name}" ${e.label}` });
  });
  const user = checkUserRules(entries, new Set(ALL_RULES.map((r) => r.id)), where).map((e) => e.rule)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const selected = ALL_RULES.filter((r) => builtIn.has(r.id));
  const report: ReportRule[] = [...selected, ...user.map(userRuleInfo)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: SelectedRules = { run: [...selected, ...user.map(runnableUserRule)], userIds: user.map((r) => r.id), report };
  resolved.set(options, out);
  return out;
}

/** Runs `fn` with the rules these options select (their user rules' IDs in `rules.userIds`). */
export function withRulesOf<T>(options: AuditOptions, where: string, fn: (rules: SelectedRules) => T): T {
  return fn(selectRules(options, where));
}
