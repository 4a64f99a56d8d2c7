import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { fail, show, validateDnsLabel, validateDnsSubdomain, validateReason } from './private/validation';

/** EBS volume type (`type` parameter of the AWS EBS CSI driver). */
export enum EbsVolumeType {
  /** General purpose SSD gp3 (the driver's default). */
  GP3 = 'gp3',
  /** General purpose SSD gp2. */
  GP2 = 'gp2',
  /** Provisioned IOPS SSD io1. */
  IO1 = 'io1',
  /** Provisioned IOPS SSD io2. */
  IO2 = 'io2',
  /** Throughput optimized HDD. */
  ST1 = 'st1',
  /** Cold HDD. */
  SC1 = 'sc1',
  /** Magnetic (previous generation). */
  STANDARD = 'standard',
}

/** Google Compute Engine disk type (`type` parameter of the GCE PD CSI driver). */
export enum GcePdDiskType {
  /** Standard persistent disk (the driver's default). */
  PD_STANDARD = 'pd-standard',
  /** Balanced persistent disk. */
  PD_BALANCED = 'pd-balanced',
  /** SSD persistent disk. */
  PD_SSD = 'pd-ssd',
  /** Extreme persistent disk. */
  PD_EXTREME = 'pd-extreme',
  /** Hyperdisk Balanced. */
  HYPERDISK_BALANCED = 'hyperdisk-balanced',
  /** Hyperdisk Throughput. */
  HYPERDISK_THROUGHPUT = 'hyperdisk-throughput',
  /** Hyperdisk Extreme. */
  HYPERDISK_EXTREME = 'hyperdisk-extreme',
}

/**
 * How an Azure disk is encrypted with the customer-managed key of a disk encryption set
 * (`diskEncryptionType`). Platform-key-only encryption is not offered: it is not customer-managed.
 */
export enum AzureDiskEncryptionType {
  /** Encrypted at rest with the customer-managed key. */
  CUSTOMER_KEY = 'EncryptionAtRestWithCustomerKey',
  /** Double encryption: a platform-managed key and the customer-managed key. */
  PLATFORM_AND_CUSTOMER_KEYS = 'EncryptionAtRestWithPlatformAndCustomerKeys',
}

/** Azure managed disk SKU (`skuName` parameter of the Azure Disk CSI driver). */
export enum AzureDiskSku {
  /** Standard HDD, locally redundant. */
  STANDARD_LRS = 'Standard_LRS',
  /** Premium SSD, locally redundant. */
  PREMIUM_LRS = 'Premium_LRS',
  /** Standard SSD, locally redundant (the driver's default). */
  STANDARDSSD_LRS = 'StandardSSD_LRS',
  /** Ultra disk. */
  ULTRASSD_LRS = 'UltraSSD_LRS',
  /** Premium SSD, zone-redundant. */
  PREMIUM_ZRS = 'Premium_ZRS',
  /** Standard SSD, zone-redundant. */
  STANDARDSSD_ZRS = 'StandardSSD_ZRS',
  /** Premium SSD v2. */
  PREMIUMV2_LRS = 'PremiumV2_LRS',
}

/** What Ceph RBD encrypts (`encryptionType`). */
export enum CephEncryptionType {
  /** The whole RBD block device (LUKS). The default. */
  BLOCK = 'block',
  /** The files of the mounted file system (fscrypt). */
  FILE = 'file',
}

/**
 * A Secret the CSI sidecars hand to the driver. `name` and `namespace` may use the CSI
 * template tokens `${pvc.name}`, `${pvc.namespace}` and `${pv.name}` (a per-volume Secret).
 */
export interface CsiSecretReference {
  /** Name of the Secret. */
  readonly name: string;
  /** Namespace of the Secret. */
  readonly namespace: string;
}

/** Options shared by every CSI driver. */
export interface VolumeEncryptionCommonOptions {
  /**
   * Further StorageClass parameters of the driver (e.g. `csi.storage.k8s.io/fstype`, `iops`,
   * `numberOfReplicas`). Keys that the construct sets for encryption cannot be overridden here.
   * @default - none
   */
  readonly additionalParameters?: { [key: string]: string };
}

/** Encryption of AWS EBS volumes with a customer-managed KMS key. */
export interface AwsEbsEncryptionOptions extends VolumeEncryptionCommonOptions {
  /**
   * The full ARN of a customer-managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`) or of
   * an alias of one (`arn:aws:kms:<region>:<account>:alias/<name>`). Bare key IDs and aliases are
   * refused: they resolve in whatever account and region the CSI controller runs in.
   */
  readonly kmsKeyId: string;
  /**
   * EBS volume type.
   * @default - the driver's default (gp3)
   */
  readonly type?: EbsVolumeType;
}

/** Encryption of Google Compute Engine persistent disks with a customer-managed Cloud KMS key (CMEK). */
export interface GcePdEncryptionOptions extends VolumeEncryptionCommonOptions {
  /** The Cloud KMS key: `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`. */
  readonly kmsKey: string;
  /**
   * Disk type.
   * @default - the driver's default (pd-standard)
   */
  readonly type?: GcePdDiskType;
}

/** Encryption of Azure managed disks with the customer-managed key of a disk encryption set. */
export interface AzureDiskEncryptionOptions extends VolumeEncryptionCommonOptions {
  /**
   * Resource ID of the disk encryption set:
   * `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/diskEncryptionSets/<name>`.
   */
  readonly diskEncryptionSetId: string;
  /** The encryption type of the disk encryption set. */
  readonly encryptionType: AzureDiskEncryptionType;
  /**
   * Disk SKU.
   * @default - the driver's default (StandardSSD_LRS)
   */
  readonly skuName?: AzureDiskSku;
}

/** Encryption of Ceph RBD images with a passphrase kept in an external KMS. */
export interface CephRbdEncryptionOptions extends VolumeEncryptionCommonOptions {
  /** The `clusterID` of the ceph-csi config map entry (at most 36 bytes). */
  readonly clusterId: string;
  /** The Ceph pool the images are created in. */
  readonly pool: string;
  /** The `encryptionKMSID`: the ID of the KMS entry in the ceph-csi KMS config map. */
  readonly kmsId: string;
  /**
   * Block (LUKS) or file (fscrypt) encryption.
   * @default CephEncryptionType.BLOCK
   */
  readonly encryptionType?: CephEncryptionType;
  /**
   * The Secret with the Ceph credentials, used for provisioning, expansion and node staging
   * (and for snapshots, with `VolumeBackup.csiSnapshots()`).
   */
  readonly secret: CsiSecretReference;
}

/** Encryption of Longhorn volumes (dm-crypt / LUKS) with a key kept in a Kubernetes Secret. */
export interface LonghornEncryptionOptions extends VolumeEncryptionCommonOptions {
  /**
   * The Secret that holds `CRYPTO_KEY_VALUE` (and optionally the cipher settings), used for
   * provisioning, node staging, publishing and expansion. Use the `${pvc.name}` /
   * `${pvc.namespace}` tokens for a key per volume.
   */
  readonly secret: CsiSecretReference;
}

/** A StorageClass that exists in the cluster, outside this library. */
export interface ExistingStorageClassOptions {
  /** The name of the StorageClass. */
  readonly storageClassName: string;
  /**
   * Why you know this class encrypts volumes with a customer-managed key, e.g. who manages it
   * and where that is verified. Recorded on the claim as the acknowledgement of the audit rule
   * SB-STORAGE-CLASS-UNVERIFIED.
   */
  readonly attestation: string;
  /**
   * The CSI driver of the class (one of the drivers this library supports); only needed for
   * `VolumeBackup.csiSnapshots()`.
   * @default - unknown; csiSnapshots() is then refused
   */
  readonly provisioner?: string;
}

/** The StorageClass an EncryptedVolume creates. */
interface EncryptedClassSpec {
  readonly provisioner: string;
  readonly parameters: { [key: string]: string };
  /** `encrypted-<driver>-<hash>` */
  readonly name: string;
  /** provisioner + sorted parameters */
  readonly canonical: string;
}

type Driver = 'awsEbs' | 'gcePd' | 'azureDisk' | 'cephRbd' | 'longhorn';

/** Supported drivers: provisioner and short name. */
const DRIVERS: Record<Driver, { provisioner: string; short: string }> = {
  awsEbs: { provisioner: 'ebs.csi.aws.com', short: 'ebs' },
  gcePd: { provisioner: 'pd.csi.storage.gke.io', short: 'gcepd' },
  azureDisk: { provisioner: 'disk.csi.azure.com', short: 'azuredisk' },
  cephRbd: { provisioner: 'rbd.csi.ceph.com', short: 'cephrbd' },
  longhorn: { provisioner: 'driver.longhorn.io', short: 'longhorn' },
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const AWS_KMS_ARN = new RegExp(
  `^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}):([0-9]{12}):(key/(?:${UUID}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]{1,250})$`,
);
const GCP_KMS_KEY = /^projects\/([a-z][-a-z0-9]{4,28}[a-z0-9]|[a-z0-9][-a-z0-9.]*[a-z0-9]:[a-z][-a-z0-9]{4,28}[a-z0-9])\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
const AZURE_DES_ID = new RegExp(
  `^/subscriptions/${UUID}/resourceGroups/[-\\w.()]{0,89}[-\\w()]/providers/Microsoft\\.Compute/diskEncryptionSets/[A-Za-z0-9_-]{1,80}$`,
  'i',
);
const CSI_TEMPLATE = /\$\{(pvc\.name|pvc\.namespace|pv\.name)\}/g;

/**
 * How an EncryptedVolume is encrypted at rest: the CSI driver and its customer-managed key.
 * Every option encrypts; none turns encryption off.
 *
 * @example
 * VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' })
 */
export class VolumeEncryption {
  /**
   * The StorageClass provisioners this library creates encrypted classes for, by factory.
   */
  public static readonly PROVISIONERS: { [factory: string]: string } = Object.fromEntries(
    Object.entries(DRIVERS).map(([k, v]) => [k, v.provisioner]),
  );

  /**
   * AWS EBS CSI driver (`ebs.csi.aws.com`): `encrypted: "true"` and `kmsKeyId`.
   * Source: kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md.
   */
  public static awsEbs(options: AwsEbsEncryptionOptions): VolumeEncryption {
    return new VolumeEncryption('awsEbs', options);
  }

  /**
   * GCE PD CSI driver (`pd.csi.storage.gke.io`): `disk-encryption-kms-key`.
   * Source: kubernetes-sigs/gcp-compute-persistent-disk-csi-driver README.md ("CreateVolume
   * Parameters") and pkg/common/parameters.go, later pkg/parameters/constants.go
   * (`ParameterKeyDiskEncryptionKmsKey = "disk-encryption-kms-key"`).
   */
  public static gcePd(options: GcePdEncryptionOptions): VolumeEncryption {
    return new VolumeEncryption('gcePd', options);
  }

  /**
   * Azure Disk CSI driver (`disk.csi.azure.com`): `diskEncryptionSetID` and `diskEncryptionType`.
   * Source: kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md.
   */
  public static azureDisk(options: AzureDiskEncryptionOptions): VolumeEncryption {
    return new VolumeEncryption('azureDisk', options);
  }

  /**
   * Ceph RBD CSI driver (`rbd.csi.ceph.com`): `encrypted: "true"`, `encryptionType`,
   * `encryptionKMSID`, `clusterID`, `pool` and the provisioner / controller-expand / node-stage
   * Secret parameters. Source: ceph/ceph-csi examples/rbd/storageclass.yaml.
   */
  public static cephRbd(options: CephRbdEncryptionOptions): VolumeEncryption {
    return new VolumeEncryption('cephRbd', options);
  }

  /**
   * Longhorn (`driver.longhorn.io`): `encrypted: "true"` and the provisioner / node-publish /
   * node-stage / node-expand Secret parameters. Source: longhorn.io docs "Volume Encryption"
   * (longhorn/website content/docs/<version>/advanced-resources/security/volume-encryption.md).
   */
  public static longhorn(options: LonghornEncryptionOptions): VolumeEncryption {
    return new VolumeEncryption('longhorn', options);
  }

  /**
   * A StorageClass that this library did not create and cannot verify. Needs an attestation,
   * which is written on the claim and shown by the audit.
   */
  public static existingClass(options: ExistingStorageClassOptions): VolumeEncryption {
    return new VolumeEncryption('existing', options);
  }

  /**
   * The short name (`ebs`, `gcepd`, `azuredisk`, `cephrbd`, `longhorn`) of a supported
   * provisioner; fails for any other.
   * @internal
   */
  public static _shortName(scope: IConstruct, what: string, provisioner: string): string {
    const d = Object.values(DRIVERS).find((x) => x.provisioner === provisioner);
    if (!d) {
      fail(
        scope,
        `${what} ${show(provisioner)} is not a provisioner this library knows to encrypt`,
        `use one of ${Object.values(DRIVERS).map((x) => x.provisioner).join(', ')}`,
      );
    }
    return d.short;
  }

  /**
   * The CSI driver (StorageClass provisioner); undefined for an existing class without one.
   */
  public readonly provisioner?: string;

  /** Human-readable description, e.g. `awsEbs`, `existingClass(fast-encrypted)`. */
  public readonly description: string;

  private constructor(private readonly kind: Driver | 'existing', private readonly options: any) {
    const opts = options ?? {};
    if (kind === 'existing') {
      this.provisioner = opts.provisioner;
      this.description = `existingClass(${opts.storageClassName})`;
    } else {
      this.provisioner = DRIVERS[kind].provisioner;
      this.description = kind;
    }
  }

  /**
   * The StorageClass to create, validated; undefined for an existing class.
   * @internal
   */
  public _classSpec(scope: IConstruct): EncryptedClassSpec | undefined {
    if (this.kind === 'existing') return undefined;
    const o = this.options ?? {};
    const what = `encryption ${this.kind}`;
    if (Object.prototype.hasOwnProperty.call(o, 'encrypted') && o.encrypted !== true) {
      fail(
        scope,
        `${what} sets encrypted ${show(o.encrypted)}`,
        'remove it: an EncryptedVolume is always encrypted with a customer-managed key and no option turns that off',
      );
    }
    const params: Record<string, string> = {};
    switch (this.kind) {
      case 'awsEbs':
        params.encrypted = 'true';
        params.kmsKeyId = awsKmsKey(scope, `${what} kmsKeyId`, o.kmsKeyId);
        if (o.type !== undefined) params.type = oneOf(scope, `${what} type`, o.type, EbsVolumeType);
        break;
      case 'gcePd':
        params['disk-encryption-kms-key'] = gcpKmsKey(scope, `${what} kmsKey`, o.kmsKey);
        if (o.type !== undefined) params.type = oneOf(scope, `${what} type`, o.type, GcePdDiskType);
        break;
      case 'azureDisk':
        params.diskEncryptionSetID = azureDesId(scope, `${what} diskEncryptionSetId`, o.diskEncryptionSetId);
        if (o.encryptionType === 'EncryptionAtRestWithPlatformKey') {
          fail(scope, `${what} encryptionType ${show(o.encryptionType)} is not customer-managed`, 'use AzureDiskEncryptionType.CUSTOMER_KEY or PLATFORM_AND_CUSTOMER_KEYS');
        }
        params.diskEncryptionType = oneOf(scope, `${what} encryptionType`, o.encryptionType, AzureDiskEncryptionType);
        if (o.skuName !== undefined) params.skuName = oneOf(scope, `${what} skuName`, o.skuName, AzureDiskSku);
        break;
      case 'cephRbd': {
        params.clusterID = cephToken(scope, `${what} clusterId`, o.clusterId, 36);
        params.pool = cephToken(scope, `${what} pool`, o.pool, 253);
        params.encrypted = 'true';
        params.encryptionType = oneOf(scope, `${what} encryptionType`, o.encryptionType ?? CephEncryptionType.BLOCK, CephEncryptionType);
        if (typeof o.kmsId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(o.kmsId)) {
          fail(scope, `${what} kmsId ${show(o.kmsId)} is not a KMS ID`, 'give the ID of the KMS entry in the ceph-csi KMS config map (letters, digits, ".", "_" and "-"); without it the passphrase would be stored next to the image instead of in your KMS');
        }
        params.encryptionKMSID = o.kmsId;
        const s = secretRef(scope, `${what} secret`, o.secret);
        for (const use of ['provisioner', 'controller-expand', 'node-stage']) {
          params[`csi.storage.k8s.io/${use}-secret-name`] = s.name;
          params[`csi.storage.k8s.io/${use}-secret-namespace`] = s.namespace;
        }
        break;
      }
      case 'longhorn': {
        params.encrypted = 'true';
        const s = secretRef(scope, `${what} secret`, o.secret);
        for (const use of ['provisioner', 'node-publish', 'node-stage', 'node-expand']) {
          params[`csi.storage.k8s.io/${use}-secret-name`] = s.name;
          params[`csi.storage.k8s.io/${use}-secret-namespace`] = s.namespace;
        }
        break;
      }
    }
    const reserved = new Set([...Object.keys(params), 'encrypted'].map((k) => k.toLowerCase()));
    for (const [key, value] of Object.entries(o.additionalParameters ?? {})) {
      if (reserved.has(key.toLowerCase())) {
        fail(
          scope,
          `${what} additionalParameters key ${show(key)} is set by the construct for encryption`,
          `remove ${show(key)} from additionalParameters; encryption settings come from the ${this.kind}() options`,
        );
      }
      if (typeof value !== 'string') {
        fail(scope, `${what} additionalParameters ${show(key)} value ${show(value)} is not a string`, 'StorageClass parameters are strings: quote the value, e.g. "3"');
      }
      if (!/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(key)) {
        fail(scope, `${what} additionalParameters key ${show(key)} is not a valid parameter name`, 'use the parameter name documented by the CSI driver');
      }
      params[key] = value;
    }
    const provisioner = DRIVERS[this.kind].provisioner;
    const sorted = Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]]));
    const canonical = `${provisioner}\n${Object.entries(sorted).map(([k, v]) => `${k}=${v}`).join('\n')}`;
    const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 10);
    return { provisioner, parameters: sorted, name: `encrypted-${DRIVERS[this.kind].short}-${hash}`, canonical };
  }

  /**
   * The existing StorageClass and its attestation, validated; undefined when the construct
   * creates the class.
   * @internal
   */
  public _existing(scope: IConstruct): { storageClassName: string; attestation: string } | undefined {
    if (this.kind !== 'existing') return undefined;
    const o = this.options ?? {};
    const storageClassName = validateDnsSubdomain(scope, 'encryption existingClass storageClassName', o.storageClassName);
    const attestation = validateReason(scope, `using the unverified StorageClass ${show(storageClassName)}`, o.attestation);
    if (o.provisioner !== undefined) VolumeEncryption._shortName(scope, 'encryption existingClass provisioner', o.provisioner);
    return { storageClassName, attestation };
  }

  /**
   * VolumeSnapshotClass parameters the driver needs (ceph-csi: clusterID and the snapshotter
   * Secret, per ceph/ceph-csi examples/rbd/snapshotclass.yaml).
   * @internal
   */
  public _snapshotParameters(scope: IConstruct): { [key: string]: string } {
    if (this.kind !== 'cephRbd') return {};
    const spec = this._classSpec(scope)!;
    return {
      'clusterID': spec.parameters.clusterID,
      'csi.storage.k8s.io/snapshotter-secret-name': spec.parameters['csi.storage.k8s.io/provisioner-secret-name'],
      'csi.storage.k8s.io/snapshotter-secret-namespace': spec.parameters['csi.storage.k8s.io/provisioner-secret-namespace'],
    };
  }

}

function oneOf(scope: IConstruct, what: string, value: unknown, choices: Record<string, string>): string {
  const values = Object.values(choices);
  if (typeof value !== 'string' || !values.includes(value)) {
    fail(scope, `${what} ${show(value)} is not supported`, `use one of ${values.map((v) => show(v)).join(', ')}`);
  }
  return value;
}

function awsKmsKey(scope: IConstruct, what: string, value: unknown): string {
  const m = typeof value === 'string' ? AWS_KMS_ARN.exec(value) : null;
  if (!m) {
    fail(
      scope,
      `${what} ${show(value)} is not a KMS key ARN or alias ARN`,
      'write the full ARN, "arn:aws:kms:<region>:<12-digit account>:key/<key id>" or "arn:aws:kms:<region>:<12-digit account>:alias/<name>"; bare key IDs and aliases are refused because they resolve in whatever account and region the CSI controller runs in',
    );
  }
  const [, partition, region, , resource] = m;
  const regionOk = partition === 'aws-cn' ? region.startsWith('cn-')
    : partition === 'aws-us-gov' ? region.startsWith('us-gov-')
      : !region.startsWith('cn-') && !region.startsWith('us-gov-');
  if (!regionOk) {
    fail(scope, `${what} ${show(value)} puts region ${show(region)} in partition ${show(partition)}`, 'use "aws-cn" for cn-* regions, "aws-us-gov" for us-gov-* regions and "aws" for the others');
  }
  if (resource.startsWith('alias/aws/')) {
    fail(scope, `${what} ${show(value)} is an AWS managed key, not a customer-managed key`, 'create a customer-managed KMS key (with automatic rotation) and use its key or alias ARN');
  }
  return value as string;
}

function gcpKmsKey(scope: IConstruct, what: string, value: unknown): string {
  if (typeof value !== 'string' || !GCP_KMS_KEY.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a Cloud KMS key name`,
      'write "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>" (the key, not a key version)',
    );
  }
  return value;
}

function azureDesId(scope: IConstruct, what: string, value: unknown): string {
  if (typeof value !== 'string' || !AZURE_DES_ID.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a disk encryption set resource ID`,
      'write "/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.Compute/diskEncryptionSets/<name>"',
    );
  }
  return value;
}

function cephToken(scope: IConstruct, what: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > max || !/^[A-Za-z0-9._-]+$/.test(value)) {
    fail(scope, `${what} ${show(value)} is not valid`, `use 1 to ${max} letters, digits, ".", "_" or "-"`);
  }
  return value;
}

function secretRef(scope: IConstruct, what: string, ref: CsiSecretReference | undefined): CsiSecretReference {
  if (!ref || typeof ref !== 'object') {
    fail(scope, `${what} is missing`, 'name the Secret that holds the credentials or key, e.g. { name: "csi-secret", namespace: "kube-system" }');
  }
  validateDnsSubdomain(scope, `${what} name`, typeof ref.name === 'string' ? ref.name.replace(CSI_TEMPLATE, 'x') : ref.name);
  validateDnsLabel(scope, `${what} namespace`, typeof ref.namespace === 'string' ? ref.namespace.replace(CSI_TEMPLATE, 'x') : ref.namespace);
  return { name: ref.name, namespace: ref.namespace };
}
