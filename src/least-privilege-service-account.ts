import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isApiServerAudience } from './audit/rules/sa-pod-automount';
import { isClusterScopedResource, pluralOf } from './manifest/cluster-scoped';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { ApiToken, apiTokenVolumes, validateApiToken } from './private/api-token';
import { registerAppChecks } from './private/app-checks';
import { formatIdentityEgress, IDENTITY_EGRESS_ANNOTATION, RenderedIdentity } from './private/cloud-identity';
import { referenceNamespace } from './private/namespace-references';
import {
  Access, checkClusterRoleBinding, checkedRbacName, createClusterAccess, createClusterRoleBinding, createRoleAccess, mergeGrant, renderRules,
} from './private/rbac-access';
import { checkGrant } from './private/rbac-grant';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';
import {
  ApiTokenOptions, BindClusterRoleOptions, ClusterGrantOptions, GrantOptions, NamedObjectOptions, ObjectGrantOptions, ResourceGrantOptions,
  ServiceAccountSubject, Verb,
} from './service-account-options';
import { WorkloadIdentity } from './workload-identity';
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

/** Names in use per app: `<namespace>/<name>` -> construct path. */
const NAMES_IN_USE = new WeakMap<IConstruct, Map<string, string>>();

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
  private token?: ApiToken;

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

  /** The ServiceAccount name (the resource name, as cdk8s-plus reads it). */
  public get resourceName(): string {
    return this.name;
  }

  /** This account as an RBAC subject (what cdk8s-plus role bindings call to bind it). */
  public toSubjectConfiguration(): ServiceAccountSubject {
    return { kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName };
  }

  /** The Role in the account's own namespace, once something was granted there. */
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
      for (const r of renderRules(access)) {
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
    const g = checkGrant(this, options.verbs, options, false, namespace);
    mergeGrant(this.accessIn(namespace), g);
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
    const g = checkGrant(this, options.verbs, options, true);
    mergeGrant(this.accessInCluster(), g);
  }

  /**
   * Binds an existing ClusterRole (e.g. `view`, or one managed elsewhere) in one namespace, with a
   * RoleBinding. A built-in role is judged by the RBAC risk model over what the API server puts in
   * it: `cluster-admin`, `admin`, `edit` (they read every Secret) and `system:*` roles are
   * refused, as is any built-in role with power the audit flags (grant it with a reason instead).
   */
  public bindClusterRole(clusterRoleName: string, options: BindClusterRoleOptions = {}): void {
    const namespace = this.targetNamespace(options.namespace, 'bindClusterRole namespace');
    checkClusterRoleBinding(this, clusterRoleName, namespace);
    const key = `${namespace}/${clusterRoleName}`;
    if (this.clusterRoleBindings.has(key)) return;
    const name = checkedRbacName(this, `${this.objectName(namespace)}.${clusterRoleName}`);
    this.clusterRoleBindings.set(key, createClusterRoleBinding(this, namespace, clusterRoleName, name, this.toSubjectConfiguration()));
  }

  /**
   * Gives the pods of this account a short-lived, audience-bound token in a projected
   * `serviceAccountToken` volume (read-only). One token per account.
   */
  public addApiToken(options: ApiTokenOptions): void {
    this.token = validateApiToken(this, options, this.token, {
      expirationSeconds: LeastPrivilegeServiceAccount.DEFAULT_TOKEN_EXPIRATION_SECONDS,
      mountPath: LeastPrivilegeServiceAccount.DEFAULT_TOKEN_MOUNT_PATH,
    });
  }

  /**
   * What pods running as this account need: labels (e.g. Azure's `azure.workload.identity/use`),
   * annotations, and the projected token volume and its read-only mount, as Kubernetes JSON.
   * @internal
   */
  public _podAdditions(): { labels: Record<string, string>; annotations: Record<string, string>; volumes: any[]; volumeMounts: any[] } {
    return { labels: { ...this.podLabels }, annotations: {}, ...apiTokenVolumes(this.token) };
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

  /** The Role / binding name in `namespace`: the account name at home, `<home-ns>.<name>` elsewhere. */
  private objectName(namespace: string): string {
    return namespace === this.namespaceName ? this.name : `${this.namespaceName}.${this.name}`;
  }

  private accessIn(namespace: string): Access {
    let access = this.namespaceAccess.get(namespace);
    if (!access) {
      const name = checkedRbacName(this, this.objectName(namespace));
      access = createRoleAccess(this, namespace, namespace === this.namespaceName, name, this.toSubjectConfiguration());
      this.namespaceAccess.set(namespace, access);
    }
    return access;
  }

  private accessInCluster(): Access {
    if (!this.clusterAccess) {
      const name = checkedRbacName(this, `${this.namespaceName}.${this.name}`);
      this.clusterAccess = createClusterAccess(this, name, this.toSubjectConfiguration());
    }
    return this.clusterAccess;
  }
}
