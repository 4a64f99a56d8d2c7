/**
 * Rule packs: named selections of built-in rules (one per standard, from the `standards`
 * metadata of every rule) and of user rules.
 */
import { IAuditRule } from './public-rule';
import { ALWAYS_RUN, LabelledRule, checkUserRules } from './rule-set';
import { ALL_RULES } from './rules';
import { RuleStandards } from './types';

const BRAND = Symbol.for('cdk8s-secure-baseline.RulePack');

/**
 * The controls of Kubescape's NSA framework (NSA-CISA Kubernetes Hardening Guidance), as its
 * framework file lists them (kubescape/regolibrary `frameworks/nsaframework.json`).
 */
export const NSA_KUBESCAPE_CONTROLS: ReadonlySet<string> = new Set([
  'C-0002', 'C-0005', 'C-0012', 'C-0013', 'C-0016', 'C-0017', 'C-0030', 'C-0034', 'C-0035', 'C-0038', 'C-0041', 'C-0044', 'C-0046',
  'C-0054', 'C-0055', 'C-0057', 'C-0058', 'C-0059', 'C-0066', 'C-0067', 'C-0068', 'C-0069', 'C-0070', 'C-0270', 'C-0271',
]);

/** A built-in pack: name, description and which built-in rules it selects. */
interface BuiltInPack {
  readonly name: string;
  readonly description: string;
  readonly selects: (standards: RuleStandards) => boolean;
}

const BUILT_IN_PACKS: readonly BuiltInPack[] = [
  { name: 'baseline', description: 'every built-in rule', selects: () => true },
  {
    name: 'pod-security-baseline',
    description: 'the rules implementing a control of the Pod Security Standards baseline profile',
    selects: (s) => (s.podSecurity ?? []).some((c) => c.startsWith('Baseline')),
  },
  {
    name: 'pod-security-restricted',
    description: 'the rules implementing a control of the Pod Security Standards restricted profile (which includes the baseline profile)',
    selects: (s) => (s.podSecurity ?? []).length > 0,
  },
  {
    name: 'cis',
    description: 'the rules implementing a recommendation of the CIS Kubernetes Benchmark (section 5, Policies)',
    selects: (s) => (s.cis ?? []).length > 0,
  },
  {
    name: 'nsa',
    description: 'the rules implementing a control of Kubescape\'s NSA framework (NSA-CISA Kubernetes Hardening Guidance)',
    selects: (s) => (s.kubescape ?? []).some((c) => NSA_KUBESCAPE_CONTROLS.has(c)),
  },
];

const PACK_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

function show(x: unknown): string {
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/**
 * A named set of audit rules: built-in rules and rules of your own (`IAuditRule`). Pass packs to
 * `SecurityAudit.of(app, { packs })`, `auditManifests` or the CLI (`--pack NAME`, or a module
 * exporting `packs` given to `--rules`). Whatever packs are chosen, the rules about the audit
 * itself (SB-ACK-EXPIRED, SB-ACK-INVALID, SB-ACK-UNUSED, SB-META-DUPLICATE) run too.
 *
 * The packs per standard are built from the `standards` each rule lists (RULES.md): a rule that
 * implements one control of the standard belongs to the standard's pack.
 */
export class RulePack {
  /** Every built-in rule: the default. */
  public static baseline(): RulePack {
    return RulePack.named('baseline');
  }

  /** The rules implementing a Pod Security Standards baseline control (e.g. SB-PSS-PRIVILEGED, SB-PSS-HOST-PATH). */
  public static podSecurityBaseline(): RulePack {
    return RulePack.named('pod-security-baseline');
  }

  /**
   * The rules implementing a Pod Security Standards control of the restricted profile, which
   * includes the baseline profile (e.g. SB-PSS-RUN-AS-NON-ROOT, SB-PSS-CAPABILITIES-DROP, SB-NS-PSS).
   */
  public static podSecurityRestricted(): RulePack {
    return RulePack.named('pod-security-restricted');
  }

  /** The rules implementing a CIS Kubernetes Benchmark recommendation (section 5, e.g. SB-RBAC-CLUSTER-ADMIN for 5.1.1). */
  public static cis(): RulePack {
    return RulePack.named('cis');
  }

  /** The rules implementing a control of Kubescape's NSA framework (NSA-CISA Kubernetes Hardening Guidance). */
  public static nsa(): RulePack {
    return RulePack.named('nsa');
  }

  /** Names of the built-in packs, for `RulePack.named()` and the CLI's `--pack`. */
  public static builtInNames(): string[] {
    return BUILT_IN_PACKS.map((p) => p.name);
  }

  /**
   * A built-in pack by name: "baseline", "pod-security-baseline", "pod-security-restricted", "cis" or "nsa".
   *
   * @param name the pack's name
   */
  public static named(name: string): RulePack {
    const pack = BUILT_IN_PACKS.find((p) => p.name === name);
    if (pack === undefined) {
      throw new Error(`RulePack.named(): unknown rule pack ${show(name)}. Fix: use one of ${RulePack.builtInNames().join(', ')}`);
    }
    const ids = ALL_RULES.filter((r) => !ALWAYS_RUN.has(r.id) && pack.selects(r.standards)).map((r) => r.id);
    return new RulePack(pack.name, pack.description, ids, []);
  }

  /**
   * A pack of your own: your rules, plus the rules of other packs (built-in or your own).
   *
   * @param name the pack's name: lowercase letters, digits and dashes, e.g. "acme-house-rules"
   * @param rules your rules
   * @param packs packs whose rules the pack includes
   */
  public static custom(name: string, rules: IAuditRule[], packs?: RulePack[]): RulePack {
    const where = `RulePack.custom(${show(name)})`;
    if (typeof name !== 'string' || !PACK_NAME.test(name) || RulePack.builtInNames().includes(name)) {
      const what = RulePack.builtInNames().includes(name) ? 'is the name of a built-in pack' : 'is not a valid pack name';
      throw new Error(`${where}: the name ${what}. Fix: name the pack in lowercase letters, digits and dashes, e.g. "acme-house-rules"`);
    }
    if (!Array.isArray(rules)) throw new Error(`${where}: rules must be a list of rules, got ${show(rules)}. Fix: pass [] for a pack of other packs`);
    const builtIn = new Set<string>();
    const entries: LabelledRule[] = rules.map((rule, i) => ({ rule, label: `rules[${i}]` }));
    (packs ?? []).forEach((pack, i) => {
      if (!RulePack.isRulePack(pack)) throw new Error(`${where}: packs[${i}] is not a RulePack: it is ${show(pack)}. Fix: pass packs made by RulePack.named(), RulePack.cis(), ... or RulePack.custom()`);
      pack.builtInRuleIds.forEach((id) => builtIn.add(id));
      for (const e of pack._userRules) entries.push({ rule: e.rule, label: `packs[${i}] "${pack.name}" ${e.label}` });
    });
    const user = checkUserRules(entries, new Set(ALL_RULES.map((r) => r.id)), where);
    return new RulePack(name, `rule pack ${name}`, [...builtIn].sort(), user);
  }

  /**
   * Whether `x` is a RulePack (also one made by another copy of this library).
   *
   * @param x any value
   */
  public static isRulePack(x: any): x is RulePack {
    return x !== null && typeof x === 'object' && (x as any)[BRAND] === true;
  }

  /** The pack's name. */
  public readonly name: string;
  /** What the pack selects. */
  public readonly description: string;
  /** The built-in rules the pack selects, sorted by ID. */
  public readonly builtInRuleIds: string[];
  /** @internal Its user rules, each with the label that names it in errors. */
  public readonly _userRules: LabelledRule[];

  private constructor(name: string, description: string, builtInRuleIds: string[], userRules: LabelledRule[]) {
    this.name = name;
    this.description = description;
    this.builtInRuleIds = builtInRuleIds;
    this._userRules = userRules;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The user rules of the pack (its own, then those of the packs it includes). */
  public get rules(): IAuditRule[] {
    return this._userRules.map((e) => e.rule);
  }

  /** The IDs of every rule of the pack, built-in and user rules, sorted. */
  public get ruleIds(): string[] {
    return [...this.builtInRuleIds, ...this._userRules.map((e) => e.rule.id)].sort();
  }
}
