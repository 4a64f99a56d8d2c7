/**
 * Public data types of the security diff. All of them are jsii enums or structs.
 */
import { AuditOptions } from '../audit/types';
import { ReachabilityOptions } from '../reachability/analyzer';

/** The area of the security posture a diff item is about. */
export enum DiffCategory {
  /** Who can connect to whom (NetworkPolicies and mesh authorization), exposure to the internet. */
  CONNECTIVITY = 'connectivity',
  /** Effective RBAC capabilities of subjects. */
  RBAC = 'rbac',
  /** Audit findings and their acknowledgements. */
  AUDIT = 'audit',
  /** Privileges of workloads: capabilities, user, host access, seccomp, volumes. */
  POD_SECURITY = 'pod-security',
  /** Encryption, retention and backups of data; image provenance. */
  DATA = 'data',
  /** Admission policies, Pod Security admission levels and mesh mTLS modes. */
  ENFORCEMENT = 'enforcement',
}

/** How much a diff item matters to a reviewer. */
export enum DiffSeverity {
  /** Opens the app up: a new undeclared path, exposure, a dangerous capability, a new violation. */
  HIGH = 'high',
  /** Weakens the posture in a declared or bounded way (a declared path, an acknowledgement, ...). */
  MEDIUM = 'medium',
  /** Worth a look (a re-worded acknowledgement, a changed schedule). */
  LOW = 'low',
  /** Strengthens the posture or removes something (a path removed, a finding resolved). */
  INFO = 'info',
}

/** What changed. */
export enum DiffChange {
  /** A path that did not connect now does. */
  PATH_ADDED = 'path-added',
  /** A path no longer connects. */
  PATH_REMOVED = 'path-removed',
  /** A path connects on more ports. */
  PATH_WIDENED = 'path-widened',
  /** A path connects on fewer ports. */
  PATH_NARROWED = 'path-narrowed',
  /** One layer (NetworkPolicy or mesh) now lets an undeclared path through; only the other stops it. */
  LAYER_OPENED = 'layer-opened',
  /** One layer no longer lets an undeclared path through. */
  LAYER_CLOSED = 'layer-closed',
  /** A workload is newly reachable from the internet, or a Service or Ingress newly exposes one. */
  EXPOSURE_ADDED = 'exposure-added',
  /** An exposure to the internet is gone. */
  EXPOSURE_REMOVED = 'exposure-removed',
  /**
   * A network policy the reachability proof does not model (AdminNetworkPolicy, Calico, ...) was
   * added, changed or removed: the paths it opens or closes are not in the connectivity items.
   */
  UNMODELLED_POLICY_CHANGED = 'unmodelled-policy-changed',
  /** A subject holds a dangerous capability it did not hold (somewhere new). */
  CAPABILITY_GAINED = 'capability-gained',
  /** A subject no longer holds a dangerous capability (somewhere). */
  CAPABILITY_LOST = 'capability-lost',
  /** A finding that was not there (unacknowledged). */
  FINDING_INTRODUCED = 'finding-introduced',
  /** A finding that is gone. */
  FINDING_RESOLVED = 'finding-resolved',
  /** A finding newly acknowledged (existing, or new and acknowledged at once). */
  ACKNOWLEDGEMENT_ADDED = 'acknowledgement-added',
  /** An acknowledgement removed from a finding that is still there: it fails again. */
  ACKNOWLEDGEMENT_REMOVED = 'acknowledgement-removed',
  /** An acknowledgement whose reason changed. */
  ACKNOWLEDGEMENT_REWORDED = 'acknowledgement-reworded',
  /** A workload runs with more privilege (a field of its pod or container security). */
  PRIVILEGE_RAISED = 'privilege-raised',
  /** A workload runs with less privilege. */
  PRIVILEGE_LOWERED = 'privilege-lowered',
  /** Encryption, retention or backup of data weakened or dropped. */
  DATA_WEAKENED = 'data-weakened',
  /** A backup schedule changed (neither clearly weaker nor stronger). */
  DATA_CHANGED = 'data-changed',
  /** Encryption, retention or backup of data strengthened or added. */
  DATA_STRENGTHENED = 'data-strengthened',
  /** An image that was pinned by digest no longer is. */
  IMAGE_DIGEST_DROPPED = 'image-digest-dropped',
  /** An image comes from another registry. */
  IMAGE_REGISTRY_CHANGED = 'image-registry-changed',
  /** An admission policy, a Pod Security level or a mesh mTLS mode weakened or dropped. */
  ENFORCEMENT_WEAKENED = 'enforcement-weakened',
  /** An admission policy, a Pod Security level or a mesh mTLS mode strengthened or added. */
  ENFORCEMENT_STRENGTHENED = 'enforcement-strengthened',
}

/** One change of the security posture between the base and the head. */
export interface SecurityDiffItem {
  /** The area. */
  readonly category: DiffCategory;
  /** What changed. */
  readonly change: DiffChange;
  /** How much it matters. */
  readonly severity: DiffSeverity;
  /** Whether the change weakens the security posture. */
  readonly weakens: boolean;
  /** What it is about, e.g. `shop/checkout → shop-data/orders-db` or `ServiceAccount shop/ci`. */
  readonly subject: string;
  /** One sentence a reviewer reads. */
  readonly message: string;
  /**
   * The value before the change.
   * @default - none (added)
   */
  readonly before?: string;
  /**
   * The value after the change.
   * @default - none (removed)
   */
  readonly after?: string;
  /** The objects concerned, `Kind namespace/name`, sorted. */
  readonly objects: string[];
  /** Construct paths of those objects, where known (synthesized in process), sorted. */
  readonly constructPaths: string[];
  /** Where the objects were read from, `file:line` (head first, then base), where known. */
  readonly locations: string[];
  /**
   * The audit rule, for audit items.
   * @default - not an audit item
   */
  readonly ruleId?: string;
  /**
   * The acknowledgement reason, for acknowledgement items (the new one when re-worded).
   * @default - none
   */
  readonly reason?: string;
}

/** Options of `SecurityDiff`. */
export interface SecurityDiffOptions extends AuditOptions {
  /**
   * Options of the reachability analysis of both sides.
   * @default - the defaults of `Reachability`
   */
  readonly reachability?: ReachabilityOptions;
}
