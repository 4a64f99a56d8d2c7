import { ApiObject, Chart, Testing } from 'cdk8s';
import { expectValidManifests, NO_SCHEMA_ALLOWLIST, synthAndValidate, validateManifest } from './schema';
import { AuthorizationPolicy, MeshTlsAuthentication, Server } from '../../src/imports/linkerd';
import { VolumeSnapshotClass, VolumeSnapshotClassDeletionPolicy } from '../../src/imports/snapshot';
import { Schedule } from '../../src/imports/velero';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { app: name } });

const podSpec = () => ({
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{
    name: 'app',
    image: 'nginx:1.27',
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    resources: { limits: { 'cpu': '500m', 'memory': '128Mi', 'example.com/gpu': 1 }, requests: { cpu: '100m' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  }],
});

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('web', 'shop'),
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: podSpec() },
  },
});

const linkerdServer = () => ({
  apiVersion: 'policy.linkerd.io/v1beta3',
  kind: 'Server',
  metadata: meta('web-http', 'shop'),
  spec: { podSelector: { matchLabels: { app: 'web' } }, port: 'http', proxyProtocol: 'HTTP/1', accessPolicy: 'deny' },
});

const meshTlsAuthentication = () => ({
  apiVersion: 'policy.linkerd.io/v1alpha1',
  kind: 'MeshTLSAuthentication',
  metadata: meta('web-clients', 'shop'),
  spec: { identityRefs: [{ kind: 'ServiceAccount', name: 'frontend' }] },
});

const linkerdAuthorizationPolicy = () => ({
  apiVersion: 'policy.linkerd.io/v1alpha1',
  kind: 'AuthorizationPolicy',
  metadata: meta('web-http', 'shop'),
  spec: {
    targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web-http' },
    requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'web-clients' }],
  },
});

const veleroSchedule = () => ({
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: meta('daily', 'velero'),
  spec: {
    schedule: '0 2 * * *',
    useOwnerReferencesInBackup: false,
    template: {
      includedNamespaces: ['shop'],
      ttl: '720h0m0s',
      snapshotVolumes: true,
      labelSelector: { matchLabels: { 'backup.example.com/enabled': 'true' } },
      orderedResources: { pods: 'shop/a,shop/b' },
      hooks: { resources: [{ name: 'freeze', pre: [{ exec: { command: ['/bin/fsfreeze', '--freeze', '/data'], onError: 'Fail' } }] }] },
    },
  },
});

const volumeSnapshotClass = () => ({
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshotClass',
  metadata: { name: 'encrypted' },
  driver: 'ebs.csi.aws.com',
  deletionPolicy: 'Retain',
  parameters: { 'encrypted': 'true', 'kmsKeyId': 'alias/x', 'csi.storage.k8s.io/snapshotter-secret-name': 's' },
});

const externalSecret = () => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: meta('orders-db', 'shop'),
  spec: {
    refreshInterval: '1h',
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
    target: { name: 'orders-db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
    data: [{ secretKey: 'password', remoteRef: { key: 'prod/orders/db', property: 'password', version: 'AWSCURRENT' } }],
    dataFrom: [{ extract: { key: 'prod/orders/tls' } }],
  },
});

const sealedSecret = () => ({
  apiVersion: 'bitnami.com/v1alpha1',
  kind: 'SealedSecret',
  metadata: { ...meta('smtp', 'shop'), annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } },
  spec: {
    encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' },
    template: {
      metadata: { name: 'smtp', namespace: 'shop', annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } },
      type: 'Opaque',
    },
  },
});

/** One valid object for every kind the validator knows. */
const VALID: Record<string, any> = {
  'v1/Namespace': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  'v1/ServiceAccount': { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('web', 'shop'), automountServiceAccountToken: false },
  'v1/Service': {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web', 'shop'),
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  },
  'v1/ConfigMap': { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg', 'shop'), data: { 'nginx.conf': 'x', 'any-key': 'y' } },
  'v1/Secret': { apiVersion: 'v1', kind: 'Secret', metadata: meta('s', 'shop'), type: 'Opaque', stringData: { password: 'p' } },
  'v1/PersistentVolumeClaim': {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta('data', 'shop'),
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'encrypted', resources: { requests: { storage: '1Gi' } } },
  },
  'v1/ResourceQuota': { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('q', 'shop'), spec: { hard: { 'pods': '10', 'requests.cpu': '4' } } },
  'v1/LimitRange': {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta('l', 'shop'),
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }] },
  },
  'v1/Pod': { apiVersion: 'v1', kind: 'Pod', metadata: meta('p', 'shop'), spec: podSpec() },
  'apps/v1/Deployment': deployment(),
  'apps/v1/StatefulSet': {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('db', 'shop'),
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: podSpec() },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  },
  'apps/v1/DaemonSet': {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('agent', 'shop'),
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: podSpec() } },
  },
  'apps/v1/ReplicaSet': {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('rs', 'shop'),
    spec: { selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: podSpec() } },
  },
  'batch/v1/Job': {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('job', 'shop'),
    spec: { backoffLimit: 1, template: { spec: { ...podSpec(), restartPolicy: 'Never' } } },
  },
  'batch/v1/CronJob': {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('cron', 'shop'),
    spec: { schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { ...podSpec(), restartPolicy: 'OnFailure' } } } } },
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('default-deny', 'shop'),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    },
  },
  'networking.k8s.io/v1/Ingress': {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('web', 'shop'),
    spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  },
  'rbac.authorization.k8s.io/v1/Role': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta('read', 'shop'),
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
  },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('read', 'shop'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
  },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta('view-ns'),
    rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }],
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta('view-ns'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view-ns' },
    subjects: [{ kind: 'Group', name: 'auditors', apiGroup: 'rbac.authorization.k8s.io' }],
  },
  'policy/v1/PodDisruptionBudget': {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta('web', 'shop'),
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  },
  'storage.k8s.io/v1/StorageClass': {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: meta('encrypted'),
    provisioner: 'ebs.csi.aws.com',
    parameters: { 'encrypted': 'true', 'kmsKeyId': 'alias/x', 'csi.storage.k8s.io/fstype': 'ext4' },
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  },
  'scheduling.k8s.io/v1/PriorityClass': {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('critical'), value: 1000000, preemptionPolicy: 'Never',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web', 'shop'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: meta('no-privileged'),
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
      validations: [{ expression: 'object.spec.containers.all(c, !has(c.securityContext.privileged) || !c.securityContext.privileged)', message: 'no' }],
    },
  },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: meta('no-privileged'),
    spec: { policyName: 'no-privileged', validationActions: ['Deny', 'Audit'] },
  },
  'security.istio.io/v1/PeerAuthentication': {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: meta('default', 'shop'),
    spec: { mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } },
  },
  'security.istio.io/v1/AuthorizationPolicy': {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('web', 'shop'),
    spec: {
      selector: { matchLabels: { app: 'web' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/frontend'] } }], to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] }],
    },
  },
  'networking.istio.io/v1/DestinationRule': {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: meta('web', 'shop'),
    spec: { host: 'web.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
  },
  'cert-manager.io/v1/Certificate': {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: meta('web', 'shop'),
    spec: {
      secretName: 'web-tls',
      dnsNames: ['shop.example.com'],
      duration: '2160h',
      renewBefore: '360h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: 'ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    },
  },
  'cert-manager.io/v1/Issuer': { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('ca', 'shop'), spec: { ca: { secretName: 'ca-key-pair' } } },
  'cert-manager.io/v1/ClusterIssuer': { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: meta('selfsigned'), spec: { selfSigned: {} } },
  'policy.linkerd.io/v1beta3/Server': linkerdServer(),
  'policy.linkerd.io/v1alpha1/MeshTLSAuthentication': meshTlsAuthentication(),
  'policy.linkerd.io/v1alpha1/AuthorizationPolicy': linkerdAuthorizationPolicy(),
  'velero.io/v1/Schedule': veleroSchedule(),
  'snapshot.storage.k8s.io/v1/VolumeSnapshotClass': volumeSnapshotClass(),
  'external-secrets.io/v1/ExternalSecret': externalSecret(),
  'bitnami.com/v1alpha1/SealedSecret': sealedSecret(),
};

/** `obj` with `value` set at `path` (dot path; numbers index arrays). */
function withField(obj: any, path: string, value: unknown): any {
  const copy = JSON.parse(JSON.stringify(obj));
  const keys = path.split('.');
  let node = copy;
  for (const k of keys.slice(0, -1)) node = node[k];
  node[keys[keys.length - 1]] = value;
  return copy;
}

describe('valid objects', () => {
  test.each(Object.keys(VALID))('%s passes', (key) => {
    const obj = VALID[key];
    expect(`${obj.apiVersion}/${obj.kind}`).toEqual(key);
    expect(validateManifest(obj)).toEqual([]);
  });

  test('validation does not modify the object', () => {
    const obj = deployment();
    validateManifest(withField(obj, 'spec.template.spec.securityContex', {}));
    validateManifest(obj);
    expect(obj).toEqual(deployment());
  });

  test('a sub-object shared by two places is checked against each schema', () => {
    const labels = { app: 'web' };
    const obj: any = deployment();
    obj.metadata.labels = labels;
    obj.spec.selector.matchLabels = labels;
    obj.spec.template.metadata.labels = labels;
    expect(validateManifest(obj)).toEqual([]);
  });
});

describe('unknown fields', () => {
  test.each([
    ['root', 'specc', {}, 'Deployment/web: specc: unknown field (not defined by the schema)'],
    ['metadata', 'metadata.labelz', {}, 'Deployment/web: metadata.labelz: unknown field (not defined by the schema)'],
    ['spec', 'spec.replica', 2, 'Deployment/web: spec.replica: unknown field (not defined by the schema)'],
    ['pod template metadata', 'spec.template.metadata.annotationz', {}, 'Deployment/web: spec.template.metadata.annotationz: unknown field (not defined by the schema)'],
    ['pod spec', 'spec.template.spec.securityContex', {}, 'Deployment/web: spec.template.spec.securityContex: unknown field (not defined by the schema)'],
    [
      'container in an array',
      'spec.template.spec.containers.0.securityContext.capabilities.dropp', ['ALL'],
      'Deployment/web: spec.template.spec.containers[0].securityContext.capabilities.dropp: unknown field (not defined by the schema)',
    ],
  ])('a misspelled field in %s fails with its path', (_where, path, value, message) => {
    expect(validateManifest(withField(deployment(), path, value))).toEqual([message]);
  });

  test('several problems are all reported', () => {
    let obj = withField(deployment(), 'spec.template.spec.securityContex', {});
    obj = withField(obj, 'spec.template.spec.containers.0.imagePullPolicy', 'Sometimes');
    obj = withField(obj, 'spec.template.spec.containers.0.securityContext.capabilities.drop', 'ALL');
    expect(validateManifest(obj)).toEqual([
      'Deployment/web: spec.template.spec.containers[0].imagePullPolicy: must be one of "Always", "IfNotPresent", "Never" (got "Sometimes")',
      'Deployment/web: spec.template.spec.containers[0].securityContext.capabilities.drop: must be array (got string "ALL")',
      'Deployment/web: spec.template.spec.securityContex: unknown field (not defined by the schema)',
    ]);
  });

  test('Istio, cert-manager and CRD objects are strict too', () => {
    expect(validateManifest(withField(VALID['security.istio.io/v1/PeerAuthentication'], 'spec.mtsl', { mode: 'STRICT' }))).toEqual([
      'PeerAuthentication/default: spec.mtsl: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(VALID['security.istio.io/v1/AuthorizationPolicy'], 'spec.rules.0.from.0.source.principal', ['x']))).toEqual([
      'AuthorizationPolicy/web: spec.rules[0].from[0].source.principal: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(VALID['networking.istio.io/v1/DestinationRule'], 'spec.trafficPolicy.tls.mod', 'x'))).toEqual([
      'DestinationRule/web: spec.trafficPolicy.tls.mod: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(VALID['cert-manager.io/v1/Certificate'], 'spec.issuerRef.kindd', 'Issuer'))).toEqual([
      'Certificate/web: spec.issuerRef.kindd: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(VALID['security.istio.io/v1/PeerAuthentication'], 'metadata.labls', {}))).toEqual([
      'PeerAuthentication/default: metadata.labls: unknown field (not defined by the schema)',
    ]);
  });

  test('free-form maps accept arbitrary keys', () => {
    const obj: any = deployment();
    obj.metadata.labels = { 'app.kubernetes.io/name': 'web', 'anything': 'goes' };
    obj.metadata.annotations = { 'example.com/any.key_1': 'v', 'x': '' };
    obj.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'web' };
    obj.spec.template.metadata.labels = { 'app.kubernetes.io/name': 'web', 'tier': 'x' };
    obj.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
    obj.spec.template.spec.containers[0].resources.limits = { 'cpu': '1', 'nvidia.com/gpu': 1, 'hugepages-2Mi': '10Mi' };
    expect(validateManifest(obj)).toEqual([]);
    expect(validateManifest(withField(VALID['v1/ConfigMap'], 'data', { 'a.b/c': 'x', 'Z': 'y' }))).toEqual([]);
    expect(validateManifest(withField(linkerdServer(), 'spec.podSelector.matchLabels', { 'a.b/c': 'x', 'any': 'y' }))).toEqual([]);
    expect(validateManifest(withField(volumeSnapshotClass(), 'parameters', { 'vendor.example/any': 'x' }))).toEqual([]);
    expect(validateManifest(withField(veleroSchedule(), 'spec.template.orderedResources', { 'persistentvolumes': 'a', 'x.y/z': 'b' }))).toEqual([]);
    expect(validateManifest(withField(VALID['security.istio.io/v1/AuthorizationPolicy'], 'spec.selector.matchLabels', { 'a.b/c': 'x' }))).toEqual([]);
  });

  test('values inside free-form maps are still validated', () => {
    expect(validateManifest(withField(deployment(), 'metadata.labels', { 'app.kubernetes.io/name': 1 }))).toEqual([
      'Deployment/web: metadata.labels["app.kubernetes.io/name"]: must be string (got number 1)',
    ]);
    expect(validateManifest(withField(VALID['security.istio.io/v1/PeerAuthentication'], 'spec.portLevelMtls', { 8080: { mode: 'STRICT', x: 1 } }))).toEqual([
      'PeerAuthentication/default: spec.portLevelMtls["8080"].x: unknown field (not defined by the schema)',
    ]);
  });
});

describe('enums', () => {
  test.each([
    [VALID['security.istio.io/v1/PeerAuthentication'], 'spec.mtls.mode', 'STRICTT',
      'PeerAuthentication/default: spec.mtls.mode: must be one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT" (got "STRICTT")'],
    [VALID['v1/Service'], 'spec.type', 'Nodeport',
      'Service/web: spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got "Nodeport")'],
    [VALID['networking.k8s.io/v1/NetworkPolicy'], 'spec.policyTypes', ['ingress'],
      'NetworkPolicy/default-deny: spec.policyTypes[0]: must be one of "Egress", "Ingress" (got "ingress")'],
    [deployment(), 'spec.template.spec.securityContext.seccompProfile.type', 'Default',
      'Deployment/web: spec.template.spec.securityContext.seccompProfile.type: must be one of "Localhost", "RuntimeDefault", "Unconfined" (got "Default")'],
    [VALID['policy/v1/PodDisruptionBudget'], 'spec.unhealthyPodEvictionPolicy', 'Always',
      'PodDisruptionBudget/web: spec.unhealthyPodEvictionPolicy: must be one of "AlwaysAllow", "IfHealthyBudget" (got "Always")'],
    [VALID['cert-manager.io/v1/Certificate'], 'spec.privateKey.algorithm', 'RSAA',
      'Certificate/web: spec.privateKey.algorithm: must be one of "RSA", "ECDSA", "Ed25519" (got "RSAA")'],
    // EXTRA_ENUMS (enforced by the API server, absent from the published schemas)
    [VALID['v1/LimitRange'], 'spec.limits.0.type', 'container',
      'LimitRange/l: spec.limits[0].type: must be one of "Container", "Pod", "PersistentVolumeClaim" (got "container")'],
    [VALID['autoscaling/v2/HorizontalPodAutoscaler'], 'spec.metrics.0.resource.target.type', 'Utilisation',
      'HorizontalPodAutoscaler/web: spec.metrics[0].resource.target.type: must be one of "Utilization", "Value", "AverageValue" (got "Utilisation")'],
    [VALID['rbac.authorization.k8s.io/v1/RoleBinding'], 'subjects.0.kind', 'Serviceaccount',
      'RoleBinding/read: subjects[0].kind: must be one of "ServiceAccount", "User", "Group" (got "Serviceaccount")'],
    [VALID['rbac.authorization.k8s.io/v1/ClusterRoleBinding'], 'roleRef.kind', 'Role',
      'ClusterRoleBinding/view-ns: roleRef.kind: must be one of "ClusterRole" (got "Role")'],
    [VALID['networking.k8s.io/v1/NetworkPolicy'], 'spec.egress.0.to.0.podSelector.matchExpressions.0.operator', 'in',
      'NetworkPolicy/default-deny: spec.egress[0].to[0].podSelector.matchExpressions[0].operator: must be one of "In", "NotIn", "Exists", "DoesNotExist" (got "in")'],
  ])('%#: a wrong enum value fails', (obj, path, value, message) => {
    expect(validateManifest(withField(obj, path, value))).toEqual([message]);
  });

  test('node selector operators keep their own enum (Gt/Lt allowed)', () => {
    const obj = withField(deployment(), 'spec.template.spec.affinity', {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['3'] }] }] } },
    });
    expect(validateManifest(obj)).toEqual([]);
  });
});

describe('kinds without a schema', () => {
  const unknown = { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w' } };

  test('an unknown kind fails with the allowlist hint', () => {
    expect(validateManifest(unknown)).toEqual([
      'Widget/w: (root): no schema for apiVersion "example.io/v1" kind "Widget": add a schema to test/util/schema.ts (or a vendored CRD in crds/), or an entry with a reason to NO_SCHEMA_ALLOWLIST',
    ]);
  });

  test('an unknown version of a known kind fails', () => {
    expect(validateManifest({ ...linkerdServer(), apiVersion: 'policy.linkerd.io/v1beta1' })).toEqual([
      'Server/web-http: (root): no schema for apiVersion "policy.linkerd.io/v1beta1" kind "Server": add a schema to test/util/schema.ts (or a vendored CRD in crds/), or an entry with a reason to NO_SCHEMA_ALLOWLIST',
    ]);
  });

  test('an allowlisted kind passes', () => {
    NO_SCHEMA_ALLOWLIST['example.io/v1/Widget'] = 'test entry';
    try {
      expect(validateManifest(unknown)).toEqual([]);
    } finally {
      delete NO_SCHEMA_ALLOWLIST['example.io/v1/Widget'];
    }
  });

  test('non-manifests fail', () => {
    expect(validateManifest('x')).toEqual(['<not an object>: (root): a manifest must be an object, got string "x"']);
    expect(validateManifest({ kind: 'Pod', metadata: { name: 'p' } })).toEqual(['Pod/p: (root): apiVersion and kind must be strings']);
  });
});

describe('Linkerd', () => {
  test('Server: invalid', () => {
    expect(validateManifest(withField(linkerdServer(), 'spec.mtsl', true))).toEqual([
      'Server/web-http: spec.mtsl: unknown field (not defined by the schema)',
    ]);
    const { podSelector: _omit, ...spec } = linkerdServer().spec;
    expect(validateManifest({ ...linkerdServer(), spec: { ...spec, port: 1.5 } })).toEqual([
      'Server/web-http: spec: must set exactly one of "podSelector", "externalWorkloadSelector"',
      'Server/web-http: spec.port: must be an integer or a string (got number 1.5)',
    ]);
    expect(validateManifest(withField(linkerdServer(), 'spec.podSelector.matchExpressions', [{ key: 'a', operator: 'in' }]))).toEqual([
      'Server/web-http: spec.podSelector.matchExpressions[0].operator: must be one of "In", "NotIn", "Exists", "DoesNotExist" (got "in")',
    ]);
    expect(validateManifest(withField(linkerdServer(), 'metadata.labelz', {}))).toEqual([
      'Server/web-http: metadata.labelz: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(linkerdServer(), 'apiVersion', 'policy.linkerd.io/v1beta3'))).toEqual([]);
  });

  test('MeshTLSAuthentication: invalid', () => {
    expect(validateManifest(withField(meshTlsAuthentication(), 'spec.identityRefs.0.nmae', 'x'))).toEqual([
      'MeshTLSAuthentication/web-clients: spec.identityRefs[0].nmae: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(meshTlsAuthentication(), 'spec', { identities: [] }))).toEqual([
      'MeshTLSAuthentication/web-clients: spec.identities: must NOT have fewer than 1 items',
    ]);
  });

  test('AuthorizationPolicy: invalid', () => {
    expect(validateManifest(withField(linkerdAuthorizationPolicy(), 'spec.requiredAuthenticationRefs.0', { kind: 'MeshTLSAuthentication' }))).toEqual([
      'AuthorizationPolicy/web-http: spec.requiredAuthenticationRefs[0].name: required field is missing',
    ]);
    expect(validateManifest(withField(linkerdAuthorizationPolicy(), 'spec.targetRef.kind', 'not a kind'))).toEqual([
      'AuthorizationPolicy/web-http: spec.targetRef.kind: must match pattern "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"',
    ]);
  });
});

describe('Velero Schedule', () => {
  test('invalid', () => {
    expect(validateManifest(withField(veleroSchedule(), 'spec.template.hooks.resources.0.pre.0.exec.onError', 'Ignore'))).toEqual([
      'Schedule/daily: spec.template.hooks.resources[0].pre[0].exec.onError: must be one of "Continue", "Fail" (got "Ignore")',
    ]);
    expect(validateManifest(withField(veleroSchedule(), 'spec.template.includeNamespaces', ['x']))).toEqual([
      'Schedule/daily: spec.template.includeNamespaces: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(veleroSchedule(), 'spec.schedule', undefined))).toEqual([
      'Schedule/daily: spec.schedule: required field is missing',
    ]);
    // nullable fields accept null
    expect(validateManifest(withField(veleroSchedule(), 'spec.template.snapshotVolumes', null))).toEqual([]);
  });
});

describe('VolumeSnapshotClass', () => {
  test('invalid', () => {
    expect(validateManifest(withField(volumeSnapshotClass(), 'deletionPolicy', 'Keep'))).toEqual([
      'VolumeSnapshotClass/encrypted: deletionPolicy: must be one of "Delete", "Retain" (got "Keep")',
    ]);
    expect(validateManifest(withField(volumeSnapshotClass(), 'spec', { driver: 'x' }))).toEqual([
      'VolumeSnapshotClass/encrypted: spec: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(volumeSnapshotClass(), 'parameters', { encrypted: true }))).toEqual([
      'VolumeSnapshotClass/encrypted: parameters.encrypted: must be string (got boolean true)',
    ]);
  });
});

describe('ExternalSecret (vendored ESO CRD)', () => {
  test('valid', () => {
    expect(validateManifest(externalSecret())).toEqual([]);
  });

  test('invalid: misspelled field', () => {
    expect(validateManifest(withField(externalSecret(), 'spec.data.0.remoteRef.proprety', 'password'))).toEqual([
      'ExternalSecret/orders-db: spec.data[0].remoteRef.proprety: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(externalSecret(), 'spec.secretStoreRef.kind', 'ClusterStore'))).toEqual([
      'ExternalSecret/orders-db: spec.secretStoreRef.kind: must be one of "SecretStore", "ClusterSecretStore" (got "ClusterStore")',
    ]);
  });

  test('v1beta1 is not vendored (no longer served by ESO >= 0.17)', () => {
    expect(validateManifest({ ...externalSecret(), apiVersion: 'external-secrets.io/v1beta1' })).toEqual([
      'ExternalSecret/orders-db: (root): no schema for apiVersion "external-secrets.io/v1beta1" kind "ExternalSecret": add a schema to test/util/schema.ts (or a vendored CRD in crds/), or an entry with a reason to NO_SCHEMA_ALLOWLIST',
    ]);
  });
});

describe('SealedSecret (vendored sealed-secrets CRD)', () => {
  test('valid', () => {
    expect(validateManifest(sealedSecret())).toEqual([]);
  });

  test('invalid: misspelled field', () => {
    expect(validateManifest(withField(sealedSecret(), 'spec.encrytpedData', { password: 'x' }))).toEqual([
      'SealedSecret/smtp: spec.encrytpedData: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(sealedSecret(), 'spec', { encryptedData: {}, template: { typ: 'Opaque' } }))).toEqual([
      'SealedSecret/smtp: spec.template.typ: unknown field (not defined by the schema)',
    ]);
    expect(validateManifest(withField(sealedSecret(), 'spec', { template: { type: 'Opaque' } }))).toEqual([
      'SealedSecret/smtp: spec.encryptedData: required field is missing',
    ]);
  });
});

describe('expectValidManifests / synthAndValidate', () => {
  test('expectValidManifests lists every problem', () => {
    expect(() => expectValidManifests([deployment(), linkerdServer()])).not.toThrow();
    expect(() => expectValidManifests([
      withField(deployment(), 'spec.template.spec.securityContex', {}),
      withField(VALID['v1/Service'], 'spec.type', 'Nodeport'),
    ])).toThrow(new Error([
      '2 schema problem(s) in synthesized manifests:',
      '  - Deployment/web: spec.template.spec.securityContex: unknown field (not defined by the schema)',
      '  - Service/web: spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got "Nodeport")',
    ].join('\n')));
  });

  test('synthAndValidate synthesizes the generated CRD constructs and validates them', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
    new Server(chart, 'server', { metadata: { name: 'web-http' }, spec: { podSelector: { matchLabels: { app: 'web' } }, port: 8080 } });
    new MeshTlsAuthentication(chart, 'authn', { metadata: { name: 'clients' }, spec: { identities: ['*.shop.serviceaccount.identity.linkerd.cluster.local'] } });
    new AuthorizationPolicy(chart, 'authz', {
      metadata: { name: 'web-http' },
      spec: {
        targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web-http' },
        requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'clients' }],
      },
    });
    new Schedule(chart, 'schedule', { metadata: { name: 'daily' }, spec: { schedule: '@daily', template: { includedNamespaces: ['shop'], ttl: '72h' } } });
    new VolumeSnapshotClass(chart, 'vsc', { metadata: { name: 'encrypted' }, driver: 'ebs.csi.aws.com', deletionPolicy: VolumeSnapshotClassDeletionPolicy.RETAIN });
    const objs = synthAndValidate(chart);
    expect(objs.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual([
      'policy.linkerd.io/v1beta3/Server',
      'policy.linkerd.io/v1alpha1/MeshTLSAuthentication',
      'policy.linkerd.io/v1alpha1/AuthorizationPolicy',
      'velero.io/v1/Schedule',
      'snapshot.storage.k8s.io/v1/VolumeSnapshotClass',
    ]);
  });

  test('synthAndValidate throws on an invalid object', () => {
    const chart = new Chart(Testing.app(), 'test');
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'Nodeport', ports: [{ port: 80 }] } });
    expect(() => synthAndValidate(chart)).toThrow(
      '1 schema problem(s) in synthesized manifests:\n  - Service/web: spec.type: must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got "Nodeport")',
    );
  });
});
