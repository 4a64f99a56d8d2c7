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
