import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const sc = (name: string, provisioner: string, parameters?: any) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, ...(parameters ? { parameters } : {}) });

describe('SB-STORAGE-CLASS-UNENCRYPTED', () => {
  test('encrypted classes of known drivers, and unknown drivers, pass', () => {
    expect(findings(RuleIds.STORAGE_CLASS_UNENCRYPTED, [
      sc('ebs', 'ebs.csi.aws.com', { encrypted: 'true', type: 'gp3' }),
      sc('gke', 'pd.csi.storage.gke.io', { 'disk-encryption-kms-key': 'projects/p/locations/l/keyRings/r/cryptoKeys/k' }),
      sc('azure', 'disk.csi.azure.com', { diskencryptionsetid: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/diskEncryptionSets/d' }),
      sc('ceph', 'rbd.csi.ceph.com', { encrypted: 'true' }),
      sc('longhorn', 'driver.longhorn.io', { encrypted: 'true' }),
      sc('nfs', 'nfs.csi.k8s.io'),
    ])).toEqual([]);
  });

  test('flags known drivers without encryption', () => {
    expect(findings(RuleIds.STORAGE_CLASS_UNENCRYPTED, [
      sc('ebs', 'ebs.csi.aws.com', { type: 'gp3', encrypted: 'false' }),
      sc('gke', 'pd.csi.storage.gke.io'),
      sc('azure', 'disk.csi.azure.com', { skuName: 'Premium_LRS' }),
      sc('ceph', 'rbd.csi.ceph.com'),
      sc('longhorn', 'driver.longhorn.io', { numberOfReplicas: '3' }),
    ])).toEqual([
      { object: 'StorageClass/azure', jsonPath: 'parameters.diskEncryptionSetID', message: 'StorageClass for disk.csi.azure.com does not enable encryption (parameters.diskEncryptionSetID is missing)' },
      { object: 'StorageClass/ceph', jsonPath: 'parameters.encrypted', message: 'StorageClass for rbd.csi.ceph.com does not enable encryption (parameters.encrypted must be "true")' },
      { object: 'StorageClass/ebs', jsonPath: 'parameters.encrypted', message: 'StorageClass for ebs.csi.aws.com does not enable encryption (parameters.encrypted must be "true")' },
      { object: 'StorageClass/gke', jsonPath: 'parameters.disk-encryption-kms-key', message: 'StorageClass for pd.csi.storage.gke.io does not enable encryption (parameters.disk-encryption-kms-key is missing)' },
      { object: 'StorageClass/longhorn', jsonPath: 'parameters.encrypted', message: 'StorageClass for driver.longhorn.io does not enable encryption (parameters.encrypted must be "true")' },
    ]);
  });
});
