/**
 * Internal: user rules (`IAuditRule`) — checking their shape and IDs, and running them as the
 * engine runs a built-in rule (a `RuleDefinition` whose check reads the public context).
 */
import { BUILT_IN_PREFIX, MAX_RULE_ID_LENGTH, USER_RULE_ID } from './acknowledgement';
import { AuditContext } from './context';
import { AuditRuleIssue, IAuditRule } from './public-rule';
import { Issue, RuleDefinition } from './rule';
import { AuditRuleContext } from './rule-context';
import { RuleIds } from './rule-ids';
import { RuleInfo, Severity } from './types';

/** Rules about the audit itself: they run whatever packs are chosen. */
export const ALWAYS_RUN: ReadonlySet<string> = new Set([RuleIds.ACK_EXPIRED, RuleIds.ACK_INVALID, RuleIds.ACK_UNUSED, RuleIds.META_DUPLICATE]);

/** The area of a user rule that names none. */
export const DEFAULT_AREA = 'Custom';

/** Metadata of a rule as the reports show it. */
export interface ReportRule extends RuleInfo {
  /** Where the rule is documented (built-in rules: RULES.md). */
  readonly helpUri?: string;
}

/** Where a rule object was declared, for errors (set by the CLI: `--rules ./house-rules.js rules[0]`). */
export const ruleOrigins = new WeakMap<object, string>();

/** A user rule and the label that names it in errors (`rules[0]`, `packs[1] "acme" rules[0]`). */
export interface LabelledRule {
  readonly rule: IAuditRule;
  readonly label: string;
}

function show(x: unknown): string {
  if (typeof x === 'function') return 'a function';
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

const ID_FIX = `write uppercase letters and digits in dash-separated words, starting with a prefix of your own, at most ${MAX_RULE_ID_LENGTH} characters, e.g. "ACME-REGISTRY-ALLOWLIST"`;

/** What is wrong with the ID of a user rule (`has the rule ID ... Fix: ...`), or undefined. */
export function userRuleIdProblem(id: string, builtIn: ReadonlySet<string>): string | undefined {
  if (id.startsWith(BUILT_IN_PREFIX)) {
    const what = builtIn.has(id) ? 'the ID of a built-in rule' : `which starts with "${BUILT_IN_PREFIX}", the prefix reserved for the built-in rules`;
    return `has the rule ID ${show(id)}, ${what}. Fix: give the rule an ID with a prefix of your own, e.g. "ACME-${id.slice(BUILT_IN_PREFIX.length)}"`;
  }
  if (!USER_RULE_ID.test(id) || id.length > MAX_RULE_ID_LENGTH) return `has the rule ID ${show(id)}, which is not a valid rule ID. Fix: ${ID_FIX}`;
  return undefined;
}

function nonEmpty(x: unknown): boolean {
  return typeof x === 'string' && x.trim() !== '';
}

function standardsValid(x: unknown): boolean {
  if (x === undefined) return true;
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  return Object.values(x).every((v) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === 'string')));
}

/** What is wrong with a user rule (`is ...` / `has ...`, then `. Fix: ...`), or undefined when it can run. */
export function userRuleProblem(x: unknown, builtIn: ReadonlySet<string>): string | undefined {
  if (x === null || typeof x !== 'object' || typeof (x as any).check !== 'function') {
    const what = x === null || typeof x !== 'object' ? show(x) : 'an object without a check(context) method';
    return `is not an audit rule: it is ${what}. Fix: pass an object with id, severity, description, fix and a check(context) method (IAuditRule)`;
  }
  const r = x as IAuditRule;
  if (typeof r.id !== 'string') return `has no rule ID (id is ${show(r.id)}). Fix: ${ID_FIX}`;
  const idProblem = userRuleIdProblem(r.id, builtIn);
  if (idProblem) return idProblem;
  if (r.severity !== Severity.ERROR && r.severity !== Severity.WARNING) {
    return `has the severity ${show(r.severity)}. Fix: use Severity.ERROR or Severity.WARNING`;
  }
  if (!nonEmpty(r.description)) return 'has no description. Fix: say in one line what the rule checks';
  if (!nonEmpty(r.fix)) return 'has no fix. Fix: say how to fix a finding of the rule';
  if (r.area !== undefined && !nonEmpty(r.area)) return `has the area ${show(r.area)}. Fix: name the area in a few words, or leave area out`;
  if (r.helpUri !== undefined && !nonEmpty(r.helpUri)) return `has the helpUri ${show(r.helpUri)}. Fix: give the address of the rule's documentation, or leave helpUri out`;
  if (!standardsValid(r.standards)) {
    return `has the standards ${show(r.standards)}. Fix: give lists of control IDs, e.g. { cis: ['5.2.1'] }, or leave standards out`;
  }
  return undefined;
}

/**
 * Throws on the first invalid rule, and on two different rules with one ID (the same rule object
 * listed twice is one rule). Returns the rules, each once, in the order given.
 */
export function checkUserRules(rules: readonly LabelledRule[], builtIn: ReadonlySet<string>, where: string): LabelledRule[] {
  const byId = new Map<string, LabelledRule>();
  const out: LabelledRule[] = [];
  for (const entry of rules) {
    const rule: any = entry.rule;
    const label = (rule !== null && typeof rule === 'object' ? ruleOrigins.get(rule) : undefined) ?? entry.label;
    const problem = userRuleProblem(rule, builtIn);
    if (problem) {
      const named = rule !== null && typeof rule === 'object' && typeof rule.id === 'string' && !/^(is |has the rule ID|has no rule ID)/.test(problem) ? ` (${rule.id})` : '';
      throw new Error(`${where}: ${label}${named} ${problem}`);
    }
    const seen = byId.get(entry.rule.id);
    if (seen?.rule === entry.rule) continue;
    if (seen) {
      throw new Error(`${where}: ${seen.label} and ${label} are two different rules with the ID ${show(entry.rule.id)}. Fix: give each rule its own ID (the same rule object may be listed more than once)`);
    }
    const labelled = { rule: entry.rule, label };
    byId.set(entry.rule.id, labelled);
    out.push(labelled);
  }
  return out;
}

/** The metadata of a user rule, as reports show it. */
export function userRuleInfo(r: IAuditRule): ReportRule {
  return {
    id: r.id,
    severity: r.severity,
    area: r.area ?? DEFAULT_AREA,
    description: r.description,
    fix: r.fix,
    standards: r.standards ?? {},
    ...(r.helpUri !== undefined ? { helpUri: r.helpUri } : {}),
  };
}

/** The public context of an engine context: one per audit. */
const contexts = new WeakMap<AuditContext, AuditRuleContext>();

function publicContext(ctx: AuditContext): AuditRuleContext {
  let c = contexts.get(ctx);
  if (c === undefined) {
    c = AuditRuleContext._of(ctx);
    contexts.set(ctx, c);
  }
  return c;
}

function issueProblem(issue: unknown, context: AuditRuleContext): string | undefined {
  if (issue === null || typeof issue !== 'object') return `is ${show(issue)}, not an issue. Fix: return objects { resource, message, jsonPath?, fix? } (AuditRuleIssue)`;
  const i = issue as AuditRuleIssue;
  if (context._objectOf(i.resource) === undefined) {
    return 'names a resource that is not one of the context\'s objects. Fix: report an object taken from the context (objects, ofKind, inNamespace, find or podSpecs[].resource)';
  }
  if (!nonEmpty(i.message)) return `has the message ${show(i.message)}. Fix: say what is wrong in the issue's message`;
  if (i.jsonPath !== undefined && typeof i.jsonPath !== 'string') return `has the jsonPath ${show(i.jsonPath)}. Fix: give a dotted path such as spec.template.spec.containers[0].image, or leave jsonPath out`;
  if (i.fix !== undefined && !nonEmpty(i.fix)) return `has the fix ${show(i.fix)}. Fix: say how to fix the issue, or leave fix out to use the rule's`;
  return undefined;
}

/** A user rule as the engine runs it: its check reads the public context; what it returns is checked. */
export function runnableUserRule(rule: IAuditRule): RuleDefinition {
  const info = userRuleInfo(rule);
  return {
    ...info,
    check: (ctx) => {
      const context = publicContext(ctx);
      let issues: unknown;
      try {
        issues = rule.check(context);
      } catch (e) {
        throw new Error(`security audit: rule ${rule.id} failed: its check() threw ${e instanceof Error ? `${e.name}: ${e.message}` : show(e)}. Fix: correct the rule; a rule reports what it finds as issues and never throws`);
      }
      if (!Array.isArray(issues)) {
        throw new Error(`security audit: rule ${rule.id}: check() returned ${show(issues)} instead of a list of issues. Fix: return an array (empty when the rule finds nothing)`);
      }
      return issues.map((issue, index): Issue => {
        const problem = issueProblem(issue, context);
        if (problem) throw new Error(`security audit: rule ${rule.id}: check() returned an issue (index ${index}) that ${problem}`);
        const i = issue as AuditRuleIssue;
        return { obj: context._objectOf(i.resource), message: i.message, jsonPath: i.jsonPath, fix: i.fix };
      });
    },
  };
}
