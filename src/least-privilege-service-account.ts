import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { isApiServerAudience } from './audit/rules/sa-pod-automount';
import { AccountRbac } from './private/account-rbac';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { ApiToken, apiTokenVolumes, validateApiToken } from './private/api-token';
import { registerAppChecks } from './private/app-checks';
import { formatIdentityEgress, IDENTITY_EGRESS_ANNOTATION, RenderedIdentity } from './private/cloud-identity';
import { ImportedServiceAccount } from './private/imported-service-account';
import { claimAccountName, PodAdditions, registerAccountInternals } from './private/service-account-registry';
import { fail, show, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';
import type { IServiceAccount, RbacGrant, ServiceAccountImportOptions } from './service-account';
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
export class LeastPrivilegeServiceAccount extends Construct implements IServiceAccount {
  /** The default directory a projected API token is mounted in. */
  public static readonly DEFAULT_TOKEN_MOUNT_PATH = '/var/run/secrets/tokens';
  /** The default lifetime of a projected API token, in seconds. */
  public static readonly DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

  /**
   * An existing ServiceAccount that the app does not create (made by another tool or team), to
   * run workloads of this library as and to grant access to. Grants create a Role and RoleBinding
   * naming it, as for an account the app creates. The library cannot see what the account already
   * has in the cluster (bindings, `automountServiceAccountToken`, a cloud identity), so the pods
   * of its workloads still set `automountServiceAccountToken: false` and get no API token, no
   * egress to the API server and none to a cloud token endpoint: use a LeastPrivilegeServiceAccount
   * for pods that call the API. Grants on it serve the pods that run as it elsewhere.
   *
   * Refused: the namespace's `default` account, an account this app creates (use it directly),
   * and a second import of the same account. A workload only runs as an account of its own
   * namespace.
   */
  public static fromServiceAccountName(scope: Construct, id: string, name: string, options: ServiceAccountImportOptions = {}): IServiceAccount {
    return new ImportedServiceAccount(scope, id, name, options);
  }

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
  private readonly rbac: AccountRbac;
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
    claimAccountName(this, this.namespaceName, name, false);
    this.rbac = new AccountRbac(this, name, this.namespaceName);
    registerAccountInternals(this, this);

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
    return this.rbac.subject();
  }

  /** The Role in the account's own namespace, once something was granted there. */
  public get role(): ApiObject | undefined {
    return this.rbac.accessIn(this.namespaceName)?.role;
  }

  /** The RoleBinding in the account's own namespace, once something was granted there. */
  public get roleBinding(): ApiObject | undefined {
    return this.rbac.accessIn(this.namespaceName)?.binding;
  }

  /** The ClusterRole, once something was granted cluster-wide. */
  public get clusterRole(): ApiObject | undefined {
    return this.rbac.cluster?.role;
  }

  /** The ClusterRoleBinding, once something was granted cluster-wide. */
  public get clusterRoleBinding(): ApiObject | undefined {
    return this.rbac.cluster?.binding;
  }

  /** The namespaces this account has a Role in, sorted. */
  public get grantedNamespaces(): string[] {
    return this.rbac.grantedNamespaces;
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
    const out = this.rbac.describe();
    if (this.token && isApiServerAudience(this.token.audience)) out.push(`an API token for audience ${show(this.token.audience)}`);
    return out;
  }

  /** The Role of this account in `namespace`, if something was granted there. */
  public roleIn(namespace: string): ApiObject | undefined {
    return this.rbac.accessIn(namespace)?.role;
  }

  /**
   * Grants `verbs` on `resources` of one API group in one namespace. Grants of the account merge
   * into one Role and one RoleBinding per namespace: the first grant there creates them, later ones
   * return the same objects (`merged: true`).
   */
  public grant(options: GrantOptions): RbacGrant {
    return this.rbac.grant(options);
  }

  /** Grants `get`, `list` and `watch` on `resources` (Secrets excepted: use `grantReadSecret`). */
  public grantRead(options: ResourceGrantOptions): RbacGrant {
    return this.rbac.grantRead(options);
  }

  /** Grants `get` on one Secret, by name (never `list` or `watch`). */
  public grantReadSecret(secretName: string, options: NamedObjectOptions = {}): RbacGrant {
    return this.rbac.grantReadSecret(secretName, options);
  }

  /** Grants `get` on one ConfigMap, by name. */
  public grantReadConfigMap(configMapName: string, options: NamedObjectOptions = {}): RbacGrant {
    return this.rbac.grantReadConfigMap(configMapName, options);
  }

  /**
   * Grants `verbs` on one object of this app: the API group comes from its apiVersion, the
   * resource from its kind, the name and namespace from its metadata. A Namespace object is
   * granted in that namespace; other cluster-scoped kinds need `grantCluster()`.
   */
  public grantOnObject(obj: ApiObject, verbs: Verb[], options: ObjectGrantOptions = {}): RbacGrant {
    return this.rbac.grantOnObject(obj, verbs, options);
  }

  /**
   * Grants `verbs` on `resources` across the whole cluster: a ClusterRole and a
   * ClusterRoleBinding, merged like namespaced grants. Always needs a reason (acknowledging
   * SB-RBAC-CLUSTER-SCOPED).
   */
  public grantCluster(options: ClusterGrantOptions): RbacGrant {
    return this.rbac.grantCluster(options);
  }

  /**
   * Binds an existing ClusterRole (e.g. `view`, or one managed elsewhere) in one namespace, with a
   * RoleBinding (the same one when bound there before: `merged: true`; the result has no `role`).
   * A built-in role is judged by the RBAC risk model over what the API server puts in it:
   * `cluster-admin`, `admin`, `edit` (they read every Secret) and `system:*` roles are refused, as
   * is any built-in role with power the audit flags (grant it with a reason instead).
   */
  public bindClusterRole(clusterRoleName: string, options: BindClusterRoleOptions = {}): RbacGrant {
    return this.rbac.bindClusterRole(clusterRoleName, options);
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
  public _podAdditions(): PodAdditions {
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
}
