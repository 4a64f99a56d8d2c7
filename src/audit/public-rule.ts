/**
 * The public rule interface: what a platform team implements to add its own audit rules.
 */
import type { AuditedObject, AuditRuleContext } from './rule-context';
import type { RuleStandards, Severity } from './types';

/**
 * One problem a rule found.
 */
export interface AuditRuleIssue {
  /**
   * The object the issue is about: one of the context's objects (`context.objects`, `ofKind`,
   * `inNamespace`, `find`, `podSpecs[].resource`). Its acknowledgement annotations apply.
   */
  readonly resource: AuditedObject;
  /** What is wrong, e.g. `container "web" uses image "docker.io/nginx:1.27" from outside ghcr.io/acme/`. */
  readonly message: string;
  /**
   * Dotted path of the offending field inside the object, e.g. `spec.template.spec.containers[0].image`.
   * @default - the object as a whole
   */
  readonly jsonPath?: string;
  /**
   * How to fix this issue, when it differs from the rule's `fix`.
   * @default - the rule's `fix`
   */
  readonly fix?: string;
}

/**
 * An audit rule of your own, run by `SecurityAudit`, `auditManifests` and the CLI (`--rules`)
 * exactly as the built-in rules are: its findings are acknowledged by the annotation
 * `ack.cdk8s-secure-baseline.io/<id>`, by `SecurityAudit.acknowledge()` and by exceptions, can
 * be disabled with `disabledRules`, and appear in the JSON, SARIF and text reports.
 */
export interface IAuditRule {
  /**
   * Stable rule ID: uppercase letters and digits in dash-separated words, starting with a prefix
   * of your own, at most 63 characters, e.g. "ACME-REGISTRY-ALLOWLIST". `SB-` is reserved for
   * the built-in rules.
   */
  readonly id: string;
  /** Severity of the rule's findings: errors fail the audit, warnings only with `failOnWarnings`. */
  readonly severity: Severity;
  /** One-line description of what the rule checks (the SARIF rule description). */
  readonly description: string;
  /** How to fix a finding (each issue may give a more precise one). */
  readonly fix: string;
  /**
   * The area the rule belongs to (a SARIF tag), e.g. "Supply chain".
   * @default "Custom"
   */
  readonly area?: string;
  /**
   * The published standards the rule implements.
   * @default - none
   */
  readonly standards?: RuleStandards;
  /**
   * Where the rule is documented (the SARIF rule's helpUri).
   * @default - no link
   */
  readonly helpUri?: string;

  /**
   * Checks the objects and returns one issue per problem (an empty list when there is none).
   * Must not modify the objects, and must not throw: an exception fails the audit.
   *
   * @param context the objects under audit
   */
  check(context: AuditRuleContext): AuditRuleIssue[];
}
