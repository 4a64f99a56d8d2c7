import { ack, clusterRole, clusterRoleBinding, ctxOf, deployment, group, role, roleBinding, sa, serviceAccount, user } from './proof-util';
import { RuleIds } from '../../src/audit/rule-ids';
import { CLUSTER_ADMIN_CAPABILITY, RbacProof, SubjectProof, proofColumns, proofCounts, proveRbac, subjectIdentity } from '../../src/rbac/proof';
import { RBAC_RISKS } from '../../src/rbac/risk-model';

const AGG = 'rbac.authorization.k8s.io/aggregate-to-';
const EDIT_POWERS = ['impersonate', 'read-secrets', 'exec-into-pods', 'proxy-to-pods', 'run-workloads', 'create-tokens', 'change-network-policy'];
const EDIT_RULES = 'ClusterRole "system:aggregate-to-edit" (built in)';

function prove(objects: any[]): RbacProof {
  return proveRbac(ctxOf(objects));
}

function subject(p: RbacProof, label: string): SubjectProof {
  const s = p.subjects.find((x) => x.label === label);
  if (!s) throw new Error(`no subject ${label} in ${p.subjects.map((x) => x.label).join(', ')}`);
  return s;
}

const caps = (s: SubjectProof) => s.capabilities.map((c) => c.capability);

describe('RBAC proof: subjects', () => {
  test('every binding subject, every ServiceAccount a workload runs as or the input declares; sorted; workloads listed', () => {
    const p = prove([
      deployment('shop', 'web'), // runs as shop/default
      deployment(undefined, 'legacy', 'old'), // no namespace: default/old
      deployment('shop', 'api', 'api'),
      { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'tpl', namespace: 'shop' }, template: { spec: { serviceAccountName: 'tpl', containers: [{ name: 'a', image: 'x:1' }] } } },
      serviceAccount('pay', 'batch'),
      roleBinding('shop', 'r', { kind: 'Role', name: 'none' }, [user('alice'), group('devs'), sa('pay', 'payer'), { kind: 'ServiceAccount', name: 'local' }]),
      clusterRoleBinding('c', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'no-namespace' }, { kind: 'Robot', name: 'r2' }]),
    ]);
    expect(p.subjects.map((s) => [s.label, s.workloads])).toEqual([
      ['Group devs', []],
      ['ServiceAccount default/old', ['Deployment default/legacy']],
      ['ServiceAccount pay/batch', []],
      ['ServiceAccount pay/payer', []],
      ['ServiceAccount shop/api', ['Deployment shop/api']],
      ['ServiceAccount shop/default', ['Deployment shop/web']],
      ['ServiceAccount shop/local', []], // a RoleBinding's ServiceAccount subject defaults to its namespace
      ['User alice', []],
    ]);
    expect(p.subjects.every((s) => s.capabilities.length === 0)).toBe(true);
    expect(proofCounts(p)).toEqual({ subjects: 8, holding: 0, held: 0, undeclared: 0, undeclaredSubjects: 0 });
  });

  test('identities: a ServiceAccount as its token, a User as an authenticated user, a Group as its members', () => {
    expect(subjectIdentity(sa('shop', 'api'))).toEqual({
      user: 'system:serviceaccount:shop:api',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
    });
    expect(subjectIdentity(user('alice')).groups).toEqual(['system:authenticated']);
    expect(subjectIdentity(user('system:anonymous')).groups).toEqual(['system:unauthenticated']);
    expect(subjectIdentity(group('system:serviceaccounts:shop')).groups).toEqual(['system:serviceaccounts:shop', 'system:serviceaccounts', 'system:authenticated']);
    expect(subjectIdentity(group('system:unauthenticated')).groups).toEqual(['system:unauthenticated']);
  });

  test('columns: cluster-admin, then each capability of the model once, in table order', () => {
    const columns = proofColumns();
    expect(columns[0]).toMatchObject({ capability: CLUSTER_ADMIN_CAPABILITY, ruleIds: [RuleIds.RBAC_CLUSTER_ADMIN] });
    expect(columns.slice(1).map((c) => c.capability)).toEqual([...new Set(RBAC_RISKS.map((r) => r.capability))]);
  });
});

describe('RBAC proof: capabilities', () => {
  test('a raw RoleBinding of a ServiceAccount to the built-in edit: every power of edit, in its namespace, undeclared', () => {
    const p = prove([deployment('shop', 'api', 'api'), roleBinding('shop', 'api-edit', { kind: 'ClusterRole', name: 'edit' }, [sa('shop', 'api')])]);
    const s = subject(p, 'ServiceAccount shop/api');
    expect(caps(s)).toEqual(EDIT_POWERS);
    expect(s.undeclared).toEqual(EDIT_POWERS);
    expect(s.workloads).toEqual(['Deployment shop/api']);
    expect(s.capabilities.find((c) => c.capability === 'exec-into-pods')).toEqual({
      capability: 'exec-into-pods',
      title: expect.any(String),
      ruleIds: [RuleIds.RBAC_POD_EXEC],
      declared: false,
      grants: [{
        namespace: 'shop',
        binding: 'RoleBinding "shop/api-edit"',
        location: 'input 2',
        role: 'ClusterRole "edit" (built in)',
        rulesFrom: EDIT_RULES,
        access: ['get, create on pods/attach, pods/exec, pods/portforward'],
        ruleIds: [RuleIds.RBAC_POD_EXEC],
        declared: false,
      }],
    });
    expect(s.capabilities.find((c) => c.capability === 'read-secrets')!.grants[0].access).toEqual(['get, list, watch on secrets']);
  });

  test('view holds nothing dangerous; admin holds what edit holds', () => {
    const view = prove([roleBinding('shop', 'v', { kind: 'ClusterRole', name: 'view' }, [sa('shop', 'a')])]);
    expect(caps(subject(view, 'ServiceAccount shop/a'))).toEqual([]);
    const admin = prove([roleBinding('shop', 'a', { kind: 'ClusterRole', name: 'admin' }, [sa('shop', 'a')])]);
    expect(caps(subject(admin, 'ServiceAccount shop/a'))).toEqual(EDIT_POWERS);
  });

  test('declared: the rule\'s acknowledgement on the binding or on the role the rule comes from', () => {
    const p = prove([
      roleBinding('shop', 'api-edit', { kind: 'ClusterRole', name: 'edit' }, [sa('shop', 'api')], { ...ack(RuleIds.RBAC_POD_EXEC), ...ack(RuleIds.RBAC_SECRETS) }),
      role('shop', 'jobs', [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }], ack(RuleIds.RBAC_WORKLOAD_CREATE)),
      roleBinding('shop', 'jobs', { kind: 'Role', name: 'jobs' }, [sa('shop', 'runner')]),
      role('shop', 'blank', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], ack(RuleIds.RBAC_POD_EXEC, '  ')),
      roleBinding('shop', 'blank', { kind: 'Role', name: 'blank' }, [sa('shop', 'runner')]),
    ]);
    const api = subject(p, 'ServiceAccount shop/api');
    expect(api.capabilities.filter((c) => c.declared).map((c) => c.capability)).toEqual(['read-secrets', 'exec-into-pods']);
    expect(api.undeclared).toEqual(['impersonate', 'proxy-to-pods', 'run-workloads', 'create-tokens', 'change-network-policy']);
    const runner = subject(p, 'ServiceAccount shop/runner');
    expect(runner.capabilities.map((c) => [c.capability, c.declared, c.grants.map((g) => `${g.binding} ${g.declared}`)])).toEqual([
      ['exec-into-pods', false, ['RoleBinding "shop/blank" false']], // a blank reason declares nothing
      ['run-workloads', true, ['RoleBinding "shop/jobs" true']],
    ]);
  });

  test('an aggregated ClusterRole (aggregationRule selecting aggregate-to-admin, empty rules) holds what it aggregates', () => {
    const p = prove([
      clusterRole('shop-admin', [], { aggregateFrom: [{ [`${AGG}admin`]: 'true' }] }),
      roleBinding('shop', 'ops', { kind: 'ClusterRole', name: 'shop-admin' }, [sa('shop', 'ops')]),
    ]);
    const s = subject(p, 'ServiceAccount shop/ops');
    expect(caps(s)).toEqual(EDIT_POWERS);
    expect(s.capabilities[0].grants[0]).toMatchObject({ role: 'ClusterRole "shop-admin"', rulesFrom: EDIT_RULES, declared: false });
  });

  test('a ClusterRole of the app aggregated into the built-in edit: its rules show (and declare) where edit is bound', () => {
    const objects = (annotations?: Record<string, string>) => [
      clusterRole('debug', [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }], { labels: { [`${AGG}edit`]: 'true' }, annotations }),
      roleBinding('shop', 'dev', { kind: 'ClusterRole', name: 'view' }, [user('alice')]),
      roleBinding('shop', 'ed', { kind: 'ClusterRole', name: 'edit' }, [user('bob')]),
    ];
    const p = prove(objects());
    expect(caps(subject(p, 'User alice'))).toEqual([]);
    const exec = subject(p, 'User bob').capabilities.find((c) => c.capability === 'exec-into-pods')!;
    expect(exec.grants.map((g) => [g.rulesFrom, g.access, g.declared])).toEqual([
      ['ClusterRole "debug"', ['patch on pods/ephemeralcontainers'], false],
      [EDIT_RULES, ['get, create on pods/attach, pods/exec, pods/portforward'], false],
    ]);
    const declared = subject(prove(objects(ack(RuleIds.RBAC_POD_EXEC))), 'User bob').capabilities.find((c) => c.capability === 'exec-into-pods')!;
    expect(declared.grants.map((g) => g.declared)).toEqual([true, false]);
  });

  test('a group binding to system:serviceaccounts:<ns> holds for the group and every ServiceAccount of the namespace in the input', () => {
    const p = prove([
      deployment('shop', 'api', 'api'), deployment('shop', 'web'), serviceAccount('shop', 'batch'), serviceAccount('pay', 'payer'),
      roleBinding('shop', 'all-secrets', { kind: 'Role', name: 'secrets' }, [group('system:serviceaccounts:shop')]),
      role('shop', 'secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
    ]);
    const holders = p.subjects.filter((s) => s.capabilities.length > 0);
    expect(holders.map((s) => [s.label, caps(s), s.capabilities[0].grants[0].via])).toEqual([
      ['Group system:serviceaccounts:shop', ['read-secrets'], undefined],
      ['ServiceAccount shop/api', ['read-secrets'], 'Group system:serviceaccounts:shop'],
      ['ServiceAccount shop/batch', ['read-secrets'], 'Group system:serviceaccounts:shop'],
      ['ServiceAccount shop/default', ['read-secrets'], 'Group system:serviceaccounts:shop'],
    ]);
    expect(caps(subject(p, 'ServiceAccount pay/payer'))).toEqual([]);
  });

  test('system:authenticated holds for every user, group and ServiceAccount of the input', () => {
    const p = prove([
      clusterRoleBinding('everyone', { kind: 'ClusterRole', name: 'secret-reader' }, [group('system:authenticated')]),
      clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['watch'] }]),
      roleBinding('shop', 'x', { kind: 'ClusterRole', name: 'view' }, [user('alice'), group('devs'), group('system:unauthenticated')]),
    ]);
    expect(p.subjects.map((s) => [s.label, caps(s)])).toEqual([
      ['Group devs', ['read-secrets']],
      ['Group system:authenticated', ['read-secrets']],
      ['Group system:unauthenticated', []],
      ['User alice', ['read-secrets']],
    ]);
    expect(subject(p, 'User alice').capabilities[0].grants[0]).toMatchObject({ namespace: undefined, via: 'Group system:authenticated' });
  });

  test('cluster-admin: one "cluster-admin" holding (every capability), declared by SB-RBAC-CLUSTER-ADMIN on the binding', () => {
    const p = prove([
      clusterRoleBinding('root', { kind: 'ClusterRole', name: 'cluster-admin' }, [group('ops')]),
      clusterRoleBinding('break-glass', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('sre')], ack(RuleIds.RBAC_CLUSTER_ADMIN)),
      roleBinding('shop', 'ns-admin', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('sre')], ack(RuleIds.RBAC_POD_EXEC)),
    ]);
    const ops = subject(p, 'Group ops');
    expect(ops.clusterAdmin).toBe(true);
    expect(ops.capabilities).toEqual([{
      capability: 'cluster-admin',
      title: 'do everything (every capability below)',
      ruleIds: [RuleIds.RBAC_CLUSTER_ADMIN],
      declared: false,
      grants: [{ binding: 'ClusterRoleBinding "root"', location: 'input 1', role: 'ClusterRole "cluster-admin" (built in)', access: ['* on *'], ruleIds: [RuleIds.RBAC_CLUSTER_ADMIN], declared: false }],
    }]);
    const sre = subject(p, 'User sre');
    expect(sre.capabilities.map((c) => c.grants.map((g) => [g.namespace ?? 'cluster-wide', g.binding, g.declared]))).toEqual([[
      ['cluster-wide', 'ClusterRoleBinding "break-glass"', true],
      ['shop', 'RoleBinding "shop/ns-admin"', false], // only SB-RBAC-CLUSTER-ADMIN declares a cluster-admin binding
    ]]);
    expect(sre.undeclared).toEqual(['cluster-admin']);
  });

  test('scopes: a RoleBinding holds in its namespace, a ClusterRoleBinding cluster-wide; a RoleBinding in kube-system writes there', () => {
    const p = prove([
      clusterRole('cm-writer', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['patch'] }]),
      roleBinding('kube-system', 'aws', { kind: 'ClusterRole', name: 'cm-writer' }, [sa('shop', 'api')]),
      roleBinding('shop', 'own', { kind: 'ClusterRole', name: 'cm-writer' }, [sa('shop', 'api')]),
      clusterRoleBinding('everywhere', { kind: 'ClusterRole', name: 'cm-writer' }, [sa('shop', 'web')]),
    ]);
    const where = (label: string) => subject(p, label).capabilities.map((c) => [c.capability, c.grants.map((g) => g.namespace ?? 'cluster-wide')]);
    expect(where('ServiceAccount shop/api')).toEqual([['write-system-namespaces', ['kube-system']], ['edit-aws-auth', ['kube-system']]]);
    expect(where('ServiceAccount shop/web')).toEqual([['write-system-namespaces', ['cluster-wide']], ['edit-aws-auth', ['cluster-wide']]]);
  });

  test('deterministic: the same proof whatever the input order', () => {
    const objects = [
      deployment('shop', 'api', 'api'), serviceAccount('shop', 'batch'),
      roleBinding('shop', 'b', { kind: 'ClusterRole', name: 'edit' }, [group('system:serviceaccounts:shop'), user('zed')]),
      roleBinding('shop', 'a', { kind: 'ClusterRole', name: 'admin' }, [sa('shop', 'api')]),
      clusterRoleBinding('c', { kind: 'ClusterRole', name: 'cluster-admin' }, [user('amy')]),
    ];
    const shape = (p: RbacProof) => JSON.stringify(p.subjects.map((s) => [
      s.label,
      s.capabilities.map((c) => [c.capability, c.grants.map((g) => g.binding)]),
    ]));
    const forward = shape(prove(objects));
    const backward = shape(prove([...objects].reverse()));
    expect(backward).toEqual(forward);
    const api = subject(prove(objects), 'ServiceAccount shop/api');
    expect(api.capabilities[0].grants.map((g) => g.binding)).toEqual(['RoleBinding "shop/a"', 'RoleBinding "shop/b"']);
  });

  test('a binding whose role is neither in the input nor built in grants nothing; a Role of another namespace is not the RoleBinding\'s', () => {
    const p = prove([
      role('other', 'exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]),
      roleBinding('shop', 'x', { kind: 'Role', name: 'exec' }, [sa('shop', 'api')]),
      roleBinding('shop', 'y', { kind: 'ClusterRole', name: 'nope' }, [sa('shop', 'api')]),
    ]);
    expect(caps(subject(p, 'ServiceAccount shop/api'))).toEqual([]);
  });
});
