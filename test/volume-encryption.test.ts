import { Chart, Testing } from 'cdk8s';
import {
  AzureDiskEncryptionType, AzureDiskSku, CephEncryptionType, EbsVolumeType, EncryptedVolume, GcePdDiskType,
  SecureNamespace, VolumeEncryption,
} from '../src';
import { synthAndValidate } from './util/schema';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALIAS_ARN = 'arn:aws:kms:eu-west-1:111122223333:alias/orders-db';
const GCP_KEY = 'projects/shop-prod/locations/europe-west1/keyRings/storage/cryptoKeys/orders-db';
const AZURE_DES = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-storage/providers/Microsoft.Compute/diskEncryptionSets/des-orders';

/** Synthesizes one EncryptedVolume (schema-validated) in a namespace `shop`. */
function synth(encryption: VolumeEncryption, chart: Chart = Testing.chart()): any[] {
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
  new EncryptedVolume(ns, 'vol', { name: 'data', size: '10Gi', encryption });
  return synthAndValidate(chart);
}

function storageObjects(objs: any[]): any[] {
  return objs.filter((o) => o.kind === 'StorageClass' || o.kind === 'PersistentVolumeClaim');
}

function storageClass(objs: any[]): any {
  const classes = objs.filter((o) => o.kind === 'StorageClass');
  expect(classes).toHaveLength(1);
  return classes[0];
}

function expectError(encryption: VolumeEncryption, message: string) {
  expect(() => synth(encryption)).toThrow(message);
}

/** Asserts the security-relevant fields every created StorageClass shares. */
function expectHardenedClass(sc: any, provisioner: string, short: string) {
  expect(sc.apiVersion).toBe('storage.k8s.io/v1');
  expect(sc.provisioner).toBe(provisioner);
  expect(sc.reclaimPolicy).toBe('Retain');
  expect(sc.allowVolumeExpansion).toBe(true);
  expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
  expect(sc.metadata.labels['cdk8s-secure-baseline.io/encrypted']).toBe('true');
  expect(sc.metadata.name).toMatch(new RegExp(`^encrypted-${short}-[0-9a-f]{10}$`));
  expect(sc.metadata.namespace).toBeUndefined();
  for (const v of Object.values(sc.parameters)) expect(typeof v).toBe('string');
}

describe('AWS EBS', () => {
  const objs = synth(VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, type: EbsVolumeType.GP3 }));

  test('snapshot', () => {
    expect(storageObjects(objs)).toMatchSnapshot();
  });

  test('StorageClass encrypts with the customer-managed key (docs/parameters.md: encrypted, kmsKeyId)', () => {
    const sc = storageClass(objs);
    expectHardenedClass(sc, 'ebs.csi.aws.com', 'ebs');
    expect(sc.parameters).toEqual({ encrypted: 'true', kmsKeyId: KEY_ARN, type: 'gp3' });
  });

  test('the claim is bound to it', () => {
    const pvc = objs.find((o) => o.kind === 'PersistentVolumeClaim');
    expect(pvc.spec.storageClassName).toBe(storageClass(objs).metadata.name);
  });

  test.each([
    ['alias ARN', ALIAS_ARN],
    ['multi-Region key', 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab'],
    ['China partition', 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['GovCloud partition', 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
  ])('accepts a %s', (_, arn) => {
    expect(storageClass(synth(VolumeEncryption.awsEbs({ kmsKeyId: arn }))).parameters).toEqual({ encrypted: 'true', kmsKeyId: arn });
  });

  const fix = 'Fix: write the full ARN, "arn:aws:kms:<region>:<12-digit account>:key/<key id>" or "arn:aws:kms:<region>:<12-digit account>:alias/<name>"; bare key IDs and aliases are refused because they resolve in whatever account and region the CSI controller runs in';
  test.each([
    ['a bare key ID', '1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['a bare alias', 'alias/orders-db'],
    ['an 11-digit account', 'arn:aws:kms:eu-west-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['another service', 'arn:aws:s3:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['a non-UUID key', 'arn:aws:kms:eu-west-1:111122223333:key/orders'],
    ['an empty string', ''],
  ])('refuses %s', (_, arn) => {
    expectError(VolumeEncryption.awsEbs({ kmsKeyId: arn }),
      `test/ns/vol: encryption awsEbs kmsKeyId ${JSON.stringify(arn)} is not a KMS key ARN or alias ARN. ${fix}`);
  });

  test('refuses an AWS managed key', () => {
    expectError(VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs' }),
      'test/ns/vol: encryption awsEbs kmsKeyId "arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs" is an AWS managed key, not a customer-managed key. Fix: create a customer-managed KMS key (with automatic rotation) and use its key or alias ARN');
  });

  test('refuses a region outside the partition', () => {
    expectError(VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
      'test/ns/vol: encryption awsEbs kmsKeyId "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" puts region "cn-north-1" in partition "aws". Fix: use "aws-cn" for cn-* regions, "aws-us-gov" for us-gov-* regions and "aws" for the others');
  });

  test('refuses an unknown volume type (untyped callers)', () => {
    expectError(VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, type: 'gp9' as EbsVolumeType }),
      'test/ns/vol: encryption awsEbs type "gp9" is not supported. Fix: use one of "gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"');
  });
});

describe('GCE PD', () => {
  const objs = synth(VolumeEncryption.gcePd({ kmsKey: GCP_KEY, type: GcePdDiskType.PD_BALANCED }));

  test('snapshot', () => {
    expect(storageObjects(objs)).toMatchSnapshot();
  });

  test('StorageClass encrypts with the Cloud KMS key (disk-encryption-kms-key)', () => {
    const sc = storageClass(objs);
    expectHardenedClass(sc, 'pd.csi.storage.gke.io', 'gcepd');
    expect(sc.parameters).toEqual({ 'disk-encryption-kms-key': GCP_KEY, 'type': 'pd-balanced' });
  });

  test('accepts a domain-scoped project', () => {
    const key = 'projects/example.com:shop-prod/locations/global/keyRings/r/cryptoKeys/k';
    expect(storageClass(synth(VolumeEncryption.gcePd({ kmsKey: key }))).parameters).toEqual({ 'disk-encryption-kms-key': key });
  });

  test.each([
    ['a key version', `${GCP_KEY}/cryptoKeyVersions/1`],
    ['a key ring', 'projects/shop-prod/locations/europe-west1/keyRings/storage'],
    ['a bare key name', 'orders-db'],
    ['an upper-case project', 'projects/Shop/locations/europe-west1/keyRings/storage/cryptoKeys/orders-db'],
  ])('refuses %s', (_, key) => {
    expectError(VolumeEncryption.gcePd({ kmsKey: key }),
      `test/ns/vol: encryption gcePd kmsKey ${JSON.stringify(key)} is not a Cloud KMS key name. Fix: write "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>" (the key, not a key version)`);
  });
});

describe('Azure Disk', () => {
  const objs = synth(VolumeEncryption.azureDisk({
    diskEncryptionSetId: AZURE_DES,
    encryptionType: AzureDiskEncryptionType.PLATFORM_AND_CUSTOMER_KEYS,
    skuName: AzureDiskSku.PREMIUM_ZRS,
  }));

  test('snapshot', () => {
    expect(storageObjects(objs)).toMatchSnapshot();
  });

  test('StorageClass encrypts with the disk encryption set (diskEncryptionSetID, diskEncryptionType)', () => {
    const sc = storageClass(objs);
    expectHardenedClass(sc, 'disk.csi.azure.com', 'azuredisk');
    expect(sc.parameters).toEqual({
      diskEncryptionSetID: AZURE_DES,
      diskEncryptionType: 'EncryptionAtRestWithPlatformAndCustomerKeys',
      skuName: 'Premium_ZRS',
    });
  });

  test('customer key only', () => {
    const encryption = VolumeEncryption.azureDisk({ diskEncryptionSetId: AZURE_DES, encryptionType: AzureDiskEncryptionType.CUSTOMER_KEY });
    const sc = storageClass(synth(encryption));
    expect(sc.parameters).toEqual({ diskEncryptionSetID: AZURE_DES, diskEncryptionType: 'EncryptionAtRestWithCustomerKey' });
  });

  test.each([
    ['a Key Vault key', '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/k'],
    ['a non-GUID subscription', '/subscriptions/prod/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des'],
    ['a bare name', 'des-orders'],
  ])('refuses %s', (_, id) => {
    expectError(VolumeEncryption.azureDisk({ diskEncryptionSetId: id, encryptionType: AzureDiskEncryptionType.CUSTOMER_KEY }),
      `test/ns/vol: encryption azureDisk diskEncryptionSetId ${JSON.stringify(id)} is not a disk encryption set resource ID. Fix: write "/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.Compute/diskEncryptionSets/<name>"`);
  });

  test('refuses platform-managed keys (untyped callers)', () => {
    expectError(VolumeEncryption.azureDisk({ diskEncryptionSetId: AZURE_DES, encryptionType: 'EncryptionAtRestWithPlatformKey' as AzureDiskEncryptionType }),
      'test/ns/vol: encryption azureDisk encryptionType "EncryptionAtRestWithPlatformKey" is not customer-managed. Fix: use AzureDiskEncryptionType.CUSTOMER_KEY or PLATFORM_AND_CUSTOMER_KEYS');
  });

  test('requires the encryption type (untyped callers)', () => {
    expectError(VolumeEncryption.azureDisk({ diskEncryptionSetId: AZURE_DES } as any),
      'test/ns/vol: encryption azureDisk encryptionType undefined is not supported. Fix: use one of "EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys"');
  });
});

describe('Ceph RBD', () => {
  const secret = { name: 'csi-rbd-secret', namespace: 'ceph-csi' };
  const objs = synth(VolumeEncryption.cephRbd({ clusterId: 'b9127830-b0cc-4e34-aa47-9d1a2e9949a8', pool: 'replicapool', kmsId: 'vault-tenant-sa', secret }));

  test('snapshot', () => {
    expect(storageObjects(objs)).toMatchSnapshot();
  });

  test('StorageClass encrypts with the KMS passphrase (examples/rbd/storageclass.yaml)', () => {
    const sc = storageClass(objs);
    expectHardenedClass(sc, 'rbd.csi.ceph.com', 'cephrbd');
    expect(sc.parameters).toEqual({
      'clusterID': 'b9127830-b0cc-4e34-aa47-9d1a2e9949a8',
      'pool': 'replicapool',
      'encrypted': 'true',
      'encryptionType': 'block',
      'encryptionKMSID': 'vault-tenant-sa',
      'csi.storage.k8s.io/provisioner-secret-name': 'csi-rbd-secret',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'ceph-csi',
      'csi.storage.k8s.io/controller-expand-secret-name': 'csi-rbd-secret',
      'csi.storage.k8s.io/controller-expand-secret-namespace': 'ceph-csi',
      'csi.storage.k8s.io/node-stage-secret-name': 'csi-rbd-secret',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'ceph-csi',
    });
  });

  test('file encryption', () => {
    const sc = storageClass(synth(VolumeEncryption.cephRbd({ clusterId: 'c1', pool: 'p', kmsId: 'k', secret, encryptionType: CephEncryptionType.FILE })));
    expect(sc.parameters.encryptionType).toBe('file');
  });

  test('refuses a missing KMS ID', () => {
    expectError(VolumeEncryption.cephRbd({ clusterId: 'c1', pool: 'p', kmsId: '', secret }),
      'test/ns/vol: encryption cephRbd kmsId "" is not a KMS ID. Fix: give the ID of the KMS entry in the ceph-csi KMS config map');
  });

  test('refuses a cluster ID over 36 bytes', () => {
    const id = 'x'.repeat(37);
    expectError(VolumeEncryption.cephRbd({ clusterId: id, pool: 'p', kmsId: 'k', secret }),
      `test/ns/vol: encryption cephRbd clusterId "${id}" is not valid. Fix: use 1 to 36 letters, digits, ".", "_" or "-"`);
  });

  test('refuses a bad Secret namespace', () => {
    expectError(VolumeEncryption.cephRbd({ clusterId: 'c1', pool: 'p', kmsId: 'k', secret: { name: 's', namespace: 'Ceph CSI' } }),
      'test/ns/vol: encryption cephRbd secret namespace "Ceph CSI" is not a valid DNS-1123 label');
  });
});

describe('Longhorn', () => {
  const objs = synth(VolumeEncryption.longhorn({ secret: { name: 'longhorn-crypto', namespace: 'longhorn-system' } }));

  test('snapshot', () => {
    expect(storageObjects(objs)).toMatchSnapshot();
  });

  test('StorageClass encrypts with the key Secret on every CSI call that needs it', () => {
    const sc = storageClass(objs);
    expectHardenedClass(sc, 'driver.longhorn.io', 'longhorn');
    expect(sc.parameters).toEqual({
      'encrypted': 'true',
      'csi.storage.k8s.io/provisioner-secret-name': 'longhorn-crypto',
      'csi.storage.k8s.io/provisioner-secret-namespace': 'longhorn-system',
      'csi.storage.k8s.io/node-publish-secret-name': 'longhorn-crypto',
      'csi.storage.k8s.io/node-publish-secret-namespace': 'longhorn-system',
      'csi.storage.k8s.io/node-stage-secret-name': 'longhorn-crypto',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'longhorn-system',
      'csi.storage.k8s.io/node-expand-secret-name': 'longhorn-crypto',
      'csi.storage.k8s.io/node-expand-secret-namespace': 'longhorn-system',
    });
  });

  test('a key per volume with CSI template tokens', () => {
    const sc = storageClass(synth(VolumeEncryption.longhorn({ secret: { name: '${pvc.name}-key', namespace: '${pvc.namespace}' } })));
    expect(sc.parameters['csi.storage.k8s.io/node-stage-secret-name']).toBe('${pvc.name}-key');
    expect(sc.parameters['csi.storage.k8s.io/node-stage-secret-namespace']).toBe('${pvc.namespace}');
  });

  test('refuses a missing Secret (untyped callers)', () => {
    expectError(VolumeEncryption.longhorn({} as any),
      'test/ns/vol: encryption longhorn secret is missing. Fix: name the Secret that holds the credentials or key');
  });
});

describe('additional parameters', () => {
  test('are added, and change the class', () => {
    const plain = storageClass(synth(VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN })));
    const tuned = storageClass(synth(VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, additionalParameters: { 'csi.storage.k8s.io/fstype': 'xfs' } })));
    expect(tuned.parameters).toEqual({ 'encrypted': 'true', 'kmsKeyId': KEY_ARN, 'csi.storage.k8s.io/fstype': 'xfs' });
    expect(tuned.metadata.name).not.toBe(plain.metadata.name);
  });

  test('cannot override an encryption parameter (case-insensitive, as the EBS driver reads them)', () => {
    expectError(VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, additionalParameters: { KMSKEYID: 'arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs' } }),
      'test/ns/vol: encryption awsEbs additionalParameters key "KMSKEYID" is set by the construct for encryption. Fix: remove "KMSKEYID" from additionalParameters; encryption settings come from the awsEbs() options');
  });

  test('must be strings (untyped callers)', () => {
    expectError(VolumeEncryption.longhorn({ secret: { name: 's', namespace: 'n' }, additionalParameters: { numberOfReplicas: 3 as any } }),
      'test/ns/vol: encryption longhorn additionalParameters "numberOfReplicas" value 3 is not a string. Fix: StorageClass parameters are strings');
  });
});

describe('encryption cannot be turned off', () => {
  test.each([
    ['awsEbs', VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, encrypted: false } as any)],
    ['gcePd', VolumeEncryption.gcePd({ kmsKey: GCP_KEY, encrypted: false } as any)],
    ['longhorn', VolumeEncryption.longhorn({ secret: { name: 's', namespace: 'n' }, encrypted: false } as any)],
  ])('%s with encrypted: false', (kind, encryption) => {
    expectError(encryption,
      `test/ns/vol: encryption ${kind} sets encrypted false. Fix: remove it: an EncryptedVolume is always encrypted with a customer-managed key and no option turns that off`);
  });

  test.each([
    ['awsEbs', VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN, additionalParameters: { encrypted: 'false' } })],
    ['gcePd', VolumeEncryption.gcePd({ kmsKey: GCP_KEY, additionalParameters: { encrypted: 'false' } })],
    ['cephRbd', VolumeEncryption.cephRbd({ clusterId: 'c', pool: 'p', kmsId: 'k', secret: { name: 's', namespace: 'n' }, additionalParameters: { Encrypted: 'false' } })],
  ])('%s with additionalParameters encrypted "false"', (kind, encryption) => {
    expect(() => synth(encryption)).toThrow(new RegExp(`^test/ns/vol: encryption ${kind} additionalParameters key "[eE]ncrypted" is set by the construct for encryption\\. Fix: `));
  });

  test('an EncryptedVolume with encrypted: false', () => {
    const ns = new SecureNamespace(Testing.chart(), 'ns', { name: 'shop' });
    expect(() => new EncryptedVolume(ns, 'vol', { name: 'data', size: '1Gi', encryption: VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN }), encrypted: false } as any))
      .toThrow('test/ns/vol: encrypted false cannot turn encryption off. Fix: remove it: an EncryptedVolume is always encrypted with a customer-managed key and no option turns that off');
  });

  test('an EncryptedVolume without a VolumeEncryption', () => {
    const ns = new SecureNamespace(Testing.chart(), 'ns', { name: 'shop' });
    expect(() => new EncryptedVolume(ns, 'vol', { name: 'data', size: '1Gi', encryption: undefined as any }))
      .toThrow('test/ns/vol: encryption undefined is not a VolumeEncryption. Fix: choose one with VolumeEncryption.awsEbs(), gcePd(), azureDisk(), cephRbd(), longhorn() or existingClass(); there is no unencrypted option');
  });
});

describe('existing classes', () => {
  test('refuse an unknown provisioner', () => {
    expectError(VolumeEncryption.existingClass({ storageClassName: 'gold', attestation: 'Platform team encrypts gold with the org CMK, see PLAT-123.', provisioner: 'example.com/csi' }),
      'test/ns/vol: encryption existingClass provisioner "example.com/csi" is not a provisioner this library knows to encrypt. Fix: use one of ebs.csi.aws.com, pd.csi.storage.gke.io, disk.csi.azure.com, rbd.csi.ceph.com, driver.longhorn.io');
  });
});

test('the supported provisioners', () => {
  expect(VolumeEncryption.PROVISIONERS).toEqual({
    awsEbs: 'ebs.csi.aws.com',
    gcePd: 'pd.csi.storage.gke.io',
    azureDisk: 'disk.csi.azure.com',
    cephRbd: 'rbd.csi.ceph.com',
    longhorn: 'driver.longhorn.io',
  });
});
