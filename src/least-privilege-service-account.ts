import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isApiServerAudience } from './audit/rules/sa-pod-automount';
import { isClusterScopedResource, pluralOf } from './manifest/cluster-scoped';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { registerAppChecks } from './private/app-checks';
import { formatIdentityEgress, IDENTITY_EGRESS_ANNOTATION, RenderedIdentity } from './private/cloud-identity';
import { lazy } from './private/lazy';
import { referenceNamespace } from './private/namespace-references';
import { fail, makeClusterScoped, show, validateDnsLabel, validateDnsSubdomain, validateReason } from './private/validation';
import { bootstrapRules } from './rbac/bootstrap-roles';
import { PolicyRuleLike, describeAccess } from './rbac/policy-rule';
import { GrantDecision, RBAC_RISKS, RiskHit, riskHits } from './rbac/risk-model';
import { SecureNamespace } from './secure-namespace';
import { WorkloadIdentity } from './workload-identity';

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

/** Props of a LeastPrivilegeServiceAccount. */
export interface LeastPrivilegeServiceAccountProps {
  /**
   * The ServiceAccount name (a DNS-1123 subdomain). `default` is refused.
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * The namespace of the ServiceAccount.
   * @default - the SecureNamespace the construct is created in
   */
  readonly namespace?: SecureNamespace;
  /**
   * Names of existing `kubernetes.io/dockerconfigjson` Secrets used to pull images.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Cloud workload identity federation (AWS IRSA, EKS Pod Identity, GKE Workload Identity, Azure
   * Workload ID). Workloads of this library running as the account get the egress it needs, and
   * only they.
   * @default - no cloud identity
   */
  readonly workloadIdentity?: WorkloadIdentity;
  /**
   * Gives the pods of this account a short-lived, audience-bound token (a projected volume).
   * Without it, pods get no token at all. Same as calling `addApiToken()`.
   * @default - no token
   */
  readonly apiToken?: ApiTokenOptions;
  /**
   * Extra labels on the ServiceAccount.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations on the ServiceAccount.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

// --- RBAC knowledge -------------------------------------------------------------------------

const DANGEROUS_VERBS = [Verb.ESCALATE, Verb.BIND, Verb.IMPERSONATE] as string[];
const KNOWN_VERBS = Object.values(Verb) as string[];
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;
const RBAC_NAME = /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/;

/**
 * What the RBAC risk model (src/rbac/risk-model.ts) finds in one grant: the same function the
 * audit runs over the Role it becomes. `namespace` is where it holds (undefined: cluster-wide).
 */
function grantHits(
  apiGroup: string, resource: string, verbs: string[], resourceNames: string[] | undefined, namespace: string | undefined,
): RiskHit[] {
  const rule: PolicyRuleLike = { apiGroups: [apiGroup], resources: [resource], verbs, ...(resourceNames ? { resourceNames } : {}) };
  return riskHits(rule, namespace, namespace === undefined);
}

/** `run commands in running pods: get, create on pods/exec`. */
function hitText(hit: RiskHit): string {
  return `${hit.risk.title}: ${hit.access.map((a) => describeAccess(a.verbs, a.group, a.resource)).join(', ')}`;
}

/** Writes each rule's reasons (sorted, joined) as its acknowledgement annotation on `obj`. */
function acknowledge(obj: ApiObject, acks: Map<string, Set<string>>, ids: readonly string[], reason: string | undefined): void {
  for (const id of ids) {
    const reasons = acks.get(id) ?? new Set<string>();
    reasons.add(reason!);
    acks.set(id, reasons);
    obj.metadata.addAnnotation(acknowledgementAnnotation(id), [...reasons].sort().join(' | '));
  }
}

/** One validated grant, ready to merge. */
interface ValidatedGrant {
  readonly apiGroup: string;
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  /** Rule IDs acknowledged on the Role (or ClusterRole). */
  readonly flagged: string[];
  /** Rule IDs acknowledged on the binding: the audit reports them there (they depend on its scope). */
  readonly flaggedOnBinding: string[];
  readonly reason?: string;
}

/** A merged rule: one group, one resource, one set of names. */
interface RuleEntry {
  readonly apiGroup: string;
  readonly resource: string;
  readonly resourceNames?: string[];
  readonly verbs: Set<string>;
}

/** The Role (or ClusterRole) and binding of one namespace (or of the cluster). */
interface Access {
  readonly role: ApiObject;
  readonly binding: ApiObject;
  readonly rules: Map<string, RuleEntry>;
  readonly acknowledgements: Map<string, Set<string>>;
  readonly bindingAcknowledgements: Map<string, Set<string>>;
}

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const TOKEN_VOLUME = 'sa-api-token';
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 86400;

/** Names in use per app: `<namespace>/<name>` -> construct path. */
const NAMES_IN_USE = new WeakMap<IConstruct, Map<string, string>>();

/** A ServiceAccount as an RBAC subject. */
export interface ServiceAccountSubject {
  /** `ServiceAccount`. */
  readonly kind: string;
  /** The ServiceAccount name. */
  readonly name: string;
  /** The ServiceAccount namespace. */
  readonly namespace: string;
}

/**
 * A workload identity with exactly the API access it needs: a ServiceAccount that mounts no API
 * token, RBAC grants through a typed API that merge into one Role and RoleBinding per namespace,
 * refusals (with the reason and the alternative) for access that amounts to cluster-admin, and
 * acknowledgements for access the audit flags.
 *
 * A token is only projected into pods when asked for (`apiToken`), bound to an audience and
 * short-lived. Cloud identity (AWS IRSA, GKE, Azure) is typed and validated.
 *
 * @example
 * const sa = new LeastPrivilegeServiceAccount(ns, 'api');
 * sa.grantRead({ resources: ['configmaps'] });
 * sa.grantReadSecret('api-db-credentials');
 */
export class LeastPrivilegeServiceAccount extends Construct {
  /** The default directory a projected API token is mounted in. */
  public static readonly DEFAULT_TOKEN_MOUNT_PATH = '/var/run/secrets/tokens';
  /** The default lifetime of a projected API token, in seconds. */
  public static readonly DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

  /** The ServiceAccount name. */
  public readonly name: string;
  /** The namespace of the ServiceAccount. */
  public readonly namespaceName: string;
  /** The ServiceAccount object. */
  public readonly serviceAccount: ApiObject;
  /** The cloud workload identity, if any. */
  public readonly workloadIdentity?: WorkloadIdentity;
  /**
   * `v1`. With `kind`, `apiGroup`, `resourceType`, `resourceName` and `toSubjectConfiguration()`
   * this makes the account fit where cdk8s-plus expects a ServiceAccount (`serviceAccount:` of a
   * `kplus.Deployment`, `kplus.Job`, ...), without this library depending on cdk8s-plus.
   */
  public readonly apiVersion: string = 'v1';
  /** `ServiceAccount`. */
  public readonly kind: string = 'ServiceAccount';
  /** The API group of ServiceAccounts: core (`''`). */
  public readonly apiGroup: string = '';
  /** The API resource type: `serviceaccounts`. */
  public readonly resourceType: string = 'serviceaccounts';

  private readonly podLabels: Record<string, string>;
  private readonly identity?: RenderedIdentity;
  private readonly namespaceAccess = new Map<string, Access>();
  private clusterAccess?: Access;
  private readonly clusterRoleBindings = new Map<string, ApiObject>();
  private token?: { audience: string; expirationSeconds: number; mountPath: string; path: string; reason?: string };

  constructor(scope: Construct, id: string, props: LeastPrivilegeServiceAccountProps = {}) {
    super(scope, id);
    registerAppChecks(this);
    const namespace = props.namespace ?? SecureNamespace.of(this);
    this.namespaceName = namespace.name;

    const name = props.name ?? id.toLowerCase();
    validateDnsSubdomain(this, props.name === undefined ? 'ServiceAccount name (derived from the construct id; set `name` to choose another)' : 'ServiceAccount name', name);
    if (name === 'default') {
      fail(this, `ServiceAccount name ${show(name)} is the namespace's default ServiceAccount`, 'choose a dedicated name per workload; SecureNamespace keeps "default" without a token and without permissions');
    }
    this.name = name;
    const names = NAMES_IN_USE.get(this.node.root) ?? new Map<string, string>();
    NAMES_IN_USE.set(this.node.root, names);
    const other = names.get(`${this.namespaceName}/${name}`);
    if (other !== undefined) {
      fail(this, `ServiceAccount name ${show(name)} is already used in namespace ${show(this.namespaceName)} by ${other}`, 'give each LeastPrivilegeServiceAccount its own `name`');
    }
    names.set(`${this.namespaceName}/${name}`, this.node.path);

    const pullSecrets: string[] = [];
    for (const s of props.imagePullSecrets ?? []) {
      validateDnsSubdomain(this, 'imagePullSecrets entry (the name of a Secret)', s);
      if (!pullSecrets.includes(s)) pullSecrets.push(s);
    }

    const annotations: Record<string, string> = { ...props.annotations };
    this.podLabels = {};
    if (props.workloadIdentity) {
      this.workloadIdentity = props.workloadIdentity;
      const rendered = props.workloadIdentity._render(this);
      this.identity = rendered;
      Object.assign(annotations, rendered.annotations);
      Object.assign(this.podLabels, rendered.podLabels);
      // The egress its workloads get, recorded for the reachability proof over the YAML.
      if (rendered.egress) annotations[IDENTITY_EGRESS_ANNOTATION] = formatIdentityEgress(rendered.egress);
    }

    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name,
        namespace: this.namespaceName,
        ...(props.labels && Object.keys(props.labels).length ? { labels: { ...props.labels } } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      automountServiceAccountToken: false,
      ...(pullSecrets.length ? { imagePullSecrets: pullSecrets.map((n) => ({ name: n })) } : {}),
    });

    if (props.apiToken) this.addApiToken(props.apiToken);
  }

  /** The Role in the account's own namespace, once something was granted there. */
  /** The ServiceAccount name (the resource name, as cdk8s-plus reads it). */
  public get resourceName(): string {
    return this.name;
  }

  /** This account as an RBAC subject (what cdk8s-plus role bindings call to bind it). */
  public toSubjectConfiguration(): ServiceAccountSubject {
    return { kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName };
  }

  public get role(): ApiObject | undefined {
    return this.namespaceAccess.get(this.namespaceName)?.role;
  }

  /** The RoleBinding in the account's own namespace, once something was granted there. */
  public get roleBinding(): ApiObject | undefined {
    return this.namespaceAccess.get(this.namespaceName)?.binding;
  }

  /** The ClusterRole, once something was granted cluster-wide. */
  public get clusterRole(): ApiObject | undefined {
    return this.clusterAccess?.role;
  }

  /** The ClusterRoleBinding, once something was granted cluster-wide. */
  public get clusterRoleBinding(): ApiObject | undefined {
    return this.clusterAccess?.binding;
  }

  /** The namespaces this account has a Role in, sorted. */
  public get grantedNamespaces(): string[] {
    return [...this.namespaceAccess.keys()].sort();
  }

  /**
   * The egress the cloud identity needs, e.g. `169.254.170.23/32 on TCP/80 (the EKS Pod Identity
   * Agent)`: workloads of this library running as the account get it in their own NetworkPolicy.
   * Undefined without a cloud identity, or when the addresses of its token endpoint were not given.
   */
  public get cloudIdentityEgress(): string | undefined {
    const e = this.identity?.egress;
    return e ? `${e.cidrs.join(', ')} on TCP/${e.port} (${e.endpoint})` : undefined;
  }

  /** The full path of the projected API token file, if the account has one. */
  public get apiTokenPath(): string | undefined {
    return this.token ? `${this.token.mountPath}/${this.token.path}` : undefined;
  }

  /**
   * What lets the pods of this account use the Kubernetes API, one entry per grant, e.g.
   * `get configmaps "fulfillment-config" in shop`, `ClusterRole "view" in shop`,
   * `an API token for audience "https://kubernetes.default.svc"`; empty when it has no API access.
   * Read at synth time: workloads running as the account get egress to their namespace's API
   * server endpoint when it is not empty.
   */
  public get apiAccess(): string[] {
    const out: string[] = [];
    const describe = (access: Access, where: string) => {
      for (const r of this.renderRules(access)) {
        const resource = r.apiGroups[0] ? `${r.resources[0]}.${r.apiGroups[0]}` : r.resources[0];
        out.push(`${r.verbs.join(',')} ${resource}${r.resourceNames ? ` ${r.resourceNames.map((n: string) => show(n)).join(',')}` : ''} ${where}`);
      }
    };
    for (const ns of this.grantedNamespaces) describe(this.namespaceAccess.get(ns)!, `in ${ns}`);
    if (this.clusterAccess) describe(this.clusterAccess, 'cluster-wide');
    for (const key of [...this.clusterRoleBindings.keys()].sort()) {
      const [ns, role] = key.split('/');
      out.push(`ClusterRole ${show(role)} in ${ns}`);
    }
    if (this.token && isApiServerAudience(this.token.audience)) out.push(`an API token for audience ${show(this.token.audience)}`);
    return out;
  }

  /** The Role of this account in `namespace`, if something was granted there. */
  public roleIn(namespace: string): ApiObject | undefined {
    return this.namespaceAccess.get(namespace)?.role;
  }

  /**
   * Grants `verbs` on `resources` of one API group in one namespace. Grants of the account merge
   * into one Role and one RoleBinding per namespace.
   */
  public grant(options: GrantOptions): void {
    const namespace = this.targetNamespace(options.namespace, 'grant namespace');
    const g = this.checkGrant(options.verbs, options, false, namespace);
    this.apply(this.accessIn(namespace), g);
  }

  /** Grants `get`, `list` and `watch` on `resources` (Secrets excepted: use `grantReadSecret`). */
  public grantRead(options: ResourceGrantOptions): void {
    this.grant({ ...options, verbs: [Verb.GET, Verb.LIST, Verb.WATCH] });
  }

  /** Grants `get` on one Secret, by name (never `list` or `watch`). */
  public grantReadSecret(secretName: string, options: NamedObjectOptions = {}): void {
    validateDnsSubdomain(this, 'Secret name', secretName);
    this.grant({ verbs: [Verb.GET], resources: ['secrets'], resourceNames: [secretName], namespace: options.namespace });
  }

  /** Grants `get` on one ConfigMap, by name. */
  public grantReadConfigMap(configMapName: string, options: NamedObjectOptions = {}): void {
    validateDnsSubdomain(this, 'ConfigMap name', configMapName);
    this.grant({ verbs: [Verb.GET], resources: ['configmaps'], resourceNames: [configMapName], namespace: options.namespace });
  }

  /**
   * Grants `verbs` on one object of this app: the API group comes from its apiVersion, the
   * resource from its kind, the name and namespace from its metadata. A Namespace object is
   * granted in that namespace; other cluster-scoped kinds need `grantCluster()`.
   */
  public grantOnObject(obj: ApiObject, verbs: Verb[], options: ObjectGrantOptions = {}): void {
    const parts = obj.apiVersion.split('/');
    const apiGroup = parts.length === 2 ? parts[0] : '';
    const plural = pluralOf(obj.kind);
    let resource = plural;
    if (options.subresource !== undefined) {
      if (typeof options.subresource !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.subresource)) {
        fail(this, `subresource ${show(options.subresource)} of ${obj.kind} ${show(obj.name)} is not a valid subresource`, 'write a lowercase subresource name such as "status" or "scale"');
      }
      resource = `${plural}/${options.subresource}`;
    }
    let namespace: string | undefined;
    if (apiGroup === '' && plural === 'namespaces') {
      namespace = obj.name;
    } else if (isClusterScopedResource(apiGroup, plural)) {
      fail(this, `${obj.kind} ${show(obj.name)} is cluster-scoped and a namespaced Role cannot grant access to it`, `use grantCluster({ apiGroup: ${show(apiGroup)}, resources: [${show(resource)}], resourceNames: [${show(obj.name)}], verbs, reason })`);
    } else {
      namespace = obj.metadata.namespace;
    }
    this.grant({ verbs, apiGroup, resources: [resource], resourceNames: [obj.name], namespace, reason: options.reason });
  }

  /**
   * Grants `verbs` on `resources` across the whole cluster: a ClusterRole and a
   * ClusterRoleBinding. Always needs a reason (acknowledging SB-RBAC-CLUSTER-SCOPED).
   */
  public grantCluster(options: ClusterGrantOptions): void {
    const g = this.checkGrant(options.verbs, options, true);
    this.apply(this.accessInCluster(), g);
  }

  /**
   * Binds an existing ClusterRole (e.g. `view`, or one managed elsewhere) in one namespace, with a
   * RoleBinding. A built-in role is judged by the RBAC risk model over what the API server puts in
   * it: `cluster-admin`, `admin`, `edit` (they read every Secret) and `system:*` roles are
   * refused, as is any built-in role with power the audit flags (grant it with a reason instead).
   */
  public bindClusterRole(clusterRoleName: string, options: BindClusterRoleOptions = {}): void {
    const namespace = this.targetNamespace(options.namespace, 'bindClusterRole namespace');
    if (clusterRoleName === 'cluster-admin') {
      fail(this, `binding ClusterRole ${show(clusterRoleName)} is refused`, 'cluster-admin grants every permission on the whole cluster; grant() the exact verbs and resources the workload uses');
    }
    if (typeof clusterRoleName !== 'string' || clusterRoleName.startsWith('system:')) {
      fail(this, `binding ClusterRole ${show(clusterRoleName)} is refused`, 'system:* ClusterRoles belong to Kubernetes components; grant() the exact verbs and resources the workload uses');
    }
    if (clusterRoleName.length > 253 || !RBAC_NAME.test(clusterRoleName)) {
      fail(this, `ClusterRole name ${show(clusterRoleName)} is not a valid name`, "use lowercase letters, digits, '-', '.' and ':', starting and ending with a letter or digit");
    }
    // A built-in role is judged by what the API server puts in it (the risk model over the
    // bootstrap policy, aggregation included); the audit judges the app's own ClusterRoles.
    const hits = (bootstrapRules(clusterRoleName) ?? []).flatMap((rule) => riskHits(rule, namespace, false));
    if (hits.length > 0) {
      const held = RBAC_RISKS.filter((r) => hits.some((h) => h.risk === r));
      const refused = held.find((r) => r.decision === GrantDecision.REFUSE) ?? held[0];
      fail(this, `binding ClusterRole ${show(clusterRoleName)} is refused: it would ${[...new Set(held.map((r) => r.title))].join('; ')}`,
        `${refused.rationale}; grant() the exact verbs and resources the workload uses`);
    }
    const key = `${namespace}/${clusterRoleName}`;
    if (this.clusterRoleBindings.has(key)) return;
    const name = this.checkedName(`${this.objectName(namespace)}.${clusterRoleName}`);
    this.clusterRoleBindings.set(key, new ApiObject(this, `ClusterRoleBinding-${namespace}-${clusterRoleName}`, {
      apiVersion: RBAC_API,
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName },
      subjects: [this.subject()],
    }));
  }

  /**
   * Gives the pods of this account a short-lived, audience-bound token in a projected
   * `serviceAccountToken` volume (read-only). One token per account.
   */
  public addApiToken(options: ApiTokenOptions): void {
    if (this.token) {
      fail(this, `an API token for audience ${show(this.token.audience)} is already configured`, 'give each workload one token; use a separate ServiceAccount for a second audience');
    }
    const audience = options.audience;
    if (typeof audience !== 'string' || audience.trim() === '' || /\s/.test(audience)) {
      fail(this, `API token audience ${show(audience)} is empty or contains whitespace`, 'name the receiver that validates the token, e.g. "vault" or your API server\'s issuer URL');
    }
    const expirationSeconds = options.expirationSeconds ?? LeastPrivilegeServiceAccount.DEFAULT_TOKEN_EXPIRATION_SECONDS;
    if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_TOKEN_SECONDS || expirationSeconds > MAX_TOKEN_SECONDS) {
      fail(this, `API token expirationSeconds ${show(expirationSeconds)} is out of range`, `use an integer from ${MIN_TOKEN_SECONDS} (the API server's minimum) to ${MAX_TOKEN_SECONDS} (one day: the kubelet refreshes the token at 80% of its lifetime, so a longer one only keeps a leaked token valid longer)`);
    }
    const mountPath = options.mountPath ?? LeastPrivilegeServiceAccount.DEFAULT_TOKEN_MOUNT_PATH;
    if (typeof mountPath !== 'string' || !/^\/[^:]*$/.test(mountPath) || mountPath.split('/').includes('..') || (mountPath.length > 1 && mountPath.endsWith('/'))) {
      fail(this, `API token mountPath ${show(mountPath)} is not an absolute directory path`, 'write an absolute path without "..", ":" or a trailing "/", e.g. "/var/run/secrets/tokens"');
    }
    const path = options.path ?? 'token';
    if (typeof path !== 'string' || !/^[A-Za-z0-9._-]+$/.test(path) || path === '.' || path === '..') {
      fail(this, `API token path ${show(path)} is not a file name`, 'write a plain file name such as "token"');
    }
    let reason: string | undefined;
    if (isApiServerAudience(audience)) {
      if (options.reason === undefined) {
        fail(this, `an API token for the Kubernetes API server's audience ${show(audience)} is a Kubernetes API credential in every pod of this account`,
          'say why the pods call the API: apiToken: { audience, reason: "<what the workload reads or writes, and why>" } (written as the SB-SA-POD-AUTOMOUNT acknowledgement), or use the audience of another receiver such as "vault"');
      }
      reason = validateReason(this, `an API token for audience ${show(audience)}`, options.reason);
    } else if (options.reason !== undefined) {
      fail(this, `apiToken.reason is set but audience ${show(audience)} is not the Kubernetes API server's`, 'remove the reason: tokens for other receivers need none');
    }
    this.token = { audience, expirationSeconds, mountPath, path, reason };
  }

  /**
   * What pods running as this account need: labels (e.g. Azure's `azure.workload.identity/use`),
   * annotations, and the projected token volume and its read-only mount, as Kubernetes JSON.
   * @internal
   */
  public _podAdditions(): { labels: Record<string, string>; annotations: Record<string, string>; volumes: any[]; volumeMounts: any[] } {
    const t = this.token;
    return {
      labels: { ...this.podLabels },
      annotations: {},
      volumes: t ? [{
        name: TOKEN_VOLUME,
        projected: { sources: [{ serviceAccountToken: { audience: t.audience, expirationSeconds: t.expirationSeconds, path: t.path } }] },
      }] : [],
      volumeMounts: t ? [{ name: TOKEN_VOLUME, mountPath: t.mountPath, readOnly: true }] : [],
    };
  }

  /**
   * The egress the cloud identity needs (undefined without one), or why it is missing.
   * @internal
   */
  public _identityEgress(): Pick<RenderedIdentity, 'egress' | 'missingEgress'> | undefined {
    return this.identity ? { egress: this.identity.egress, missingEgress: this.identity.missingEgress } : undefined;
  }

  /**
   * Annotations for the workload objects running as this account: the reasoned acknowledgement
   * of an API-server-audience token.
   * @internal
   */
  public _workloadAnnotations(): Record<string, string> {
    const reason = this.token?.reason;
    return reason !== undefined ? { [acknowledgementAnnotation(RuleIds.SA_POD_AUTOMOUNT)]: reason } : {};
  }

  // --- internals ---------------------------------------------------------------------------

  private targetNamespace(namespace: string | undefined, what: string): string {
    if (namespace === undefined) return this.namespaceName;
    referenceNamespace(this, validateDnsLabel(this, what, namespace), what);
    return namespace;
  }

  /** Validates one grant: refusals first, then acknowledgements. */
  private checkGrant(
    verbs: Verb[],
    o: { resources: string[]; apiGroup?: string; resourceNames?: string[]; reason?: string },
    cluster: boolean,
    namespace?: string,
  ): ValidatedGrant {
    const apiGroup = o.apiGroup ?? '';
    const resources = o.resources;
    const what = `grant of ${show(verbs)} on ${show(resources)}${apiGroup ? ` in API group ${show(apiGroup)}` : ''}`;
    const method = cluster ? 'grantCluster' : 'grant';

    // Verbs.
    if (!Array.isArray(verbs) || verbs.length === 0) {
      fail(this, `${method}() got an empty verb list for ${show(resources)}`, 'list the verbs the workload uses, e.g. [Verb.GET]');
    }
    for (const v of verbs) {
      if (!KNOWN_VERBS.includes(v)) {
        fail(this, `${what}: verb ${show(v)} is not a Kubernetes RBAC verb`, `use the Verb enum: ${KNOWN_VERBS.filter((k) => k !== '*' && !DANGEROUS_VERBS.includes(k)).join(', ')}`);
      }
    }
    if (verbs.includes(Verb.ALL)) {
      fail(this, `${what}: verb "*" is a wildcard`, 'list the exact verbs, e.g. [Verb.GET, Verb.LIST]; "*" grants every verb, present and future, including escalate, bind and impersonate');
    }
    const dangerous = verbs.filter((v) => DANGEROUS_VERBS.includes(v));
    if (dangerous.length > 0) {
      fail(this, `${what}: verb ${show(dangerous[0])} is refused`, 'escalate, bind and impersonate let the holder give itself any permission (up to cluster-admin); a workload never needs them. Manage RBAC with your deployment pipeline instead');
    }

    // API group and resources.
    if (typeof apiGroup !== 'string' || apiGroup.includes('*')) {
      fail(this, `${what}: API group ${show(apiGroup)} is a wildcard`, 'name one API group ("" for core, e.g. "apps"); a wildcard matches every API group, present and future');
    }
    if (apiGroup !== '') validateDnsSubdomain(this, `${what}: API group`, apiGroup);
    if (!Array.isArray(resources) || resources.length === 0) {
      fail(this, `${method}() got an empty resource list`, 'list the resources, e.g. ["configmaps"]');
    }
    for (const r of resources) {
      if (typeof r === 'string' && r.includes('*')) {
        fail(this, `${what}: resource ${show(r)} is a wildcard`, 'list the exact resources (and subresources), e.g. ["deployments", "deployments/scale"]');
      }
      if (typeof r !== 'string' || !RESOURCE.test(r)) {
        fail(this, `${what}: resource ${show(r)} is not a resource name`, 'write the lowercase plural resource, optionally with a subresource, e.g. "configmaps" or "deployments/scale"');
      }
    }

    // Resource names.
    const names = o.resourceNames;
    if (names !== undefined) {
      if (!Array.isArray(names) || names.length === 0) {
        fail(this, `${what}: resourceNames is empty`, 'list the object names, or omit resourceNames to grant every object (an empty list would grant every object too)');
      }
      // Signer names are "<domain>/<path>"; every other object name is a single path segment.
      const signers = apiGroup === 'certificates.k8s.io' && resources.every((r) => r === 'signers');
      for (const n of names) {
        if (typeof n !== 'string' || n === '' || /[*%\s]/.test(n) || (!signers && n.includes('/'))) {
          fail(this, `${what}: resource name ${show(n)} is not an object name`, 'write the exact name of an object, without wildcards, "/" or "%"');
        }
      }
    }

    // Verbs that cannot be limited by name.
    for (const r of resources) {
      const [base, sub] = r.split('/');
      if (apiGroup === '' && base === 'secrets') {
        if (verbs.includes(Verb.LIST) || verbs.includes(Verb.WATCH) || verbs.includes(Verb.DELETECOLLECTION)) {
          const v = verbs.find((x) => x === Verb.LIST || x === Verb.WATCH || x === Verb.DELETECOLLECTION);
          fail(this, `${what}: ${show(v)} on Secrets is refused`, 'list and watch return the contents of every Secret in the namespace; grant get on the named Secrets the workload reads with grantReadSecret(name)');
        }
        if (verbs.includes(Verb.CREATE)) {
          fail(this, `${what}: create on Secrets is refused`, 'create cannot be limited to named Secrets; create the Secret in the deployment pipeline or with an operator (External Secrets, Sealed Secrets), and grant get on it by name');
        }
        if (names === undefined) {
          fail(this, `${what}: Secret access without resourceNames is refused`, 'name the Secrets the workload reads: grantReadSecret(name), or resourceNames: ["<secret>"]');
        }
      }
      if (names !== undefined && sub === undefined && verbs.includes(Verb.CREATE)) {
        fail(this, `${what}: create cannot be limited by resourceNames`, 'Kubernetes does not check resourceNames for create (the name is not known yet), so the rule would not grant it; grant create in a separate grant without resourceNames');
      }
      if (names !== undefined && verbs.includes(Verb.DELETECOLLECTION)) {
        fail(this, `${what}: deletecollection cannot be limited by resourceNames`, 'grant delete on the named objects instead, or deletecollection in a separate grant without resourceNames');
      }
      if (verbs.includes(Verb.APPROVE) && !(apiGroup === 'certificates.k8s.io' && base === 'signers')) {
        fail(this, `${what}: verb "approve" only applies to signers of certificates.k8s.io`, 'grantCluster({ apiGroup: "certificates.k8s.io", resources: ["signers"], resourceNames: ["<signer>"], verbs: [Verb.APPROVE], reason })');
      }
      if (!cluster && isClusterScopedResource(apiGroup, base)) {
        fail(this, `${what}: ${show(r)} is cluster-scoped and a namespaced Role cannot grant access to it`, 'use grantCluster({ ..., reason }) if the workload really needs it');
      }
    }

    // The risk model: refusals, then the rules that need a reason, where the audit reports them.
    const scope = cluster ? undefined : namespace;
    const hits = resources.flatMap((r) => grantHits(apiGroup, r, verbs, names, scope));
    const refused = hits.find((h) => h.risk.decision === GrantDecision.REFUSE);
    if (refused) {
      fail(this, `${what} is refused: it would ${hitText(refused)}`, `${refused.risk.rationale}; grant the exact verbs and objects the workload uses`);
    }
    const onRole = new Set<string>();
    const onBinding = new Set<string>();
    if (cluster) onBinding.add(RuleIds.RBAC_CLUSTER_SCOPED);
    for (const h of hits) (cluster && h.risk.namespaces !== undefined ? onBinding : onRole).add(h.risk.ruleId);
    const ids = [...new Set([...onRole, ...onBinding])].sort();
    let reason: string | undefined;
    if (ids.length > 0) {
      if (o.reason === undefined) {
        const why = hits.length > 0 ? `: it would ${[...new Set(hits.map(hitText))].join('; ')}` : '';
        fail(this, `${what} needs a reason (${ids.join(', ')})${why}`, 'prefer access that does not need one; otherwise set `reason` to explain why the workload needs it and why it is safe (it is written onto the Role or binding and shown in the audit report)');
      }
      reason = validateReason(this, what, o.reason);
    } else if (o.reason !== undefined) {
      fail(this, `${what} has a reason, but nothing in it needs one`, 'remove `reason`; it is only for access the audit flags');
    }
    const resourceNames = names ? [...new Set(names)].sort() : undefined;
    return {
      apiGroup,
      resources: [...resources],
      verbs: [...verbs],
      resourceNames,
      flagged: [...onRole].sort(),
      flaggedOnBinding: [...onBinding].sort(),
      reason,
    };
  }

  /** Merges a validated grant into a Role (or ClusterRole). */
  private apply(access: Access, g: ValidatedGrant): void {
    for (const resource of g.resources) {
      const key = [g.apiGroup, resource, ...(g.resourceNames ?? [])].join('\u0000') + (g.resourceNames ? '\u0001' : '');
      let entry = access.rules.get(key);
      if (!entry) {
        entry = { apiGroup: g.apiGroup, resource, resourceNames: g.resourceNames, verbs: new Set() };
        access.rules.set(key, entry);
      }
      for (const v of g.verbs) entry.verbs.add(v);
    }
    acknowledge(access.role, access.acknowledgements, g.flagged, g.reason);
    acknowledge(access.binding, access.bindingAcknowledgements, g.flaggedOnBinding, g.reason);
  }

  private renderRules(access: Access): any[] {
    const sortKey = (e: RuleEntry) => [e.apiGroup, e.resource, e.resourceNames ? `1${e.resourceNames.join(',')}` : '0'].join('\u0000');
    return [...access.rules.values()]
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
      .map((e) => ({
        apiGroups: [e.apiGroup],
        resources: [e.resource],
        ...(e.resourceNames ? { resourceNames: e.resourceNames } : {}),
        verbs: [...e.verbs].sort(),
      }));
  }

  private subject() {
    return { kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName };
  }

  /** The Role / binding name in `namespace`: the account name at home, `<home-ns>.<name>` elsewhere. */
  private objectName(namespace: string): string {
    return namespace === this.namespaceName ? this.name : `${this.namespaceName}.${this.name}`;
  }

  private checkedName(name: string): string {
    if (name.length > 253) {
      fail(this, `derived RBAC object name ${show(name)} is longer than 253 characters`, 'choose a shorter ServiceAccount `name`');
    }
    return name;
  }

  private accessIn(namespace: string): Access {
    let access = this.namespaceAccess.get(namespace);
    if (!access) {
      const name = this.checkedName(this.objectName(namespace));
      const rules = new Map<string, RuleEntry>();
      const role = new ApiObject(this, namespace === this.namespaceName ? 'Role' : `Role-${namespace}`, {
        apiVersion: RBAC_API,
        kind: 'Role',
        metadata: { name, namespace },
        rules: lazy(() => this.renderRules(access!)),
      });
      const binding = new ApiObject(this, namespace === this.namespaceName ? 'RoleBinding' : `RoleBinding-${namespace}`, {
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: { name, namespace },
        roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name },
        subjects: [this.subject()],
      });
      access = { role, binding, rules, acknowledgements: new Map(), bindingAcknowledgements: new Map() };
      this.namespaceAccess.set(namespace, access);
    }
    return access;
  }

  private accessInCluster(): Access {
    if (!this.clusterAccess) {
      const name = this.checkedName(`${this.namespaceName}.${this.name}`);
      const holder: { access?: Access } = {};
      const role = makeClusterScoped(new ApiObject(this, 'ClusterRole', {
        apiVersion: RBAC_API,
        kind: 'ClusterRole',
        metadata: { name },
        rules: lazy(() => this.renderRules(holder.access!)),
      }));
      const binding = makeClusterScoped(new ApiObject(this, 'ClusterRoleBinding', {
        apiVersion: RBAC_API,
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
        subjects: [this.subject()],
      }));
      holder.access = { role, binding, rules: new Map(), acknowledgements: new Map(), bindingAcknowledgements: new Map() };
      this.clusterAccess = holder.access;
    }
    return this.clusterAccess;
  }
}
