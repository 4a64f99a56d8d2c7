import { Chart, Testing } from 'cdk8s';
import {
  EncryptedVolume, EncryptedVolumeProps, SecureNamespace, VeleroBackupOptions, VolumeBackup, VolumeEncryption,
} from '../src';
import { synthAndValidate } from './util/schema';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ebs = () => VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN });
const ceph = (clusterId = 'c1') => VolumeEncryption.cephRbd({ clusterId, pool: 'rbd', kmsId: 'vault', secret: { name: 'csi-rbd-secret', namespace: 'ceph-csi' } });
const DAILY: VeleroBackupOptions = { schedule: '0 3 * * *', ttl: '720h0m0s' };

function synth(props: Partial<EncryptedVolumeProps>, chart: Chart = Testing.chart()): any[] {
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
  new EncryptedVolume(ns, 'vol', { name: 'orders-db', size: '20Gi', encryption: ebs(), ...props });
  return synthAndValidate(chart);
}

function ofKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

function expectError(props: Partial<EncryptedVolumeProps>, message: string) {
  expect(() => synth(props)).toThrow(message);
}

describe('Velero schedule', () => {
  const objs = synth({ backups: [VolumeBackup.velero(DAILY)] });
  const schedule = ofKind(objs, 'Schedule')[0];
  const pvc = ofKind(objs, 'PersistentVolumeClaim')[0];

  test('snapshot', () => {
    expect(schedule).toMatchSnapshot();
  });

  test('a velero.io/v1 Schedule in the Velero namespace', () => {
    expect(ofKind(objs, 'Schedule')).toHaveLength(1);
    expect(schedule.apiVersion).toBe('velero.io/v1');
    expect(schedule.metadata.name).toBe('shop-orders-db');
    expect(schedule.metadata.namespace).toBe('velero');
  });

  test('backs up exactly the claim: its namespace and its label', () => {
    expect(schedule.spec.template.includedNamespaces).toEqual(['shop']);
    expect(schedule.spec.template.labelSelector).toEqual({ matchLabels: { 'cdk8s-secure-baseline.io/volume': 'orders-db' } });
    for (const [k, v] of Object.entries(schedule.spec.template.labelSelector.matchLabels)) expect(pvc.metadata.labels[k]).toBe(v);
  });

  test('with volume snapshots (which stay encrypted), never file-system copies', () => {
    expect(schedule.spec.template.snapshotVolumes).toBe(true);
    expect(schedule.spec.template.defaultVolumesToFsBackup).toBe(false);
  });

  test('schedule and retention', () => {
    expect(schedule.spec.schedule).toBe('0 3 * * *');
    expect(schedule.spec.template.ttl).toBe('720h0m0s');
  });

  test('leaves includeClusterResources to Velero so that the PersistentVolume is included', () => {
    expect(schedule.spec.template.includeClusterResources).toBeUndefined();
  });

  test('no VolumeSnapshotClass without csiSnapshots()', () => {
    expect(ofKind(objs, 'VolumeSnapshotClass')).toEqual([]);
  });
});

describe('Velero options', () => {
  test('name, namespace, locations, cluster resources', () => {
    const objs = synth({
      backups: [VolumeBackup.velero({
        ...DAILY,
        name: 'orders-nightly',
        veleroNamespace: 'backup-system',
        storageLocation: 'eu-vault',
        volumeSnapshotLocations: ['eu-west-1'],
        includeClusterResources: true,
      })],
    });
    const s = ofKind(objs, 'Schedule')[0];
    expect(s.metadata).toMatchObject({ name: 'orders-nightly', namespace: 'backup-system' });
    expect(s.spec.template).toMatchObject({ storageLocation: 'eu-vault', volumeSnapshotLocations: ['eu-west-1'], includeClusterResources: true });
  });

  test('several schedules per volume get distinct names', () => {
    const objs = synth({ backups: [VolumeBackup.velero(DAILY), VolumeBackup.csiSnapshots(), VolumeBackup.velero({ schedule: '@weekly', ttl: '2160h' })] });
    expect(ofKind(objs, 'Schedule').map((s) => s.metadata.name)).toEqual(['shop-orders-db', 'shop-orders-db-1']);
  });

  test('the Schedule stays in the Velero namespace in a chart with a namespace', () => {
    const objs = synth({ backups: [VolumeBackup.velero(DAILY)] }, new Chart(Testing.app(), 'scoped', { namespace: 'elsewhere' }));
    expect(ofKind(objs, 'Schedule')[0].metadata.namespace).toBe('velero');
  });

  test('includeClusterResources false is refused', () => {
    expectError({ backups: [VolumeBackup.velero({ ...DAILY, includeClusterResources: false })] },
      "test/ns/vol: backups[0] includeClusterResources is false. Fix: leave it unset: with false Velero skips the claim's PersistentVolume and takes no snapshot of the volume");
  });

  test('an invalid Velero namespace is refused', () => {
    expectError({ backups: [VolumeBackup.velero({ ...DAILY, veleroNamespace: 'Velero' })] },
      'test/ns/vol: backups[0] veleroNamespace "Velero" is not a valid DNS-1123 label');
  });
});

describe('cron schedules', () => {
  test.each([
    '0 3 * * *',
    '*/15 * * * *',
    '0 0-6/2 * * 1-5',
    '30 2 1,15 * *',
    '0 4 * JAN-MAR,oct sun',
    '0 4 ? * MON',
    '5 4 * * 0',
    '  0 3 * * *  ',
    'CRON_TZ=Europe/Berlin 0 3 * * *',
    '@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually', '@midnight',
    '@every 6h',
  ])('accepts %p', (schedule) => {
    const s = ofKind(synth({ backups: [VolumeBackup.velero({ schedule, ttl: '168h' })] }), 'Schedule')[0];
    expect(s.spec.schedule).toBe(schedule.trim());
  });

  const fix = 'Fix: write 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 3 * * *") using numbers, names (JAN, MON), *, ranges a-b, steps */n and lists a,b; or a macro such as "@daily"';
  test.each([
    ['', 'it is empty'],
    ['0 3 * *', 'it has 4 fields, not 5'],
    ['0 0 3 * * *', 'it has 6 fields, not 5'],
    ['60 3 * * *', 'minute "60" is outside 0-59'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 3 0 * *', 'day-of-month "0" is outside 1-31'],
    ['0 3 * 13 *', 'month "13" is outside 1-12'],
    ['0 3 * * 7', 'day-of-week "7" is outside 0-6'],
    ['0 5-2 * * *', 'hour range "5-2" ends before it starts'],
    ['*/0 * * * *', 'minute step "0" is not a positive integer'],
    ['0 3 * * FUNDAY', 'day-of-week "FUNDAY" is not a number or name'],
    ['? 3 * * *', 'minute "?" is not a number'],
    ['0 3 * * 1--2', 'day-of-week "1--2" is malformed'],
    ['@fortnightly', 'unknown macro "@fortnightly"'],
    ['@every 1d', '@every needs a positive Go duration, got "1d"'],
  ])('refuses %p', (schedule, problem) => {
    expectError({ backups: [VolumeBackup.velero({ schedule, ttl: '168h' })] },
      `test/ns/vol: backups[0] schedule ${JSON.stringify(schedule)} is not a valid cron expression (${problem}). ${fix}`);
  });
});

describe('TTLs', () => {
  test.each(['720h0m0s', '168h', '1h30m', '90m', '1.5h', '2h45m30.5s'])('accepts %p', (ttl) => {
    expect(ofKind(synth({ backups: [VolumeBackup.velero({ schedule: '@daily', ttl })] }), 'Schedule')[0].spec.template.ttl).toBe(ttl);
  });

  test.each(['30d', '0', '0h', '-1h', '', 'h', '720', '1h 30m', '1y'])('refuses %p', (ttl) => {
    expectError({ backups: [VolumeBackup.velero({ schedule: '@daily', ttl })] },
      `test/ns/vol: backups[0] ttl ${JSON.stringify(ttl)} is not a positive Go duration. Fix: write hours, minutes and seconds such as "720h0m0s" or "168h" (units ns, us, ms, s, m, h; there is no "d": 30 days is "720h")`);
  });
});

describe('CSI snapshots', () => {
  const objs = synth({ backups: [VolumeBackup.csiSnapshots(), VolumeBackup.velero(DAILY)] });
  const vsc = ofKind(objs, 'VolumeSnapshotClass');

  test('snapshot', () => {
    expect(vsc).toMatchSnapshot();
  });

  test('a retained VolumeSnapshotClass for the volume driver, labelled for Velero', () => {
    expect(vsc).toHaveLength(1);
    expect(vsc[0]).toEqual({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: {
        name: 'ebs-retain',
        labels: {
          'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
          'velero.io/csi-volumesnapshot-class': 'true',
        },
      },
      driver: 'ebs.csi.aws.com',
      deletionPolicy: 'Retain',
    });
  });

  test('the driver equals the StorageClass provisioner', () => {
    expect(vsc[0].driver).toBe(ofKind(objs, 'StorageClass')[0].provisioner);
  });

  test('cluster-scoped even in a chart with a namespace', () => {
    const scoped = synth({ backups: [VolumeBackup.csiSnapshots()] }, new Chart(Testing.app(), 'scoped', { namespace: 'elsewhere' }));
    expect(ofKind(scoped, 'VolumeSnapshotClass')[0].metadata.namespace).toBeUndefined();
  });

  test('one per driver per app', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
    const other = VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:alias/other' });
    const a = new EncryptedVolume(ns, 'a', { name: 'a', size: '1Gi', encryption: ebs(), backups: [VolumeBackup.csiSnapshots()] });
    const b = new EncryptedVolume(ns, 'b', { name: 'b', size: '1Gi', encryption: other, backups: [VolumeBackup.csiSnapshots()] });
    new EncryptedVolume(ns, 'c', { name: 'c', size: '1Gi', encryption: VolumeEncryption.longhorn({ secret: { name: 'k', namespace: 'longhorn-system' } }), backups: [VolumeBackup.csiSnapshots()] });
    const out = synthAndValidate(chart);
    expect(ofKind(out, 'VolumeSnapshotClass').map((v) => `${v.metadata.name}:${v.driver}`)).toEqual(['ebs-retain:ebs.csi.aws.com', 'longhorn-retain:driver.longhorn.io']);
    expect(a.backupObjects[0]).toBe(b.backupObjects[0]);
  });

  test('Ceph RBD gets the clusterID and snapshotter Secret (examples/rbd/snapshotclass.yaml)', () => {
    const v = ofKind(synth({ encryption: ceph(), backups: [VolumeBackup.csiSnapshots()] }), 'VolumeSnapshotClass')[0];
    expect(v.driver).toBe('rbd.csi.ceph.com');
    expect(v.deletionPolicy).toBe('Retain');
    expect(v.parameters).toEqual({
      'clusterID': 'c1',
      'csi.storage.k8s.io/snapshotter-secret-name': 'csi-rbd-secret',
      'csi.storage.k8s.io/snapshotter-secret-namespace': 'ceph-csi',
    });
  });

  test('two Ceph clusters cannot share the one labelled class', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'shop' });
    new EncryptedVolume(ns, 'a', { name: 'a', size: '1Gi', encryption: ceph('c1'), backups: [VolumeBackup.csiSnapshots()] });
    expect(() => new EncryptedVolume(ns, 'b', { name: 'b', size: '1Gi', encryption: ceph('c2'), backups: [VolumeBackup.csiSnapshots()] }))
      .toThrow('test/ns/b: backups[0] csiSnapshots() needs a VolumeSnapshotClass for "rbd.csi.ceph.com" with parameters {"clusterID":"c2","csi.storage.k8s.io/snapshotter-secret-name":"csi-rbd-secret","csi.storage.k8s.io/snapshotter-secret-namespace":"ceph-csi"}, but the app already has one with other parameters. Fix: use the same Ceph cluster and Secret for every volume with csiSnapshots(): Velero picks exactly one labelled VolumeSnapshotClass per driver');
  });

  test('an existing class with its provisioner', () => {
    const out = synth({
      encryption: VolumeEncryption.existingClass({ storageClassName: 'gold', attestation: 'Platform team encrypts gold with the org CMK, see PLAT-123.', provisioner: 'pd.csi.storage.gke.io' }),
      backups: [VolumeBackup.csiSnapshots()],
    });
    expect(ofKind(out, 'VolumeSnapshotClass')[0]).toMatchObject({ driver: 'pd.csi.storage.gke.io', metadata: { name: 'gcepd-retain' } });
  });

  test('an existing class without a provisioner is refused', () => {
    expectError({
      encryption: VolumeEncryption.existingClass({ storageClassName: 'gold', attestation: 'Platform team encrypts gold with the org CMK, see PLAT-123.' }),
      backups: [VolumeBackup.csiSnapshots()],
    }, 'test/ns/vol: backups[0] csiSnapshots() needs the CSI driver, which existingClass(gold) does not name. Fix: set provisioner in VolumeEncryption.existingClass(), or back up with VolumeBackup.velero() only');
  });
});

test('backups must be VolumeBackups (untyped callers)', () => {
  expectError({ backups: [{ schedule: '@daily' } as any] },
    'test/ns/vol: backups[0] {"schedule":"@daily"} is not a VolumeBackup. Fix: use VolumeBackup.velero() or VolumeBackup.csiSnapshots()');
});
