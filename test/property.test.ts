import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  ApiServerEndpoint, AppProtocol, AzureDiskEncryptionType, Caller, CertificateIssuer, DnsPolicy, EncryptedVolume, ExternalNamespaces,
  LinkerdInboundPolicy, LeastPrivilegeServiceAccount,
  Mesh, MtlsService, PodSecurityLevel, SecureNamespace, SecurityAudit, Verb, VolumeBackup, VolumeEncryption, WorkloadKind,
} from '../src';
import { expectValidManifests } from './util/schema';

/**
 * Random but valid combinations of every construct's props: whatever a user builds from them,
 * the output is schema-valid and passes the library's own audit (acknowledged findings only).
 * Our constructs never emit what our own audit rejects.
 */

const MESHES = [
  () => Mesh.istio(),
  () => Mesh.istio({ revision: 'canary' }),
  () => Mesh.istio({ ambient: true }),
  () => Mesh.istio({ trustDomain: 'prod.example.org' }),
  () => Mesh.linkerd(),
  () => Mesh.linkerd({ defaultInboundPolicy: LinkerdInboundPolicy.ALL_AUTHENTICATED }),
  () => Mesh.none(),
];

const ENCRYPTIONS = [
  () => VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' }),
  () => VolumeEncryption.gcePd({ kmsKey: 'projects/acme-prod/locations/europe-west1/keyRings/k8s/cryptoKeys/volumes' }),
  () => VolumeEncryption.azureDisk({
    diskEncryptionSetId: '/subscriptions/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/k8s/providers/Microsoft.Compute/diskEncryptionSets/volumes',
    encryptionType: AzureDiskEncryptionType.CUSTOMER_KEY,
  }),
  () => VolumeEncryption.cephRbd({ clusterId: 'ceph-prod', pool: 'k8s', kmsId: 'vault-kms', secret: { name: 'csi-rbd-secret', namespace: 'ceph-csi' } }),
  () => VolumeEncryption.longhorn({ secret: { name: 'longhorn-crypto', namespace: 'longhorn-system' } }),
];

const serviceArb = fc.record({
  ports: fc.uniqueArray(fc.integer({ min: 1024, max: 9000 }), { minLength: 1, maxLength: 3 }),
  protocols: fc.array(
    fc.constantFrom(AppProtocol.HTTP, AppProtocol.HTTP2, AppProtocol.GRPC, AppProtocol.TCP, AppProtocol.TLS),
    { minLength: 3, maxLength: 3 },
  ),
  replicas: fc.integer({ min: 1, max: 4 }),
  stateful: fc.boolean(),
  metrics: fc.boolean(),
  cpuMillis: fc.integer({ min: 10, max: 2000 }),
  memoryMi: fc.integer({ min: 16, max: 4096 }),
  volume: fc.option(fc.integer({ min: 0, max: ENCRYPTIONS.length - 1 }), { nil: undefined }),
  backups: fc.subarray(['velero', 'csi']),
  grants: fc.subarray(['configmaps', 'secret', 'leases', 'exec', 'token']),
  digest: fc.boolean(),
});

const namespaceArb = fc.record({
  mesh: fc.integer({ min: 0, max: MESHES.length - 1 }),
  dns: fc.constantFrom('kube', 'nodelocal'),
  groups: fc.boolean(),
  weaker: fc.boolean(),
  services: fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
});

type AppSpec = typeof appArb extends fc.Arbitrary<infer T> ? T : never;

const appArb = fc.record({
  namespaces: fc.array(namespaceArb, { minLength: 1, maxLength: 3 }),
  edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
});

function build(spec: AppSpec): Chart[] {
  const app = Testing.app();
  ExternalNamespaces.of(app).add('edge'); // the gateway's namespace, managed outside the app
  const charts: Chart[] = [];
  const services: MtlsService[] = [];
  spec.namespaces.forEach((n, ni) => {
    const chart = new Chart(app as App, `ns${ni}`);
    charts.push(chart);
    const mesh = MESHES[n.mesh]();
    const ns = new SecureNamespace(chart, 'ns', {
      name: `team-${ni}`,
      mesh,
      apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 6443), // workloads with grants get egress to it
      dns: n.dns === 'kube' ? DnsPolicy.kubeDns() : DnsPolicy.nodeLocal(),
      ...(n.groups ? { admins: [`team-${ni}-admins`], deployers: [`team-${ni}-ci`], viewers: [`team-${ni}-devs`] } : {}),
      ...(n.weaker ? { podSecurityLevel: PodSecurityLevel.BASELINE, podSecurityReason: 'Legacy agent migration, approved in SEC-1234 until 2027' } : {}),
    });
    n.services.forEach((s, si) => {
      const name = `svc-${si}`;
      const account = new LeastPrivilegeServiceAccount(ns, `${name}-sa`, { name });
      for (const g of s.grants) {
        if (g === 'configmaps') account.grantRead({ resources: ['configmaps'] });
        if (g === 'secret') account.grantReadSecret(`${name}-credentials`);
        if (g === 'leases') account.grant({ apiGroup: 'coordination.k8s.io', resources: ['leases'], resourceNames: [`${name}-leader`], verbs: [Verb.GET, Verb.UPDATE] });
        if (g === 'exec') account.grant({ resources: ['pods/exec'], verbs: [Verb.CREATE], reason: 'Break-glass debugging, approved by the on-call lead' });
        if (g === 'token') account.addApiToken({ audience: 'vault', expirationSeconds: 900 });
      }
      const volumes = s.volume === undefined ? [] : [{
        volume: new EncryptedVolume(ns, `${name}-data`, {
          name: `${name}-data`,
          size: '10Gi',
          encryption: ENCRYPTIONS[s.volume](),
          backups: s.backups.map((b) => (b === 'velero' ? VolumeBackup.velero({ schedule: '30 1 * * *', ttl: '168h', name: `team-${ni}-${name}` }) : VolumeBackup.csiSnapshots())),
        }),
        mountPath: '/data',
      }];
      services.push(new MtlsService(ns, name, {
        image: s.digest ? `ghcr.io/acme/${name}@sha256:${'0123456789abcdef'.repeat(4)}` : `ghcr.io/acme/${name}:1.${si}.0`,
        ports: s.ports.map((port, i) => ({ port, appProtocol: s.protocols[i] })), // 1024-9000: never the metrics port
        replicas: s.stateful ? 1 : s.replicas,
        workloadKind: s.stateful ? WorkloadKind.STATEFUL_SET : WorkloadKind.DEPLOYMENT,
        resources: { cpuRequest: `${s.cpuMillis}m`, cpuLimit: `${s.cpuMillis * 2}m`, memoryRequest: `${s.memoryMi}Mi`, memoryLimit: `${s.memoryMi}Mi` },
        serviceAccount: account,
        volumes,
        ...(s.metrics ? { metrics: { port: 9100 } } : {}),
        ...(mesh.type === 'none' ? { certificate: { issuer: CertificateIssuer.clusterIssuer('internal-ca') } } : {}),
        allowFrom: [Caller.identity({ namespace: 'edge', serviceAccount: 'gateway', podLabels: { app: 'gateway' } })],
      }));
    });
  });
  for (const [from, to] of spec.edges) {
    const caller = services[from % services.length];
    const callee = services[to % services.length];
    if (caller !== callee && caller.mesh.type === callee.mesh.type) callee.allowFrom(caller);
  }
  return charts;
}

test('random valid apps are schema-valid and pass the audit', () => {
  fc.assert(
    fc.property(appArb, (spec) => {
      const objs = build(spec).flatMap((c) => Testing.synth(c));
      expectValidManifests(objs);
      const result = SecurityAudit.auditManifests(objs);
      const violations = result.findings.filter((f) => !f.acknowledged && f.severity === 'error');
      expect(violations).toEqual([]);
      expect(result.passed).toBe(true);
    }),
    { numRuns: 60, seed: 20261122 },
  );
});
