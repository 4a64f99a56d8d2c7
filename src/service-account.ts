import type { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import type {
  BindClusterRoleOptions, ClusterGrantOptions, GrantOptions, NamedObjectOptions, ObjectGrantOptions, ResourceGrantOptions,
  ServiceAccountSubject, Verb,
} from './service-account-options';
import type { WorkloadIdentity } from './workload-identity';

/** One rule of a Role or ClusterRole, as Kubernetes writes it (`rbac.authorization.k8s.io/v1` PolicyRule). */
export interface RbacRule {
  /** The API groups (`""` is the core group): always one. */
  readonly apiGroups: string[];
  /** The resources, optionally with a subresource (`deployments/scale`): always one. */
  readonly resources: string[];
  /**
   * The object names the rule is limited to.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /** The verbs, sorted. */
  readonly verbs: string[];
}

/**
 * What one grant of a ServiceAccount created, or merged into.
 *
 * Grants of an account merge into one Role and one RoleBinding per namespace (one ClusterRole and
 * ClusterRoleBinding cluster-wide): the first grant in a namespace creates them, and later grants
 * there return the same objects with `merged: true`. `rules` are what this grant asked for; the
 * Role holds the rules of every grant.
 */
export interface RbacGrant {
  /**
   * The Role (or ClusterRole) that holds the rules.
   * @default - none: `bindClusterRole()` binds a ClusterRole that exists in the cluster
   */
  readonly role?: ApiObject;
  /** The RoleBinding (or ClusterRoleBinding) that gives the role to the account. */
  readonly binding: ApiObject;
  /** The kind the binding refers to (`roleRef.kind`): `Role` or `ClusterRole`. */
  readonly roleKind: string;
  /** The name the binding refers to (`roleRef.name`). */
  readonly roleName: string;
  /**
   * The namespace the access holds in.
   * @default - none: cluster-wide (`grantCluster()`)
   */
  readonly namespace?: string;
  /** The account the binding names. */
  readonly subject: ServiceAccountSubject;
  /**
   * The rules this grant asked for, one per resource, sorted (empty for `bindClusterRole()`: the
   * ClusterRole's rules are the API server's or their owner's).
   */
  readonly rules: RbacRule[];
  /**
   * The audit rules the grant's `reason` acknowledges (on the role, or on the binding for access
   * that depends on a cluster-wide scope), sorted; empty when the grant needed no reason.
   */
  readonly acknowledgedRules: string[];
  /** Whether the grant merged into objects an earlier grant of the account created (false: it created them). */
  readonly merged: boolean;
}

/**
 * A ServiceAccount that workloads of this library can run as and that grants create RBAC for:
 * a `LeastPrivilegeServiceAccount`, or an existing account imported with
 * `LeastPrivilegeServiceAccount.fromServiceAccountName()`.
 *
 * With `apiVersion`, `kind`, `apiGroup`, `resourceType`, `resourceName` and
 * `toSubjectConfiguration()` it also fits where cdk8s-plus expects a ServiceAccount.
 */
export interface IServiceAccount extends IConstruct {
  /** The ServiceAccount name. */
  readonly name: string;
  /** The namespace of the ServiceAccount. */
  readonly namespaceName: string;
  /** `v1`. */
  readonly apiVersion: string;
  /** `ServiceAccount`. */
  readonly kind: string;
  /** The API group of ServiceAccounts: core (`''`). */
  readonly apiGroup: string;
  /** The API resource type: `serviceaccounts`. */
  readonly resourceType: string;
  /** The ServiceAccount name (the resource name, as cdk8s-plus reads it). */
  readonly resourceName: string;
  /**
   * The cloud workload identity this library configured on the account, whose egress workloads
   * running as it get.
   * @default - none (always none for an imported account, whatever it has in the cluster: its
   * pods get no egress to a token endpoint)
   */
  readonly workloadIdentity?: WorkloadIdentity;
  /**
   * What this app gives the account's pods to use the Kubernetes API with, one entry per grant
   * (and the API token, for a LeastPrivilegeServiceAccount). For an imported account, only the
   * grants made here (bindings that exist in the cluster are not known), and workloads of this
   * library running as it get no egress to the API server: their pods have no token.
   */
  readonly apiAccess: string[];

  /** This account as an RBAC subject. */
  toSubjectConfiguration(): ServiceAccountSubject;

  /** Grants `verbs` on `resources` of one API group in one namespace. */
  grant(options: GrantOptions): RbacGrant;

  /** Grants `get`, `list` and `watch` on `resources` (Secrets excepted: use `grantReadSecret`). */
  grantRead(options: ResourceGrantOptions): RbacGrant;

  /** Grants `get` on one Secret, by name (never `list` or `watch`). */
  grantReadSecret(secretName: string, options?: NamedObjectOptions): RbacGrant;

  /** Grants `get` on one ConfigMap, by name. */
  grantReadConfigMap(configMapName: string, options?: NamedObjectOptions): RbacGrant;

  /** Grants `verbs` on one object of this app (group, resource, name and namespace from the object). */
  grantOnObject(obj: ApiObject, verbs: Verb[], options?: ObjectGrantOptions): RbacGrant;

  /** Grants `verbs` on `resources` across the whole cluster (needs a reason). */
  grantCluster(options: ClusterGrantOptions): RbacGrant;

  /** Binds an existing ClusterRole in one namespace, with a RoleBinding. */
  bindClusterRole(clusterRoleName: string, options?: BindClusterRoleOptions): RbacGrant;
}

/** Where an existing ServiceAccount, which the app does not create, lives. */
export interface ServiceAccountImportOptions {
  /**
   * The namespace of the ServiceAccount (declared by the app, with `ExternalNamespaces`, or well
   * known). Workloads of this library can only run as an account of their own namespace.
   * @default - the SecureNamespace the import is created in
   */
  readonly namespace?: string;
}
