import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { addAdditionalParameters, Driver, DRIVERS, driverParameters } from './private/csi-encryption-parameters';
import { fail, show, validateDnsSubdomain, validateReason } from './private/validation';
import {
  AwsEbsEncryptionOptions, AzureDiskEncryptionOptions, CephRbdEncryptionOptions, ExistingStorageClassOptions, GcePdEncryptionOptions,
  LonghornEncryptionOptions,
} from './volume-encryption-options';

/** The StorageClass an EncryptedVolume creates. */
interface EncryptedClassSpec {
  readonly provisioner: string;
  readonly parameters: { [key: string]: string };
  /** `encrypted-<driver>-<hash>` */
  readonly name: string;
  /** provisioner + sorted parameters */
  readonly canonical: string;
}

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
    const params = driverParameters(scope, this.kind, o, what);
    addAdditionalParameters(scope, this.kind, o, what, params);
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
