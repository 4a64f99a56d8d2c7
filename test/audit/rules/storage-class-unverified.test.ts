import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantPodSpec, findings } from '../util';

const sc = (name: string, provisioner: string, parameters?: any) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, ...(parameters ? { parameters } : {}) });
const pvc = (name: string, storageClassName?: string | null) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'shop' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(storageClassName !== undefined ? { storageClassName } : {}) },
});

describe('SB-STORAGE-CLASS-UNVERIFIED', () => {
  test('claims on encrypted classes in the output or on trusted external classes pass', () => {
    const spec = compliantPodSpec();
    spec.volumes = [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'ebs-enc' } } } }];
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { template: { spec }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'ebs-enc' } }] } };
    expect(findings(RuleIds.STORAGE_CLASS_UNVERIFIED, [sc('ebs-enc', 'ebs.csi.aws.com', { encrypted: 'true' }), pvc('a', 'ebs-enc'), pvc('b', 'corp-encrypted'), sts], { encryptedStorageClasses: ['corp-encrypted'] })).toEqual([]);
  });

  test('flags default class, static binding, missing, unencrypted and unknown-driver classes, in PVCs, StatefulSets and ephemeral volumes', () => {
    const spec = compliantPodSpec();
    spec.volumes = [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'nfs' } } } }];
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { template: { spec }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }] } };
    expect(findings(RuleIds.STORAGE_CLASS_UNVERIFIED, [
      sc('plain', 'ebs.csi.aws.com'), sc('nfs', 'nfs.csi.k8s.io'),
      pvc('a'), pvc('b', ''), pvc('c', 'ghost'), pvc('d', 'plain'), pvc('e', 'nfs'), sts,
    ])).toEqual([
      { object: 'PersistentVolumeClaim/shop/a', jsonPath: 'spec.storageClassName', message: 'PersistentVolumeClaim uses the cluster default StorageClass (storageClassName unset), which is not known to be encrypted' },
      { object: 'PersistentVolumeClaim/shop/b', jsonPath: 'spec.storageClassName', message: 'PersistentVolumeClaim binds a pre-provisioned volume (storageClassName ""), whose encryption cannot be verified' },
      { object: 'PersistentVolumeClaim/shop/c', jsonPath: 'spec.storageClassName', message: 'PersistentVolumeClaim uses StorageClass "ghost", which is not in the output' },
      { object: 'PersistentVolumeClaim/shop/d', jsonPath: 'spec.storageClassName', message: 'PersistentVolumeClaim uses StorageClass "plain", which does not enable encryption' },
      { object: 'PersistentVolumeClaim/shop/e', jsonPath: 'spec.storageClassName', message: 'PersistentVolumeClaim uses StorageClass "nfs" with provisioner "nfs.csi.k8s.io", whose encryption cannot be verified' },
      { object: 'StatefulSet/shop/db', jsonPath: 'spec.template.spec.volumes[0].ephemeral.volumeClaimTemplate.spec.storageClassName', message: 'ephemeral volume "scratch" uses StorageClass "nfs" with provisioner "nfs.csi.k8s.io", whose encryption cannot be verified' },
      { object: 'StatefulSet/shop/db', jsonPath: 'spec.volumeClaimTemplates[0].spec.storageClassName', message: 'volumeClaimTemplate "data" uses the cluster default StorageClass (storageClassName unset), which is not known to be encrypted' },
    ]);
  });
});
