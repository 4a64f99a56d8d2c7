import { ApiObject, Testing } from 'cdk8s';
import {
  ExternalNamespaces, ExternalSecretReference, LeastPrivilegeServiceAccount, RbacGrant, SecretStoreRef, SecureNamespace, Verb,
} from '../src';
import { synthAndValidate } from './util/schema';

const REASON = 'The CI runner creates short-lived build pods here; approved by platform security (SEC-142).';
const SUBJECT = { kind: 'ServiceAccount', name: 'api', namespace: 'shop' };

function setup() {
  const chart = Testing.chart();
  ExternalNamespaces.of(chart).add('platform');
  const ns = new SecureNamespace(chart, 'Shop', { name: 'shop' });
  const sa = new LeastPrivilegeServiceAccount(ns, 'Api');
  return { chart, ns, sa };
}

/** The grant without its ApiObjects, and which objects it returned. */
function plain(g: RbacGrant) {
  const { role, binding, ...rest } = g;
  return { ...rest, role: role && `${role.kind}/${role.name}`, binding: `${binding.kind}/${binding.name}` };
}

describe('grants return what they created or merged into', () => {
  test('the first grant in a namespace creates the Role and RoleBinding; later grants return the same objects', () => {
    const { chart, sa } = setup();
    const first = sa.grantRead({ resources: ['configmaps', 'endpoints', 'configmaps'] });
    expect(first.role).toBe(sa.role);
    expect(first.binding).toBe(sa.roleBinding);
    expect(plain(first)).toEqual({
      role: 'Role/api',
      binding: 'RoleBinding/api',
      roleKind: 'Role',
      roleName: 'api',
      namespace: 'shop',
      subject: SUBJECT,
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
      ],
      acknowledgedRules: [],
      merged: false,
    });
    const second = sa.grantReadSecret('api-db-credentials');
    expect(second.role).toBe(first.role);
    expect(second.binding).toBe(first.binding);
    expect(second.merged).toBe(true);
    expect(second.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['api-db-credentials'], verbs: ['get'] }]);
    const third = sa.grantReadConfigMap('flags');
    expect([third.role, third.merged, third.rules]).toEqual([first.role, true, [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['flags'], verbs: ['get'] }]]);
    // The Role holds the rules of every grant; the returned objects are the synthesized ones.
    const objs = synthAndValidate(chart);
    const role = objs.find((o) => o.kind === 'Role');
    expect(role).toEqual(first.role!.toJson());
    expect(role.rules).toHaveLength(4);
  });

  test('a grant that needs a reason reports the audit rules it acknowledges', () => {
    const { sa } = setup();
    const g = sa.grant({ resources: ['pods'], verbs: [Verb.CREATE, Verb.DELETE, Verb.GET], reason: REASON });
    expect(g.acknowledgedRules).toEqual(['SB-RBAC-WORKLOAD-CREATE']);
    expect(g.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get'] }]);
    expect(g.role!.toJson().metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-RBAC-WORKLOAD-CREATE': REASON });
  });

  test('a grant in another namespace returns the Role and RoleBinding there', () => {
    const { chart, sa } = setup();
    const g = sa.grantReadConfigMap('feature-flags', { namespace: 'platform' });
    expect(plain(g)).toEqual({
      role: 'Role/shop.api',
      binding: 'RoleBinding/shop.api',
      roleKind: 'Role',
      roleName: 'shop.api',
      namespace: 'platform',
      subject: SUBJECT,
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['feature-flags'], verbs: ['get'] }],
      acknowledgedRules: [],
      merged: false,
    });
    expect(g.role).toBe(sa.roleIn('platform'));
    expect(sa.role).toBeUndefined();
    expect(g.binding.toJson().metadata.namespace).toBe('platform');
    synthAndValidate(chart);
  });

  test('grantOnObject returns the rule derived from the object', () => {
    const { chart, sa } = setup();
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } });
    const g = sa.grantOnObject(settings, [Verb.GET, Verb.PATCH], { subresource: 'scale' });
    expect(g.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['web'], verbs: ['get', 'patch'] }]);
    expect([g.roleKind, g.roleName, g.namespace, g.merged]).toEqual(['Role', 'api', 'shop', false]);
  });

  test('grantCluster returns the ClusterRole and ClusterRoleBinding, with no namespace', () => {
    const { chart, sa } = setup();
    const g = sa.grantCluster({ resources: ['nodes'], verbs: [Verb.LIST, Verb.GET], reason: REASON });
    expect(plain(g)).toEqual({
      role: 'ClusterRole/shop.api',
      binding: 'ClusterRoleBinding/shop.api',
      roleKind: 'ClusterRole',
      roleName: 'shop.api',
      subject: SUBJECT,
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
      acknowledgedRules: ['SB-RBAC-CLUSTER-SCOPED'],
      merged: false,
    });
    expect('namespace' in g).toBe(false);
    expect([g.role, g.binding]).toEqual([sa.clusterRole, sa.clusterRoleBinding]);
    const again = sa.grantCluster({ resources: ['namespaces'], verbs: [Verb.GET], reason: REASON });
    expect([again.role, again.binding, again.merged]).toEqual([g.role, g.binding, true]);
    synthAndValidate(chart);
  });

  test('bindClusterRole returns the RoleBinding (no role: the ClusterRole is the API server\'s); a second bind returns it again', () => {
    const { chart, sa } = setup();
    const g = sa.bindClusterRole('view', { namespace: 'platform' });
    expect(plain(g)).toEqual({
      role: undefined,
      binding: 'RoleBinding/shop.api.view',
      roleKind: 'ClusterRole',
      roleName: 'view',
      namespace: 'platform',
      subject: SUBJECT,
      rules: [],
      acknowledgedRules: [],
      merged: false,
    });
    const again = sa.bindClusterRole('view', { namespace: 'platform' });
    expect([again.binding, again.merged]).toEqual([g.binding, true]);
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'RoleBinding').map((o) => o.roleRef)).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }]);
  });

  test('a refused grant creates nothing', () => {
    const { chart, sa } = setup();
    expect(() => sa.grant({ resources: ['secrets'], verbs: [Verb.LIST] })).toThrow('"list" on Secrets is refused');
    expect(sa.role).toBeUndefined();
    expect(Testing.synth(chart).filter((o) => o.kind === 'Role')).toEqual([]);
  });

  test('ExternalSecretReference.grantRead returns the grant of get on its Secret', () => {
    const { ns, sa } = setup();
    const secret = new ExternalSecretReference(ns, 'db', {
      name: 'api-db',
      store: SecretStoreRef.clusterSecretStore('vault'),
      data: [{ secretKey: 'password', remoteKey: 'shop/db', property: 'password' }],
    });
    const g = secret.grantRead(sa);
    expect(g.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['api-db'], verbs: ['get'] }]);
    expect([g.role, g.merged]).toEqual([sa.role, false]);
  });
});
