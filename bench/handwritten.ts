/**
 * (c): the same hardened objects the library emits, written by hand the way a user would without
 * the library — cdk8s-plus-27 where it can express them (Deployment, containers, probes,
 * resources, volumes, ServiceAccount), JSON patches for what it cannot (seccomp, drop ALL,
 * topology spread, anti-affinity), and plain ApiObjects for the rest (NetworkPolicies, RBAC, PDB,
 * Istio, storage). The gateway, routes and external egress are in `handwritten-edge.ts`.
 */
import { ApiObject, App, Chart, Duration, JsonPatch, Size, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { externalEgress, gatewayObjects, gatewayPeer, gatewayPrincipal, namespaceSidecar, serviceRoute } from './handwritten-edge';
import { IMAGE, KMS_KEY, Topology, callersOf, callsExternal, exposedByNamespace, hasVolume, isExposed, namespaceOf, serviceName } from './topology';

const READ = ['get', 'list', 'watch'];

function np(scope: Chart, id: string, ns: string, spec: any) {
  new ApiObject(scope, id, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: id, namespace: ns }, spec });
}

function namespaceObjects(chart: Chart, name: string) {
  new ApiObject(chart, 'ns', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.34',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/audit-version': 'v1.34',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/warn-version': 'v1.34',
        'istio-injection': 'enabled',
      },
    },
  });
  np(chart, 'default-deny', name, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  np(chart, 'allow-dns', name, {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
  });
  np(chart, 'allow-mesh-data-plane', name, {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ protocol: 'TCP', port: 15012 }] }],
  });
  namespaceSidecar(chart, name);
  new ApiObject(chart, 'pa', { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: name }, spec: { mtls: { mode: 'STRICT' } } });
  new ApiObject(chart, 'deny', { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-all', namespace: name }, spec: {} });
  new ApiObject(chart, 'quota', {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'baseline-quota', namespace: name },
    spec: { hard: { 'requests.cpu': '8', 'limits.cpu': '16', 'requests.memory': '16Gi', 'limits.memory': '32Gi', 'pods': '100000', 'services': '100000', 'persistentvolumeclaims': '100000', 'services.loadbalancers': '0', 'services.nodeports': '0' } },
  });
  new ApiObject(chart, 'limits', {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'baseline-limits', namespace: name },
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '256Mi' }, max: { cpu: '4', memory: '8Gi' } }] },
  });
  new ApiObject(chart, 'default-sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name }, automountServiceAccountToken: false });
  for (const [role, group, verbs] of [['viewer', `${name}-devs`, READ], ['deployer', `${name}-ci`, ['create', 'delete', 'patch', 'update', ...READ]], ['admin', `${name}-admins`, ['create', 'delete', 'patch', 'update', ...READ]]] as const) {
    new ApiObject(chart, `role-${role}`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `baseline-${role}`, namespace: name },
      rules: [{ apiGroups: ['', 'apps', 'batch', 'policy'], resources: ['configmaps', 'services', 'pods', 'deployments', 'statefulsets', 'jobs', 'cronjobs', 'poddisruptionbudgets'], verbs: [...verbs] }],
    });
    new ApiObject(chart, `binding-${role}`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `baseline-${role}`, namespace: name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `baseline-${role}` },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    });
  }
}

export function handwrittenApp(t: Topology, outdir: string): App {
  const peer = (j: number) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespaceOf(t, j) } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': serviceName(j) } } });
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const charts = new Map<string, Chart>();
  for (let k = 0; k < t.namespaces; k++) {
    const name = namespaceOf(t, k);
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    namespaceObjects(chart, name);
    charts.set(name, chart);
  }
  new ApiObject(charts.get(namespaceOf(t, 0))!, 'storage-class', {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'encrypted-ebs' },
    provisioner: 'ebs.csi.aws.com',
    parameters: { encrypted: 'true', kmsKeyId: KMS_KEY },
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  new ApiObject(charts.get(namespaceOf(t, 0))!, 'priority', {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'secure-baseline-workload' }, value: 1000, globalDefault: false,
  });
  for (const [ns, exposed] of exposedByNamespace(t)) gatewayObjects(charts.get(ns)!, ns, exposed, peer);
  // Callers per service, and callees per service (for egress), computed up front.
  const callees = new Map<number, number[]>();
  for (let i = 0; i < t.services; i++) {
    for (const c of callersOf(t, i)) callees.set(c, [...(callees.get(c) ?? []), i]);
  }
  for (let i = 0; i < t.services; i++) {
    const ns = namespaceOf(t, i);
    const chart = charts.get(ns)!;
    const name = serviceName(i);
    const sel = { 'app.kubernetes.io/instance': name };
    const labels = { 'app.kubernetes.io/name': name, ...sel };
    const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, namespace: ns }, automountToken: false });
    const volumes: kplus.Volume[] = [kplus.Volume.fromEmptyDir(chart, `${name}-tmp`, 'tmp', { sizeLimit: Size.gibibytes(1) })];
    const mounts: kplus.VolumeMount[] = [{ volume: volumes[0], path: '/tmp' }];
    if (hasVolume(i)) {
      const pvc = new kplus.PersistentVolumeClaim(chart, `${name}-data`, {
        metadata: { name: `${name}-data`, namespace: ns },
        storage: Size.gibibytes(10),
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD],
        storageClassName: 'encrypted-ebs',
      });
      const v = kplus.Volume.fromPersistentVolumeClaim(chart, `${name}-vol`, pvc);
      volumes.push(v);
      mounts.push({ volume: v, path: '/data' });
    }
    const deployment = new kplus.Deployment(chart, `${name}-deployment`, {
      metadata: { name, namespace: ns, labels },
      podMetadata: { labels },
      replicas: 2,
      serviceAccount: sa,
      automountServiceAccountToken: false,
      securityContext: {
        ensureNonRoot: true, user: 10001, group: 10001, fsGroup: 10001, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
      volumes,
      containers: [{
        name: 'main',
        image: IMAGE(i),
        portNumber: 8080,
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        volumeMounts: mounts,
        securityContext: {
          ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: 10001, group: 10001,
        },
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
          ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
        },
        readiness: kplus.Probe.fromTcpSocket({ port: 8080, periodSeconds: Duration.seconds(5) }),
        liveness: kplus.Probe.fromTcpSocket({ port: 8080, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(15) }),
      }],
    });
    // What cdk8s-plus-27 cannot express.
    const api = (deployment as any).apiObject as ApiObject;
    api.addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/priorityClassName', 'secure-baseline-workload'),
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } },
      ]),
      JsonPatch.add('/spec/template/spec/affinity', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: sel } } }] } }),
    );
    new ApiObject(chart, `${name}-svc`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: sel, ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP', appProtocol: 'http' }] },
    });
    new ApiObject(chart, `${name}-pdb`, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: sel }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
    const callers = callersOf(t, i);
    const exposed = isExposed(t, i);
    if (exposed) serviceRoute(chart, ns, i);
    np(chart, `${name}-np`, ns, {
      podSelector: { matchLabels: sel },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [...(exposed ? [gatewayPeer(ns)] : []), ...callers.map(peer)], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
        ...(callees.get(i) ?? []).map((j) => ({ to: [peer(j)], ports: [{ protocol: 'TCP', port: 8080 }] })),
        ...(callsExternal(t, i) ? [externalEgress(chart, ns, i, sel)] : []),
      ],
    });
    new ApiObject(chart, `${name}-pa`, { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: sel }, mtls: { mode: 'STRICT' } } });
    new ApiObject(chart, `${name}-dr`, { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns }, spec: { host: `${name}.${ns}.svc.cluster.local`, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } });
    new ApiObject(chart, `${name}-ap`, {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name, namespace: ns },
      spec: { selector: { matchLabels: sel }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [...(exposed ? [gatewayPrincipal(ns)] : []), ...callers.map((j) => `cluster.local/ns/${namespaceOf(t, j)}/sa/${serviceName(j)}`)].sort() } }], to: [{ operation: { ports: ['8080'] } }] }] },
    });
  }
  return app;
}
