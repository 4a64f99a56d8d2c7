import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  AppProtocol, Caller, CertificateIssuer, EncryptedVolume, ExternalNamespaces,
  HealthCheck, Mesh, MeshType, MtlsService, MtlsServiceProps, SecureNamespace,
  SecurityAudit, ServiceExposure, VolumeEncryption, WorkloadKind,
} from '../src';
import { synthAndValidate } from './util/schema';

function setup(mesh: Mesh = Mesh.istio(), name = 'shop') {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, name, { name, mesh });
  return { chart, ns };
}

function find(objs: any[], kind: string, name: string, namespace?: string): any {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

const issuer = { issuer: CertificateIssuer.clusterIssuer('internal-ca') };

function expectError(props: MtlsServiceProps, message: string, mesh: Mesh = Mesh.istio()) {
  const { ns } = setup(mesh);
  expect(() => new MtlsService(ns, 'api', props)).toThrow(message);
}

describe('MtlsService workload hardening (every mesh)', () => {
  const { chart, ns } = setup();
  new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
  const objs = synthAndValidate(chart);
  const deployment = find(objs, 'Deployment', 'api');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('pod security context: non-root ids ≥ 10000, fsGroup, seccomp RuntimeDefault', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.serviceAccountName).toBe('api');
  });

  test('container security context: drop ALL, read-only root, no escalation, not privileged', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  });

  test('requests and limits, distinct probes, replicas, spread and anti-affinity', () => {
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(container.readinessProbe).not.toEqual(container.livenessProbe);
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.priorityClassName).toBe('secure-baseline-workload');
    expect(find(objs, 'PriorityClass', 'secure-baseline-workload').metadata.namespace).toBeUndefined();
  });

  test('labels: app.kubernetes.io/instance equals the object name', () => {
    expect(deployment.metadata.labels['app.kubernetes.io/instance']).toBe('api');
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('1.2.3');
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('api');
  });

  test('its own ServiceAccount without a token', () => {
    expect(find(objs, 'ServiceAccount', 'api').automountServiceAccountToken).toBe(false);
  });

  test('ClusterIP Service with named ports and appProtocol', () => {
    expect(find(objs, 'Service', 'api').spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/instance': 'api' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' }],
    });
  });

  test('PodDisruptionBudget with unhealthyPodEvictionPolicy', () => {
    expect(find(objs, 'PodDisruptionBudget', 'api').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('NetworkPolicy: one-label selector, explicit policyTypes, no callers means no ingress, DNS egress', () => {
    const np = find(objs, 'NetworkPolicy', 'api');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'api' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress).toHaveLength(1);
    expect(np.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });
});

describe('MtlsService with Istio', () => {
  test('PeerAuthentication STRICT, DestinationRule ISTIO_MUTUAL, AuthorizationPolicy naming exactly the callers', () => {
    const { chart, ns } = setup();
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', ports: [{ port: 8443, appProtocol: AppProtocol.GRPC }, { port: 9090, name: 'metrics', appProtocol: AppProtocol.HTTP }] });
    const web = new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:3.0.0', port: 8080 });
    api.allowFrom(web);
    api.allowFrom(web); // idempotent
    const objs = synthAndValidate(chart);
    expect(objs).toMatchSnapshot();
    expect(find(objs, 'PeerAuthentication', 'api').spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } }, mtls: { mode: 'STRICT' } });
    const dr = find(objs, 'DestinationRule', 'api');
    expect(dr.apiVersion).toBe('networking.istio.io/v1');
    expect(dr.spec).toEqual({ host: 'api.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    expect(find(objs, 'AuthorizationPolicy', 'api').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8443', '9090'] } }] }],
    });
    // web has no callers: its ALLOW policy has no rules, so nobody gets in.
    expect(find(objs, 'AuthorizationPolicy', 'web').spec.rules).toBeUndefined();
    // Both sides of the NetworkPolicy are wired.
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'web' } } }],
      ports: [{ protocol: 'TCP', port: 8443 }, { protocol: 'TCP', port: 9090 }],
    }]);
    expect(find(objs, 'NetworkPolicy', 'web').spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }],
      ports: [{ protocol: 'TCP', port: 8443 }, { protocol: 'TCP', port: 9090 }],
    });
    expect(find(objs, 'Service', 'api').spec.ports.map((p: any) => [p.name, p.appProtocol])).toEqual([['grpc', 'grpc'], ['metrics', 'http']]);
    expect(api.declaredCallers).toEqual(['shop/web']);
  });

  test('callers across namespaces, bare identities and a custom trust domain', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const mesh = Mesh.istio({ trustDomain: 'prod.acme.example' });
    const payments = new MtlsService(new SecureNamespace(a, 'ns', { name: 'payments', mesh }), 'payments', { image: 'ghcr.io/acme/payments:5.0.0', port: 8443 });
    const checkout = new MtlsService(new SecureNamespace(b, 'ns', { name: 'shop', mesh }), 'checkout', { image: 'ghcr.io/acme/checkout:1.0.0', port: 8080 });
    payments.allowFrom(checkout);
    payments.allowFrom(Caller.identity({ namespace: 'istio-ingress', serviceAccount: 'istio-ingressgateway', podLabels: { istio: 'ingressgateway' } }));
    ExternalNamespaces.of(app).add('batch');
    payments.allowFrom(Caller.identity({ namespace: 'batch', serviceAccount: 'reconciler' }));
    const pa = synthAndValidate(a);
    const pb = synthAndValidate(b);
    expect(find(pa, 'AuthorizationPolicy', 'payments').spec.rules[0].from[0].source.principals).toEqual([
      'prod.acme.example/ns/batch/sa/reconciler',
      'prod.acme.example/ns/istio-ingress/sa/istio-ingressgateway',
      'prod.acme.example/ns/shop/sa/checkout',
    ]);
    expect(find(pa, 'NetworkPolicy', 'payments').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'checkout' } } },
    ]);
    // The caller's egress lives in the caller's chart.
    expect(find(pb, 'NetworkPolicy', 'checkout').spec.egress[1].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('payments');
  });

  test('ambient mode: callers also reach HBONE 15008', () => {
    const { chart, ns } = setup(Mesh.istio({ ambient: true }));
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
    api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }));
    const objs = synthAndValidate(chart);
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15008 }]);
  });
});

describe('MtlsService with Linkerd', () => {
  test('inject annotation, Server per port, MeshTLSAuthentication and AuthorizationPolicy per port', () => {
    const { chart, ns } = setup(Mesh.linkerd());
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', ports: [{ port: 8080 }, { port: 9000, appProtocol: AppProtocol.GRPC }] });
    api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }));
    const objs = synthAndValidate(chart);
    expect(objs).toMatchSnapshot();
    expect(find(objs, 'Deployment', 'api').spec.template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    expect(find(objs, 'Server', 'api-http').spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } }, port: 8080, proxyProtocol: 'HTTP/1' });
    expect(find(objs, 'Server', 'api-grpc').spec.proxyProtocol).toBe('gRPC');
    expect(find(objs, 'Server', 'api-http').apiVersion).toBe('policy.linkerd.io/v1beta3');
    const auth = find(objs, 'MeshTLSAuthentication', 'api-callers');
    expect(auth.apiVersion).toBe('policy.linkerd.io/v1alpha1');
    expect(auth.spec).toEqual({ identityRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] });
    expect(find(objs, 'AuthorizationPolicy', 'api-grpc').spec).toEqual({
      targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-grpc' },
      requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api-callers' }],
    });
    // Meshed traffic arrives on the proxy's inbound port 4143.
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9000 }, { protocol: 'TCP', port: 4143 }]);
    // web has no callers: Server only, no authentication or authorization — nobody gets in.
    expect(objs.filter((o) => o.metadata.name.startsWith('web') && o.apiVersion.startsWith('policy.linkerd.io')).map((o) => o.kind)).toEqual(['Server']);
  });

  test('a caller in a namespace with a different mesh is refused', () => {
    const { ns } = setup(Mesh.linkerd());
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
    expect(() => api.allowFrom(Caller.identity({ namespace: 'web', serviceAccount: 'frontend', mesh: MeshType.ISTIO })))
      .toThrow('test/shop/api: caller web/frontend is in a namespace with mesh "istio", but shop uses "linkerd". Fix: callers must share the callee\'s mesh');
  });
});

describe('MtlsService without a mesh (cert-manager)', () => {
  test('Certificate: all DNS names, ECDSA, rotationPolicy Always, server+client auth, short-lived; mounted read-only without subPath', () => {
    const { chart, ns } = setup(Mesh.none());
    new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8443, certificate: { ...issuer, caBundleConfigMap: 'internal-ca-bundle' } });
    const objs = synthAndValidate(chart);
    expect(objs).toMatchSnapshot();
    const cert = find(objs, 'Certificate', 'api');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec).toEqual({
      secretName: 'api-tls',
      dnsNames: ['api', 'api.shop', 'api.shop.svc', 'api.shop.svc.cluster.local'],
      duration: '24h',
      renewBefore: '8h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth', 'client auth', 'digital signature'],
      issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    const pod = find(objs, 'Deployment', 'api').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'api-tls', defaultMode: 0o440 } });
    expect(pod.volumes).toContainEqual({ name: 'tls-ca', configMap: { name: 'internal-ca-bundle', defaultMode: 0o440 } });
    const mounts = pod.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'tls', mountPath: '/etc/tls', readOnly: true });
    expect(mounts).toContainEqual({ name: 'tls-ca', mountPath: '/etc/tls-ca', readOnly: true });
    expect(mounts.some((m: any) => m.subPath !== undefined)).toBe(false);
    expect(objs.some((o) => o.apiVersion.startsWith('security.istio.io') || o.apiVersion.startsWith('policy.linkerd.io'))).toBe(false);
  });

  test('custom issuer, duration and renewBefore', () => {
    const { chart, ns } = setup(Mesh.none());
    new MtlsService(ns, 'api', {
      image: 'ghcr.io/acme/api:1.2.3',
      port: 8443,
      certificate: { issuer: CertificateIssuer.external('awspca.cert-manager.io', 'AWSPCAClusterIssuer', 'pca'), duration: Duration.hours(72), renewBefore: Duration.minutes(90) },
    });
    const cert = find(synthAndValidate(chart), 'Certificate', 'api');
    expect(cert.spec.issuerRef).toEqual({ name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' });
    expect([cert.spec.duration, cert.spec.renewBefore]).toEqual(['72h', '1h30m']);
  });

  test('no issuer, renewBefore ≥ duration, and a certificate with a mesh are refused', () => {
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8443 },
      'test/shop/api: namespace "shop" has no mesh and no certificate issuer is set. Fix: name the cert-manager issuer', Mesh.none());
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8443, certificate: { ...issuer, duration: Duration.hours(2), renewBefore: Duration.hours(2) } },
      'test/shop/api: certificate renewBefore "2h" is not shorter than duration "2h". Fix: renew before expiry', Mesh.none());
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8443, certificate: { ...issuer, duration: Duration.minutes(30) } },
      'test/shop/api: certificate duration "30m" is shorter than one hour. Fix: cert-manager requires a duration of at least 1h', Mesh.none());
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8443, certificate: issuer },
      'test/shop/api: certificate is set but namespace "shop" uses Istio (sidecar), which issues workload certificates itself. Fix: remove `certificate`');
  });
});

describe('MtlsService options', () => {
  test('secrets are mounted read-only as files; plain env is sorted', () => {
    const { chart, ns } = setup();
    new MtlsService(ns, 'api', {
      image: 'ghcr.io/acme/api:1.2.3',
      port: 8080,
      env: { ZONE: 'eu', LOG_LEVEL: 'info' },
      secretMounts: [{ secretName: 'api-db', mountPath: '/etc/api/db' }],
    });
    const pod = find(synthAndValidate(chart), 'Deployment', 'api').spec.template.spec;
    expect(pod.containers[0].env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'ZONE', value: 'eu' }]);
    expect(pod.volumes).toContainEqual({ name: 'secret-0', secret: { secretName: 'api-db', defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secret-0', mountPath: '/etc/api/db', readOnly: true });
  });

  test('env: names that only mention secrets pass; a flagged name is cleared with a reason the audit accepts', () => {
    const { chart, ns } = setup();
    const reason = 'names the password policy (strict or lax); the password itself is mounted from a Secret';
    new MtlsService(ns, 'api', {
      image: 'ghcr.io/acme/api:1.2.3',
      port: 8080,
      env: { POSTGRES_PASSWORD_FILE: '/etc/api/db/password', MAX_TOKENS: '4096', PASSWORD_POLICY_STRICT: 'yes' },
      notSecretEnv: { PASSWORD_POLICY_STRICT: reason },
      secretMounts: [{ secretName: 'api-db', mountPath: '/etc/api/db' }],
    });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Deployment', 'api').metadata.annotations).toEqual({ 'not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_STRICT': reason });
    expect(SecurityAudit.auditManifests(objs).findings.filter((f) => f.ruleId === 'SB-SECRET-ENV-LITERAL')).toEqual([]);
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8080, env: { PASSWORD_POLICY_STRICT: 'yes' } },
      'test/shop/api: env var "PASSWORD_POLICY_STRICT" looks like a secret: its name (the word "password"). Fix: never put secret values in manifests: keep the value in a Secret (or an ExternalSecret) and mount it with `secretMounts`. '
      + 'If the value is not a secret, say why with notSecretEnv: { PASSWORD_POLICY_STRICT: \'<reason>\' } (written as the annotation not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_STRICT)');
  });

  test('persistent volumes mount with fsGroup ownership and optional read-only', () => {
    const { chart, ns } = setup();
    new MtlsService(ns, 'db', {
      image: 'ghcr.io/acme/db:16.4',
      port: 5432,
      replicas: 1,
      workloadKind: WorkloadKind.STATEFUL_SET,
      volumes: [{ volume: { claimName: 'db-data', namespaceName: 'shop' }, mountPath: '/var/lib/db' }, { volume: { claimName: 'seed', namespaceName: 'shop' }, mountPath: '/seed', readOnly: true }],
    });
    const objs = synthAndValidate(chart);
    const sts = find(objs, 'StatefulSet', 'db');
    expect(sts.spec.serviceName).toBe('db');
    expect(sts.spec.replicas).toBe(1);
    const pod = sts.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data-0', persistentVolumeClaim: { claimName: 'db-data' } });
    expect(pod.volumes).toContainEqual({ name: 'data-1', persistentVolumeClaim: { claimName: 'seed', readOnly: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data-1', mountPath: '/seed', readOnly: true });
    expect(pod.securityContext.fsGroup).toBe(10001);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(find(objs, 'PodDisruptionBudget', 'db').spec.minAvailable).toBe(0);
  });

  test('an EncryptedVolume mounts read-write (fsGroup-owned) or read-only, without weakening the pod', () => {
    const { chart, ns } = setup();
    const kmsKeyId = 'arn:aws:kms:eu-west-1:111122223333:key/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
    const data = new EncryptedVolume(ns, 'data', { name: 'db-data', size: '20Gi', encryption: VolumeEncryption.awsEbs({ kmsKeyId }) });
    const seed = new EncryptedVolume(ns, 'seed', { name: 'db-seed', size: '1Gi', encryption: VolumeEncryption.awsEbs({ kmsKeyId }) });
    new MtlsService(ns, 'db', {
      image: 'ghcr.io/acme/db:16.4',
      port: 5432,
      replicas: 1,
      workloadKind: WorkloadKind.STATEFUL_SET,
      volumes: [{ volume: data, mountPath: '/var/lib/db' }, { volume: seed, mountPath: '/seed', readOnly: true }],
    });
    const objs = synthAndValidate(chart);
    const pod = find(objs, 'StatefulSet', 'db').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data-0', persistentVolumeClaim: { claimName: 'db-data' } });
    expect(pod.volumes).toContainEqual({ name: 'data-1', persistentVolumeClaim: { claimName: 'db-seed', readOnly: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data-0', mountPath: '/var/lib/db' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data-1', mountPath: '/seed', readOnly: true });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(objs.filter((o) => o.kind === 'StorageClass')).toHaveLength(1);
    expect(SecurityAudit.auditManifests(objs).passed).toBe(true);
  });

  test('a NodePort Service needs a reason, which is recorded as an acknowledgement', () => {
    const { chart, ns } = setup();
    new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080, exposure: ServiceExposure.nodePort('Legacy load balancer appliance reaches node ports; see NET-77') });
    const svc = find(synthAndValidate(chart), 'Service', 'api');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.metadata.annotations['ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED']).toBe('Legacy load balancer appliance reaches node ports; see NET-77');
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8080, exposure: ServiceExposure.loadBalancer('because') },
      'test/shop/api: the reason for a LoadBalancer Service "because" is empty or trivial');
  });

  test('an escape-hatch patch cannot weaken the pod: the hardening runs after patches', () => {
    const { chart, ns } = setup();
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
    api.workload.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext', { privileged: true, runAsUser: 0 }));
    api.workload.addJsonPatch(JsonPatch.add('/spec/template/spec/automountServiceAccountToken', true));
    api.workload.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/terminationMessagePolicy', 'FallbackToLogsOnError'));
    const pod = find(synthAndValidate(chart), 'Deployment', 'api').spec.template.spec;
    expect(pod.containers[0].securityContext.privileged).toBe(false);
    expect(pod.containers[0].securityContext.runAsUser).toBe(10001);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].terminationMessagePolicy).toBe('FallbackToLogsOnError');
  });

  test('a secretKeyRef env added through the escape hatch fails synth', () => {
    const { chart, ns } = setup();
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
    api.workload.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]));
    expect(() => Testing.synth(chart)).toThrow('test/shop/api/Deployment: container "main" reads Secret "db" into env var "DB". Fix: mount the Secret as a read-only file instead (CIS 5.4.1)');
  });

  test('digest-pinned images, custom ids, resources and HTTP probes', () => {
    const { chart, ns } = setup();
    const digest = 'sha256:' + 'a'.repeat(64);
    new MtlsService(ns, 'api', {
      image: `ghcr.io/acme/api@${digest}`,
      requireDigest: true,
      port: 8080,
      runAsUser: 20000,
      runAsGroup: 20001,
      replicas: 3,
      resources: { cpuRequest: '1', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '1Gi' },
      readiness: HealthCheck.http('/ready'),
      liveness: HealthCheck.http('/healthz', { port: 8081 }),
      priorityClassName: 'business-critical',
    });
    const objs = synthAndValidate(chart);
    const d = find(objs, 'Deployment', 'api');
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe(`ghcr.io/acme/api@${digest}`);
    expect(d.metadata.labels['app.kubernetes.io/version']).toBeUndefined();
    expect([c.securityContext.runAsUser, c.securityContext.runAsGroup, d.spec.template.spec.securityContext.fsGroup]).toEqual([20000, 20001, 20001]);
    expect(c.resources.limits.memory).toBe('1Gi');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080 });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8081 });
    expect(d.spec.template.spec.priorityClassName).toBe('business-critical');
    expect(objs.some((o) => o.kind === 'PriorityClass')).toBe(false);
  });
});

describe('MtlsService metrics', () => {
  test('Istio: ServiceMonitor over mesh mTLS, Prometheus admitted on the metrics port only', () => {
    const { chart, ns } = setup();
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080, metrics: { port: 9090 } });
    api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }));
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.metadata.name === 'api' && ['ServiceMonitor', 'AuthorizationPolicy', 'NetworkPolicy'].includes(o.kind))).toMatchSnapshot();
    const sm = find(objs, 'ServiceMonitor', 'api');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } },
      endpoints: [{
        port: 'metrics',
        path: '/metrics',
        interval: '30s',
        scheme: 'https',
        tlsConfig: { caFile: '/etc/prom-certs/root-cert.pem', certFile: '/etc/prom-certs/cert-chain.pem', keyFile: '/etc/prom-certs/key.pem', insecureSkipVerify: true },
      }],
    });
    expect(find(objs, 'AuthorizationPolicy', 'api').spec.rules).toEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus-k8s'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    });
    // Callers reach the service port, never the metrics port.
    expect(find(objs, 'NetworkPolicy', 'web').spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(find(objs, 'Service', 'api').spec.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(api.declaredScrapers).toEqual(['monitoring/prometheus-k8s']);
  });

  test('Linkerd: a Server, MeshTLSAuthentication and AuthorizationPolicy for the metrics port', () => {
    const { chart, ns } = setup(Mesh.linkerd());
    new MtlsService(ns, 'api', {
      image: 'ghcr.io/acme/api:1.2.3',
      port: 8080,
      metrics: { port: 9090, path: '/stats', interval: Duration.seconds(15), scraper: Caller.identity({ namespace: 'linkerd-viz', serviceAccount: 'prometheus', podLabels: { component: 'prometheus' } }) },
    });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Server', 'api-metrics').spec.port).toBe(9090);
    expect(find(objs, 'MeshTLSAuthentication', 'api-metrics').spec.identityRefs).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' }]);
    expect(find(objs, 'AuthorizationPolicy', 'api-metrics').spec.requiredAuthenticationRefs[0].name).toBe('api-metrics');
    expect(objs.some((o) => o.kind === 'MeshTLSAuthentication' && o.metadata.name === 'api-callers')).toBe(false);
    expect(find(objs, 'ServiceMonitor', 'api').spec.endpoints).toEqual([{ port: 'metrics', path: '/stats', interval: '15s', scheme: 'http' }]);
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 4143 }]);
  });

  test('no mesh: plain HTTP metrics on their own port, admitted to Prometheus only', () => {
    const { chart, ns } = setup(Mesh.none());
    new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8443, certificate: issuer, metrics: { port: 9090 } });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'ServiceMonitor', 'api').spec.endpoints[0].scheme).toBe('http');
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress).toHaveLength(1);
  });

  test('bad metrics input', () => {
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8080, metrics: { port: 8080 } },
      'test/shop/api: metrics.port 8080 is also a service port. Fix: serve metrics on a port of their own');
    expectError({ image: 'ghcr.io/acme/api:1.2.3', port: 8080, metrics: { port: 9090, interval: Duration.seconds(1) } },
      'test/shop/api: metrics.interval "1s" is shorter than 5s or not whole seconds');
    const { ns } = setup();
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
    expect(() => api.allowScraper(Caller.identity({ namespace: 'monitoring', serviceAccount: 'prometheus' })))
      .toThrow('test/shop/api: allowScraper() needs a metrics port. Fix: set `metrics: { port }` on the service');
  });
});

describe('MtlsService bad input', () => {
  const img = 'ghcr.io/acme/api:1.2.3';
  test.each([
    [{ image: 'ghcr.io/acme/api:latest', port: 8080 }, 'test/shop/api: image "ghcr.io/acme/api:latest" uses the "latest" tag. Fix: pin the image with a version tag'],
    [{ image: 'ghcr.io/acme/api', port: 8080 }, 'test/shop/api: image "ghcr.io/acme/api" has no tag or digest. Fix: pin the image'],
    [{ image: 'GHCR.io/Acme/API:1', port: 8080 }, 'test/shop/api: image "GHCR.io/Acme/API:1" is not a valid image reference'],
    [{ image: img, port: 8080, requireDigest: true }, 'test/shop/api: image "ghcr.io/acme/api:1.2.3" is not pinned by digest and requireDigest is set. Fix: append "@sha256:<digest>"'],
    [{ image: img, port: 70000 }, 'test/shop/api: ports[0].port 70000 is out of range. Fix: use an integer port from 1 to 65535'],
    [{ image: img, ports: [{ port: 8080 }, { port: 8080 }] }, 'test/shop/api: port 8080 is declared twice. Fix: declare each container port once'],
    [{ image: img }, 'test/shop/api: no port is set. Fix: give the container port'],
    [{ image: img, port: 8080, ports: [{ port: 8080 }] }, 'test/shop/api: both port and ports are set'],
    [{ image: img, port: 8080, replicas: 0 }, 'test/shop/api: replicas 0 is below 1. Fix: run at least 1 replica'],
    [{ image: img, port: 8080, resources: { memoryRequest: '1Gi', memoryLimit: '512Mi' } }, 'test/shop/api: resources.memoryLimit "512Mi" is below resources.memoryRequest "1Gi". Fix: raise the limit to at least 1Gi or lower the request'],
    [{ image: img, port: 8080, resources: { cpuRequest: 'fast' } }, 'test/shop/api: resources.cpuRequest "fast" is not a valid positive Kubernetes quantity'],
    [{ image: img, port: 8080, runAsUser: 1000 }, 'test/shop/api/Deployment: runAsUser 1000 is out of range. Fix: use an integer from 10000 to 2147483647'],
    [{ image: img, port: 8080, env: { DB_PASSWORD: 'hunter2' } }, 'test/shop/api: env var "DB_PASSWORD" looks like a secret: its name (the word "password"). Fix: never put secret values in manifests'],
    [{ image: img, port: 8080, name: '9api' }, 'test/shop/api: name "9api" is not a valid DNS-1035 label'],
    [{ image: img, port: 8080, secretMounts: [{ secretName: 'x', mountPath: 'relative' }] }, 'test/shop/api: secretMounts[0].mountPath "relative" is not an absolute path'],
    [{ image: img, port: 8080, readiness: HealthCheck.tcp(), liveness: HealthCheck.tcp({ initialDelay: Duration.seconds(0), period: Duration.seconds(5), failureThreshold: 3 }) }, 'test/shop/api: the readiness and liveness probes are identical'],
    [{ image: img, port: 8080, volumes: [{ volume: { claimName: 'data', namespaceName: 'other' }, mountPath: '/data' }] }, 'test/shop/api: volumes[0] claim "data" is in namespace "other", not "shop". Fix: a pod can only mount claims of its own namespace'],
  ] as Array<[MtlsServiceProps, string]>)('%j', (props, message) => {
    expectError(props, message);
  });

  test('MtlsService outside a SecureNamespace', () => {
    expect(() => new MtlsService(Testing.chart(), 'api', { image: img, port: 8080 })).toThrow('test/api: is not inside a SecureNamespace');
  });
});
