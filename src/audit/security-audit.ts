import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isUserRuleIdShape, knownRuleIds, reasonProblem, unknownRuleFix, unknownRuleProblem } from './acknowledgement';
import { ConstructAcknowledgement, EngineInput, auditManifests, runScopedAudit, validateOptions } from './engine';
import { ACKNOWLEDGEMENT_RULES, validateExceptionOptions } from './exceptions';
import { formatFinding, summaryLine, writeReports } from './report';
import { RulePack } from './rule-pack';
import { selectRules, withRulesOf } from './rule-selection';
import { ALWAYS_RUN, userRuleInfo } from './rule-set';
import { ALL_RULES } from './rules';
import { validateAuditScope } from './scope';
import { AuditOptions, AuditResult, RuleInfo } from './types';
import { registerAppChecks } from '../private/app-checks';
import { defaultReportDir } from '../private/report-dir';
import { isRevalidationDuringAppSynth } from '../private/synth';

/**
 * Properties of `SecurityAudit.of()`.
 */
export interface SecurityAuditProps extends AuditOptions {
  /**
   * Directory the reports (`<reportName>.json`, `.sarif`, `.txt`) are written to, on every
   * synthesis, whether the audit passes or fails. Keep it out of the folder your GitOps tool
   * applies: Argo CD and Flux (like kubectl) read `.json` files there as manifests.
   * @default - `<outdir>-reports`, beside the App's outdir (`dist` → `dist-reports`)
   */
  readonly reportDir?: string;
  /**
   * Base name of the report files.
   * @default "security-audit" when the scope is an App; "security-audit-<chart path>" when it is a Chart
   */
  readonly reportName?: string;
  /**
   * Whether to write report files.
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Whether to print the one-line summary to stdout on every synthesis.
   * @default true
   */
  readonly printSummary?: boolean;
}

const ACKS = Symbol.for('cdk8s-secure-baseline.SecurityAudit.acknowledgements');
/** Violations listed in the synth error; the report files list all of them. */
const MAX_LISTED_VIOLATIONS = 100;
const NOT_ACKNOWLEDGEABLE = ACKNOWLEDGEMENT_RULES;

function pathOf(scope: IConstruct): string {
  return scope.node.path || '<root>';
}

/** Props as text, to compare and show them: rules and packs by their ID and name. */
function propsText(props: SecurityAuditProps): string {
  return JSON.stringify(props, (_key, value) => {
    if (RulePack.isRulePack(value)) return `RulePack ${value.name}`;
    if (value !== null && typeof value === 'object' && typeof value.check === 'function' && typeof value.id === 'string') return `rule ${value.id}`;
    return value;
  });
}

function acknowledgementsOf(c: IConstruct): ConstructAcknowledgement[] {
  return ((c as any)[ACKS] as ConstructAcknowledgement[] | undefined) ?? [];
}

/**
 * The Baseline audit: checks every object an App or Chart synthesizes (this library's constructs,
 * raw ApiObjects, cdk8s-plus objects, imported CRDs) against the rules in RULES.md, at synth time.
 *
 * Enable it with one line: `SecurityAudit.of(app)`. Violations make `app.synth()` (and
 * `Testing.synth(chart)`) throw; reports are written beside the manifests folder, in
 * `<outdir>-reports` (option `reportDir`).
 */
export class SecurityAudit extends Construct {
  /** Construct ID of the audit under its scope. */
  public static readonly ID = 'cdk8s-secure-baseline.SecurityAudit';

  /**
   * Enables the audit on an App or Chart, or returns the one already enabled there.
   *
   * @param scope the App or Chart whose objects are audited
   * @param props options; only honoured on the first call
   */
  public static of(scope: IConstruct, props?: SecurityAuditProps): SecurityAudit {
    const existing = scope.node.tryFindChild(SecurityAudit.ID);
    if (existing instanceof SecurityAudit) {
      if (props !== undefined && propsText(props) !== propsText(existing.props)) {
        throw new Error(`${pathOf(scope)}: SecurityAudit.of() was already called on this scope with different props ${propsText(existing.props)}, got ${propsText(props)}. Fix: pass the props only on the first SecurityAudit.of() call`);
      }
      return existing;
    }
    return new SecurityAudit(scope, props ?? {});
  }

  /**
   * Accepts the findings of one rule on every object under `scope` (the construct and its
   * children). The reason is reported with the finding; it must be at least 20 characters and
   * 3 words, and not a placeholder such as "todo" or "n/a". An acknowledgement that matches no
   * finding is reported as SB-ACK-UNUSED.
   *
   * @param scope the construct whose objects are concerned
   * @param ruleId a rule ID (see `RuleIds`), or the ID of one of your rules (checked when the audit runs)
   * @param reason why the finding is acceptable
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    if (!knownRuleIds().includes(ruleId) && !(typeof ruleId === 'string' && isUserRuleIdShape(ruleId))) {
      throw new Error(`${pathOf(scope)}: SecurityAudit.acknowledge() names an ${unknownRuleProblem(ruleId)}. Fix: ${unknownRuleFix(ruleId)}`);
    }
    if (NOT_ACKNOWLEDGEABLE.has(ruleId)) {
      throw new Error(`${pathOf(scope)}: rule ${ruleId} cannot be acknowledged. Fix: correct or remove the acknowledgement it reports`);
    }
    const problem = reasonProblem(reason);
    if (problem !== undefined) {
      throw new Error(`${pathOf(scope)}: the acknowledgement reason ${JSON.stringify(reason)} for ${ruleId} ${problem}. Fix: explain why the finding is acceptable in a full sentence, e.g. SecurityAudit.acknowledge(scope, '${ruleId}', 'metrics agent must read node stats, reviewed by the platform team')`);
    }
    const list = acknowledgementsOf(scope).filter(a => a.ruleId !== ruleId);
    list.push({ ruleId, reason, constructPath: scope.node.path });
    (scope as any)[ACKS] = list;
  }

  /**
   * Audits plain manifests (e.g. parsed YAML) without an app. Acknowledgement annotations apply.
   *
   * @param manifests Kubernetes objects as JSON
   * @param options audit options
   */
  public static auditManifests(manifests: any[], options?: AuditOptions): AuditResult {
    return auditManifests(manifests, options ?? {});
  }

  /**
   * Metadata of every built-in rule, or of the rules an audit with `pack` runs (the pack's rules
   * and the rules about the audit itself), sorted by ID.
   *
   * @param pack a rule pack
   * @default - every built-in rule
   */
  public static rules(pack?: RulePack): RuleInfo[] {
    const info = (r: RuleInfo): RuleInfo => ({
      id: r.id, severity: r.severity, area: r.area, description: r.description, fix: r.fix, standards: r.standards,
    });
    if (pack === undefined) return ALL_RULES.map(info);
    if (!RulePack.isRulePack(pack)) throw new Error(`SecurityAudit.rules(): ${JSON.stringify(pack)} is not a RulePack. Fix: pass a pack made by RulePack.baseline(), RulePack.cis(), ... or RulePack.custom(), or nothing for every built-in rule`);
    const ids = new Set([...ALWAYS_RUN, ...pack.builtInRuleIds]);
    return [...ALL_RULES.filter((r) => ids.has(r.id)), ...pack.rules.map(userRuleInfo)].map(info)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The audited scope. */
  public readonly scope: IConstruct;
  private readonly props: SecurityAuditProps;

  private constructor(scope: IConstruct, props: SecurityAuditProps) {
    super(scope as Construct, SecurityAudit.ID);
    const where = `${pathOf(scope)}: SecurityAudit`;
    withRulesOf(props, where, (rules) => {
      validateExceptionOptions(props, where, rules.userIds);
      validateAuditScope(props.reportScope, where);
      validateOptions(props, rules.userIds);
    });
    this.scope = scope;
    this.props = props;
    scope.node.addValidation({ validate: () => this.validateScope() });
    registerAppChecks(scope);
  }

  /**
   * Runs the audit over the current state of the scope (no files are written); the result holds
   * the findings in `reportScope`, as synthesis reports them.
   */
  public audit(): AuditResult {
    return this.run(undefined).result;
  }

  /**
   * Audits the scope, keeping the findings in `reportScope`; with `rendered`, also records each
   * object's JSON so the synth that follows can reuse it.
   */
  private run(rendered: Map<ApiObject, any> | undefined): { result: AuditResult; outOfScope: number } {
    const all = this.scope.node.findAll();
    const byConstruct = new Map<IConstruct, ConstructAcknowledgement[]>();
    const acknowledgements: ConstructAcknowledgement[] = [];
    for (const c of all) {
      const list = acknowledgementsOf(c);
      if (list.length > 0) {
        byConstruct.set(c, list);
        acknowledgements.push(...list);
      }
    }
    const inputs: EngineInput[] = [];
    for (const c of all) {
      if (!ApiObject.isApiObject(c)) continue;
      const applicable: ConstructAcknowledgement[] = [];
      const scopes = c.node.scopes;
      for (let i = scopes.length - 1; i >= 0; i--) {
        const list = byConstruct.get(scopes[i]) ?? acknowledgementsOf(scopes[i]);
        applicable.push(...list);
      }
      const manifest = c.toJson();
      rendered?.set(c, manifest);
      inputs.push({ manifest, constructPath: c.node.path, acknowledgements: applicable });
    }
    return runScopedAudit(inputs, this.props, acknowledgements);
  }

  /** Directory and base name of the report files, or undefined when reports are off. */
  private reportTarget(): { dir: string; name: string } | undefined {
    if (this.props.writeReports === false) return undefined;
    const app = App.of(this.scope);
    const dir = this.props.reportDir ?? (app instanceof App ? defaultReportDir(app.outdir) : undefined);
    if (dir === undefined) return undefined;
    const defaultName = Chart.isChart(this.scope) ? `security-audit-${this.scope.node.path.replace(/[^A-Za-z0-9._-]+/g, '-')}` : 'security-audit';
    return { dir, name: this.props.reportName ?? defaultName };
  }

  private validateScope(): string[] {
    if (isRevalidationDuringAppSynth()) return [];
    const rendered = new Map<ApiObject, any>();
    const { result, outOfScope } = this.run(rendered);
    // The synth that runs this validation renders every object again right after it: hand it the
    // JSON just rendered instead of rendering twice (nothing can change the objects in between;
    // the reuse ends with the current synchronous synth).
    if (result.passed) reuseRenderedJsonOnce(rendered);
    const target = this.reportTarget();
    const files = target
      ? writeReports(target.dir, target.name, result, this.props.failOnWarnings === true, { rules: selectRules(this.props, 'security audit').report, ...(outOfScope > 0 ? { outOfScope } : {}) })
      : [];
    if (this.props.printSummary !== false) {
      process.stdout.write(`${summaryLine(result, { outOfScope })}\n`);
    }
    if (result.passed) return [];
    const failing = result.findings.filter(f => !f.acknowledged && (f.severity === 'error' || this.props.failOnWarnings === true));
    const report = files.length > 0 ? ` (full report: ${files[files.length - 1]})` : '';
    const shown = failing.slice(0, MAX_LISTED_VIOLATIONS).map(formatFinding);
    if (failing.length > shown.length) {
      shown.push(`... and ${failing.length - shown.length} more violations${report}`);
    }
    return [
      `security audit failed: ${result.violations} violation${result.violations === 1 ? '' : 's'} in ${result.objectCount} objects${report}`,
      ...shown,
    ];
  }
}

/**
 * Makes each object's next `toJson()` return `json` (once), and restores the object's own
 * renderer after that call or when the current synchronous synth is over, whichever is first.
 */
function reuseRenderedJsonOnce(rendered: Map<ApiObject, any>): void {
  const restores: Array<() => void> = [];
  for (const [obj, json] of rendered) {
    const target = obj as unknown as { toJson: () => any };
    const hadOwn = Object.prototype.hasOwnProperty.call(target, 'toJson');
    const previous = target.toJson;
    let done = false;
    const restore = () => {
      if (done) return;
      done = true;
      if (hadOwn) target.toJson = previous;
      else delete (target as { toJson?: unknown }).toJson;
    };
    target.toJson = () => {
      restore();
      return json;
    };
    restores.push(restore);
  }
  setImmediate(() => restores.forEach((r) => r()));
}
