import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { registerAppChecks } from './private/app-checks';
import { appSingleton } from './private/singleton';
import { fail, makeClusterScoped, show, validateDnsSubdomain, validateQuantity } from './private/validation';
import { SecureNamespace } from './secure-namespace';
import { VolumeBackup } from './volume-backup';
import { VolumeEncryption } from './volume-encryption';
import type { IClaimVolume } from './workload-volumes';

/** Access mode of a PersistentVolumeClaim. */
export enum VolumeAccessMode {
  /** Read-write by a single pod. The default. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Read-write by the pods of a single node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Read-write by many nodes (not supported by block-device drivers: EBS, PD, Azure Disk, RBD). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** Props of an EncryptedVolume. */
export interface EncryptedVolumeProps {
  /**
   * Name of the PersistentVolumeClaim (a DNS-1123 subdomain). Explicit on purpose: renaming a
   * construct must never orphan the data.
   */
  readonly name: string;
  /** Requested size, a Kubernetes quantity such as `"20Gi"`. */
  readonly size: string;
  /** The CSI driver and customer-managed key that encrypt the volume. */
  readonly encryption: VolumeEncryption;
  /**
   * The SecureNamespace of the claim.
   * @default - the SecureNamespace the construct is created in
   */
  readonly namespace?: SecureNamespace;
  /**
   * Access mode of the claim.
   * @default VolumeAccessMode.READ_WRITE_ONCE_POD
   */
  readonly accessMode?: VolumeAccessMode;
  /**
   * Backups of the volume.
   * @default - none
   */
  readonly backups?: VolumeBackup[];
  /**
   * `app.kubernetes.io/part-of` label.
   * @default - none
   */
  readonly partOf?: string;
  /**
   * Extra labels on the claim.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/** Label that identifies an EncryptedVolume's claim; Velero backups select on it. */
const VOLUME_LABEL = 'cdk8s-secure-baseline.io/volume';
/** Label on every StorageClass this library creates. */
const ENCRYPTED_LABEL = 'cdk8s-secure-baseline.io/encrypted';
const BLOCK_DRIVERS = ['ebs.csi.aws.com', 'pd.csi.storage.gke.io', 'disk.csi.azure.com', 'rbd.csi.ceph.com'];

/**
 * Persistent storage encrypted at rest with a customer-managed key, retained when released, and
 * optionally backed up: a PersistentVolumeClaim in its SecureNamespace bound to an encrypting
 * StorageClass (`reclaimPolicy: Retain`, `allowVolumeExpansion: true`,
 * `volumeBindingMode: WaitForFirstConsumer`) that volumes with the same settings share.
 *
 * Mount it with `MtlsService`'s `volumes` prop.
 *
 * @example
 * new EncryptedVolume(ns, 'Data', {
 *   name: 'orders-db',
 *   size: '20Gi',
 *   encryption: VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
 *   backups: [VolumeBackup.velero({ schedule: '0 3 * * *', ttl: '720h0m0s' })],
 * });
 */
export class EncryptedVolume extends Construct implements IClaimVolume {
  /** The label key that identifies a volume's claim (Velero backups select on it). */
  public static readonly VOLUME_LABEL = VOLUME_LABEL;
  /** The label (value `"true"`) on every StorageClass this library creates. */
  public static readonly ENCRYPTED_STORAGE_CLASS_LABEL = ENCRYPTED_LABEL;

  /** The PersistentVolumeClaim name. */
  public readonly claimName: string;
  /** The namespace of the claim. */
  public readonly namespaceName: string;
  /** The PersistentVolumeClaim. */
  public readonly claim: ApiObject;
  /** Name of the StorageClass the claim is bound to. */
  public readonly storageClassName: string;
  /** The StorageClass (shared by volumes with the same settings); undefined for an existing class. */
  public readonly storageClass?: ApiObject;
  /** How the volume is encrypted. */
  public readonly encryption: VolumeEncryption;
  /** Requested size. */
  public readonly size: string;
  /** The labels that select this volume's claim (and only it) in its namespace. */
  public readonly selectorLabels: { [key: string]: string };
  /** The backup objects (Velero Schedules, VolumeSnapshotClasses), in the order of `backups`. */
  public readonly backupObjects: ApiObject[];

  constructor(scope: Construct, id: string, props: EncryptedVolumeProps) {
    super(scope, id);
    registerAppChecks(this);
    const ns = props.namespace ?? SecureNamespace.of(this);
    this.namespaceName = ns.name;
    this.claimName = validateDnsSubdomain(this, 'claim name', props.name);
    validateQuantity(this, 'size', props.size);
    this.size = props.size;
    if (!(props.encryption instanceof VolumeEncryption)) {
      fail(this, `encryption ${show(props.encryption)} is not a VolumeEncryption`, 'choose one with VolumeEncryption.awsEbs(), gcePd(), azureDisk(), cephRbd(), longhorn() or existingClass(); there is no unencrypted option');
    }
    this.encryption = props.encryption;
    const accessMode = props.accessMode ?? VolumeAccessMode.READ_WRITE_ONCE_POD;
    if (!Object.values(VolumeAccessMode).includes(accessMode)) {
      fail(this, `accessMode ${show(accessMode)} is not supported`, `use one of ${Object.values(VolumeAccessMode).map((v) => show(v)).join(', ')}`);
    }
    if (accessMode === VolumeAccessMode.READ_WRITE_MANY && BLOCK_DRIVERS.includes(this.encryption.provisioner ?? '')) {
      fail(this, `accessMode ${show(accessMode)} is not supported by ${show(this.encryption.provisioner)}`, 'block devices attach to one node: use READ_WRITE_ONCE_POD (or READ_WRITE_ONCE)');
    }
    const rejected = props as unknown as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(rejected, 'encrypted') && rejected.encrypted !== true) {
      fail(this, `encrypted ${show(rejected.encrypted)} cannot turn encryption off`, 'remove it: an EncryptedVolume is always encrypted with a customer-managed key and no option turns that off');
    }

    const annotations: Record<string, string> = {};
    const spec = this.encryption._classSpec(this);
    if (spec) {
      this.storageClass = appSingleton(this, `EncryptedStorageClass-${spec.name}`, (chart, sid) => makeClusterScoped(new ApiObject(chart, sid, {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: spec.name,
          labels: {
            'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
            [ENCRYPTED_LABEL]: 'true',
          },
        },
        provisioner: spec.provisioner,
        parameters: spec.parameters,
        reclaimPolicy: 'Retain',
        allowVolumeExpansion: true,
        volumeBindingMode: 'WaitForFirstConsumer',
      })));
      this.storageClassName = spec.name;
    } else {
      const existing = this.encryption._existing(this)!;
      this.storageClassName = existing.storageClassName;
      annotations[acknowledgementAnnotation(RuleIds.STORAGE_CLASS_UNVERIFIED)] = existing.attestation;
    }

    const volumeLabel = labelValue(this.claimName);
    this.selectorLabels = { [VOLUME_LABEL]: volumeLabel };
    const labels: Record<string, string> = {
      ...props.labels,
      'app.kubernetes.io/name': volumeLabel,
      'app.kubernetes.io/component': 'volume',
      'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
      ...(props.partOf ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
      ...this.selectorLabels,
    };
    this.claim = new ApiObject(this, 'Claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: this.claimName,
        namespace: this.namespaceName,
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        accessModes: [accessMode],
        storageClassName: this.storageClassName,
        resources: { requests: { storage: this.size } },
      },
    });

    const backups = props.backups ?? [];
    let veleroIndex = 0;
    this.backupObjects = backups.map((b, i) => {
      if (!(b instanceof VolumeBackup)) {
        fail(this, `backups[${i}] ${show(b)} is not a VolumeBackup`, 'use VolumeBackup.velero() or VolumeBackup.csiSnapshots()');
      }
      return b._bind(this, i, b.kind === 'velero' ? veleroIndex++ : 0);
    });
  }
}

/** A label value for `name`: itself when it fits 63 characters, else a prefix and a hash. */
function labelValue(name: string): string {
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, 52).replace(/[^a-z0-9]+$/, '')}-${hash}`;
}
