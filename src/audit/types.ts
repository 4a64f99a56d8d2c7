/**
 * Public data types of the Baseline audit. All of them are jsii structs or enums.
 */

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
}
