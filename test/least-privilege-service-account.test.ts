import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  ExternalNamespaces, LeastPrivilegeServiceAccount, LeastPrivilegeServiceAccountProps, SecurityAudit,
  SecureNamespace, Verb, WorkloadIdentity, WorkloadIdentityProvider,
} from '../src';
import { expectExactError, thrownMessage } from './util/errors';
import { expectValidManifests, synthAndValidate } from './util/schema';

const PATH = 'test/Shop/Api';
const REASON = 'The CI runner creates short-lived build pods here; approved by platform security (SEC-142).';
const REASON_FIX = 'explain in at least 20 characters and 3 words why this is needed and why it is safe, e.g. who approved it and what compensates for it';

function setup(props: LeastPrivilegeServiceAccountProps = {}) {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
  const sa = new LeastPrivilegeServiceAccount(ns, 'Api', props);
  return { chart, ns, sa };
}

/** The objects of the chart that this construct made (not the SecureNamespace's). */
function own(objs: any[]): any[] {
  const nsKinds = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange'];
  return objs.filter((o) => !nsKinds.includes(o.kind) && !(o.kind === 'ServiceAccount' && o.metadata.name === 'default'));
}

function find(objs: any[], kind: string, name: string, namespace?: string): any {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

function kinds(objs: any[]): string[] {
  return own(objs).map((o) => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
}

const SUBJECT = { kind: 'ServiceAccount', name: 'api', namespace: 'shop' };
const ACK = 'ack.cdk8s-secure-baseline.io/';

describe('LeastPrivilegeServiceAccount defaults', () => {
  const { chart } = setup();
  const objs = synthAndValidate(chart);

  test('snapshot', () => {
    expect(own(objs)).toMatchSnapshot();
  });

  test('ServiceAccount does not automount an API token', () => {
    expect(find(objs, 'ServiceAccount', 'api', 'shop')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'api', namespace: 'shop' },
      automountServiceAccountToken: false,
    });
  });

  test('no grant means no Role, RoleBinding or ClusterRole', () => {
    expect(kinds(objs)).toEqual(['ServiceAccount/shop/api']);
  });

  test('pods get no token, labels or volumes', () => {
    const { sa } = setup();
    expect(sa._podAdditions()).toEqual({ labels: {}, annotations: {}, volumes: [], volumeMounts: [] });
    expect(sa.apiTokenPath).toBeUndefined();
    expect(sa.role).toBeUndefined();
    expect(sa.roleBinding).toBeUndefined();
    expect(sa.clusterRole).toBeUndefined();
    expect(sa.clusterRoleBinding).toBeUndefined();
    expect(sa.grantedNamespaces).toEqual([]);
  });

  test('public names', () => {
    const { sa, ns } = setup();
    expect(sa.name).toBe('api');
    expect(sa.namespaceName).toBe('shop');
    expect(sa.serviceAccount.kind).toBe('ServiceAccount');
    expect(ns.name).toBe('shop');
  });
});

describe('LeastPrivilegeServiceAccount props', () => {
  test('explicit name, explicit namespace, labels, annotations and image pull secrets (deduplicated, in order)', () => {
    const chart = Testing.chart();
    const shop = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const sa = new LeastPrivilegeServiceAccount(chart, 'Worker', {
      namespace: shop,
      name: 'queue-worker',
      labels: { team: 'orders' },
      annotations: { owner: 'orders@example.com' },
      imagePullSecrets: ['registry-b', 'registry-a', 'registry-b'],
    });
    const objs = synthAndValidate(chart);
    expect(sa.namespaceName).toBe('shop');
    expect(find(objs, 'ServiceAccount', 'queue-worker')).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'queue-worker', namespace: 'shop', labels: { team: 'orders' }, annotations: { owner: 'orders@example.com' } },
      automountServiceAccountToken: false,
      imagePullSecrets: [{ name: 'registry-b' }, { name: 'registry-a' }],
    });
  });

  test('the name is derived from the id, lowercased', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    expect(new LeastPrivilegeServiceAccount(ns, 'OrderApi').name).toBe('orderapi');
  });

  test('found through a nested construct scope', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const inner = new Chart(ns, 'Inner');
    expect(new LeastPrivilegeServiceAccount(inner, 'Api').namespaceName).toBe('shop');
  });
});

describe('LeastPrivilegeServiceAccount bad props', () => {
  test('invalid name', () => {
    expectExactError(() => setup({ name: 'Bad_Name' }),
      `${PATH}: ServiceAccount name "Bad_Name" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
  });

  test('invalid name derived from the id', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    expectExactError(() => new LeastPrivilegeServiceAccount(ns, 'my_api'),
      "test/Shop/my_api: ServiceAccount name (derived from the construct id; set `name` to choose another) \"my_api\" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
  });

  test('the default ServiceAccount', () => {
    expectExactError(() => setup({ name: 'default' }),
      `${PATH}: ServiceAccount name "default" is the namespace's default ServiceAccount. Fix: choose a dedicated name per workload; SecureNamespace keeps "default" without a token and without permissions`);
  });

  test('the same name twice in one namespace', () => {
    const { ns } = setup();
    expectExactError(() => new LeastPrivilegeServiceAccount(ns, 'Other', { name: 'api' }),
      'test/Shop/Other: ServiceAccount name "api" is already used in namespace "shop" by test/Shop/Api. Fix: give each LeastPrivilegeServiceAccount its own `name`');
  });

  test('the same name in two namespaces is fine', () => {
    const { chart } = setup();
    const other = new SecureNamespace(chart, 'Billing', { name: 'billing' });
    expect(new LeastPrivilegeServiceAccount(other, 'Api').namespaceName).toBe('billing');
  });

  test('outside a SecureNamespace', () => {
    expectExactError(() => new LeastPrivilegeServiceAccount(Testing.chart(), 'Api'),
      'test/Api: is not inside a SecureNamespace. Fix: create it with a SecureNamespace (or a construct inside one) as its scope');
  });

  test('invalid image pull secret', () => {
    expectExactError(() => setup({ imagePullSecrets: ['Registry Creds'] }),
      `${PATH}: imagePullSecrets entry (the name of a Secret) "Registry Creds" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
  });
});

describe('grants', () => {
  test('snapshot: a typical workload', () => {
    const { chart, sa } = setup();
    sa.grantRead({ resources: ['configmaps'] });
    sa.grantReadSecret('api-db-credentials');
    sa.grant({ apiGroup: 'coordination.k8s.io', resources: ['leases'], resourceNames: ['api-leader'], verbs: [Verb.GET, Verb.UPDATE] });
    sa.grant({ apiGroup: 'coordination.k8s.io', resources: ['leases'], verbs: [Verb.CREATE] });
    expect(own(synthAndValidate(chart))).toMatchSnapshot();
  });

  test('one Role and one RoleBinding bound to the ServiceAccount, with exact rules', () => {
    const { chart, sa } = setup();
    sa.grantRead({ resources: ['configmaps', 'services'] });
    sa.grantReadSecret('api-db-credentials');
    sa.grantReadConfigMap('feature-flags');
    const objs = synthAndValidate(chart);
    expect(kinds(objs)).toEqual(['ServiceAccount/shop/api', 'Role/shop/api', 'RoleBinding/shop/api']);
    expect(find(objs, 'Role', 'api').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['feature-flags'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['api-db-credentials'], verbs: ['get'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(objs, 'Role', 'api').metadata).toEqual({ name: 'api', namespace: 'shop' });
    expect(find(objs, 'RoleBinding', 'api')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'api', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api' },
      subjects: [SUBJECT],
    });
    expect(sa.role?.kind).toBe('Role');
    expect(sa.roleBinding?.kind).toBe('RoleBinding');
    expect(sa.grantedNamespaces).toEqual(['shop']);
  });

  test('identical rules are deduplicated and rules for the same resource and names merge their verbs', () => {
    const { chart, sa } = setup();
    sa.grant({ resources: ['configmaps'], verbs: [Verb.GET] });
    sa.grant({ resources: ['configmaps'], verbs: [Verb.GET] });
    sa.grant({ resources: ['configmaps'], verbs: [Verb.WATCH, Verb.LIST, Verb.GET] });
    sa.grant({ resources: ['configmaps'], resourceNames: ['b', 'a', 'a'], verbs: [Verb.PATCH] });
    sa.grant({ resources: ['configmaps'], resourceNames: ['a', 'b'], verbs: [Verb.UPDATE] });
    sa.grantReadSecret('db');
    sa.grantReadSecret('db');
    expect(find(synthAndValidate(chart), 'Role', 'api').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] },
    ]);
  });

  test('rule order does not depend on the order of grants', () => {
    const grants: Array<(sa: LeastPrivilegeServiceAccount) => void> = [
      (sa) => sa.grant({ apiGroup: 'apps', resources: ['deployments'], verbs: [Verb.GET] }),
      (sa) => sa.grant({ apiGroup: 'batch', resources: ['jobs'], verbs: [Verb.LIST, Verb.GET] }),
      (sa) => sa.grantReadConfigMap('z-config'),
      (sa) => sa.grantReadConfigMap('a-config'),
      (sa) => sa.grant({ apiGroup: 'apps', resources: ['deployments/scale'], verbs: [Verb.PATCH] }),
      (sa) => sa.grantRead({ resources: ['endpoints'] }),
    ];
    const rulesFor = (order: number[]) => {
      const { chart, sa } = setup();
      for (const i of order) grants[i](sa);
      return find(synthAndValidate(chart), 'Role', 'api').rules;
    };
    const forward = rulesFor([0, 1, 2, 3, 4, 5]);
    expect(rulesFor([5, 4, 3, 2, 1, 0])).toEqual(forward);
    expect(rulesFor([3, 0, 5, 1, 4, 2])).toEqual(forward);
    expect(forward.map((r: any) => `${r.apiGroups[0]}|${r.resources[0]}|${r.resourceNames ?? ''}`)).toEqual([
      '|configmaps|a-config',
      '|configmaps|z-config',
      '|endpoints|',
      'apps|deployments|',
      'apps|deployments/scale|',
      'batch|jobs|',
    ]);
  });

  test('grants added after other constructs still show up (lazy rendering)', () => {
    const { chart, sa, ns } = setup();
    sa.grantReadConfigMap('first');
    new LeastPrivilegeServiceAccount(ns, 'Later');
    sa.grantReadConfigMap('second');
    expect(find(synthAndValidate(chart), 'Role', 'api').rules.map((r: any) => r.resourceNames[0])).toEqual(['first', 'second']);
  });

  test('a refused grant creates no Role', () => {
    const { chart, sa } = setup();
    expect(() => sa.grant({ resources: ['secrets'], verbs: [Verb.LIST] })).toThrow();
    expect(kinds(synthAndValidate(chart))).toEqual(['ServiceAccount/shop/api']);
  });

  test('cross-namespace grants get a Role and RoleBinding in that namespace, bound to this account', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('platform', 'billing');
    sa.grantReadConfigMap('shared-settings', { namespace: 'platform' });
    sa.grantReadSecret('ca-bundle', { namespace: 'platform' });
    sa.grantRead({ resources: ['services'], namespace: 'billing' });
    sa.grantRead({ resources: ['configmaps'] });
    const objs = synthAndValidate(chart);
    expect(kinds(objs)).toEqual([
      'ServiceAccount/shop/api',
      'Role/platform/shop.api', 'RoleBinding/platform/shop.api',
      'Role/billing/shop.api', 'RoleBinding/billing/shop.api',
      'Role/shop/api', 'RoleBinding/shop/api',
    ]);
    expect(find(objs, 'Role', 'shop.api', 'platform').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['shared-settings'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['ca-bundle'], verbs: ['get'] },
    ]);
    expect(find(objs, 'RoleBinding', 'shop.api', 'platform')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'shop.api', namespace: 'platform' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop.api' },
      subjects: [SUBJECT],
    });
    expect(sa.grantedNamespaces).toEqual(['billing', 'platform', 'shop']);
    expect(sa.roleIn('platform')?.metadata.namespace).toBe('platform');
    expect(sa.roleIn('elsewhere')).toBeUndefined();
  });

  test('snapshot: cross-namespace, object and cluster grants', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('platform');
    sa.grantReadSecret('ca-bundle', { namespace: 'platform' });
    const flags = new ApiObject(chart, 'Flags', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'feature-flags', namespace: 'shop' } });
    sa.grantOnObject(flags, [Verb.GET, Verb.PATCH]);
    sa.grantCluster({ resources: ['nodes'], verbs: [Verb.GET, Verb.LIST], reason: 'Reads node zones to spread shards across zones; approved by SRE.' });
    expect(own(synthAndValidate(chart))).toMatchSnapshot();
  });
});

describe('grantOnObject', () => {
  function grantOn(apiVersion: string, kind: string, metadata: any, verbs: Verb[] = [Verb.GET]) {
    const { chart, sa } = setup();
    const obj = new ApiObject(chart, 'Target', { apiVersion, kind, metadata });
    sa.grantOnObject(obj, verbs);
    return { objs: Testing.synth(chart), sa };
  }

  test.each([
    ['networking.k8s.io/v1', 'NetworkPolicy', 'networking.k8s.io', 'networkpolicies'],
    ['networking.k8s.io/v1', 'Ingress', 'networking.k8s.io', 'ingresses'],
    ['apps/v1', 'Deployment', 'apps', 'deployments'],
    ['v1', 'ConfigMap', '', 'configmaps'],
    ['v1', 'Endpoints', '', 'endpoints'],
    ['networking.istio.io/v1', 'ServiceEntry', 'networking.istio.io', 'serviceentries'],
    ['networking.istio.io/v1', 'Gateway', 'networking.istio.io', 'gateways'],
    ['security.istio.io/v1', 'AuthorizationPolicy', 'security.istio.io', 'authorizationpolicies'],
    ['example.com/v1', 'Status', 'example.com', 'statuses'],
    ['example.com/v1', 'Box', 'example.com', 'boxes'],
    ['example.com/v1', 'Match', 'example.com', 'matches'],
  ])('%s %s -> group %j resource %j, by name, in its namespace', (apiVersion, kind, group, resource) => {
    const { objs } = grantOn(apiVersion, kind, { name: 'target', namespace: 'shop' });
    expect(find(objs, 'Role', 'api').rules).toEqual([{ apiGroups: [group], resources: [resource], resourceNames: ['target'], verbs: ['get'] }]);
  });

  test('namespace from the chart, subresource and acknowledgement', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const sa = new LeastPrivilegeServiceAccount(ns, 'Api');
    const other = new Chart(app, 'other', { namespace: 'batch-jobs' });
    ExternalNamespaces.of(app).add('batch-jobs');
    const deployment = new ApiObject(other, 'Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' } });
    sa.grantOnObject(deployment, [Verb.GET, Verb.PATCH], { subresource: 'scale' });
    const pod = new ApiObject(other, 'Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' } });
    sa.grantOnObject(pod, [Verb.CREATE], { subresource: 'exec', reason: 'Runs the nightly cache warm-up command inside the debug pod; approved by SEC-7.' });
    const role = find(synthAndValidate(chart), 'Role', 'shop.api', 'batch-jobs');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods/exec'], resourceNames: ['debug'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['worker'], verbs: ['get', 'patch'] },
    ]);
    expect(role.metadata.annotations).toEqual({ [`${ACK}SB-RBAC-POD-EXEC`]: 'Runs the nightly cache warm-up command inside the debug pod; approved by SEC-7.' });
  });

  test('an object without a namespace is taken to be in the account\'s namespace', () => {
    const { objs } = grantOn('v1', 'ConfigMap', { name: 'settings' });
    expect(find(objs, 'Role', 'api', 'shop').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get'] }]);
  });

  test('a Namespace object is granted in that namespace', () => {
    const { chart, sa, ns } = setup();
    sa.grantOnObject(ns.namespaceObject, [Verb.GET]);
    expect(find(synthAndValidate(chart), 'Role', 'api', 'shop').rules).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['shop'], verbs: ['get'] },
    ]);
  });

  test('other cluster-scoped kinds are refused', () => {
    expectExactError(() => grantOn('storage.k8s.io/v1', 'StorageClass', { name: 'encrypted' }),
      `${PATH}: StorageClass "encrypted" is cluster-scoped and a namespaced Role cannot grant access to it. Fix: use grantCluster({ apiGroup: "storage.k8s.io", resources: ["storageclasses"], resourceNames: ["encrypted"], verbs, reason })`);
  });

  test('invalid subresource', () => {
    const { chart, sa } = setup();
    const obj = new ApiObject(chart, 'Target', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' } });
    expectExactError(() => sa.grantOnObject(obj, [Verb.GET], { subresource: 'Scale/x' }),
      `${PATH}: subresource "Scale/x" of Deployment "worker" is not a valid subresource. Fix: write a lowercase subresource name such as "status" or "scale"`);
  });

  test('create on a named object is refused (Kubernetes cannot limit create by name)', () => {
    expectExactError(() => grantOn('v1', 'ConfigMap', { name: 'settings', namespace: 'shop' }, [Verb.CREATE]),
      `${PATH}: grant of ["create"] on ["configmaps"]: create cannot be limited by resourceNames. Fix: Kubernetes does not check resourceNames for create (the name is not known yet), so the rule would not grant it; grant create in a separate grant without resourceNames`);
  });
});

describe('refused outright', () => {
  test('empty verb list', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], verbs: [] }),
      `${PATH}: grant() got an empty verb list for ["configmaps"]. Fix: list the verbs the workload uses, e.g. [Verb.GET]`);
  });

  test('empty verb list (cluster)', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantCluster({ resources: ['nodes'], verbs: [], reason: REASON }),
      `${PATH}: grantCluster() got an empty verb list for ["nodes"]. Fix: list the verbs the workload uses, e.g. [Verb.GET]`);
  });

  test('unknown verb', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], verbs: ['read' as Verb] }),
      `${PATH}: grant of ["read"] on ["configmaps"]: verb "read" is not a Kubernetes RBAC verb. Fix: use the Verb enum: get, list, watch, create, update, patch, delete, deletecollection, approve`);
  });

  test('empty resource list', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: [], verbs: [Verb.GET] }),
      `${PATH}: grant() got an empty resource list. Fix: list the resources, e.g. ["configmaps"]`);
  });

  test('invalid resource', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['ConfigMap'], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["ConfigMap"]: resource "ConfigMap" is not a resource name. Fix: write the lowercase plural resource, optionally with a subresource, e.g. "configmaps" or "deployments/scale"`);
  });

  test('invalid API group', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ apiGroup: 'Apps', resources: ['deployments'], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["deployments"] in API group "Apps": API group "Apps" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
  });

  test('wildcard verb', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], verbs: [Verb.GET, Verb.ALL] }),
      `${PATH}: grant of ["get","*"] on ["configmaps"]: verb "*" is a wildcard. Fix: list the exact verbs, e.g. [Verb.GET, Verb.LIST]; "*" grants every verb, present and future, including escalate, bind and impersonate`);
  });

  test.each(['*', 'pods/*', '*/scale'])('wildcard resource %j', (resource) => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: [resource], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on [${JSON.stringify(resource)}]: resource ${JSON.stringify(resource)} is a wildcard. Fix: list the exact resources (and subresources), e.g. ["deployments", "deployments/scale"]`);
  });

  test('wildcard API group', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ apiGroup: '*', resources: ['deployments'], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["deployments"] in API group "*": API group "*" is a wildcard. Fix: name one API group ("" for core, e.g. "apps"); a wildcard matches every API group, present and future`);
  });

  test('wildcard in a cluster grant', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantCluster({ resources: ['*'], verbs: [Verb.GET], reason: REASON }),
      `${PATH}: grant of ["get"] on ["*"]: resource "*" is a wildcard. Fix: list the exact resources (and subresources), e.g. ["deployments", "deployments/scale"]`);
  });

  test.each([
    [Verb.ESCALATE, 'rbac.authorization.k8s.io', 'roles'],
    [Verb.BIND, 'rbac.authorization.k8s.io', 'clusterroles'],
    [Verb.IMPERSONATE, '', 'serviceaccounts'],
  ])('verb %s', (verb, apiGroup, resource) => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ apiGroup, resources: [resource], verbs: [verb] }),
      `${PATH}: grant of ["${verb}"] on ["${resource}"]${apiGroup ? ` in API group "${apiGroup}"` : ''}: verb "${verb}" is refused. Fix: escalate, bind and impersonate let the holder give itself any permission (up to cluster-admin); a workload never needs them. Manage RBAC with your deployment pipeline instead`);
    // Not even with a reason, and not cluster-wide.
    expect(() => sa.grantCluster({ apiGroup, resources: [resource], verbs: [verb], reason: REASON })).toThrow(`verb "${verb}" is refused`);
  });

  test('binding cluster-admin', () => {
    const { sa } = setup();
    expectExactError(() => sa.bindClusterRole('cluster-admin'),
      `${PATH}: binding ClusterRole "cluster-admin" is refused. Fix: cluster-admin grants every permission on the whole cluster; grant() the exact verbs and resources the workload uses`);
  });

  // Judged by the risk model over the API server's bootstrap roles (aggregation included).
  test.each(['admin', 'edit'])('binding %s', (role) => {
    const { sa } = setup();
    expectExactError(() => sa.bindClusterRole(role),
      `${PATH}: binding ClusterRole "${role}" is refused: it would act as other users, groups or service accounts; read every Secret; read any Secret by name; run commands in running pods; reach pods and services through the API server proxy; run or change workloads; mint service account tokens; change NetworkPolicies or mesh policies. Fix: impersonating a more privileged identity gives its permissions; grant() the exact verbs and resources the workload uses`);
  });

  test('binding a system: ClusterRole', () => {
    const { sa } = setup();
    expectExactError(() => sa.bindClusterRole('system:node'),
      `${PATH}: binding ClusterRole "system:node" is refused. Fix: system:* ClusterRoles belong to Kubernetes components; grant() the exact verbs and resources the workload uses`);
  });

  test('binding a ClusterRole with an invalid name', () => {
    const { sa } = setup();
    expectExactError(() => sa.bindClusterRole('Viewer!'),
      `${PATH}: ClusterRole name "Viewer!" is not a valid name. Fix: use lowercase letters, digits, '-', '.' and ':', starting and ending with a letter or digit`);
  });

  test.each([Verb.LIST, Verb.WATCH, Verb.DELETECOLLECTION])('%s on Secrets', (verb) => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['secrets'], resourceNames: ['db'], verbs: [Verb.GET, verb] }),
      `${PATH}: grant of ["get","${verb}"] on ["secrets"]: "${verb}" on Secrets is refused. Fix: list and watch return the contents of every Secret in the namespace; grant get on the named Secrets the workload reads with grantReadSecret(name)`);
  });

  test('reading Secrets through grantRead', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantRead({ resources: ['secrets'] }),
      `${PATH}: grant of ["get","list","watch"] on ["secrets"]: "list" on Secrets is refused. Fix: list and watch return the contents of every Secret in the namespace; grant get on the named Secrets the workload reads with grantReadSecret(name)`);
  });

  test('Secret access without resourceNames', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['secrets'], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["secrets"]: Secret access without resourceNames is refused. Fix: name the Secrets the workload reads: grantReadSecret(name), or resourceNames: ["<secret>"]`);
  });

  test('Secret access without resourceNames, cluster-wide', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantCluster({ resources: ['secrets'], verbs: [Verb.GET], reason: REASON }),
      `${PATH}: grant of ["get"] on ["secrets"]: Secret access without resourceNames is refused. Fix: name the Secrets the workload reads: grantReadSecret(name), or resourceNames: ["<secret>"]`);
  });

  test('creating Secrets', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['secrets'], verbs: [Verb.CREATE] }),
      `${PATH}: grant of ["create"] on ["secrets"]: create on Secrets is refused. Fix: create cannot be limited to named Secrets; create the Secret in the deployment pipeline or with an operator (External Secrets, Sealed Secrets), and grant get on it by name`);
  });

  test('invalid Secret and ConfigMap names', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantReadSecret('DB'),
      `${PATH}: Secret name "DB" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
    expectExactError(() => sa.grantReadConfigMap(''),
      `${PATH}: ConfigMap name "" is not a valid DNS-1123 subdomain. Fix: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`);
  });

  test('empty resourceNames (would grant every object)', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], resourceNames: [], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["configmaps"]: resourceNames is empty. Fix: list the object names, or omit resourceNames to grant every object (an empty list would grant every object too)`);
  });

  test('wildcard resource name', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], resourceNames: ['app-*'], verbs: [Verb.GET] }),
      `${PATH}: grant of ["get"] on ["configmaps"]: resource name "app-*" is not an object name. Fix: write the exact name of an object, without wildcards, "/" or "%"`);
  });

  test('deletecollection with resourceNames', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], resourceNames: ['a'], verbs: [Verb.DELETECOLLECTION] }),
      `${PATH}: grant of ["deletecollection"] on ["configmaps"]: deletecollection cannot be limited by resourceNames. Fix: grant delete on the named objects instead, or deletecollection in a separate grant without resourceNames`);
  });

  test('approve outside signers', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['configmaps'], verbs: [Verb.APPROVE] }),
      `${PATH}: grant of ["approve"] on ["configmaps"]: verb "approve" only applies to signers of certificates.k8s.io. Fix: grantCluster({ apiGroup: "certificates.k8s.io", resources: ["signers"], resourceNames: ["<signer>"], verbs: [Verb.APPROVE], reason })`);
  });

  test.each([
    ['', 'nodes/proxy'],
    ['', 'persistentvolumes'],
    ['storage.k8s.io', 'storageclasses'],
    ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
    ['certificates.k8s.io', 'certificatesigningrequests/approval'],
    ['rbac.authorization.k8s.io', 'clusterroles'],
  ])('cluster-scoped %j %j in a namespaced grant', (apiGroup, resource) => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ apiGroup, resources: [resource], verbs: [Verb.GET], reason: REASON }),
      `${PATH}: grant of ["get"] on [${JSON.stringify(resource)}]${apiGroup ? ` in API group "${apiGroup}"` : ''}: ${JSON.stringify(resource)} is cluster-scoped and a namespaced Role cannot grant access to it. Fix: use grantCluster({ ..., reason }) if the workload really needs it`);
  });

  test('a derived Role name longer than 253 characters', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    const { sa } = setup({ name });
    sa.grantReadConfigMap('settings');
    expectExactError(() => sa.grantReadConfigMap('settings', { namespace: 'platform' }),
      `${PATH}: derived RBAC object name "shop.${name}" is longer than 253 characters. Fix: choose a shorter ServiceAccount \`name\``);
  });

  test('invalid target namespace', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantReadConfigMap('settings', { namespace: 'Other_NS' }),
      `${PATH}: grant namespace "Other_NS" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  });
});

/** Every grant that the audit flags, with the rule IDs it acknowledges. */
interface AcknowledgedCase {
  name: string;
  cluster: boolean;
  apiGroup: string;
  resources: string[];
  verbs: Verb[];
  resourceNames?: string[];
  rules: string[];
}
const ACKNOWLEDGED: AcknowledgedCase[] = [
  { name: 'pods/exec', cluster: false, apiGroup: '', resources: ['pods/exec'], verbs: [Verb.CREATE, Verb.GET], rules: ['SB-RBAC-POD-EXEC'] },
  { name: 'pods/attach', cluster: false, apiGroup: '', resources: ['pods/attach'], verbs: [Verb.CREATE], rules: ['SB-RBAC-POD-EXEC'] },
  { name: 'pods/portforward', cluster: false, apiGroup: '', resources: ['pods/portforward'], verbs: [Verb.CREATE], rules: ['SB-RBAC-POD-EXEC'] },
  { name: 'serviceaccounts/token create', cluster: false, apiGroup: '', resources: ['serviceaccounts/token'], resourceNames: ['builder'], verbs: [Verb.CREATE], rules: ['SB-RBAC-TOKEN-CREATE'] },
  { name: 'create pods', cluster: false, apiGroup: '', resources: ['pods'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create replicationcontrollers', cluster: false, apiGroup: '', resources: ['replicationcontrollers'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create deployments', cluster: false, apiGroup: 'apps', resources: ['deployments'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create replicasets', cluster: false, apiGroup: 'apps', resources: ['replicasets'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create statefulsets', cluster: false, apiGroup: 'apps', resources: ['statefulsets'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create daemonsets', cluster: false, apiGroup: 'apps', resources: ['daemonsets'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create jobs', cluster: false, apiGroup: 'batch', resources: ['jobs'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'create cronjobs', cluster: false, apiGroup: 'batch', resources: ['cronjobs'], verbs: [Verb.CREATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'update own namespace', cluster: false, apiGroup: '', resources: ['namespaces'], resourceNames: ['shop'], verbs: [Verb.UPDATE], rules: ['SB-RBAC-NAMESPACE-MODIFY'] },
  { name: 'patch own namespace', cluster: false, apiGroup: '', resources: ['namespaces'], resourceNames: ['shop'], verbs: [Verb.PATCH], rules: ['SB-RBAC-NAMESPACE-MODIFY'] },
  { name: 'cluster-wide read', cluster: true, apiGroup: '', resources: ['nodes'], verbs: [Verb.GET, Verb.LIST], rules: ['SB-RBAC-CLUSTER-SCOPED'] },
  { name: 'nodes/proxy', cluster: true, apiGroup: '', resources: ['nodes/proxy'], verbs: [Verb.GET], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-NODES-PROXY'] },
  { name: 'create persistentvolumes', cluster: true, apiGroup: '', resources: ['persistentvolumes'], verbs: [Verb.CREATE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-PV-CREATE'] },
  { name: 'CSR approval update', cluster: true, apiGroup: 'certificates.k8s.io', resources: ['certificatesigningrequests/approval'], verbs: [Verb.UPDATE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-CSR-APPROVE'] },
  { name: 'CSR approval patch', cluster: true, apiGroup: 'certificates.k8s.io', resources: ['certificatesigningrequests/approval'], verbs: [Verb.PATCH], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-CSR-APPROVE'] },
  { name: 'approve on signers', cluster: true, apiGroup: 'certificates.k8s.io', resources: ['signers'], resourceNames: ['example.com/my-signer'], verbs: [Verb.APPROVE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-CSR-APPROVE'] },
  { name: 'validating webhooks', cluster: true, apiGroup: 'admissionregistration.k8s.io', resources: ['validatingwebhookconfigurations'], verbs: [Verb.PATCH], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-WEBHOOK'] },
  { name: 'mutating webhooks', cluster: true, apiGroup: 'admissionregistration.k8s.io', resources: ['mutatingwebhookconfigurations'], verbs: [Verb.UPDATE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-WEBHOOK'] },
  { name: 'validating admission policies', cluster: true, apiGroup: 'admissionregistration.k8s.io', resources: ['validatingadmissionpolicies'], verbs: [Verb.DELETE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-WEBHOOK'] },
  { name: 'validating admission policy bindings', cluster: true, apiGroup: 'admissionregistration.k8s.io', resources: ['validatingadmissionpolicybindings'], verbs: [Verb.CREATE], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-WEBHOOK'] },
  // Exec-equivalents and footholds the risk model adds (issue #14).
  { name: 'kubectl debug (ephemeral containers)', cluster: false, apiGroup: '', resources: ['pods/ephemeralcontainers'], verbs: [Verb.PATCH], rules: ['SB-RBAC-POD-EXEC'] },
  { name: 'swap a pod\'s image', cluster: false, apiGroup: '', resources: ['pods'], verbs: [Verb.PATCH], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'rewrite a Deployment\'s pod template', cluster: false, apiGroup: 'apps', resources: ['deployments'], resourceNames: ['web'], verbs: [Verb.UPDATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'rewrite a DaemonSet', cluster: false, apiGroup: 'apps', resources: ['daemonsets'], verbs: [Verb.PATCH], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'rewrite a Job', cluster: false, apiGroup: 'batch', resources: ['jobs'], verbs: [Verb.UPDATE], rules: ['SB-RBAC-WORKLOAD-CREATE'] },
  { name: 'pods/proxy', cluster: false, apiGroup: '', resources: ['pods/proxy'], verbs: [Verb.GET], rules: ['SB-RBAC-POD-PROXY'] },
  { name: 'services/proxy', cluster: false, apiGroup: '', resources: ['services/proxy'], verbs: [Verb.CREATE], rules: ['SB-RBAC-POD-PROXY'] },
  { name: 'delete own namespace', cluster: false, apiGroup: '', resources: ['namespaces'], resourceNames: ['shop'], verbs: [Verb.DELETE], rules: ['SB-RBAC-NAMESPACE-MODIFY'] },
  { name: 'write NetworkPolicies', cluster: false, apiGroup: 'networking.k8s.io', resources: ['networkpolicies'], verbs: [Verb.CREATE], rules: ['SB-RBAC-POLICY-MODIFY'] },
  { name: 'write AuthorizationPolicies', cluster: false, apiGroup: 'security.istio.io', resources: ['authorizationpolicies'], verbs: [Verb.PATCH], rules: ['SB-RBAC-POLICY-MODIFY'] },
  { name: 'write Linkerd Servers', cluster: false, apiGroup: 'policy.linkerd.io', resources: ['servers'], verbs: [Verb.DELETE], rules: ['SB-RBAC-POLICY-MODIFY'] },
  { name: 'cluster-wide ConfigMap writes reach kube-system', cluster: true, apiGroup: '', resources: ['configmaps'], resourceNames: ['feature-flags'], verbs: [Verb.PATCH], rules: ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-SYSTEM-NAMESPACE'] },
];

/** The audit rules that a case's acknowledgements land on: the binding for scope-dependent ones of a cluster grant. */
const ON_BINDING = (a: AcknowledgedCase): string[] => a.cluster ? a.rules.filter((r) => ['SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-SYSTEM-NAMESPACE'].includes(r)) : [];
const ON_ROLE = (a: AcknowledgedCase) => a.rules.filter((r) => !ON_BINDING(a).includes(r));

/** Asserts the message of a grant that needs a reason: rule IDs, what it would allow, the fix. */
function expectNeedsReason(fn: () => unknown, what: string, rules: string[]) {
  const message = thrownMessage(fn);
  expect(message.startsWith(`${PATH}: ${what} needs a reason (${rules.join(', ')})`)).toBe(true);
  expect(message.endsWith(`. Fix: ${NEEDS_REASON_FIX}`)).toBe(true);
}
const NEEDS_REASON_FIX = 'prefer access that does not need one; otherwise set `reason` to explain why the workload needs it and why it is safe (it is written onto the Role or binding and shown in the audit report)';

describe('refused unless acknowledged with a reason', () => {
  test.each(ACKNOWLEDGED.filter((a) => !a.cluster))('$name: refused without a reason', (a) => {
    const { sa } = setup();
    const what = `grant of ${JSON.stringify(a.verbs)} on ${JSON.stringify(a.resources)}${a.apiGroup ? ` in API group "${a.apiGroup}"` : ''}`;
    const grant = { apiGroup: a.apiGroup, resources: a.resources, resourceNames: a.resourceNames, verbs: a.verbs };
    expectNeedsReason(() => sa.grant(grant), what, a.rules);
  });

  test.each(ACKNOWLEDGED.filter((a) => a.cluster))('$name (cluster): refused without a reason', (a) => {
    const { sa } = setup();
    const what = `grant of ${JSON.stringify(a.verbs)} on ${JSON.stringify(a.resources)}${a.apiGroup ? ` in API group "${a.apiGroup}"` : ''}`;
    const reason = undefined as unknown as string;
    const grant = { apiGroup: a.apiGroup, resources: a.resources, resourceNames: a.resourceNames, verbs: a.verbs, reason };
    expectNeedsReason(() => sa.grantCluster(grant), what, a.rules);
  });

  test.each(ACKNOWLEDGED)('$name: accepted with a reason, written as acknowledgement annotation(s)', (a) => {
    const { chart, sa } = setup();
    if (a.cluster) {
      sa.grantCluster({ apiGroup: a.apiGroup, resources: a.resources, resourceNames: a.resourceNames, verbs: a.verbs, reason: REASON });
    } else {
      sa.grant({ apiGroup: a.apiGroup, resources: a.resources, resourceNames: a.resourceNames, verbs: a.verbs, reason: REASON });
    }
    const objs = synthAndValidate(chart);
    const role = a.cluster ? find(objs, 'ClusterRole', 'shop.api') : find(objs, 'Role', 'api', 'shop');
    const onRole = ON_ROLE(a);
    expect(role.metadata.annotations).toEqual(onRole.length > 0 ? Object.fromEntries(onRole.map((r) => [`${ACK}${r}`, REASON])) : undefined);
    const binding = a.cluster ? find(objs, 'ClusterRoleBinding', 'shop.api') : find(objs, 'RoleBinding', 'api', 'shop');
    const onBinding = ON_BINDING(a);
    expect(binding.metadata.annotations).toEqual(onBinding.length > 0 ? Object.fromEntries(onBinding.map((r) => [`${ACK}${r}`, REASON])) : undefined);
    expect(role.rules).toEqual(a.resources.map((r) => ({
      apiGroups: [a.apiGroup], resources: [r], ...(a.resourceNames ? { resourceNames: a.resourceNames } : {}), verbs: [...a.verbs].sort(),
    })));
  });

  test('a trivial reason is refused', () => {
    const { sa } = setup();
    expectExactError(() => sa.grant({ resources: ['pods/exec'], verbs: [Verb.CREATE], reason: 'todo' }),
      `${PATH}: the reason for grant of ["create"] on ["pods/exec"] "todo" is empty or trivial. Fix: ${REASON_FIX}`);
  });

  test('an empty reason is refused', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantCluster({ resources: ['nodes'], verbs: [Verb.GET], reason: '   ' }),
      `${PATH}: the reason for grant of ["get"] on ["nodes"] "   " is empty or trivial. Fix: ${REASON_FIX}`);
  });

  test('a reason on a grant that needs none is refused', () => {
    const { sa } = setup();
    expectExactError(() => sa.grantRead({ resources: ['configmaps'], reason: REASON }),
      `${PATH}: grant of ["get","list","watch"] on ["configmaps"] has a reason, but nothing in it needs one. Fix: remove \`reason\`; it is only for access the audit flags`);
  });

  test('reading webhook configurations cluster-wide needs only the cluster-scoped acknowledgement', () => {
    const { chart, sa } = setup();
    sa.grantCluster({ apiGroup: 'admissionregistration.k8s.io', resources: ['validatingwebhookconfigurations'], verbs: [Verb.GET, Verb.LIST, Verb.WATCH], reason: REASON });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'ClusterRole', 'shop.api').metadata.annotations).toBeUndefined();
    expect(Object.keys(find(objs, 'ClusterRoleBinding', 'shop.api').metadata.annotations)).toEqual([`${ACK}SB-RBAC-CLUSTER-SCOPED`]);
  });

  test('different reasons for the same rule are all kept (sorted, deduplicated)', () => {
    const { chart, sa } = setup();
    const other = 'Build jobs are created by the release controller only; approved in SEC-200.';
    sa.grant({ apiGroup: 'batch', resources: ['jobs'], verbs: [Verb.CREATE], reason: REASON });
    sa.grant({ resources: ['pods'], verbs: [Verb.CREATE], reason: other });
    sa.grant({ resources: ['pods'], verbs: [Verb.CREATE], reason: other });
    sa.grant({ resources: ['pods/exec'], verbs: [Verb.CREATE], reason: REASON });
    const role = find(synthAndValidate(chart), 'Role', 'api');
    expect(role.metadata.annotations).toEqual({
      [`${ACK}SB-RBAC-WORKLOAD-CREATE`]: `${other} | ${REASON}`,
      [`${ACK}SB-RBAC-POD-EXEC`]: REASON,
    });
  });

  test('ClusterRole and ClusterRoleBinding are cluster-scoped and bound to this account', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'stamped' });
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const sa = new LeastPrivilegeServiceAccount(ns, 'Api');
    sa.grantCluster({ resources: ['nodes'], verbs: [Verb.LIST, Verb.GET], reason: REASON });
    sa.grantCluster({ resources: ['nodes'], verbs: [Verb.WATCH], reason: REASON });
    sa.grantCluster({ resources: ['namespaces'], verbs: [Verb.GET], reason: REASON });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'ClusterRole', 'shop.api')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'shop.api' },
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    expect(find(objs, 'ClusterRoleBinding', 'shop.api')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      // Where the audit reports SB-RBAC-CLUSTER-SCOPED, so where the acknowledgement goes.
      metadata: { name: 'shop.api', annotations: { [`${ACK}SB-RBAC-CLUSTER-SCOPED`]: REASON } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'shop.api' },
      subjects: [SUBJECT],
    });
    expect(sa.clusterRole?.kind).toBe('ClusterRole');
    expect(sa.clusterRoleBinding?.kind).toBe('ClusterRoleBinding');
  });
});

describe('bindClusterRole', () => {
  test('binds an existing ClusterRole in a namespace, once', () => {
    const { chart, sa } = setup();
    sa.bindClusterRole('view');
    sa.bindClusterRole('view');
    sa.bindClusterRole('metrics-reader', { namespace: 'monitoring' });
    const objs = synthAndValidate(chart);
    expect(kinds(objs)).toEqual(['ServiceAccount/shop/api', 'RoleBinding/shop/api.view', 'RoleBinding/monitoring/shop.api.metrics-reader']);
    expect(find(objs, 'RoleBinding', 'api.view')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'api.view', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [SUBJECT],
    });
  });
});

describe('projected API token', () => {
  test('snapshot: token and cloud identity', () => {
    const { chart, sa } = setup({
      apiToken: { audience: 'vault' },
      workloadIdentity: WorkloadIdentity.azure({ clientId: '11111111-2222-3333-4444-555555555555' }),
    });
    expect(own(synthAndValidate(chart))).toMatchSnapshot();
    expect(sa._podAdditions()).toMatchSnapshot();
  });

  test('defaults: one hour, /var/run/secrets/tokens/token, read-only', () => {
    const { sa, chart } = setup({ apiToken: { audience: 'vault' } });
    const additions = sa._podAdditions();
    expect(additions).toEqual({
      labels: {},
      annotations: {},
      volumes: [{
        name: 'sa-api-token',
        projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } }] },
      }],
      volumeMounts: [{ name: 'sa-api-token', mountPath: '/var/run/secrets/tokens', readOnly: true }],
    });
    expect(sa.apiTokenPath).toBe('/var/run/secrets/tokens/token');
    // The ServiceAccount itself still does not automount the legacy token.
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').automountServiceAccountToken).toBe(false);
  });

  test('options through addApiToken(); the pod additions form a valid Pod', () => {
    const { sa, chart } = setup();
    sa.addApiToken({ audience: 'https://kubernetes.default.svc', expirationSeconds: 600, mountPath: '/run/api', path: 'kube-token', reason: 'The operator watches its own custom resources through the API' });
    const additions = sa._podAdditions();
    expect(additions.volumes[0].projected.sources[0].serviceAccountToken).toEqual({ audience: 'https://kubernetes.default.svc', expirationSeconds: 600, path: 'kube-token' });
    expect(additions.volumeMounts).toEqual([{ name: 'sa-api-token', mountPath: '/run/api', readOnly: true }]);
    expect(sa.apiTokenPath).toBe('/run/api/kube-token');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api', namespace: 'shop', labels: additions.labels, annotations: additions.annotations },
      spec: {
        serviceAccountName: sa.name,
        automountServiceAccountToken: false,
        containers: [{ name: 'api', image: 'registry.example.com/api:1.0.0', volumeMounts: additions.volumeMounts }],
        volumes: additions.volumes,
      },
    };
    expectValidManifests([...Testing.synth(chart), pod]);
  });

  test('maximum lifetime of one day is accepted', () => {
    const { sa } = setup({ apiToken: { audience: 'vault', expirationSeconds: 86400 } });
    expect(sa._podAdditions().volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds).toBe(86400);
  });

  test.each([599, 86401, 3600.5, 0])('expirationSeconds %p is refused', (seconds) => {
    expectExactError(() => setup({ apiToken: { audience: 'vault', expirationSeconds: seconds } }),
      `${PATH}: API token expirationSeconds ${seconds} is out of range. Fix: use an integer from 600 (the API server's minimum) to 86400 (one day: the kubelet refreshes the token at 80% of its lifetime, so a longer one only keeps a leaked token valid longer)`);
  });

  test.each(['', ' ', 'my audience'])('audience %j is refused', (audience) => {
    expectExactError(() => setup({ apiToken: { audience } }),
      `${PATH}: API token audience ${JSON.stringify(audience)} is empty or contains whitespace. Fix: name the receiver that validates the token, e.g. "vault" or your API server's issuer URL`);
  });

  test.each(['relative/dir', '/var/../etc', '/var/run/tokens/', '/c:/x'])('mountPath %j is refused', (mountPath) => {
    expectExactError(() => setup({ apiToken: { audience: 'vault', mountPath } }),
      `${PATH}: API token mountPath ${JSON.stringify(mountPath)} is not an absolute directory path. Fix: write an absolute path without "..", ":" or a trailing "/", e.g. "/var/run/secrets/tokens"`);
  });

  test.each(['a/b', '..', ''])('path %j is refused', (path) => {
    expectExactError(() => setup({ apiToken: { audience: 'vault', path } }),
      `${PATH}: API token path ${JSON.stringify(path)} is not a file name. Fix: write a plain file name such as "token"`);
  });

  test('a token for the API server audience needs a reason, which every workload running as the account carries as the acknowledgement', () => {
    expectExactError(() => setup({ apiToken: { audience: 'https://kubernetes.default.svc' } }),
      `${PATH}: an API token for the Kubernetes API server's audience "https://kubernetes.default.svc" is a Kubernetes API credential in every pod of this account. Fix: say why the pods call the API: apiToken: { audience, reason: "<what the workload reads or writes, and why>" } (written as the SB-SA-POD-AUTOMOUNT acknowledgement), or use the audience of another receiver such as "vault"`);
    expectExactError(() => setup({ apiToken: { audience: 'vault', reason: 'Vault reads it to issue database credentials' } }),
      `${PATH}: apiToken.reason is set but audience "vault" is not the Kubernetes API server's. Fix: remove the reason: tokens for other receivers need none`);
    expectExactError(() => setup({ apiToken: { audience: 'https://kubernetes.default.svc', reason: 'todo' } }),
      `${PATH}: the reason for an API token for audience "https://kubernetes.default.svc" "todo" is empty or trivial. Fix: explain in at least 20 characters and 3 words why this is needed and why it is safe, e.g. who approved it and what compensates for it`);
    const { sa } = setup({ apiToken: { audience: 'https://kubernetes.default.svc', reason: 'The operator watches its own custom resources through the API' } });
    expect(sa._workloadAnnotations()).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-SA-POD-AUTOMOUNT': 'The operator watches its own custom resources through the API' });
    expect(setup({ apiToken: { audience: 'vault' } }).sa._workloadAnnotations()).toEqual({});
  });

  test('a second token is refused', () => {
    const { sa } = setup({ apiToken: { audience: 'vault' } });
    expectExactError(() => sa.addApiToken({ audience: 'other' }),
      `${PATH}: an API token for audience "vault" is already configured. Fix: give each workload one token; use a separate ServiceAccount for a second audience`);
  });
});

describe('cloud workload identity', () => {
  test.each([
    'arn:aws:iam::123456789012:role/shop-api',
    'arn:aws-cn:iam::123456789012:role/path/to/shop-api',
    'arn:aws-us-gov:iam::123456789012:role/service-role/shop+api=x,y.z@w_1',
  ])('AWS IRSA role ARN %s', (roleArn) => {
    const { chart, sa } = setup({ workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn }) });
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': roleArn });
    expect(sa._podAdditions().labels).toEqual({});
    expect(sa.workloadIdentity?.provider).toBe(WorkloadIdentityProvider.AWS_IRSA);
  });

  test.each([
    'arn:aws:iam::12345678901:role/shop-api',
    'arn:aws:iam::123456789012:user/shop-api',
    'arn:aws-eu:iam::123456789012:role/shop-api',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam:us-east-1:123456789012:role/shop-api',
    'shop-api',
  ])('malformed AWS role ARN %s', (roleArn) => {
    expectExactError(() => setup({ workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn }) }),
      `${PATH}: AWS IRSA roleArn ${JSON.stringify(roleArn)} is not an IAM role ARN. Fix: write "arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account id>:role/<optional/path/>name", e.g. "arn:aws:iam::123456789012:role/shop-api"`);
  });

  test('GKE Workload Identity', () => {
    const email = 'shop-api@my-project-123.iam.gserviceaccount.com';
    const { chart, sa } = setup({ workloadIdentity: WorkloadIdentity.gke({ serviceAccountEmail: email }) });
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': email,
      'cdk8s-secure-baseline.io/cloud-identity-egress': 'TCP/80 169.254.169.254/32',
    });
    expect(sa._podAdditions().labels).toEqual({});
    expect(sa.workloadIdentity?.provider).toBe(WorkloadIdentityProvider.GKE);
  });

  test.each([
    'shop-api@my-project.gserviceaccount.com',
    'shop-api@gmail.com',
    'Shop-Api@my-project.iam.gserviceaccount.com',
    'api@my-project.iam.gserviceaccount.com',
    'shop-api@my-project.iam.gserviceaccount.com.evil.com',
  ])('malformed GKE e-mail %s', (serviceAccountEmail) => {
    expectExactError(() => setup({ workloadIdentity: WorkloadIdentity.gke({ serviceAccountEmail }) }),
      `${PATH}: GKE serviceAccountEmail ${JSON.stringify(serviceAccountEmail)} is not a Google service account e-mail. Fix: write "<name>@<project-id>.iam.gserviceaccount.com" (name and project id: 6-30 lowercase letters, digits and '-', starting with a letter)`);
  });

  test('Azure Workload ID: client and tenant annotations, pod label', () => {
    const { chart, sa } = setup({
      workloadIdentity: WorkloadIdentity.azure({ clientId: 'AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee', tenantId: '99999999-8888-7777-6666-555555555555' }),
    });
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      'azure.workload.identity/tenant-id': '99999999-8888-7777-6666-555555555555',
    });
    expect(sa._podAdditions()).toEqual({ labels: { 'azure.workload.identity/use': 'true' }, annotations: {}, volumes: [], volumeMounts: [] });
    expect(sa.workloadIdentity?.provider).toBe(WorkloadIdentityProvider.AZURE);
  });

  test('Azure Workload ID without tenant', () => {
    const { chart } = setup({ workloadIdentity: WorkloadIdentity.azure({ clientId: '11111111-2222-3333-4444-555555555555' }) });
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').metadata.annotations).toEqual({
      'azure.workload.identity/client-id': '11111111-2222-3333-4444-555555555555',
    });
  });

  test.each(['not-a-guid', '11111111-2222-3333-4444-55555555555', '{11111111-2222-3333-4444-555555555555}'])('malformed Azure client ID %s', (clientId) => {
    expectExactError(() => setup({ workloadIdentity: WorkloadIdentity.azure({ clientId }) }),
      `${PATH}: Azure workload identity clientId ${JSON.stringify(clientId)} is not a GUID. Fix: write the client ID of the managed identity or Entra application, e.g. "00000000-0000-0000-0000-000000000000"`);
  });

  test('malformed Azure tenant ID', () => {
    expectExactError(() => setup({ workloadIdentity: WorkloadIdentity.azure({ clientId: '11111111-2222-3333-4444-555555555555', tenantId: 'contoso.onmicrosoft.com' }) }),
      `${PATH}: Azure workload identity tenantId "contoso.onmicrosoft.com" is not a GUID. Fix: write the Entra tenant ID, e.g. "00000000-0000-0000-0000-000000000000", or omit it to use the webhook's default tenant`);
  });

  test('identity annotations win over user annotations with the same key', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/shop-api';
    const { chart } = setup({
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/other', 'team': 'orders' },
      workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn }),
    });
    expect(find(synthAndValidate(chart), 'ServiceAccount', 'api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': roleArn, 'team': 'orders' });
  });
});

describe('one RBAC risk model (issue #14)', () => {
  test('a grant in kube-system needs a reason, written onto the Role there', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('kube-system');
    expectNeedsReason(() => sa.grant({ namespace: 'kube-system', resources: ['configmaps'], resourceNames: ['cluster-autoscaler-status'], verbs: [Verb.UPDATE] }),
      'grant of ["update"] on ["configmaps"]', ['SB-RBAC-SYSTEM-NAMESPACE']);
    sa.grant({ namespace: 'kube-system', resources: ['configmaps'], resourceNames: ['cluster-autoscaler-status'], verbs: [Verb.UPDATE], reason: REASON });
    const role = find(synthAndValidate(chart), 'Role', 'shop.api', 'kube-system');
    expect(role.metadata.annotations).toEqual({ [`${ACK}SB-RBAC-SYSTEM-NAMESPACE`]: REASON });
  });

  test('reading in kube-system needs no reason', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('kube-system');
    sa.grantReadConfigMap('cluster-info', { namespace: 'kube-system' });
    expect(find(synthAndValidate(chart), 'Role', 'shop.api', 'kube-system').metadata.annotations).toBeUndefined();
  });

  test('kube-system/aws-auth is refused, with or without a reason', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('kube-system');
    expectExactError(() => sa.grant({ namespace: 'kube-system', resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: [Verb.PATCH], reason: REASON }),
      `${PATH}: grant of ["patch"] on ["configmaps"] is refused: it would edit kube-system/aws-auth (cluster-admin on EKS): patch on configmaps. Fix: on EKS the aws-auth ConfigMap maps IAM identities to Kubernetes groups, system:masters included; grant the exact verbs and objects the workload uses`);
    // An unnamed grant reaches aws-auth too.
    expectExactError(() => sa.grant({ namespace: 'kube-system', resources: ['configmaps'], verbs: [Verb.UPDATE], reason: REASON }),
      `${PATH}: grant of ["update"] on ["configmaps"] is refused: it would edit kube-system/aws-auth (cluster-admin on EKS): update on configmaps. Fix: on EKS the aws-auth ConfigMap maps IAM identities to Kubernetes groups, system:masters included; grant the exact verbs and objects the workload uses`);
  });

  test('mesh policy in istio-system holds two risks: policy and the mesh root namespace', () => {
    const { chart, sa } = setup();
    ExternalNamespaces.of(chart).add('istio-system');
    expectNeedsReason(() => sa.grant({ namespace: 'istio-system', apiGroup: 'security.istio.io', resources: ['authorizationpolicies'], verbs: [Verb.CREATE] }),
      'grant of ["create"] on ["authorizationpolicies"] in API group "security.istio.io"', ['SB-RBAC-POLICY-MODIFY', 'SB-RBAC-SYSTEM-NAMESPACE']);
  });

  test('update on pods/exec does nothing the authorizer checks and needs no reason (same as the audit)', () => {
    const { chart, sa } = setup();
    sa.grant({ resources: ['pods/exec'], verbs: [Verb.UPDATE] });
    expect(find(synthAndValidate(chart), 'Role', 'api').metadata.annotations).toBeUndefined();
  });

  test('the README grantCluster example passes the audit: the acknowledgement is where the finding is', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const sa = new LeastPrivilegeServiceAccount(ns, 'Api');
    sa.grantCluster({ resources: ['nodes'], verbs: [Verb.GET, Verb.LIST], reason: 'Reads node zones to spread shards across zones; approved by SRE.' });
    const result = SecurityAudit.auditManifests(Testing.synth(chart));
    const rbac = result.findings.filter((f) => f.ruleId.startsWith('SB-RBAC-'));
    expect(rbac.map((f) => [f.ruleId, f.resource?.kind, f.acknowledged])).toEqual([['SB-RBAC-CLUSTER-SCOPED', 'ClusterRoleBinding', true]]);
  });
});
