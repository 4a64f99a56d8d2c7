import { ApiObject, Cron, Duration, Testing } from 'cdk8s';
import {
  ApiServerEndpoint, Caller, CertificateIssuer, ConcurrencyPolicy, EmptyDirMedium, ExternalNamespaces, HealthCheck, LeastPrivilegeServiceAccount,
  Mesh, MeshType,
  MtlsService, Reachability, SecureCronJob, SecureJob, SecureNamespace, SecureWorker, SecurityAudit,
} from '../src';
import { expectValidManifests, synthAndValidate } from './util/schema';

function setup(mesh: Mesh = Mesh.istio(), name = 'shop') {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, name, { name, mesh, apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 443) });
  return { chart, ns };
}

function find(objs: any[], kind: string, name: string, namespace?: string): any {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('SecureWorker', () => {
  const { chart, ns } = setup();
  const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
  const worker = new SecureWorker(ns, 'mailer', {
    image: 'ghcr.io/acme/mailer:2.0.1',
    liveness: HealthCheck.exec(['/app/healthcheck', '--live']),
    readiness: HealthCheck.exec(['/app/healthcheck', '--ready']),
  });
  api.allowFrom(worker);
  const objs = synthAndValidate(chart);
  const deployment = find(objs, 'Deployment', 'mailer');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('snapshot', () => {
    expect(objs.filter((o) => o.metadata.name === 'mailer')).toMatchSnapshot();
  });

  test('no Service, no port, exec probes only', () => {
    expect(objs.filter((o) => o.kind === 'Service')).toHaveLength(1);
    expect(objs.some((o) => o.metadata.name === 'mailer' && ['Service', 'PeerAuthentication', 'DestinationRule', 'AuthorizationPolicy'].includes(o.kind))).toBe(false);
    expect(container.ports).toBeUndefined();
    expect(container.livenessProbe).toEqual({ exec: { command: ['/app/healthcheck', '--live'] }, initialDelaySeconds: 10, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 4 });
    expect(container.readinessProbe.exec).toEqual({ command: ['/app/healthcheck', '--ready'] });
  });

  test('restricted pod through PodHardening, its own ServiceAccount without a token', () => {
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('mailer');
    expect(find(objs, 'ServiceAccount', 'mailer').automountServiceAccountToken).toBe(false);
    expect(deployment.spec.replicas).toBe(2);
    expect(find(objs, 'PodDisruptionBudget', 'mailer').spec.maxUnavailable).toBe(1);
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
  });

  test('a caller of MtlsService: its egress and the callee\'s ingress and AuthorizationPolicy', () => {
    const np = find(objs, 'NetworkPolicy', 'mailer');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'api' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(find(objs, 'NetworkPolicy', 'api').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer' } } },
    ]);
    expect(find(objs, 'AuthorizationPolicy', 'api').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/shop/sa/mailer']);
  });

  test('the audit passes and reachability shows exactly the declared path', () => {
    const report = SecurityAudit.auditManifests(objs);
    expect(report.findings.filter((f) => !f.acknowledged).map((f) => f.ruleId)).toEqual([]);
    expect(report.passed).toBe(true);
    const r = Reachability.analyze(chart);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
    expect(r.edges.filter((e) => !e.infrastructure).map((e) => `${e.from} -> ${e.to} ${e.ports.join(',')}`)).toEqual(['shop/mailer -> shop/api TCP/8080']);
  });

  test('port probes, identical probes and bad replicas are refused', () => {
    const mk = (props: any) => () => new SecureWorker(setup().ns, 'w', { image: 'ghcr.io/acme/w:1.0.0', ...props });
    expect(mk({ liveness: HealthCheck.tcp() })).toThrow('test/shop/w: the liveness probe probes a port, but a worker opens none. Fix: probe with a command: HealthCheck.exec(["/app/healthcheck"]), or leave it out');
    expect(mk({ liveness: HealthCheck.exec([]) })).toThrow('test/shop/w: liveness probe command [] is empty. Fix: give the command and its arguments');
    expect(mk({ liveness: HealthCheck.exec(['/hc'], { port: 8080 }) })).toThrow('test/shop/w: liveness probe is a command but sets port 8080. Fix: remove `port`');
    const same = HealthCheck.exec(['/hc'], { initialDelay: Duration.seconds(10), period: Duration.seconds(15), failureThreshold: 4 });
    expect(mk({ liveness: same, readiness: same })).toThrow('test/shop/w: the readiness and liveness probes are identical. Fix: make them differ');
    expect(mk({ replicas: 0 })).toThrow('test/shop/w: replicas 0 is below 1. Fix: run at least 1 replica');
    expect(mk({ image: 'ghcr.io/acme/w:latest' })).toThrow('test/shop/w: image "ghcr.io/acme/w:latest" uses the "latest" tag. Fix: pin the image');
    expect(mk({ requireDigest: true })).toThrow('test/shop/w: image "ghcr.io/acme/w:1.0.0" is not pinned by digest and requireDigest is set. Fix: append "@sha256:<digest>"');
  });

  test('no probes by default', () => {
    const { chart: c, ns: n } = setup(Mesh.linkerd());
    new SecureWorker(n, 'w', { image: 'ghcr.io/acme/w:1.0.0', replicas: 1 });
    const o = synthAndValidate(c);
    const d = find(o, 'Deployment', 'w');
    expect(d.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
    expect(d.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
    expect(d.spec.template.metadata.annotations).toEqual({ 'linkerd.io/inject': 'enabled' });
    expect(find(o, 'PodDisruptionBudget', 'w').spec.minAvailable).toBe(0);
    expect(o.filter((x) => x.kind === 'Server')).toEqual([]);
  });
});

describe('SecureJob', () => {
  test.each([
    ['Istio sidecar', Mesh.istio(), { 'sidecar.istio.io/nativeSidecar': 'true' }],
    ['Istio ambient', Mesh.istio({ ambient: true }), undefined],
    ['Linkerd', Mesh.linkerd(), {
      'linkerd.io/inject': 'enabled',
      'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true',
      'config.beta.linkerd.io/proxy-enable-native-sidecar': 'true',
    }],
  ])('%s: native sidecar annotations, defaults, snapshot', (_name, mesh, annotations) => {
    const { chart, ns } = setup(mesh);
    const job = new SecureJob(ns, 'migrate', { image: 'ghcr.io/acme/migrate:1.4.0' });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.metadata.name === 'migrate')).toMatchSnapshot();
    const j = find(objs, 'Job', 'migrate');
    expect(j.spec.template.metadata.annotations).toEqual(annotations);
    expect(j.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(j.spec.template.spec.serviceAccountName).toBe('migrate');
    expect(j.spec.template.spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(j.spec.template.spec.containers[0].livenessProbe).toBeUndefined();
    expect(job.networkPolicy.toJson().spec.ingress).toEqual([]);
    const report = SecurityAudit.auditManifests(objs);
    expect(report.findings.filter((f) => !f.acknowledged).map((f) => f.ruleId)).toEqual([]);
  });

  test('a given LeastPrivilegeServiceAccount is used; bad settings are refused', () => {
    const { chart, ns } = setup();
    const sa = new LeastPrivilegeServiceAccount(ns, 'reindexer');
    sa.grantReadConfigMap('index-settings');
    new SecureJob(ns, 'reindex', { image: 'ghcr.io/acme/reindex:3.1.0', serviceAccount: sa, backoffLimit: 0, activeDeadline: Duration.minutes(20), ttlAfterFinished: Duration.seconds(0) });
    const objs = synthAndValidate(chart);
    const j = find(objs, 'Job', 'reindex');
    expect(j.spec.template.spec.serviceAccountName).toBe('reindexer');
    expect(j.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 1200, ttlSecondsAfterFinished: 0 });
    expect(objs.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'reindex')).toBe(false);
    const mk = (props: any) => () => new SecureJob(setup().ns, 'j', { image: 'ghcr.io/acme/j:1.0.0', ...props });
    expect(mk({ backoffLimit: -1 })).toThrow('test/shop/j: backoffLimit -1 is out of range. Fix: use a whole number from 0 to 100');
    expect(mk({ activeDeadline: Duration.days(8) })).toThrow('test/shop/j: activeDeadline of "691200s" is out of range. Fix: use whole seconds from 1s to 604800s');
    expect(mk({ ttlAfterFinished: Duration.millis(1500) })).toThrow('test/shop/j: ttlAfterFinished of "1500ms" is out of range. Fix: use whole seconds from 0s to 2592000s');
    const other = setup(Mesh.istio(), 'other');
    expect(() => new SecureJob(setup().ns, 'k', { image: 'ghcr.io/acme/j:1.0.0', serviceAccount: new LeastPrivilegeServiceAccount(other.ns, 'x') }))
      .toThrow('test/shop/k: serviceAccount "x" is in namespace "other", not "shop". Fix: give the workload an account of its own namespace');
  });

  test('without a mesh: a client certificate when asked for, and allowFrom refuses a caller without one', () => {
    const { chart, ns } = setup(Mesh.none());
    const db = new MtlsService(ns, 'db', { image: 'ghcr.io/acme/db:1.0.0', port: 5432, certificate: { issuer: CertificateIssuer.clusterIssuer('internal-ca') } });
    const withCert = new SecureJob(ns, 'migrate', { image: 'ghcr.io/acme/migrate:1.4.0', certificate: { issuer: CertificateIssuer.clusterIssuer('internal-ca') } });
    const without = new SecureJob(ns, 'cleanup', { image: 'ghcr.io/acme/cleanup:1.0.0' });
    db.allowFrom(withCert);
    expect(() => db.allowFrom(without)).toThrow('test/shop/db: caller shop/cleanup has no client certificate, and shop has no mesh to give it one. Fix: set `certificate: { issuer }` on the caller');
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Certificate', 'migrate').spec.usages).toEqual(['client auth', 'digital signature']);
    expect(objs.some((o) => o.kind === 'Certificate' && o.metadata.name === 'cleanup')).toBe(false);
    expect(find(objs, 'Job', 'migrate').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/tls', readOnly: true });
  });
});

describe('SecureCronJob', () => {
  const { chart, ns } = setup();
  const db = new MtlsService(ns, 'orders', { image: 'ghcr.io/acme/orders:1.0.0', port: 5432 });
  const report = new SecureCronJob(ns, 'nightly-report', { image: 'ghcr.io/acme/report:3.2.0', schedule: Cron.schedule({ minute: '30', hour: '2' }) });
  db.allowFrom(report);
  const objs = synthAndValidate(chart);
  const cj = find(objs, 'CronJob', 'nightly-report');

  test('snapshot', () => {
    expect(objs.filter((o) => o.metadata.name === 'nightly-report')).toMatchSnapshot();
  });

  test('defaults: Forbid, starting deadline, history limits, UTC, job limits, native sidecar', () => {
    expect(cj.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cj.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    const pod = cj.spec.jobTemplate.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'sidecar.istio.io/nativeSidecar': 'true' });
    expect(pod.spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(pod.spec.serviceAccountName).toBe('nightly-report');
  });

  test('reachability: the declared path only', () => {
    const r = Reachability.analyze(chart);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
    expect(r.edges.filter((e) => !e.infrastructure).map((e) => `${e.from} -> ${e.to}`)).toEqual(['shop/nightly-report -> shop/orders']);
  });

  test('bad input', () => {
    const mk = (props: any) => () => new SecureCronJob(setup().ns, 'c', { image: 'ghcr.io/acme/c:1.0.0', schedule: Cron.daily(), ...props });
    expect(mk({ schedule: { expressionString: '* *' } })).toThrow('test/shop/c: schedule "* *" is not a five-field cron expression. Fix: use Cron.daily()');
    expect(mk({ timeZone: 'Local' })).toThrow('test/shop/c: timeZone "Local" is not an IANA time zone name. Fix: write a zone of the tz database');
    expect(mk({ concurrencyPolicy: 'Sometimes' })).toThrow('test/shop/c: concurrencyPolicy "Sometimes" is not a concurrency policy. Fix: use ConcurrencyPolicy.FORBID, REPLACE or ALLOW');
    expect(mk({ startingDeadline: Duration.seconds(5) })).toThrow('test/shop/c: startingDeadline of "5s" is out of range. Fix: use whole seconds from 10s to 86400s');
    expect(mk({ successfulJobsHistoryLimit: 101 })).toThrow('test/shop/c: successfulJobsHistoryLimit 101 is out of range. Fix: use a whole number from 0 to 100');
    expect(mk({ name: 'a'.repeat(53) })).toThrow(`test/shop/c: name "${'a'.repeat(53)}" is not a valid DNS-1035 label. Fix: use at most 52 lowercase letters`);
    expect(mk({ concurrencyPolicy: ConcurrencyPolicy.REPLACE, timeZone: 'Europe/Berlin' })).not.toThrow();
  });
});

describe('ConfigMap and emptyDir mounts on every workload', () => {
  const { chart, ns } = setup();
  const settings = new ApiObject(ns, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-settings', namespace: 'shop' }, data: { 'a.yaml': 'x: 1' } });
  const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.2.3', port: 8080 });
  api.mountConfigMap(settings, '/etc/api');
  api.mountEmptyDir('/var/cache/api', { sizeLimit: '128Mi' });
  const worker = new SecureWorker(ns, 'w', { image: 'ghcr.io/acme/w:1.0.0' });
  worker.mountConfigMap('worker-config', '/etc/worker', { keys: ['b.yaml', 'a.yaml'], optional: true });
  worker.mountEmptyDir('/scratch', { medium: EmptyDirMedium.MEMORY, sizeLimit: '32Mi' });
  const job = new SecureJob(ns, 'j', { image: 'ghcr.io/acme/j:1.0.0' });
  job.mountEmptyDir('/work');
  const cron = new SecureCronJob(ns, 'c', { image: 'ghcr.io/acme/c:1.0.0', schedule: Cron.daily() });
  cron.mountConfigMap('c-config', '/etc/c');
  const objs = synthAndValidate(chart);
  const podOf = (kind: string, name: string) => {
    const o = find(objs, kind, name);
    return kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  };

  test('ConfigMaps are read-only whole volumes; emptyDirs have a size limit', () => {
    const a = podOf('Deployment', 'api');
    expect(a.volumes).toContainEqual({ name: 'config-0', configMap: { name: 'api-settings', defaultMode: 0o440 } });
    expect(a.containers[0].volumeMounts).toContainEqual({ name: 'config-0', mountPath: '/etc/api', readOnly: true });
    expect(a.volumes).toContainEqual({ name: 'scratch-0', emptyDir: { sizeLimit: '128Mi' } });
    expect(a.containers[0].volumeMounts).toContainEqual({ name: 'scratch-0', mountPath: '/var/cache/api' });
    const w = podOf('Deployment', 'w');
    expect(w.volumes).toContainEqual({ name: 'config-0', configMap: { name: 'worker-config', defaultMode: 0o440, items: [{ key: 'a.yaml', path: 'a.yaml' }, { key: 'b.yaml', path: 'b.yaml' }], optional: true } });
    expect(w.volumes).toContainEqual({ name: 'scratch-0', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } });
    expect(podOf('Job', 'j').volumes).toContainEqual({ name: 'scratch-0', emptyDir: { sizeLimit: '256Mi' } });
    expect(podOf('CronJob', 'c').containers[0].volumeMounts).toContainEqual({ name: 'config-0', mountPath: '/etc/c', readOnly: true });
    for (const [kind, name] of [['Deployment', 'api'], ['Deployment', 'w'], ['Job', 'j'], ['CronJob', 'c']]) {
      for (const v of podOf(kind, name).volumes) if (v.emptyDir) expect(v.emptyDir.sizeLimit).toBeDefined();
    }
  });

  test('bad mounts are refused with the fix', () => {
    const w = new SecureWorker(setup().ns, 'w', { image: 'ghcr.io/acme/w:1.0.0', resources: { memoryLimit: '256Mi', ephemeralStorageLimit: '512Mi' } });
    expect(() => w.mountConfigMap('Bad_Name', '/etc/x')).toThrow('test/shop/w: ConfigMap name "Bad_Name" is not a valid DNS-1123 subdomain');
    expect(() => w.mountConfigMap('cfg', 'relative')).toThrow('test/shop/w: ConfigMap "cfg" mountPath "relative" is not an absolute path. Fix: mount at an absolute directory');
    expect(() => w.mountConfigMap('cfg', '/etc/x', { keys: [] })).toThrow('test/shop/w: ConfigMap "cfg" keys is empty. Fix: list the keys to mount');
    expect(() => w.mountConfigMap('cfg', '/etc/x', { keys: ['../etc'] })).toThrow('test/shop/w: ConfigMap "cfg" key "../etc" is not a valid ConfigMap key');
    expect(() => w.mountConfigMap('cfg', '/tmp')).toThrow('test/shop/w: two volumes are mounted at "/tmp". Fix: mount each volume at its own path');
    const other = new ApiObject(setup(Mesh.istio(), 'other').ns, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'other' } });
    expect(() => w.mountConfigMap(other, '/etc/x')).toThrow('test/shop/w: ConfigMap "cm" is in namespace "other", not "shop". Fix: a pod can only mount ConfigMaps of its own namespace');
    const secret = new ApiObject(setup(Mesh.istio(), 's').ns, 'sec', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' } });
    expect(() => w.mountConfigMap(secret, '/etc/x')).toThrow('test/shop/w: mountConfigMap() got Secret "sec", not a ConfigMap. Fix: pass a v1 ConfigMap object');
    expect(() => w.mountEmptyDir('/data', { sizeLimit: 'lots' })).toThrow('test/shop/w: emptyDir "/data" sizeLimit "lots" is not a valid positive Kubernetes quantity');
    expect(() => w.mountEmptyDir('/data', { sizeLimit: '512Mi' })).toThrow('test/shop/w: emptyDir "/data" sizeLimit "512Mi" does not fit in the ephemeral-storage limit "512Mi" next to the other emptyDirs. Fix: lower sizeLimit or raise resources.ephemeralStorageLimit');
    expect(() => w.mountEmptyDir('/shm', { medium: EmptyDirMedium.MEMORY, sizeLimit: '1Gi' })).toThrow('test/shop/w: emptyDir "/shm" sizeLimit "1Gi" does not fit in the memory limit "256Mi" next to the other in-memory emptyDirs. Fix: lower sizeLimit or raise resources.memoryLimit');
    expect(() => w.mountEmptyDir('/x', { medium: 'Tape' as any })).toThrow('test/shop/w: emptyDir "/x" medium "Tape" is not a known medium. Fix: use EmptyDirMedium.DISK or EmptyDirMedium.MEMORY');
  });
});

describe('metrics on workers, jobs and cron jobs', () => {
  const PROMETHEUS_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
  const ISTIO_ENDPOINT = {
    port: 'metrics',
    path: '/metrics',
    interval: '30s',
    scheme: 'https',
    tlsConfig: { caFile: '/etc/prom-certs/root-cert.pem', certFile: '/etc/prom-certs/cert-chain.pem', keyFile: '/etc/prom-certs/key.pem', insecureSkipVerify: true },
  };

  describe('Istio worker', () => {
    const { chart, ns } = setup();
    const db = new MtlsService(ns, 'db', { image: 'ghcr.io/acme/db:1.0.0', port: 5432 });
    const worker = new SecureWorker(ns, 'mailer', {
      image: 'ghcr.io/acme/mailer:2.0.1',
      liveness: HealthCheck.exec(['/app/healthcheck', '--live']),
      readiness: HealthCheck.exec(['/app/healthcheck', '--ready']),
      metrics: { port: 9090 },
    });
    db.allowFrom(worker);
    const objs = synthAndValidate(chart);

    test('snapshot', () => {
      expect(objs.filter((o) => o.metadata.name === 'mailer')).toMatchSnapshot();
    });

    test('a metrics container port, a headless metrics-only Service and a ServiceMonitor through Istio mTLS', () => {
      expect(find(objs, 'Deployment', 'mailer').spec.template.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
      const svc = find(objs, 'Service', 'mailer');
      expect(svc.spec).toEqual({
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: { 'app.kubernetes.io/instance': 'mailer' },
        ports: [{ name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http' }],
      });
      expect(worker.metricsService).toBeDefined();
      expect(find(objs, 'ServiceMonitor', 'mailer').spec).toEqual({ selector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer' } }, endpoints: [ISTIO_ENDPOINT] });
      expect(svc.metadata.labels['app.kubernetes.io/instance']).toBe('mailer');
    });

    test('Prometheus only, on the metrics port only: the NetworkPolicy\'s single ingress rule and the mesh authorization', () => {
      const np = find(objs, 'NetworkPolicy', 'mailer');
      expect(np.spec.ingress).toEqual([{ from: [PROMETHEUS_PEER], ports: [{ protocol: 'TCP', port: 9090 }] }]);
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(np.spec.egress.length).toBeGreaterThan(1);
      expect(find(objs, 'AuthorizationPolicy', 'mailer').spec).toEqual({
        selector: { matchLabels: { 'app.kubernetes.io/instance': 'mailer' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus-k8s'] } }], to: [{ operation: { ports: ['9090'] } }] }],
      });
      expect(find(objs, 'PeerAuthentication', 'mailer').spec.mtls).toEqual({ mode: 'STRICT' });
      // Nobody calls the worker: no DestinationRule for its Service's host.
      expect(objs.some((o) => o.kind === 'DestinationRule' && o.metadata.name === 'mailer')).toBe(false);
      expect(worker.declaredScrapers).toEqual(['monitoring/prometheus-k8s']);
    });

    test('the same metrics pieces as an MtlsService with the same options', () => {
      const c = setup();
      new MtlsService(c.ns, 'mailer', { image: 'ghcr.io/acme/mailer:2.0.1', port: 8080, metrics: { port: 9090 } });
      const svcObjs = synthAndValidate(c.chart);
      expect(find(objs, 'ServiceMonitor', 'mailer').spec).toEqual(find(svcObjs, 'ServiceMonitor', 'mailer').spec);
      expect(find(objs, 'NetworkPolicy', 'mailer').spec.ingress).toEqual(find(svcObjs, 'NetworkPolicy', 'mailer').spec.ingress);
      expect(find(objs, 'AuthorizationPolicy', 'mailer').spec.rules).toEqual(find(svcObjs, 'AuthorizationPolicy', 'mailer').spec.rules);
    });

    test('the audit passes and reachability shows the scrape and the call, nothing else', () => {
      const report = SecurityAudit.auditManifests(objs);
      expect(report.findings.filter((f) => !f.acknowledged).map((f) => f.ruleId)).toEqual([]);
      const r = Reachability.analyze(chart);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
      expect(r.edges.filter((e) => !e.infrastructure).map((e) => `${e.from} -> ${e.to} ${e.ports.join(',')}`).sort())
        .toEqual(['monitoring/prometheus-k8s -> shop/mailer TCP/9090', 'shop/mailer -> shop/db TCP/5432']);
    });
  });

  test('Linkerd job: a Server, MeshTLSAuthentication and AuthorizationPolicy for the metrics port; the proxy port in the ingress', () => {
    const { chart, ns } = setup(Mesh.linkerd());
    const job = new SecureJob(ns, 'migrate', {
      image: 'ghcr.io/acme/migrate:1.4.0',
      metrics: { port: 9100, path: '/stats', interval: Duration.seconds(15), scraper: Caller.identity({ namespace: 'linkerd-viz', serviceAccount: 'prometheus', podLabels: { component: 'prometheus' } }) },
    });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Job', 'migrate').spec.template.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
    expect(find(objs, 'Server', 'migrate-metrics').spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'migrate' } }, port: 9100, proxyProtocol: 'HTTP/1' });
    expect(find(objs, 'MeshTLSAuthentication', 'migrate-metrics').spec.identityRefs).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'linkerd-viz' }]);
    expect(find(objs, 'AuthorizationPolicy', 'migrate-metrics').spec.targetRef).toEqual({ group: 'policy.linkerd.io', kind: 'Server', name: 'migrate-metrics' });
    expect(find(objs, 'ServiceMonitor', 'migrate').spec.endpoints).toEqual([{ port: 'metrics', path: '/stats', interval: '15s', scheme: 'http' }]);
    expect(job.networkPolicy.toJson().spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'linkerd-viz' } }, podSelector: { matchLabels: { component: 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9100 }, { protocol: 'TCP', port: 4143 }],
    }]);
    expect(job.declaredScrapers).toEqual(['linkerd-viz/prometheus']);
    const r = Reachability.analyze(chart);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
  });

  test('cron job without a mesh: plain HTTP on the metrics port, no certificate needed; allowScraper adds a scraper', () => {
    const { chart, ns } = setup(Mesh.none());
    const cron = new SecureCronJob(ns, 'nightly-report', { image: 'ghcr.io/acme/report:3.2.0', schedule: Cron.daily(), metrics: { port: 9090 } });
    cron.allowScraper(Caller.identity({ namespace: 'observability', serviceAccount: 'prometheus', podLabels: { app: 'prometheus' } }));
    cron.allowScraper(Caller.identity({ namespace: 'observability', serviceAccount: 'prometheus', podLabels: { app: 'prometheus' } }));
    ExternalNamespaces.of(chart).add('observability');
    const objs = synthAndValidate(chart);
    expect(find(objs, 'CronJob', 'nightly-report').spec.jobTemplate.spec.template.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(find(objs, 'ServiceMonitor', 'nightly-report').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }]);
    expect(objs.some((o) => o.kind === 'Certificate')).toBe(false);
    expect(cron.declaredScrapers).toEqual(['monitoring/prometheus-k8s', 'observability/prometheus']);
    expect(cron.networkPolicy.toJson().spec.ingress).toEqual([{
      from: [PROMETHEUS_PEER, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    }]);
    const r = Reachability.analyze(chart);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
  });

  test('without metrics: no port, no Service, no ServiceMonitor, no ingress', () => {
    const { chart, ns } = setup();
    const w = new SecureWorker(ns, 'w', { image: 'ghcr.io/acme/w:1.0.0' });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Deployment', 'w').spec.template.spec.containers[0].ports).toBeUndefined();
    expect(objs.filter((o) => ['Service', 'ServiceMonitor'].includes(o.kind))).toEqual([]);
    expect(w.metricsService).toBeUndefined();
    expect(w.serviceMonitor).toBeUndefined();
    expect(w.declaredScrapers).toEqual([]);
    expect(w.networkPolicy.toJson().spec.ingress).toEqual([]);
  });

  test('why a ServiceMonitor and not a PodMonitor: only a ServiceMonitor endpoint takes certificate files', () => {
    const tlsConfig = ISTIO_ENDPOINT.tlsConfig;
    const meta = { name: 'x', namespace: 'shop' };
    expect(() => expectValidManifests([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta, spec: { selector: {}, endpoints: [{ port: 'metrics', scheme: 'https', tlsConfig }] } }])).not.toThrow();
    expect(() => expectValidManifests([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta, spec: { selector: {}, podMetricsEndpoints: [{ port: 'metrics', scheme: 'https', tlsConfig }] } }])).toThrow(/caFile/);
  });

  test('bad metrics input', () => {
    const mk = (build: (ns: SecureNamespace) => unknown) => () => build(setup().ns);
    expect(mk((n) => new SecureWorker(n, 'w', { image: 'ghcr.io/acme/w:1.0.0', metrics: { port: 0 } })))
      .toThrow('test/shop/w: metrics.port 0 is out of range. Fix: use an integer port from 1 to 65535');
    expect(mk((n) => new SecureJob(n, 'j', { image: 'ghcr.io/acme/j:1.0.0', metrics: { port: 9090, interval: Duration.seconds(1) } })))
      .toThrow('test/shop/j: metrics.interval "1s" is shorter than 5s or not whole seconds. Fix: scrape at most every 5 seconds, in whole seconds');
    expect(mk((n) => new SecureCronJob(n, 'c', { image: 'ghcr.io/acme/c:1.0.0', schedule: Cron.daily(), metrics: { port: 9090, path: 'metrics' } })))
      .toThrow('test/shop/c: metrics.path "metrics" is not absolute. Fix: give an absolute path such as "/metrics"');
    expect(mk((n) => new SecureWorker(n, 'w', { image: 'ghcr.io/acme/w:1.0.0' }).allowScraper(Caller.identity({ namespace: 'monitoring', serviceAccount: 'prometheus' }))))
      .toThrow('test/shop/w: allowScraper() needs a metrics port. Fix: set `metrics: { port }` on the workload');
    expect(mk((n) => new SecureWorker(n, 'w', {
      image: 'ghcr.io/acme/w:1.0.0',
      metrics: { port: 9090, scraper: Caller.identity({ namespace: 'monitoring', serviceAccount: 'prometheus', mesh: MeshType.LINKERD }) },
    }))).toThrow('test/shop/w: caller monitoring/prometheus is in a namespace with mesh "linkerd", but shop uses "istio". Fix: callers must share the callee\'s mesh');
  });
});
