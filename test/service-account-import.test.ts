import { App, Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  ApiServerEndpoint, ExternalNamespaces, HealthCheck, IServiceAccount, LeastPrivilegeServiceAccount, Mesh, MtlsService, PodHardening,
  SecureCronJob, SecureJob, SecureNamespace, SecureWorker, SecurityAudit, Verb,
} from '../src';
import { expectExactError, synthError } from './util/errors';
import { expectValidManifests, synthAndValidate } from './util/schema';

const IMAGE = 'ghcr.io/acme/api:1.2.3';
const NOT_KNOWN = 'is not a namespace of this app, a declared external namespace or a well-known system namespace';
const DNS_FIX = "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";

function setup(app: App = Testing.app()) {
  const chart = new Chart(app, 'test');
  ExternalNamespaces.of(app).add('platform');
  const ns = new SecureNamespace(chart, 'Shop', { name: 'shop', mesh: Mesh.istio(), apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 443) });
  return { app, chart, ns };
}

/** The chart's RBAC objects and ServiceAccounts other than the namespace's "default". */
function own(objs: any[]): any[] {
  return objs.filter((o) => o.apiVersion === 'rbac.authorization.k8s.io/v1' || (o.kind === 'ServiceAccount' && o.metadata.name !== 'default'));
}

describe('LeastPrivilegeServiceAccount.fromServiceAccountName', () => {
  test('creates no ServiceAccount; grants create a Role and RoleBinding naming the existing account', () => {
    const { chart, ns } = setup();
    const legacy = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    expect([legacy.name, legacy.namespaceName, legacy.apiVersion, legacy.kind, legacy.apiGroup, legacy.resourceType, legacy.resourceName])
      .toEqual(['legacy-api', 'shop', 'v1', 'ServiceAccount', '', 'serviceaccounts', 'legacy-api']);
    expect(legacy.workloadIdentity).toBeUndefined();
    expect(legacy.apiAccess).toEqual([]);
    expect(Testing.synth(chart).filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toEqual(['default']);

    const g = legacy.grantReadConfigMap('legacy-settings');
    expect([g.roleKind, g.roleName, g.namespace, g.merged, g.subject]).toEqual(['Role', 'legacy-api', 'shop', false, { kind: 'ServiceAccount', name: 'legacy-api', namespace: 'shop' }]);
    legacy.grantReadConfigMap('feature-flags', { namespace: 'platform' });
    legacy.bindClusterRole('view');
    expect(legacy.apiAccess).toEqual(['get configmaps "feature-flags" in platform', 'get configmaps "legacy-settings" in shop', 'ClusterRole "view" in shop']);
    expect(legacy.toSubjectConfiguration()).toEqual({ kind: 'ServiceAccount', name: 'legacy-api', namespace: 'shop' });
    const objs = synthAndValidate(chart);
    expect(own(objs)).toMatchSnapshot();
    expect(objs.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toEqual(['default']);
    for (const b of objs.filter((o) => o.kind === 'RoleBinding')) expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'legacy-api', namespace: 'shop' }]);
  });

  test('an account of another namespace, imported outside any SecureNamespace: its grants name it there', () => {
    const { chart } = setup();
    const deployer = LeastPrivilegeServiceAccount.fromServiceAccountName(chart, 'Deployer', 'deployer', { namespace: 'platform' });
    const g = deployer.grant({ apiGroup: 'apps', resources: ['deployments'], verbs: [Verb.GET, Verb.LIST], namespace: 'shop' });
    expect([g.role!.name, g.namespace, g.subject]).toEqual(['platform.deployer', 'shop', { kind: 'ServiceAccount', name: 'deployer', namespace: 'platform' }]);
    const objs = synthAndValidate(chart);
    expect(objs.find((o) => o.kind === 'RoleBinding')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'platform.deployer', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'platform.deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'platform' }],
    });
  });

  test('grants on an imported account are judged like any other', () => {
    const { ns } = setup();
    const legacy = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    expectExactError(() => legacy.grant({ resources: ['secrets'], verbs: [Verb.LIST], resourceNames: ['x'] }),
      'test/Shop/Legacy: grant of ["list"] on ["secrets"]: "list" on Secrets is refused. Fix: list and watch return the contents of every Secret in the namespace; '
      + 'grant get on the named Secrets the workload reads with grantReadSecret(name)');
    expectExactError(() => legacy.bindClusterRole('cluster-admin'),
      'test/Shop/Legacy: binding ClusterRole "cluster-admin" is refused. Fix: cluster-admin grants every permission on the whole cluster; grant() the exact verbs and resources the workload uses');
  });
});

describe('workloads running as an imported account', () => {
  const { chart, ns } = setup();
  const legacy = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
  const api = new MtlsService(ns, 'api', { image: IMAGE, port: 8443, serviceAccount: legacy });
  const batch = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Batch', 'batch-runner');
  const worker = new SecureWorker(ns, 'mailer', {
    image: 'ghcr.io/acme/mailer:2.0.1',
    serviceAccount: batch,
    liveness: HealthCheck.exec(['/app/healthcheck', '--live']),
    readiness: HealthCheck.exec(['/app/healthcheck', '--ready']),
  });
  new SecureJob(ns, 'migrate', { image: 'ghcr.io/acme/migrate:1.4.0', serviceAccount: batch });
  new SecureCronJob(ns, 'report', { image: 'ghcr.io/acme/report:1.0.0', schedule: Cron.daily(), serviceAccount: batch });
  api.allowFrom(worker);
  const objs = synthAndValidate(chart);
  const pods = objs.filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind))
    .map((o) => [o.kind, o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec] as const);

  test('the workloads run as it: no ServiceAccount of their own, and the account is theirs', () => {
    expect(api.serviceAccount).toBe(legacy);
    expect(worker.serviceAccount).toBe(batch);
    expect(objs.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toEqual(['default']);
    expect(pods.map(([kind, spec]) => [kind, spec.serviceAccountName])).toEqual([
      ['Deployment', 'legacy-api'], ['Deployment', 'batch-runner'], ['Job', 'batch-runner'], ['CronJob', 'batch-runner'],
    ]);
  });

  test('hardened pods: no automounted token and no projected token, whatever the account says in the cluster', () => {
    for (const [, spec] of pods) {
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(JSON.stringify(spec.volumes ?? [])).not.toContain('serviceAccountToken');
      expect(spec.securityContext.runAsNonRoot).toBe(true);
    }
  });

  test('the mesh admits the imported identity, and no egress to the API server or a token endpoint is opened', () => {
    expect(objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'api').spec.rules[0].from[0].source.principals)
      .toEqual(['cluster.local/ns/shop/sa/batch-runner']);
    const mailerPolicy = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'mailer');
    expect(JSON.stringify(mailerPolicy.spec.egress)).not.toContain('10.0.0.10');
    expect(JSON.stringify(mailerPolicy.spec.egress)).not.toContain('169.254.');
  });

  test('the audit passes', () => {
    const report = SecurityAudit.auditManifests(objs);
    expect(report.findings.filter((f) => !f.acknowledged).map((f) => f.ruleId)).toEqual([]);
  });
});

describe('imported accounts elsewhere', () => {
  test('grants on an imported account open no egress to the API server for its workloads: their pods have no token', () => {
    const { chart, ns } = setup();
    const legacy = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    legacy.grantReadConfigMap('legacy-settings');
    new SecureWorker(ns, 'w', { image: IMAGE, serviceAccount: legacy });
    const objs = synthAndValidate(chart);
    const policy = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'w');
    expect(JSON.stringify(policy.spec.egress)).not.toContain('10.0.0.10');
    expect(objs.find((o) => o.kind === 'Role').metadata.name).toBe('legacy-api');
    // A namespace without an API server endpoint is no error either.
    const other = new SecureNamespace(chart, 'Other', { name: 'other' });
    const batch = LeastPrivilegeServiceAccount.fromServiceAccountName(other, 'Batch', 'batch');
    batch.grantReadConfigMap('batch-settings');
    new SecureWorker(other, 'w', { image: IMAGE, serviceAccount: batch });
    synthAndValidate(chart);
  });

  test('cdk8s-plus accepts an imported account as its ServiceAccount', () => {
    const { chart, ns } = setup();
    const legacy: IServiceAccount = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    const job = new kplus.Job(ns, 'reindex', { metadata: { namespace: 'shop' }, serviceAccount: legacy, containers: [{ image: IMAGE }] });
    PodHardening.apply(job);
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs.find((o) => o.kind === 'Job').spec.template.spec.serviceAccountName).toBe('legacy-api');
  });
});

describe('what an import refuses', () => {
  test('an invalid name, the default account, an invalid namespace', () => {
    const { chart, ns } = setup();
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Bad', 'Legacy_API'),
      `test/Shop/Bad: imported ServiceAccount name "Legacy_API" is not a valid DNS-1123 subdomain. Fix: ${DNS_FIX}`);
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Default', 'default'),
      'test/Shop/Default: imported ServiceAccount name "default" is the namespace\'s default ServiceAccount. Fix: run the workload as a dedicated account '
      + '(a LeastPrivilegeServiceAccount, or an existing one of its own) and grant it only what it needs; every pod without a serviceAccountName runs as "default"');
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Ns', 'legacy', { namespace: 'Platform' }),
      'test/Shop/Ns: imported ServiceAccount namespace "Platform" is not a valid DNS-1123 label. '
      + "Fix: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(chart, 'Nowhere', 'legacy'),
      'test/Nowhere: imported ServiceAccount "legacy" has no namespace: the import is not inside a SecureNamespace. '
      + 'Fix: set `namespace` to the namespace of the existing ServiceAccount, or import it with a SecureNamespace (or a construct inside one) as its scope');
  });

  test('a namespace the app does not know fails synth', () => {
    const { app, chart } = setup();
    LeastPrivilegeServiceAccount.fromServiceAccountName(chart, 'Typo', 'deployer', { namespace: 'platfrom' });
    expect(synthError(app)).toContain(`test/Typo: imported ServiceAccount namespace "platfrom" ${NOT_KNOWN}. `
      + 'Fix: did you mean "platform"? If "platfrom" exists outside this app, declare it with ExternalNamespaces.of(app).add("platfrom")');
  });

  test('an account of another namespace as a workload\'s identity', () => {
    const { chart, ns } = setup();
    const deployer = LeastPrivilegeServiceAccount.fromServiceAccountName(chart, 'Deployer', 'deployer', { namespace: 'platform' });
    expectExactError(() => new SecureWorker(ns, 'w', { image: IMAGE, serviceAccount: deployer }),
      'test/Shop/w: serviceAccount "deployer" is in namespace "platform", not "shop". Fix: give the workload an account of its own namespace');
    expectExactError(() => new MtlsService(ns, 'api', { image: IMAGE, port: 8443, serviceAccount: deployer }),
      'test/Shop/api: serviceAccount "deployer" is in namespace "platform", not "shop". Fix: give the workload an account of its own namespace');
  });

  test('an account the app creates, a second import, and creating an imported account', () => {
    const { chart, ns } = setup();
    new LeastPrivilegeServiceAccount(ns, 'Api');
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(chart, 'ApiImport', 'api', { namespace: 'shop' }),
      'test/ApiImport: imported ServiceAccount "shop/api" is created by this app, by test/Shop/Api. Fix: use that LeastPrivilegeServiceAccount itself; import only accounts the app does not create');
    LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    expectExactError(() => LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy2', 'legacy-api'),
      'test/Shop/Legacy2: ServiceAccount "shop/legacy-api" is already imported by test/Shop/Legacy. '
      + 'Fix: import it once and pass that object around: its grants become one Role and RoleBinding named after it');
    expectExactError(() => new LeastPrivilegeServiceAccount(ns, 'Recreated', { name: 'legacy-api' }),
      'test/Shop/Recreated: ServiceAccount name "legacy-api" is already used in namespace "shop" by test/Shop/Legacy, which imports the existing ServiceAccount of that name. '
      + 'Fix: create the account once: drop the import and pass this LeastPrivilegeServiceAccount where the import was used, or give this one another `name`');
  });

  test('a workload refuses any account named "default", however it was made', () => {
    const { ns } = setup();
    const legacy = LeastPrivilegeServiceAccount.fromServiceAccountName(ns, 'Legacy', 'legacy-api');
    const impostor: IServiceAccount = Object.create(legacy, { name: { value: 'default' } });
    expectExactError(() => new SecureWorker(ns, 'w', { image: IMAGE, serviceAccount: impostor }),
      'test/Shop/w: serviceAccount "default" is the namespace\'s default ServiceAccount. '
      + 'Fix: give the workload a dedicated account: a LeastPrivilegeServiceAccount, or leave `serviceAccount` unset to get one');
  });
});
