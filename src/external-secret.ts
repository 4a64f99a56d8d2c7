import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { registerAppChecks } from './private/app-checks';
import { fail, goDuration, show, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';
import type { IServiceAccount, RbacGrant } from './service-account';
import { SecretMountOptions } from './workload-volumes';

/** The kind of External Secrets Operator store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A namespaced `SecretStore` in the ExternalSecret's namespace. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/**
 * The External Secrets Operator store (a `SecretStore` or `ClusterSecretStore`) that holds the
 * credentials of the external secret manager (AWS Secrets Manager, Vault, GCP Secret Manager...).
 *
 * @example
 * SecretStoreRef.clusterSecretStore('aws-secrets-manager')
 */
export class SecretStoreRef {
  /** A namespaced `SecretStore` in the same namespace as the ExternalSecret. */
  public static secretStore(name: string): SecretStoreRef {
    return new SecretStoreRef(name, SecretStoreKind.SECRET_STORE);
  }

  /** A `ClusterSecretStore`. */
  public static clusterSecretStore(name: string): SecretStoreRef {
    return new SecretStoreRef(name, SecretStoreKind.CLUSTER_SECRET_STORE);
  }

  private constructor(
    /** The store name. */
    public readonly name: string,
    /** The store kind. */
    public readonly kind: SecretStoreKind,
  ) {}

  /** @internal */
  public _render(scope: IConstruct): { name: string; kind: string } {
    validateDnsSubdomain(scope, `${this.kind} name`, this.name);
    return { name: this.name, kind: this.kind };
  }
}

/** Who owns the Kubernetes Secret that the operator writes. */
export enum ExternalSecretCreationPolicy {
  /**
   * The operator creates the Secret and owns it: it is garbage-collected with the
   * ExternalSecret. The default.
   */
  OWNER = 'Owner',
  /** The operator creates the Secret but does not own it: it stays when the ExternalSecret is deleted. */
  ORPHAN = 'Orphan',
  /** The operator merges the keys into an existing Secret that something else created. */
  MERGE = 'Merge',
}

/** What happens to the Kubernetes Secret when the secret is deleted in the external store. */
export enum ExternalSecretDeletionPolicy {
  /** Keep the Secret as it was (the operator's default): workloads keep running. */
  RETAIN = 'Retain',
  /** Delete the Secret. Only with `ExternalSecretCreationPolicy.OWNER`. */
  DELETE = 'Delete',
  /** Remove the keys that came from the store, keep the rest of the Secret. */
  MERGE = 'Merge',
}

/** One key of the Kubernetes Secret, read from one remote secret (or one property of it). */
export interface ExternalSecretDataOptions {
  /** The key in the Kubernetes Secret (the file name when mounted). */
  readonly secretKey: string;
  /** The name (or path) of the secret in the external store. */
  readonly remoteKey: string;
  /**
   * The property of a structured (JSON) remote secret.
   * @default - the whole remote secret value
   */
  readonly property?: string;
  /**
   * The version of the remote secret.
   * @default - the store's current version
   */
  readonly version?: string;
}

/** Every property of one structured (JSON) remote secret, each as its own key. */
export interface ExternalSecretExtractOptions {
  /** The name (or path) of the secret in the external store. */
  readonly remoteKey: string;
  /**
   * Extract the properties of this property of the remote secret instead of its top level.
   * @default - the top level of the remote secret
   */
  readonly property?: string;
  /**
   * The version of the remote secret.
   * @default - the store's current version
   */
  readonly version?: string;
}

/** Props of an ExternalSecretReference. */
export interface ExternalSecretReferenceProps {
  /** The name of the ExternalSecret (a DNS-1123 subdomain). */
  readonly name: string;
  /** The store the secret is read from. */
  readonly store: SecretStoreRef;
  /**
   * Keys of the Kubernetes Secret, each read from one remote secret. At least one of `data` and
   * `dataFrom` is needed.
   * @default - none
   */
  readonly data?: ExternalSecretDataOptions[];
  /**
   * Remote structured secrets whose every property becomes a key of the Kubernetes Secret.
   * @default - none
   */
  readonly dataFrom?: ExternalSecretExtractOptions[];
  /**
   * The name of the Kubernetes Secret the operator writes (what workloads mount).
   * @default - the ExternalSecret's name
   */
  readonly secretName?: string;
  /**
   * How often the operator re-reads the store, so that rotated values reach the cluster. From
   * one minute to 24 hours, in whole seconds.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
  /**
   * Who owns the Kubernetes Secret.
   * @default ExternalSecretCreationPolicy.OWNER
   */
  readonly creationPolicy?: ExternalSecretCreationPolicy;
  /**
   * What happens to the Kubernetes Secret when the remote secret is deleted.
   * @default ExternalSecretDeletionPolicy.RETAIN
   */
  readonly deletionPolicy?: ExternalSecretDeletionPolicy;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const MIN_REFRESH_SECONDS = 60;
const MAX_REFRESH_SECONDS = 24 * 3600;

/**
 * A Secret that the cluster fetches from an external secret manager: an External Secrets
 * Operator `ExternalSecret` (`external-secrets.io/v1`, ESO ≥ 0.17) in its SecureNamespace. The
 * manifests carry only the reference (store, remote key); the value never appears in them, and the
 * operator writes the Kubernetes Secret `secretName` in the cluster.
 *
 * Mount it as read-only files with `MtlsService`'s `secretMounts`, and give a workload identity
 * `get` on exactly that Secret with `grantRead(account)` when it reads it through the API.
 *
 * @example
 * const db = new ExternalSecretReference(ns, 'Db', {
 *   name: 'orders-db',
 *   store: SecretStoreRef.clusterSecretStore('aws-secrets-manager'),
 *   data: [{ secretKey: 'password', remoteKey: 'prod/orders/db', property: 'password' }],
 * });
 * new MtlsService(ns, 'Orders', { image: 'ghcr.io/acme/orders:1.4.2', port: 8443, secretMounts: [db.secretMount('/etc/db')] });
 */
export class ExternalSecretReference extends Construct {
  /** The refresh interval used when none is given. */
  public static readonly DEFAULT_REFRESH_INTERVAL = Duration.hours(1);

  /** The name of the ExternalSecret. */
  public readonly name: string;
  /** The name of the Kubernetes Secret that the operator writes. */
  public readonly secretName: string;
  /** The namespace of the ExternalSecret and its Secret. */
  public readonly namespaceName: string;
  /** The ExternalSecret object. */
  public readonly externalSecret: ApiObject;

  constructor(scope: Construct, id: string, props: ExternalSecretReferenceProps) {
    super(scope, id);
    registerAppChecks(this);
    const ns = SecureNamespace.of(this);
    this.namespaceName = ns.name;
    this.name = validateDnsSubdomain(this, 'name', props.name);
    this.secretName = validateDnsSubdomain(this, 'secretName', props.secretName ?? props.name);
    if (!(props.store instanceof SecretStoreRef)) {
      fail(this, `store ${show(props.store)} is not a SecretStoreRef`, 'use SecretStoreRef.secretStore(name) or SecretStoreRef.clusterSecretStore(name)');
    }
    const store = props.store._render(this);

    const refresh = props.refreshInterval ?? ExternalSecretReference.DEFAULT_REFRESH_INTERVAL;
    const refreshText = goDuration(refresh);
    const refreshSeconds = refresh.toMilliseconds() / 1000;
    if (refreshText === undefined || refreshSeconds < MIN_REFRESH_SECONDS || refreshSeconds > MAX_REFRESH_SECONDS) {
      fail(
        this,
        `refreshInterval ${show(refreshText ?? `${refresh.toMilliseconds()}ms`)} is out of range`,
        'use a whole number of seconds from Duration.minutes(1) to Duration.hours(24): shorter intervals hammer the external store (rate limits, cost), longer ones keep rotated or revoked values in the cluster for more than a day',
      );
    }

    const creationPolicy = props.creationPolicy ?? ExternalSecretCreationPolicy.OWNER;
    if (!Object.values(ExternalSecretCreationPolicy).includes(creationPolicy)) {
      fail(this, `creationPolicy ${show(creationPolicy)} is not supported`, `use one of ${Object.values(ExternalSecretCreationPolicy).map((v) => show(v)).join(', ')}`);
    }
    const deletionPolicy = props.deletionPolicy ?? ExternalSecretDeletionPolicy.RETAIN;
    if (!Object.values(ExternalSecretDeletionPolicy).includes(deletionPolicy)) {
      fail(this, `deletionPolicy ${show(deletionPolicy)} is not supported`, `use one of ${Object.values(ExternalSecretDeletionPolicy).map((v) => show(v)).join(', ')}`);
    }
    if (deletionPolicy === ExternalSecretDeletionPolicy.DELETE && creationPolicy !== ExternalSecretCreationPolicy.OWNER) {
      fail(this, `deletionPolicy "Delete" needs creationPolicy "Owner", not ${show(creationPolicy)}`, 'the operator may only delete a Secret it owns: use ExternalSecretCreationPolicy.OWNER, or ExternalSecretDeletionPolicy.RETAIN / MERGE');
    }

    const data = (props.data ?? []).map((d, i) => this.renderData(d, i));
    const dataFrom = (props.dataFrom ?? []).map((d, i) => ({ extract: this.renderRemoteRef(`dataFrom[${i}]`, d.remoteKey, d.property, d.version) }));
    if (data.length + dataFrom.length === 0) {
      fail(this, 'has no data and no dataFrom', 'map at least one key: data: [{ secretKey, remoteKey, property }] or dataFrom: [{ remoteKey }]');
    }
    const seen = new Set<string>();
    for (const d of data) {
      if (seen.has(d.secretKey)) fail(this, `secretKey ${show(d.secretKey)} is mapped twice`, 'give each key of the Secret one source');
      seen.add(d.secretKey);
    }

    this.externalSecret = new ApiObject(this, 'Resource', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: this.name, namespace: this.namespaceName },
      spec: {
        secretStoreRef: store,
        refreshInterval: refreshText,
        target: {
          name: this.secretName,
          creationPolicy,
          deletionPolicy,
        },
        ...(data.length ? { data } : {}),
        ...(dataFrom.length ? { dataFrom } : {}),
      },
    });
  }

  /** Mounts the Secret as read-only files at `mountPath` (for `MtlsService`'s `secretMounts`). */
  public secretMount(mountPath: string): SecretMountOptions {
    return { secretName: this.secretName, mountPath };
  }

  /**
   * Lets `account` read this Secret through the API: `get` on exactly this Secret name, never
   * `list` or `watch` (`grantReadSecret`). Mounting it with `secretMounts` needs no grant.
   * Returns the grant: the Role and RoleBinding it created or merged into.
   */
  public grantRead(account: IServiceAccount): RbacGrant {
    return account.grantReadSecret(this.secretName, account.namespaceName === this.namespaceName ? {} : { namespace: this.namespaceName });
  }

  private renderData(d: ExternalSecretDataOptions, i: number) {
    const key = d?.secretKey;
    if (typeof key !== 'string' || key.length === 0 || key.length > 253 || !SECRET_KEY.test(key)) {
      fail(this, `data[${i}].secretKey ${show(key)} is not a valid Secret key`, "use at most 253 letters, digits, '-', '_' and '.'");
    }
    return { secretKey: key, remoteRef: this.renderRemoteRef(`data[${i}]`, d.remoteKey, d.property, d.version) };
  }

  private renderRemoteRef(what: string, key: string, property?: string, version?: string) {
    const check = (field: string, v: string | undefined, required: boolean) => {
      if (v === undefined && !required) return;
      if (typeof v !== 'string' || v.trim() === '' || v !== v.trim()) {
        fail(this, `${what}.${field} ${show(v)} is empty or has surrounding whitespace`, `give the ${field === 'remoteKey' ? 'name or path of the secret in the external store' : field} exactly`);
      }
    };
    check('remoteKey', key, true);
    check('property', property, false);
    check('version', version, false);
    return { key, ...(property !== undefined ? { property } : {}), ...(version !== undefined ? { version } : {}) };
  }
}
