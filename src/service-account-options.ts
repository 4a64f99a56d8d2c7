/**
 * A Kubernetes RBAC verb.
 *
 * `ESCALATE`, `BIND`, `IMPERSONATE` and `ALL` (`*`) exist only so that they are refused with a
 * clear message: a workload identity never gets them.
 */
export enum Verb {
  /** Read one object. */
  GET = 'get',
  /** List objects. */
  LIST = 'list',
  /** Watch objects. */
  WATCH = 'watch',
  /** Create objects. */
  CREATE = 'create',
  /** Replace objects. */
  UPDATE = 'update',
  /** Patch objects. */
  PATCH = 'patch',
  /** Delete one object. */
  DELETE = 'delete',
  /** Delete a collection of objects. */
  DELETECOLLECTION = 'deletecollection',
  /** Approve CertificateSigningRequests of a signer (`signers` of `certificates.k8s.io`). Needs a reason. */
  APPROVE = 'approve',
  /** Refused: create or update Roles with permissions the holder does not have. */
  ESCALATE = 'escalate',
  /** Refused: bind Roles the holder does not have. */
  BIND = 'bind',
  /** Refused: act as another user, group or ServiceAccount. */
  IMPERSONATE = 'impersonate',
  /** Refused: every verb, present and future. */
  ALL = '*',
}

/** A short-lived, audience-bound API token projected into the pods of a ServiceAccount. */
export interface ApiTokenOptions {
  /**
   * The audience the token is issued for (the `aud` claim), e.g. the Kubernetes API server's
   * issuer or `vault`. The receiver must check it, so a token for one receiver is useless to another.
   */
  readonly audience: string;
  /**
   * The token's lifetime in seconds: at least 600 (the API server's minimum) and at most 86400.
   * The kubelet refreshes the token at 80% of its lifetime, so a longer lifetime only lengthens
   * the time a leaked token stays valid.
   * @default 3600
   */
  readonly expirationSeconds?: number;
  /**
   * The directory the token is mounted in (read-only).
   * @default "/var/run/secrets/tokens"
   */
  readonly mountPath?: string;
  /**
   * The file name of the token inside `mountPath`.
   * @default "token"
   */
  readonly path?: string;
  /**
   * Why the pods need a token for the Kubernetes API server's own audience (a token the audit
   * reports as SB-SA-POD-AUTOMOUNT). Required for that audience, and written as the
   * acknowledgement annotation on every workload running as this account, so the audit in the
   * app, the CLI over the YAML and the cdk8s-cli plugin accept it alike.
   * @default - none; required when `audience` is the API server's
   */
  readonly reason?: string;
}

/** Which objects a grant is for. */
export interface ResourceGrantOptions {
  /**
   * The resources (lowercase plurals, optionally with a subresource), e.g. `["configmaps"]`,
   * `["deployments/scale"]`. No wildcards.
   */
  readonly resources: string[];
  /**
   * The API group of the resources (`""` is the core group), e.g. `"apps"`. No wildcards.
   * @default "" - the core group
   */
  readonly apiGroup?: string;
  /**
   * Limits the grant to the objects with these names. Required for Secrets.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /**
   * The namespace the objects live in. A namespace other than the account's gets its own Role
   * and RoleBinding there, bound to this account.
   * @default - the account's namespace
   */
  readonly namespace?: string;
  /**
   * Why this access is needed and why it is safe. Required for access that the audit flags
   * (pods/exec, pods/attach, pods/portforward, serviceaccounts/token, creating pods or workloads,
   * changing namespaces, ...) and refused for anything else. Written onto the Role as an
   * acknowledgement annotation that the audit report shows.
   * @default - none; required for access the audit flags
   */
  readonly reason?: string;
}

/** A namespaced grant: verbs on resources. */
export interface GrantOptions extends ResourceGrantOptions {
  /** The verbs, e.g. `[Verb.GET, Verb.LIST]`. */
  readonly verbs: Verb[];
}

/** A cluster-wide grant (ClusterRole and ClusterRoleBinding). */
export interface ClusterGrantOptions {
  /** The verbs, e.g. `[Verb.GET, Verb.LIST]`. */
  readonly verbs: Verb[];
  /** The resources (lowercase plurals, optionally with a subresource). No wildcards. */
  readonly resources: string[];
  /**
   * The API group of the resources (`""` is the core group). No wildcards.
   * @default "" - the core group
   */
  readonly apiGroup?: string;
  /**
   * Limits the grant to the objects with these names. Required for Secrets.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /**
   * Why this workload needs access across the whole cluster and why it is safe. Written onto the
   * ClusterRole as an acknowledgement annotation (also of any other flagged access the grant contains).
   */
  readonly reason: string;
}

/** Where a named object lives. */
export interface NamedObjectOptions {
  /**
   * The namespace of the object.
   * @default - the account's namespace
   */
  readonly namespace?: string;
}

/** Options of a grant on one ApiObject. */
export interface ObjectGrantOptions {
  /**
   * A subresource, e.g. `"status"` or `"scale"`.
   * @default - the object itself
   */
  readonly subresource?: string;
  /**
   * Why this access is needed, for access the audit flags.
   * @default - none; required for access the audit flags
   */
  readonly reason?: string;
}

/** Options of a binding to an existing ClusterRole. */
export interface BindClusterRoleOptions {
  /**
   * The namespace the ClusterRole's permissions apply in (a RoleBinding there).
   * @default - the account's namespace
   */
  readonly namespace?: string;
}

/** A ServiceAccount as an RBAC subject. */
export interface ServiceAccountSubject {
  /** `ServiceAccount`. */
  readonly kind: string;
  /** The ServiceAccount name. */
  readonly name: string;
  /** The ServiceAccount namespace. */
  readonly namespace: string;
}
