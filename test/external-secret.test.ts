import { Duration, Testing } from 'cdk8s';
import {
  ExternalSecretCreationPolicy, ExternalSecretDeletionPolicy, ExternalSecretReference, ExternalSecretReferenceProps,
  LeastPrivilegeServiceAccount, Mesh, MtlsService, SealedSecretReference, SealedSecretReferenceProps, SealedSecretScope,
  SecretStoreRef, SecureNamespace,
} from '../src';
import { synthAndValidate } from './util/schema';

const STORE = SecretStoreRef.clusterSecretStore('aws-secrets-manager');

function setup() {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
  return { chart, ns };
}

function find(objs: any[], kind: string, name: string): any {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

function expectExternalSecretError(props: Partial<ExternalSecretReferenceProps>, message: string) {
  const { ns } = setup();
  expect(() => new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db' }], ...props } as ExternalSecretReferenceProps))
    .toThrow(message);
}

/** kubeseal-shaped ciphertext: 2-byte length 512, a 512-byte RSA block, a 40-byte AES-GCM part. */
function sealed(seed: number): string {
  const bytes = Buffer.alloc(2 + 512 + 40);
  bytes.writeUInt16BE(512, 0);
  for (let i = 2; i < bytes.length; i++) bytes[i] = (i * 31 + seed) % 256;
  return bytes.toString('base64');
}

describe('ExternalSecretReference: secrets by reference', () => {
  test('snapshot: a ClusterSecretStore, a property mapping and an extract', () => {
    const { chart, ns } = setup();
    new ExternalSecretReference(ns, 'Db', {
      name: 'orders-db',
      store: STORE,
      data: [
        { secretKey: 'password', remoteKey: 'prod/orders/db', property: 'password' },
        { secretKey: 'username', remoteKey: 'prod/orders/db', property: 'username', version: 'AWSCURRENT' },
      ],
      dataFrom: [{ remoteKey: 'prod/orders/tls' }],
    });
    const objs = synthAndValidate(chart).filter((o) => o.kind === 'ExternalSecret');
    expect(objs).toMatchSnapshot();
  });

  test('renders an external-secrets.io/v1 ExternalSecret in the SecureNamespace with safe defaults', () => {
    const { chart, ns } = setup();
    const db = new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db', property: 'password' }] });
    expect(db.secretName).toBe('orders-db');
    expect(db.namespaceName).toBe('shop');
    expect(find(synthAndValidate(chart), 'ExternalSecret', 'orders-db')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'orders-db', namespace: 'shop' },
      spec: {
        secretStoreRef: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
        refreshInterval: '1h',
        target: { name: 'orders-db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'password', remoteRef: { key: 'prod/orders/db', property: 'password' } }],
      },
    });
  });

  test('a namespaced SecretStore, a target name, refresh as a Go duration and explicit policies', () => {
    const { chart, ns } = setup();
    new ExternalSecretReference(ns, 'Db', {
      name: 'orders-db',
      secretName: 'orders-db-credentials',
      store: SecretStoreRef.secretStore('vault'),
      dataFrom: [{ remoteKey: 'secret/orders', property: 'db' }],
      refreshInterval: Duration.minutes(90),
      creationPolicy: ExternalSecretCreationPolicy.OWNER,
      deletionPolicy: ExternalSecretDeletionPolicy.DELETE,
    });
    const es = find(synthAndValidate(chart), 'ExternalSecret', 'orders-db');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    expect(es.spec.refreshInterval).toBe('1h30m');
    expect(es.spec.target).toEqual({ name: 'orders-db-credentials', creationPolicy: 'Owner', deletionPolicy: 'Delete' });
    expect(es.spec.dataFrom).toEqual([{ extract: { key: 'secret/orders', property: 'db' } }]);
    expect(es.spec.data).toBeUndefined();
  });

  test.each([
    [Duration.minutes(1), '1m'],
    [Duration.seconds(90), '1m30s'],
    [Duration.hours(24), '24h'],
    [Duration.seconds(3661), '1h1m1s'],
  ])('refreshInterval %s renders as %s', (d, text) => {
    const { chart, ns } = setup();
    new ExternalSecretReference(ns, 'Db', { name: 'db', store: STORE, data: [{ secretKey: 'k', remoteKey: 'r' }], refreshInterval: d });
    expect(find(synthAndValidate(chart), 'ExternalSecret', 'db').spec.refreshInterval).toBe(text);
  });

  test('the library never emits a core Secret, only the reference', () => {
    const { chart, ns } = setup();
    new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db' }] });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('secretMount() mounts the operator-written Secret into an MtlsService as read-only files', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop', mesh: Mesh.istio() });
    const db = new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db' }] });
    expect(db.secretMount('/etc/db')).toEqual({ secretName: 'orders-db', mountPath: '/etc/db' });
    new MtlsService(ns, 'Orders', { image: 'ghcr.io/acme/orders:1.4.2', port: 8443, secretMounts: [db.secretMount('/etc/db')] });
    const pod = find(synthAndValidate(chart), 'Deployment', 'orders').spec.template.spec;
    const volume = pod.volumes.find((v: any) => v.secret?.secretName === 'orders-db');
    expect(volume).toBeDefined();
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: '/etc/db', readOnly: true });
  });

  test('grantRead() grants get on exactly that Secret, never list or watch', () => {
    const { chart, ns } = setup();
    const db = new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db' }] });
    const sa = new LeastPrivilegeServiceAccount(ns, 'Api', {});
    db.grantRead(sa);
    expect(find(synthAndValidate(chart), 'Role', 'api').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-db'], verbs: ['get'] },
    ]);
  });

  test('grantRead() for an account of another namespace grants in the secret\'s namespace', () => {
    const { chart, ns } = setup();
    const other = new SecureNamespace(chart, 'Billing', { name: 'billing' });
    const db = new ExternalSecretReference(ns, 'Db', { name: 'orders-db', store: STORE, data: [{ secretKey: 'password', remoteKey: 'prod/orders/db' }] });
    const sa = new LeastPrivilegeServiceAccount(other, 'Api', {});
    db.grantRead(sa);
    const role = synthAndValidate(chart).find((o) => o.kind === 'Role' && o.metadata.namespace === 'shop');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-db'], verbs: ['get'] }]);
  });

  describe('bad input fails with the construct path, the value and the fix', () => {
    test('outside a SecureNamespace', () => {
      expect(() => new ExternalSecretReference(Testing.chart(), 'Db', { name: 'db', store: STORE, data: [{ secretKey: 'k', remoteKey: 'r' }] }))
        .toThrow('test/Db: is not inside a SecureNamespace. Fix: create it with a SecureNamespace (or a construct inside one) as its scope');
    });
    test.each([
      [{ name: 'Orders_DB' }, 'test/Shop/Db: name "Orders_DB" is not a valid DNS-1123 subdomain'],
      [{ secretName: 'bad name' }, 'test/Shop/Db: secretName "bad name" is not a valid DNS-1123 subdomain'],
      [{ store: SecretStoreRef.secretStore('Vault!') }, 'test/Shop/Db: SecretStore name "Vault!" is not a valid DNS-1123 subdomain'],
      [{ store: { name: 'x', kind: 'SecretStore' } as any }, 'test/Shop/Db: store {"name":"x","kind":"SecretStore"} is not a SecretStoreRef. Fix: use SecretStoreRef.secretStore(name) or SecretStoreRef.clusterSecretStore(name)'],
      [{ data: [], dataFrom: [] }, 'test/Shop/Db: has no data and no dataFrom. Fix: map at least one key: data: [{ secretKey, remoteKey, property }] or dataFrom: [{ remoteKey }]'],
      [{ data: [{ secretKey: 'pass word', remoteKey: 'r' }] }, 'test/Shop/Db: data[0].secretKey "pass word" is not a valid Secret key. Fix: use at most 253 letters, digits, \'-\', \'_\' and \'.\''],
      [{ data: [{ secretKey: 'k', remoteKey: 'r' }, { secretKey: 'k', remoteKey: 's' }] }, 'test/Shop/Db: secretKey "k" is mapped twice. Fix: give each key of the Secret one source'],
      [{ data: [{ secretKey: 'k', remoteKey: ' ' }] }, 'test/Shop/Db: data[0].remoteKey " " is empty or has surrounding whitespace. Fix: give the name or path of the secret in the external store exactly'],
      [{ data: [{ secretKey: 'k', remoteKey: 'r', property: '' }] }, 'test/Shop/Db: data[0].property "" is empty or has surrounding whitespace. Fix: give the property exactly'],
      [{ dataFrom: [{ remoteKey: 'r ' }] }, 'test/Shop/Db: dataFrom[0].remoteKey "r " is empty or has surrounding whitespace'],
      [{ refreshInterval: Duration.seconds(30) }, 'test/Shop/Db: refreshInterval "30s" is out of range. Fix: use a whole number of seconds from Duration.minutes(1) to Duration.hours(24)'],
      [{ refreshInterval: Duration.hours(25) }, 'test/Shop/Db: refreshInterval "25h" is out of range'],
      [{ refreshInterval: Duration.millis(90500) }, 'test/Shop/Db: refreshInterval "90500ms" is out of range'],
      [{ creationPolicy: 'None' as any }, 'test/Shop/Db: creationPolicy "None" is not supported. Fix: use one of "Owner", "Orphan", "Merge"'],
      [{ deletionPolicy: 'Purge' as any }, 'test/Shop/Db: deletionPolicy "Purge" is not supported. Fix: use one of "Retain", "Delete", "Merge"'],
      [{ creationPolicy: ExternalSecretCreationPolicy.MERGE, deletionPolicy: ExternalSecretDeletionPolicy.DELETE }, 'test/Shop/Db: deletionPolicy "Delete" needs creationPolicy "Owner", not "Merge". Fix: the operator may only delete a Secret it owns'],
    ])('%j', (props, message) => {
      expectExternalSecretError(props as Partial<ExternalSecretReferenceProps>, message);
    });
  });
});

describe('SealedSecretReference: already-encrypted data', () => {
  test('snapshot', () => {
    const { chart, ns } = setup();
    new SealedSecretReference(ns, 'Smtp', { name: 'smtp-credentials', encryptedData: { username: sealed(1), password: sealed(2) } });
    expect(synthAndValidate(chart).filter((o) => o.kind === 'SealedSecret')).toMatchSnapshot();
  });

  test('renders a bitnami.com/v1alpha1 SealedSecret with sorted keys and a template in the same namespace', () => {
    const { chart, ns } = setup();
    const s = new SealedSecretReference(ns, 'Smtp', { name: 'smtp-credentials', encryptedData: { username: sealed(1), password: sealed(2) } });
    expect(s.secretName).toBe('smtp-credentials');
    expect(s.secretMount('/etc/smtp')).toEqual({ secretName: 'smtp-credentials', mountPath: '/etc/smtp' });
    const obj = find(synthAndValidate(chart), 'SealedSecret', 'smtp-credentials');
    expect(obj.metadata).toEqual({ name: 'smtp-credentials', namespace: 'shop' });
    expect(Object.keys(obj.spec.encryptedData)).toEqual(['password', 'username']);
    expect(obj.spec.encryptedData.password).toBe(sealed(2));
    expect(obj.spec.template).toEqual({ metadata: { name: 'smtp-credentials', namespace: 'shop' }, type: 'Opaque' });
  });

  test('namespace-wide scope is annotated on the SealedSecret and its template', () => {
    const { chart, ns } = setup();
    new SealedSecretReference(ns, 'Smtp', { name: 'smtp', encryptedData: { k: sealed(3) }, scope: SealedSecretScope.NAMESPACE_WIDE });
    const obj = find(synthAndValidate(chart), 'SealedSecret', 'smtp');
    expect(obj.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(obj.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
  });

  test.each([
    ['a plaintext password', 'hunter2-is-my-password'],
    ['base64 of a plaintext password', Buffer.from('hunter2-is-my-password').toString('base64')],
    ['base64 of a long plaintext', Buffer.from('x'.repeat(600)).toString('base64')],
    ['ciphertext with a wrong RSA length prefix', (() => { const b = Buffer.from(sealed(4), 'base64'); b.writeUInt16BE(100, 0); return b.toString('base64'); })()],
    ['truncated ciphertext', sealed(5).slice(0, 400)],
  ])('refuses %s, without echoing the value', (_, value) => {
    const { ns } = setup();
    let error: Error | undefined;
    try {
      new SealedSecretReference(ns, 'Smtp', { name: 'smtp', encryptedData: { password: value } });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain('test/Shop/Smtp: encryptedData["password"] is not kubeseal ciphertext (value not shown). Fix: seal it first, e.g. `echo -n "$VALUE" | kubeseal --raw --namespace shop --name smtp`');
    expect(error?.message).not.toContain(value);
  });

  test.each([
    [{ encryptedData: {} }, 'test/Shop/Smtp: encryptedData is empty. Fix: give at least one key sealed with kubeseal'],
    [{ encryptedData: { 'bad key': sealed(1) } }, 'test/Shop/Smtp: encryptedData key "bad key" is not a valid Secret key'],
    [{ scope: 'cluster-wide' as any }, 'test/Shop/Smtp: scope "cluster-wide" is not supported. Fix: use SealedSecretScope.STRICT or SealedSecretScope.NAMESPACE_WIDE'],
    [{ name: 'Smtp' }, 'test/Shop/Smtp: name "Smtp" is not a valid DNS-1123 subdomain'],
  ])('bad input %j', (props, message) => {
    const { ns } = setup();
    expect(() => new SealedSecretReference(ns, 'Smtp', { name: 'smtp', encryptedData: { k: sealed(1) }, ...props } as SealedSecretReferenceProps)).toThrow(message);
  });

  test('looksSealed() accepts the kubeseal layout for 2048, 3072 and 4096-bit keys', () => {
    for (const rsa of [256, 384, 512]) {
      const b = Buffer.alloc(2 + rsa + 16, 7);
      b.writeUInt16BE(rsa, 0);
      expect(SealedSecretReference.looksSealed(b.toString('base64'))).toBe(true);
      expect(SealedSecretReference.looksSealed(b.subarray(0, b.length - 1).toString('base64'))).toBe(false);
    }
  });
});
