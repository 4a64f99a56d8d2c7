import { Chart, Testing } from 'cdk8s';
import {
  AzureDiskEncryptionType, EncryptedVolume, EncryptedVolumeProps, SecureNamespace, VolumeAccessMode, VolumeEncryption,
} from '../src';
import { synthAndValidate } from './util/schema';
import { SecurityAudit } from '../src/audit/security-audit';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab';
const ATTESTATION = 'The platform team manages gold-encrypted with the org CMK; verified in PLAT-1234.';
const ebs = () => VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN });

function volume(props: Partial<EncryptedVolumeProps> = {}, chart: Chart = Testing.chart()): { chart: Chart; vol: EncryptedVolume } {
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
  const vol = new EncryptedVolume(ns, 'vol', { name: 'orders-db', size: '20Gi', encryption: ebs(), ...props });
  return { chart, vol };
}

function ofKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

function expectError(props: Partial<EncryptedVolumeProps>, message: string) {
  expect(() => volume(props)).toThrow(message);
}

describe('EncryptedVolume defaults', () => {
  const { chart, vol } = volume();
  const objs = synthAndValidate(chart);
  const pvc = ofKind(objs, 'PersistentVolumeClaim')[0];

  test('snapshot', () => {
    expect(objs.filter((o) => ['PersistentVolumeClaim', 'StorageClass'].includes(o.kind))).toMatchSnapshot();
  });

  test('one claim in the SecureNamespace, single-pod read-write, bound to the encrypted class', () => {
    expect(ofKind(objs, 'PersistentVolumeClaim')).toHaveLength(1);
    expect(pvc.metadata.name).toBe('orders-db');
    expect(pvc.metadata.namespace).toBe('shop');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOncePod'],
      storageClassName: ofKind(objs, 'StorageClass')[0].metadata.name,
      resources: { requests: { storage: '20Gi' } },
    });
  });

  test('labels: app.kubernetes.io/* and the volume label backups select on', () => {
    expect(pvc.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'orders-db',
      'app.kubernetes.io/component': 'volume',
      'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
      'cdk8s-secure-baseline.io/volume': 'orders-db',
    });
    expect(vol.selectorLabels).toEqual({ [EncryptedVolume.VOLUME_LABEL]: 'orders-db' });
  });

  test('no acknowledgement on a claim whose class the library created', () => {
    expect(pvc.metadata.annotations).toBeUndefined();
  });

  test('exposes what MtlsService mounts', () => {
    expect(vol.claimName).toBe('orders-db');
    expect(vol.namespaceName).toBe('shop');
    expect(vol.storageClassName).toBe(pvc.spec.storageClassName);
    expect(vol.claim.toJson()).toEqual(pvc);
    expect(vol.storageClass!.toJson().metadata.name).toBe(vol.storageClassName);
    expect(vol.encryption.provisioner).toBe('ebs.csi.aws.com');
  });

  test('the StorageClass is retained, expandable and topology-aware', () => {
    const sc = ofKind(objs, 'StorageClass')[0];
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.allowVolumeExpansion).toBe(true);
    expect(sc.volumeBindingMode).toBe('WaitForFirstConsumer');
    expect(sc.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
      'cdk8s-secure-baseline.io/encrypted': 'true',
    });
  });

  test('the audit finds no storage problem', () => {
    const result = SecurityAudit.auditManifests(objs);
    expect(result.findings.filter((f) => f.ruleId.startsWith('SB-STORAGE'))).toEqual([]);
  });
});

describe('options', () => {
  test('access mode, part-of and extra labels', () => {
    const { chart } = volume({ accessMode: VolumeAccessMode.READ_WRITE_ONCE, partOf: 'shop', labels: { 'team': 'orders', 'cdk8s-secure-baseline.io/volume': 'spoofed' } });
    const pvc = ofKind(synthAndValidate(chart), 'PersistentVolumeClaim')[0];
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pvc.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
    expect(pvc.metadata.labels.team).toBe('orders');
    expect(pvc.metadata.labels['cdk8s-secure-baseline.io/volume']).toBe('orders-db');
  });

  test('an explicit namespace, from outside any SecureNamespace', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'billing' });
    const vol = new EncryptedVolume(chart, 'vol', { name: 'ledger', size: '5Gi', encryption: ebs(), namespace: ns });
    expect(vol.namespaceName).toBe('billing');
    expect(ofKind(synthAndValidate(chart), 'PersistentVolumeClaim')[0].metadata.namespace).toBe('billing');
  });

  test('the StorageClass is cluster-scoped even in a chart with a namespace', () => {
    const chart = new Chart(Testing.app(), 'scoped', { namespace: 'elsewhere' });
    volume({}, chart);
    const objs = synthAndValidate(chart);
    expect(ofKind(objs, 'StorageClass')[0].metadata.namespace).toBeUndefined();
    expect(ofKind(objs, 'PersistentVolumeClaim')[0].metadata.namespace).toBe('shop');
  });

  test('a claim name too long for a label value is hashed in the labels', () => {
    const name = `orders-${'a'.repeat(70)}`;
    const { chart, vol } = volume({ name });
    const pvc = ofKind(synthAndValidate(chart), 'PersistentVolumeClaim')[0];
    expect(pvc.metadata.name).toBe(name);
    const label = pvc.metadata.labels['cdk8s-secure-baseline.io/volume'];
    expect(label).toMatch(/^orders-a+-[0-9a-f]{10}$/);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(vol.selectorLabels['cdk8s-secure-baseline.io/volume']).toBe(label);
  });
});

describe('shared StorageClass', () => {
  test('two volumes with the same settings share one StorageClass', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
    const a = new EncryptedVolume(ns, 'a', { name: 'a', size: '1Gi', encryption: ebs() });
    const b = new EncryptedVolume(ns, 'b', { name: 'b', size: '2Gi', encryption: ebs() });
    const objs = synthAndValidate(chart);
    expect(ofKind(objs, 'StorageClass')).toHaveLength(1);
    expect(a.storageClassName).toBe(b.storageClassName);
    expect(a.storageClass).toBe(b.storageClass);
    expect(ofKind(objs, 'PersistentVolumeClaim').map((p) => p.spec.storageClassName)).toEqual([a.storageClassName, a.storageClassName]);
  });

  test('different settings get different classes', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
    const a = new EncryptedVolume(ns, 'a', { name: 'a', size: '1Gi', encryption: ebs() });
    const b = new EncryptedVolume(ns, 'b', { name: 'b', size: '1Gi', encryption: VolumeEncryption.awsEbs({ kmsKeyId: OTHER_KEY_ARN }) });
    const objs = synthAndValidate(chart);
    expect(ofKind(objs, 'StorageClass').map((s) => s.parameters.kmsKeyId).sort()).toEqual([KEY_ARN, OTHER_KEY_ARN].sort());
    expect(a.storageClassName).not.toBe(b.storageClassName);
  });

  test('shared across charts and namespaces of one app, emitted once', () => {
    const app = Testing.app();
    const c1 = new Chart(app, 'one');
    const c2 = new Chart(app, 'two');
    const a = new EncryptedVolume(new SecureNamespace(c1, 'ns', { name: 'shop' }), 'v', { name: 'a', size: '1Gi', encryption: ebs() });
    const b = new EncryptedVolume(new SecureNamespace(c2, 'ns', { name: 'billing' }), 'v', { name: 'b', size: '1Gi', encryption: ebs() });
    expect(a.storageClassName).toBe(b.storageClassName);
    expect(ofKind(synthAndValidate(c1), 'StorageClass')).toHaveLength(1);
    expect(ofKind(synthAndValidate(c2), 'StorageClass')).toHaveLength(0);
  });

  test('the class name is deterministic: settings, not construct paths', () => {
    const name = (chart: Chart, id: string) => new EncryptedVolume(new SecureNamespace(chart, id, { name: 'x' }), id, { name: 'x', size: '1Gi', encryption: ebs() }).storageClassName;
    expect(name(Testing.chart(), 'first')).toBe(name(Testing.chart(), 'second'));
  });
});

describe('existing StorageClass', () => {
  const { chart, vol } = volume({
    encryption: VolumeEncryption.existingClass({ storageClassName: 'gold-encrypted', attestation: ATTESTATION }),
  });
  const objs = synthAndValidate(chart);
  const pvc = ofKind(objs, 'PersistentVolumeClaim')[0];

  test('snapshot', () => {
    expect(pvc).toMatchSnapshot();
  });

  test('no StorageClass is created; the claim uses the named class', () => {
    expect(ofKind(objs, 'StorageClass')).toEqual([]);
    expect(pvc.spec.storageClassName).toBe('gold-encrypted');
    expect(vol.storageClass).toBeUndefined();
    expect(vol.storageClassName).toBe('gold-encrypted');
  });

  test('the attestation is recorded as the acknowledgement of SB-STORAGE-CLASS-UNVERIFIED', () => {
    expect(pvc.metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-STORAGE-CLASS-UNVERIFIED': ATTESTATION });
  });

  test('the audit shows the finding as acknowledged, with the attestation', () => {
    const findings = SecurityAudit.auditManifests(objs).findings.filter((f) => f.ruleId === 'SB-STORAGE-CLASS-UNVERIFIED');
    expect(findings).toHaveLength(1);
    expect(findings[0].acknowledged).toBe(true);
    expect(findings[0].acknowledgement?.reason).toBe(ATTESTATION);
  });

  test('a trivial attestation is refused', () => {
    expectError({ encryption: VolumeEncryption.existingClass({ storageClassName: 'gold', attestation: 'todo' }) },
      'test/ns/vol: the reason for using the unverified StorageClass "gold" "todo" is empty or trivial. Fix: explain in at least 20 characters and 3 words why this is needed and why it is safe');
  });

  test('an invalid class name is refused', () => {
    expectError({ encryption: VolumeEncryption.existingClass({ storageClassName: 'Gold_Encrypted', attestation: ATTESTATION }) },
      'test/ns/vol: encryption existingClass storageClassName "Gold_Encrypted" is not a valid DNS-1123 subdomain');
  });
});

describe('bad input', () => {
  test.each(['ten', '0', '-1Gi', '', '10 Gi'])('size %p', (size) => {
    expectError({ size },
      `test/ns/vol: size ${JSON.stringify(size)} is not a valid positive Kubernetes quantity. Fix: write a number with an optional suffix, e.g. "500m", "256Mi", "10Gi"`);
  });

  test.each(['Orders', 'orders_db', '-orders', ''])('claim name %p', (name) => {
    expectError({ name },
      `test/ns/vol: claim name ${JSON.stringify(name)} is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters`);
  });

  test('ReadWriteMany on a block-device driver', () => {
    expectError({ accessMode: VolumeAccessMode.READ_WRITE_MANY },
      'test/ns/vol: accessMode "ReadWriteMany" is not supported by "ebs.csi.aws.com". Fix: block devices attach to one node: use READ_WRITE_ONCE_POD (or READ_WRITE_ONCE)');
    expectError({ accessMode: VolumeAccessMode.READ_WRITE_MANY, encryption: VolumeEncryption.azureDisk({ diskEncryptionSetId: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des', encryptionType: AzureDiskEncryptionType.CUSTOMER_KEY }) },
      'test/ns/vol: accessMode "ReadWriteMany" is not supported by "disk.csi.azure.com"');
  });

  test('an unknown access mode (untyped callers)', () => {
    expectError({ accessMode: 'ReadWriteSometimes' as VolumeAccessMode },
      'test/ns/vol: accessMode "ReadWriteSometimes" is not supported. Fix: use one of "ReadWriteOncePod", "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"');
  });

  test('outside a SecureNamespace', () => {
    expect(() => new EncryptedVolume(Testing.chart(), 'vol', { name: 'x', size: '1Gi', encryption: ebs() }))
      .toThrow('test/vol: is not inside a SecureNamespace. Fix: create it with a SecureNamespace (or a construct inside one) as its scope');
  });
});
