/**
 * The ClusterRoles every Kubernetes API server creates at start-up (its RBAC bootstrap policy), as
 * data: what a binding to `admin`, `edit`, `view`, `cluster-admin` or a `system:` role really grants
 * when the role itself is not in the manifests.
 *
 * Source: kubernetes/kubernetes, plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml
 * (the API server's own golden file for its bootstrap policy; Apache-2.0), at commit
 * 025f2834a128798cef30018a5e6a6ae82b5ad885 (a release with `selfsubjectreviews`, so Kubernetes 1.28 or
 * later; the roles the risk model cares about, `admin`/`edit`/`view` and their aggregates, have been
 * stable since 1.22). Transcribed field for field into the compact form below (the
 * `kubernetes.io/bootstrapping: rbac-defaults` label and `autoupdate` annotation every role carries
 * are left out). `test/rbac/bootstrap-roles.test.ts` checks the facts the risk model relies on.
 *
 * Aggregated roles (`admin`, `edit`, `view`) carry no rules of their own: the controller manager
 * fills them from the ClusterRoles whose labels match their `aggregationRule` — the
 * `system:aggregate-to-*` roles below, and any ClusterRole of the app with such a label.
 */

/** One PolicyRule: API groups, resources, verbs, and optionally resource names or non-resource URLs. */
export interface BootstrapRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** One built-in ClusterRole. */
export interface BootstrapClusterRole {
  readonly name: string;
  /** Labels that matter for aggregation (`rbac.authorization.k8s.io/aggregate-to-*`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** `aggregationRule.clusterRoleSelectors[*].matchLabels`. */
  readonly aggregateFrom?: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly rules: readonly BootstrapRule[];
}

const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const RW = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ = ['get', 'list', 'watch'];
const EVENTS_WRITE: BootstrapRule = { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] };
const approver = (signer: string): BootstrapRule[] => [{ apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: [signer], verbs: ['approve'] }];

/** The bootstrap ClusterRoles, by name. */
export const BOOTSTRAP_CLUSTER_ROLES: readonly BootstrapClusterRole[] = [
  { name: 'admin', aggregateFrom: [{ [`${AGG}admin`]: 'true' }], rules: [] },
  {
    name: 'cluster-admin',
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  { name: 'edit', labels: { [`${AGG}admin`]: 'true' }, aggregateFrom: [{ [`${AGG}edit`]: 'true' }], rules: [] },
  {
    name: 'system:aggregate-to-admin',
    labels: { [`${AGG}admin`]: 'true' },
    rules: [
      { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
    ],
  },
  {
    name: 'system:aggregate-to-edit',
    labels: { [`${AGG}edit`]: 'true' },
    rules: [
      { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: RW },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
        verbs: RW,
      },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      {
        apiGroups: ['apps'],
        resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
        verbs: RW,
      },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: RW },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: RW },
      {
        apiGroups: ['extensions'],
        resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'],
        verbs: RW,
      },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: RW },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: RW },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
    ],
  },
  {
    name: 'system:aggregate-to-view',
    labels: { [`${AGG}view`]: 'true' },
    rules: [
      {
        apiGroups: [''],
        resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'],
        verbs: READ,
      },
      {
        apiGroups: [''],
        resources: ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'],
        verbs: READ,
      },
      { apiGroups: [''], resources: ['namespaces'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
      {
        apiGroups: ['apps'],
        resources: ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'],
        verbs: READ,
      },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], verbs: READ },
      { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
      {
        apiGroups: ['extensions'],
        resources: ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'],
        verbs: READ,
      },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingresses/status', 'networkpolicies'], verbs: READ },
    ],
  },
  {
    name: 'system:auth-delegator',
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  },
  {
    name: 'system:basic-user',
    rules: [
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
    rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/nodeclient'], verbs: ['create'] }],
  },
  {
    name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
    rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/selfnodeclient'], verbs: ['create'] }],
  },
  { name: 'system:certificates.k8s.io:kube-apiserver-client-approver', rules: approver('kubernetes.io/kube-apiserver-client') },
  { name: 'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', rules: approver('kubernetes.io/kube-apiserver-client-kubelet') },
  { name: 'system:certificates.k8s.io:kubelet-serving-approver', rules: approver('kubernetes.io/kubelet-serving') },
  { name: 'system:certificates.k8s.io:legacy-unknown-approver', rules: approver('kubernetes.io/legacy-unknown') },
  {
    name: 'system:discovery',
    rules: [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }],
  },
  {
    name: 'system:heapster',
    rules: [
      { apiGroups: [''], resources: ['events', 'namespaces', 'nodes', 'pods'], verbs: READ },
      { apiGroups: ['extensions'], resources: ['deployments'], verbs: READ },
    ],
  },
  { name: 'system:kube-aggregator', rules: [{ apiGroups: [''], resources: ['endpoints', 'services'], verbs: READ }] },
  {
    name: 'system:kube-controller-manager',
    rules: [
      EVENTS_WRITE,
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['kube-controller-manager'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['update'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ],
  },
  { name: 'system:kube-dns', rules: [{ apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['list', 'watch'] }] },
  {
    name: 'system:kube-scheduler',
    rules: [
      EVENTS_WRITE,
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['kube-scheduler'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['nodes'], verbs: READ },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['bindings', 'pods/binding'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['replicationcontrollers', 'services'], verbs: READ },
      { apiGroups: ['apps', 'extensions'], resources: ['replicasets'], verbs: READ },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: READ },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
      { apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: READ },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: READ },
      { apiGroups: [''], resources: ['namespaces'], verbs: READ },
      { apiGroups: ['storage.k8s.io'], resources: ['csidrivers'], verbs: READ },
      { apiGroups: ['storage.k8s.io'], resources: ['csistoragecapacities'], verbs: READ },
    ],
  },
  {
    name: 'system:kubelet-api-admin',
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: READ },
      { apiGroups: [''], resources: ['nodes'], verbs: ['proxy'] },
      { apiGroups: [''], resources: ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], verbs: ['*'] },
    ],
  },
  {
    name: 'system:monitoring',
    rules: [{ nonResourceURLs: ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'], verbs: ['get'] }],
  },
  {
    name: 'system:node',
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews', 'subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: [''], resources: ['services'], verbs: READ },
      { apiGroups: [''], resources: ['nodes'], verbs: ['create', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: READ },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete'] },
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: READ },
      { apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: ['get'] },
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['get'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims/status'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: ['storage.k8s.io'], resources: ['csidrivers'], verbs: READ },
      { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: READ },
    ],
  },
  {
    name: 'system:node-bootstrapper',
    rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] }],
  },
  {
    name: 'system:node-problem-detector',
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      EVENTS_WRITE,
    ],
  },
  {
    name: 'system:node-proxier',
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: READ },
      EVENTS_WRITE,
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
  },
  {
    name: 'system:persistent-volume-provisioner',
    rules: [
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'update', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ },
      { apiGroups: [''], resources: ['events'], verbs: ['watch'] },
      EVENTS_WRITE,
    ],
  },
  {
    name: 'system:public-info-viewer',
    rules: [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }],
  },
  {
    name: 'system:service-account-issuer-discovery',
    rules: [{ nonResourceURLs: ['/.well-known/openid-configuration', '/openid/v1/jwks'], verbs: ['get'] }],
  },
  {
    name: 'system:volume-scheduler',
    rules: [
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
    ],
  },
  { name: 'view', labels: { [`${AGG}edit`]: 'true' }, aggregateFrom: [{ [`${AGG}view`]: 'true' }], rules: [] },
];

const BY_NAME = new Map(BOOTSTRAP_CLUSTER_ROLES.map((r) => [r.name, r]));

/** The built-in ClusterRole of that name, if the API server creates one. */
export function bootstrapClusterRole(name: string): BootstrapClusterRole | undefined {
  return BY_NAME.get(name);
}

/**
 * The rules a built-in ClusterRole holds in a cluster without other roles aggregated into it
 * (`admin` = its own aggregate role + `edit`'s + `view`'s); undefined for a name the API server
 * does not create.
 */
export function bootstrapRules(name: string): BootstrapRule[] | undefined {
  const role = BY_NAME.get(name);
  if (!role) return undefined;
  const out: BootstrapRule[] = [...role.rules];
  const seen = new Set([name]);
  const queue = [role];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const selector of current.aggregateFrom ?? []) {
      for (const other of BOOTSTRAP_CLUSTER_ROLES) {
        if (seen.has(other.name)) continue;
        if (Object.entries(selector).every(([k, v]) => other.labels?.[k] === v)) {
          seen.add(other.name);
          out.push(...other.rules);
          queue.push(other);
        }
      }
    }
  }
  return out;
}
