/**
 * Public data types of the Baseline audit. All of them are jsii structs or enums.
 */
import type { IAuditRule } from './public-rule';
import type { RulePack } from './rule-pack';

/**
 * How serious a finding is.
 */
export enum Severity {
  /** Fails synthesis (and the CLI / plugin) unless acknowledged. */
  ERROR = 'error',
  /** Reported, but does not fail unless `failOnWarnings` is set. */
  WARNING = 'warning',
}

/**
 * Where an acknowledgement came from.
 */
export enum AcknowledgementSource {
  /** `SecurityAudit.acknowledge(scope, ruleId, reason)` in the cdk8s app. */
  CONSTRUCT = 'construct',
  /** An `ack.cdk8s-secure-baseline.io/<RULE-ID>` annotation on the object. */
  ANNOTATION = 'annotation',
  /** An exception of the `exceptions` option (or of the CLI's `.secure-baseline.yaml`). */
  EXCEPTION = 'exception',
}

/**
 * The published standards a rule implements. Only real control IDs / check names are listed.
 */
export interface RuleStandards {
  /**
   * Pod Security Standards controls, e.g. "Baseline: Privileged Containers".
   * @default - none
   */
  readonly podSecurity?: string[];
  /**
   * CIS Kubernetes Benchmark (v1.8+) recommendation numbers, e.g. "5.2.2".
   * @default - none
   */
  readonly cis?: string[];
  /**
   * Kubescape (including its NSA / MITRE frameworks) control IDs, e.g. "C-0057".
   * @default - none
   */
  readonly kubescape?: string[];
  /**
   * Polaris check names, e.g. "runAsPrivileged".
   * @default - none
   */
  readonly polaris?: string[];
  /**
   * kube-score check names, e.g. "container-image-tag".
   * @default - none
   */
  readonly kubeScore?: string[];
  /**
   * kube-linter check names, e.g. "privileged-container".
   * @default - none
   */
  readonly kubeLinter?: string[];
}

/**
 * Metadata of one audit rule.
 */
export interface RuleInfo {
  /** Stable rule ID, e.g. "SB-PSS-PRIVILEGED". */
  readonly id: string;
  /** Severity of the rule's findings. */
  readonly severity: Severity;
  /** The area the rule belongs to, e.g. "Pod Security", "RBAC". */
  readonly area: string;
  /** One-line description of what the rule checks. */
  readonly description: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** The standards the rule implements. */
  readonly standards: RuleStandards;
}

/**
 * The Kubernetes object a finding is about.
 */
export interface ResourceRef {
  /** `apiVersion` of the object. */
  readonly apiVersion: string;
  /** `kind` of the object. */
  readonly kind: string;
  /** `metadata.name` of the object. */
  readonly name: string;
  /**
   * `metadata.namespace` of the object.
   * @default - no namespace
   */
  readonly namespace?: string;
}

/**
 * An accepted finding.
 */
export interface Acknowledgement {
  /** Why the finding is accepted. */
  readonly reason: string;
  /** Where the acknowledgement came from. */
  readonly source: AcknowledgementSource;
  /**
   * The construct the acknowledgement was attached to (construct channel only).
   * @default - none
   */
  readonly constructPath?: string;
  /**
   * Where the exception is declared (exception channel only): `exceptions[0]` (the index in the
   * `exceptions` option), preceded by the file and line in the CLI (`.secure-baseline.yaml:12 exceptions[0]`).
   * @default - none
   */
  readonly declaredAt?: string;
  /**
   * The last day the exception accepts findings, `YYYY-MM-DD` (exception channel only).
   * @default - the exception does not expire
   */
  readonly expires?: string;
}

/**
 * An accepted finding written down outside the objects: a rule, the objects it applies to, a
 * reason and an optional expiry date. It accepts the findings of `ruleId` on every object the
 * selector (`kind`, `namespace`, `name`, `file`: at least one) matches. An exception that matches
 * no finding is reported as SB-ACK-UNUSED; once expired, it accepts nothing and is reported as
 * SB-ACK-EXPIRED.
 */
export interface AuditException {
  /** The rule whose findings are accepted (see `RuleIds`). */
  readonly ruleId: string;
  /**
   * Why the findings are acceptable: at least 20 characters and 3 words, no placeholder.
   */
  readonly reason: string;
  /**
   * Kind of the objects (any case), e.g. "DaemonSet".
   * @default - any kind
   */
  readonly kind?: string;
  /**
   * Namespace of the objects; `*` and `?` match (a Namespace object belongs to itself). A
   * pattern never matches cluster-scoped objects.
   * @default - any namespace, and cluster-scoped objects
   */
  readonly namespace?: string;
  /**
   * Name of the objects; `*` and `?` match, e.g. "node-exporter-*".
   * @default - any name
   */
  readonly name?: string;
  /**
   * Glob of the manifest file the objects were read from (CLI only: objects synthesized in an
   * app have no file, so an exception with a file never matches them). As in `--exclude-path`: a
   * glob without `/` matches a file or folder name at any depth (`vendor`), one with `/` the path
   * from the working directory (`deploy/upstream/**`).
   * @default - any file
   */
  readonly file?: string;
  /**
   * The last day (`YYYY-MM-DD`, inclusive) the exception accepts findings. From the day after,
   * the findings are reported again and the exception itself is a finding (SB-ACK-EXPIRED).
   * @default - the exception does not expire
   */
  readonly expires?: string;
}

/**
 * One finding of the audit.
 */
export interface Finding {
  /** The rule that produced the finding. */
  readonly ruleId: string;
  /** Severity of the rule. */
  readonly severity: Severity;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * The object the finding is about.
   * @default - the finding is not about one object (e.g. an unused acknowledgement)
   */
  readonly resource?: ResourceRef;
  /**
   * Construct path of the object (or of the acknowledging construct).
   * @default - unknown (plain manifests)
   */
  readonly constructPath?: string;
  /**
   * The manifest file the object was read from.
   * @default - unknown (synthesized in memory)
   */
  readonly file?: string;
  /**
   * Dotted path of the offending field inside the object, e.g. `spec.template.spec.containers[0]`.
   * @default - the object as a whole
   */
  readonly jsonPath?: string;
  /** Whether the finding was acknowledged. */
  readonly acknowledged: boolean;
  /**
   * The acknowledgement, when acknowledged.
   * @default - not acknowledged
   */
  readonly acknowledgement?: Acknowledgement;
}

/**
 * The result of an audit.
 */
export interface AuditResult {
  /** Number of Kubernetes objects audited. */
  readonly objectCount: number;
  /** All findings, sorted by rule ID, then object, then location. */
  readonly findings: Finding[];
  /** Number of findings that fail the audit (unacknowledged errors, plus warnings with `failOnWarnings`). */
  readonly violations: number;
  /** Number of unacknowledged warnings. */
  readonly warnings: number;
  /** Number of acknowledged findings. */
  readonly acknowledged: number;
  /** True when there are no violations. */
  readonly passed: boolean;
}

/**
 * Which findings an audit reports: the in-app twin of the CLI's scoping flags and config keys
 * (`namespaces`, `excludeNamespaces`, `kinds`, `excludeKinds`, `names`, `excludeNames`,
 * `minSeverity`), with the same meaning. Every object is still audited, so cross-object rules (a
 * NetworkPolicy protecting a workload, a Role a binding references) see every object; the scope
 * only decides which findings are reported and can fail the audit, and the counts are those of the
 * findings reported. Findings that are not about one object (SB-ACK-UNUSED, SB-ACK-EXPIRED) are
 * always in scope. Patterns: `*` any characters, `?` one, the rest literal.
 *
 * The CLI's `excludePaths` has no in-app counterpart (objects synthesized in an app are not read
 * from files): `excludeConstructPaths` leaves out the findings of objects under a construct instead.
 */
export interface AuditScope {
  /**
   * Report only objects in these namespaces (a Namespace object belongs to itself);
   * cluster-scoped objects are then out of scope.
   * @default - every namespace, and cluster-scoped objects
   */
  readonly namespaces?: string[];
  /**
   * Do not report objects in these namespaces.
   * @default - none excluded
   */
  readonly excludeNamespaces?: string[];
  /**
   * Report only objects of these kinds (any case), e.g. "Deployment".
   * @default - every kind
   */
  readonly kinds?: string[];
  /**
   * Do not report objects of these kinds (any case).
   * @default - none excluded
   */
  readonly excludeKinds?: string[];
  /**
   * Report only objects with these names (`metadata.name`), e.g. "api-*".
   * @default - every name
   */
  readonly names?: string[];
  /**
   * Do not report objects with these names.
   * @default - none excluded
   */
  readonly excludeNames?: string[];
  /**
   * Do not report the objects of constructs under these construct paths (as `construct.node.path`
   * shows them), matched as the CLI's `excludePaths` matches files: a glob without `/` matches a
   * construct id at any depth (`vendor`), one with `/` the path from the App (`platform/upstream`,
   * `platform/*-crds`); the objects under a matching construct are all left out. `**`, `*`, `?`
   * and `{a,b}` match. Objects audited without a construct (`auditManifests`) never match.
   * @default - none excluded
   */
  readonly excludeConstructPaths?: string[];
  /**
   * The least severity reported: `Severity.ERROR` leaves warnings out (they then cannot fail the
   * audit, even with `failOnWarnings`).
   * @default Severity.WARNING - every finding
   */
  readonly minSeverity?: Severity;
}

/**
 * Options of the audit engine (shared by `SecurityAudit`, `auditManifests`, the CLI and the cdk8s plugin).
 */
export interface AuditOptions {
  /**
   * Rule IDs to skip entirely. Unknown IDs are an error.
   * @default - every rule runs
   */
  readonly disabledRules?: string[];
  /**
   * Names of StorageClasses managed outside this output that are known to encrypt volumes
   * (accepted by SB-STORAGE-CLASS-UNVERIFIED).
   * @default - none
   */
  readonly encryptedStorageClasses?: string[];
  /**
   * Names of Roles / ClusterRoles managed outside this output that bindings may reference
   * (accepted by SB-RBAC-ROLE-MISSING). `admin`, `edit`, `view`, `cluster-admin` and `system:*`
   * ClusterRoles are always accepted.
   * @default - none
   */
  readonly externalRoles?: string[];
  /**
   * The Istio root namespace: a deny-by-default AuthorizationPolicy there covers the whole mesh.
   * @default "istio-system"
   */
  readonly istioRootNamespace?: string;
  /**
   * Whether unacknowledged warnings fail the audit too.
   * @default false
   */
  readonly failOnWarnings?: boolean;
  /**
   * Accepted findings, each with a rule, an object selector, a reason and an optional expiry
   * date. Invalid exceptions (unknown rule, missing reason, bad date, empty selector) are an error.
   * @default - none
   */
  readonly exceptions?: AuditException[];
  /**
   * The date exceptions expire against, `YYYY-MM-DD`; set it to make an audit reproducible.
   * @default - today's date in UTC, from the clock
   */
  readonly today?: string;
  /**
   * Rules of your own, run with the rules of `packs` (see docs/writing-rules.md). Their IDs must
   * differ from each other's and must not start with `SB-`.
   * @default - none
   */
  readonly rules?: IAuditRule[];
  /**
   * The rule packs to run: built-in ones (`RulePack.baseline()`, `RulePack.podSecurityRestricted()`,
   * `RulePack.cis()`, `RulePack.nsa()`, ...) and your own (`RulePack.custom()`). The rules about
   * the audit itself (SB-ACK-*, SB-META-DUPLICATE) always run.
   * @default [RulePack.baseline()] - every built-in rule
   */
  readonly packs?: RulePack[];
  /**
   * Which findings are reported and can fail the audit (namespaces, kinds, names, construct
   * paths, least severity), as the CLI's scoping options choose them. Every object is still
   * audited. Invalid patterns are an error.
   * @default - every finding
   */
  readonly reportScope?: AuditScope;
}
