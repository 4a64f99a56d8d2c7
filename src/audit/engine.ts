/**
 * The audit engine: runs every rule over an indexed object set, applies acknowledgements and
 * returns a deterministic result. Pure: no I/O.
 */
import { knownRuleIds, reasonProblem, unknownRuleFix, unknownRuleProblem } from './acknowledgement';
import { AuditContext, AuditInput, K8sObject, Locator } from './context';
import { applyExceptions, validateExceptionOptions } from './exceptions';
import { DuplicateObjects } from './input-objects';
import { RuleDefinition } from './rule';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from './rule-ids';
import { SelectedRules, withRulesOf } from './rule-selection';
import { RULES_BY_ID } from './rules';
import { applyScope, countFindings, validateAuditScope } from './scope';
import { AcknowledgementSource, AuditOptions, AuditResult, Finding } from './types';
import { canonicalJson, expandLists, isList, itemPathText } from '../manifest/objects';

/** A construct-channel acknowledgement (`SecurityAudit.acknowledge`). */
export interface ConstructAcknowledgement {
  readonly ruleId: string;
  readonly reason: string;
  readonly constructPath: string;
}

/** An input object plus the construct acknowledgements that apply to it (from its own and its parents' constructs). */
export interface EngineInput extends AuditInput {
  readonly acknowledgements?: ConstructAcknowledgement[];
}

const ACK_RULES = new Set<string>([RuleIds.ACK_INVALID, RuleIds.ACK_UNUSED]);

/** The objects of the inputs, Lists expanded, and where each was read from. */
export interface ExpandedInputs<T extends AuditInput> {
  /** The inputs that are not Lists (as they are) and the items of those that are (copies of their input with the item's manifest). */
  readonly objects: T[];
  /** Where the object at an index of `objects` was read from: `construct "app/web"`, `x.yaml document 2 items[0]`, `input 3`. */
  readonly locate: Locator;
}

/**
 * Expands `kind: List` and typed lists (`PodList`, ...) into their items, as kubectl does (items of
 * a typed list get its apiVersion and kind when they lack them), and records where each object was
 * read from for messages that point at one of several objects. Only one rule's messages need
 * that, so the text is worked out when asked for, and inputs that are not Lists are not copied.
 */
export function expandInputs<T extends AuditInput>(inputs: T[]): ExpandedInputs<T> {
  const objects: T[] = [];
  /** Input index of each object: only kept once a List made the two differ. */
  let origins: number[] | undefined;
  const itemPaths = new Map<number, number[]>();
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index];
    if (!isList(input.manifest)) {
      origins?.push(index);
      objects.push(input);
      continue;
    }
    origins ??= objects.map((_, i) => i);
    for (const item of expandLists(input.manifest)) {
      if (item.itemPath.length > 0) itemPaths.set(objects.length, item.itemPath);
      origins.push(index);
      objects.push({ ...input, manifest: item.manifest });
    }
  }
  let documents: number[] | undefined;
  const locate = (i: number): string => {
    const index = origins ? origins[i] : i;
    const input = inputs[index];
    let where: string;
    if (input.constructPath !== undefined) {
      where = `construct "${input.constructPath}"`;
    } else if (input.file !== undefined) {
      documents ??= documentNumbers(inputs);
      where = `${input.file} document ${documents[index]}`;
    } else {
      where = `input ${index + 1}`;
    }
    const itemPath = itemPaths.get(i);
    return itemPath ? `${where} ${itemPathText(itemPath)}` : where;
  };
  return { objects, locate };
}

/** For each input read from a file (and not from a construct): which document of its file it is (1-based). */
function documentNumbers(inputs: AuditInput[]): number[] {
  const counts = new Map<string, number>();
  return inputs.map((input) => {
    if (input.constructPath !== undefined || input.file === undefined) return 0;
    const n = (counts.get(input.file) ?? 0) + 1;
    counts.set(input.file, n);
    return n;
  });
}

/** `expandInputs` with each object's `location` written out. */
export function flattenLists<T extends AuditInput>(inputs: T[]): Array<T & { location: string }> {
  const { objects, locate } = expandInputs(inputs);
  return objects.map((o, i) => ({ ...o, location: locate(i) }));
}

/** Throws on invalid options (unknown rule IDs, with `userRuleIds` those of the audit's user rules). */
export function validateOptions(options: AuditOptions, userRuleIds: readonly string[] = []): void {
  const known = new Set(knownRuleIds(userRuleIds));
  for (const id of options.disabledRules ?? []) {
    if (!known.has(id)) {
      throw new Error(`security audit: disabledRules names an ${unknownRuleProblem(id)}. Fix: ${unknownRuleFix(id, userRuleIds)}`);
    }
  }
  validateExceptionOptions(options, 'security audit', userRuleIds);
  validateAuditScope(options.reportScope, 'security audit');
}

function compare(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Stable order: rule, kind, namespace, name, construct path, file, location, message. */
export function compareFindings(a: Finding, b: Finding): number {
  return compare(a.ruleId, b.ruleId)
    || compare(a.resource?.kind, b.resource?.kind)
    || compare(a.resource?.namespace, b.resource?.namespace)
    || compare(a.resource?.name, b.resource?.name)
    || compare(a.constructPath, b.constructPath)
    || compare(a.file, b.file)
    || compare(a.jsonPath, b.jsonPath)
    || compare(a.message, b.message);
}

/** Throws on a construct acknowledgement of a rule unknown to the audit (user rule IDs are only known once the audit runs). */
function validateConstructAcknowledgements(acknowledgements: ConstructAcknowledgement[], userRuleIds: readonly string[]): void {
  const known = new Set(knownRuleIds(userRuleIds));
  for (const ack of acknowledgements) {
    if (!known.has(ack.ruleId)) {
      throw new Error(`${ack.constructPath || '<root>'}: SecurityAudit.acknowledge() names an ${unknownRuleProblem(ack.ruleId)}. Fix: ${unknownRuleFix(ack.ruleId, userRuleIds)}`);
    }
  }
}

/**
 * Runs the audit: the built-in rules its packs select and its user rules (`options.rules`,
 * `options.packs`), all through the same path (acknowledgements, exceptions, disabledRules), and
 * keeps the findings in `options.reportScope`.
 *
 * @param inputs the objects, with provenance and applicable construct acknowledgements
 * @param options engine options
 * @param constructAcknowledgements every construct acknowledgement in scope (unused ones are reported)
 */
export function runAudit(inputs: EngineInput[], options: AuditOptions = {}, constructAcknowledgements: ConstructAcknowledgement[] = []): AuditResult {
  return runScopedAudit(inputs, options, constructAcknowledgements).result;
}

/** `runAudit`, and how many findings `options.reportScope` left out. */
export function runScopedAudit(
  inputs: EngineInput[], options: AuditOptions = {}, constructAcknowledgements: ConstructAcknowledgement[] = [],
): { result: AuditResult; outOfScope: number } {
  const all = withRulesOf(options, 'security audit', (selected) => audit(inputs, options, constructAcknowledgements, selected));
  return applyScope(all, options.reportScope, options.failOnWarnings === true);
}

function audit(
  inputs: EngineInput[],
  options: AuditOptions,
  constructAcknowledgements: ConstructAcknowledgement[],
  selected: SelectedRules,
): AuditResult {
  validateOptions(options, selected.userIds);
  validateConstructAcknowledgements(constructAcknowledgements, selected.userIds);
  const { objects: flat, locate } = expandInputs(inputs);
  const ctx = new AuditContext(flat, options, locate, selected.userIds);
  const disabled = new Set(options.disabledRules ?? []);
  const used = new Set<ConstructAcknowledgement>();
  const findings: Finding[] = [];

  const rules: RuleDefinition[] = selected.run.filter(r => !disabled.has(r.id));
  // Every copy of a repeated identity is judged, not only the last one kubectl apply keeps: Helm and
  // `kubectl create` keep the first (creating the second fails), and a later apply cannot change
  // immutable fields (a Pod's spec, a Job's template). The rules run again in each world where an
  // earlier copy is the one kept; what they find there and not above is reported too. A world
  // where every earlier copy equals the last one is the main world again: it is skipped. Each
  // world costs a whole audit, so at most MAX_WORLDS run; a differing copy past them is not judged,
  // so its SB-META-DUPLICATE finding cannot be acknowledged (fail closed).
  const differing = differingCopies(ctx.duplicates);
  const worlds = [...new Set(differing.map((c) => c.k))].sort((a, b) => a - b);
  const judged = worlds.slice(0, MAX_WORLDS);
  const firstUnjudged = worlds[MAX_WORLDS] ?? Infinity;
  const unjudged = new Set(differing.filter((c) => c.k >= firstUnjudged).map((c) => c.index));
  const seen = new Set<string>();
  const runRules = (world: AuditContext, main: boolean) => {
    for (const rule of rules) {
      for (const issue of rule.check(world)) {
        if (judged.length > 0) {
          // (Only with other worlds to run: what the main world found is not reported twice.)
          const key = `${rule.id}\u0000${issue.obj?.index ?? ''}\u0000${issue.constructPath ?? ''}\u0000${issue.jsonPath ?? ''}\u0000${issue.message}`;
          if (!main && seen.has(key)) continue;
          seen.add(key);
        }
        const notJudged = rule.id === RuleIds.META_DUPLICATE && issue.obj !== undefined && unjudged.has(issue.obj.index);
        const message = notJudged ? `${issue.message} (${UNJUDGED})` : issue.message;
        findings.push(toFinding(rule, issue.obj, message, issue.jsonPath, issue.fix, issue.constructPath, flat, used, !notJudged));
      }
    }
  };
  runRules(ctx, true);
  for (const kept of judged) runRules(new AuditContext(flat, options, locate, selected.userIds, kept), false);

  if (!disabled.has(RuleIds.ACK_UNUSED)) {
    const unusedRule = RULES_BY_ID.get(RuleIds.ACK_UNUSED)!;
    for (const ack of constructAcknowledgements) {
      if (used.has(ack)) continue;
      findings.push({
        ruleId: unusedRule.id,
        severity: unusedRule.severity,
        message: `acknowledgement of ${ack.ruleId} on construct "${ack.constructPath || '<root>'}" (reason: ${JSON.stringify(ack.reason)}) matches no finding`,
        fix: unusedRule.fix,
        constructPath: ack.constructPath,
        acknowledged: false,
      });
    }
  }

  applyExceptions(findings, options, disabled);
  findings.sort(compareFindings);
  const objectCount = ctx.objects.length + ctx.duplicates.reduce((n, d) => n + d.objects.length - 1, 0);
  return countFindings(objectCount, findings, options.failOnWarnings === true);
}

/** How many worlds with earlier copies kept the audit judges at most (each costs a whole audit). */
const MAX_WORLDS = 8;
const UNJUDGED = `one of more than ${MAX_WORLDS + 1} differing copies: the audit judges the first ${MAX_WORLDS} and the last each as the kept one, `
  + 'not this one, so no acknowledgement covers it; define the object once';

/** Every earlier copy (position k, 0-based, before the last) that differs from its identity's last copy, with its object index. */
function differingCopies(duplicates: readonly DuplicateObjects[]): Array<{ readonly k: number; readonly index: number }> {
  const out: Array<{ k: number; index: number }> = [];
  for (const d of duplicates) {
    const last = canonicalJson(d.objects[d.objects.length - 1].manifest);
    for (let k = 0; k < d.objects.length - 1; k++) if (canonicalJson(d.objects[k].manifest) !== last) out.push({ k, index: d.objects[k].index });
  }
  return out;
}

function toFinding(
  rule: RuleDefinition,
  obj: K8sObject | undefined,
  message: string,
  jsonPath: string | undefined,
  fix: string | undefined,
  constructPath: string | undefined,
  inputs: EngineInput[],
  used: Set<ConstructAcknowledgement>,
  acknowledgeable = true,
): Finding {
  let acknowledgement: Finding['acknowledgement'];
  if (obj && !ACK_RULES.has(rule.id) && acknowledgeable) {
    const reason = obj.annotations[ACKNOWLEDGEMENT_ANNOTATION_PREFIX + rule.id];
    if (reason !== undefined && reasonProblem(reason) === undefined) {
      acknowledgement = { reason, source: AcknowledgementSource.ANNOTATION };
    } else {
      // Acknowledgements are ordered from the object's own construct up to the root: the nearest wins.
      const matching = (inputs[obj.index].acknowledgements ?? []).filter(a => a.ruleId === rule.id);
      if (matching.length > 0) {
        for (const a of matching) used.add(a);
        acknowledgement = { reason: matching[0].reason, source: AcknowledgementSource.CONSTRUCT, constructPath: matching[0].constructPath };
      }
    }
  }
  // Built field by field, only the defined ones, in one order: tidy JSON, and no `delete` (which
  // would turn every finding into a slow dictionary-mode object).
  const f: { -readonly [K in keyof Finding]: Finding[K] } = { ruleId: rule.id, severity: rule.severity, message } as Finding;
  const fixText = fix ?? rule.fix;
  if (fixText !== undefined) f.fix = fixText;
  if (obj) {
    f.resource = obj.namespace !== ''
      ? { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.name, namespace: obj.namespace }
      : { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.name };
  }
  const where = obj?.constructPath ?? constructPath;
  if (where !== undefined) f.constructPath = where;
  if (obj?.file !== undefined) f.file = obj.file;
  if (jsonPath !== undefined) f.jsonPath = jsonPath;
  f.acknowledged = acknowledgement !== undefined;
  if (acknowledgement !== undefined) f.acknowledgement = acknowledgement;
  return f;
}


/**
 * Audits plain manifests (JSON objects as parsed from YAML). Acknowledgement annotations apply.
 */
export function auditManifests(objects: any[], options: AuditOptions = {}): AuditResult {
  return runAudit(objects.map(manifest => ({ manifest })), options);
}
