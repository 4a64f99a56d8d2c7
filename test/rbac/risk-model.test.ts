/**
 * The RBAC risk model walked against the API server's own roles (the vendored bootstrap policy):
 * what each built-in role can do, by capability, in a namespace and cluster-wide.
 */
import { RuleIds } from '../../src/audit/rule-ids';
import { BOOTSTRAP_CLUSTER_ROLES, bootstrapRules } from '../../src/rbac/bootstrap-roles';
import { GrantDecision, RBAC_RISKS, riskHits, subjectRisk } from '../../src/rbac/risk-model';

function capabilities(role: string, namespace: string | undefined): string[] {
  const rules = bootstrapRules(role);
  if (!rules) throw new Error(`no built-in role ${role}`);
  const held = new Set(rules.flatMap((r) => riskHits(r, namespace, namespace === undefined)).map((h) => h.risk.capability));
  return RBAC_RISKS.map((r) => r.capability).filter((c, i, all) => held.has(c) && all.indexOf(c) === i);
}

describe('built-in roles through the risk model', () => {
  test.each([
    ['view', 'shop', []],
    ['edit', 'shop', ['impersonate', 'read-secrets', 'exec-into-pods', 'proxy-to-pods', 'run-workloads', 'create-tokens', 'change-network-policy']],
    ['admin', 'shop', ['impersonate', 'read-secrets', 'exec-into-pods', 'proxy-to-pods', 'run-workloads', 'create-tokens', 'change-network-policy']],
    // In kube-system everything that writes is a foothold too.
    ['edit', 'kube-system', ['impersonate', 'read-secrets', 'exec-into-pods', 'proxy-to-pods', 'run-workloads', 'create-tokens', 'change-network-policy', 'write-system-namespaces', 'edit-aws-auth']],
    ['view', 'kube-system', []],
    ['system:node', undefined, ['read-secrets', 'run-workloads', 'create-tokens', 'write-system-namespaces']],
    ['system:kube-controller-manager', undefined, ['read-secrets', 'create-tokens', 'write-system-namespaces']],
    ['system:kubelet-api-admin', undefined, ['kubelet-api']],
    ['system:certificates.k8s.io:kube-apiserver-client-approver', undefined, ['approve-certificates']],
    ['system:persistent-volume-provisioner', undefined, ['create-persistent-volumes', 'write-system-namespaces']],
    ['system:basic-user', undefined, []],
    ['system:discovery', undefined, []],
    ['cluster-admin', undefined, RBAC_RISKS.map((r) => r.capability).filter((c, i, all) => all.indexOf(c) === i)],
  ])('%s in %s', (role, namespace, expected) => {
    expect(capabilities(role, namespace)).toEqual(expected);
  });

  test('aggregation: admin holds what edit and view hold, and its own RBAC writes', () => {
    const admin = bootstrapRules('admin')!;
    expect(admin).toEqual(expect.arrayContaining([...bootstrapRules('edit')!, ...bootstrapRules('view')!]));
    expect(admin.some((r) => r.resources?.includes('rolebindings') && r.verbs.includes('create'))).toBe(true);
    expect(bootstrapRules('edit')!.some((r) => r.resources?.includes('rolebindings'))).toBe(false);
  });

  test('the vendored data has every role once, and the aggregated roles no rules of their own', () => {
    const names = BOOTSTRAP_CLUSTER_ROLES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['admin', 'edit', 'view']) expect(BOOTSTRAP_CLUSTER_ROLES.find((r) => r.name === name)!.rules).toEqual([]);
    expect(bootstrapRules('no-such-role')).toBeUndefined();
  });
});

describe('the table', () => {
  test('every row names an audit rule, a rationale and targets; refusals are the escalation rows', () => {
    const ids = new Set(Object.values(RuleIds));
    for (const r of RBAC_RISKS) {
      expect(ids.has(r.ruleId as any)).toBe(true);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.targets.length).toBeGreaterThan(0);
    }
    expect(RBAC_RISKS.filter((r) => r.decision === GrantDecision.REFUSE).map((r) => r.capability))
      .toEqual(['escalate-rbac', 'impersonate', 'read-secrets', 'read-secrets', 'edit-aws-auth']);
  });

  test('resourceNames: named get on Secrets is fine, named list/watch only reads those Secrets, create ignores names', () => {
    const hit = (rule: any) => riskHits(rule, 'shop', false).map((h) => h.risk.capability);
    expect(hit({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] })).toEqual([]);
    expect(hit({ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'], resourceNames: ['db'] })).toEqual([]);
    expect(hit({ apiGroups: [''], resources: ['pods'], verbs: ['create'], resourceNames: ['x'] })).toEqual([]);
    // A subresource request names its object: token creation for a named account is real.
    expect(hit({ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'], resourceNames: ['builder'] })).toEqual(['create-tokens']);
  });

  test('matching follows the authorizer: exact strings, "*", "*/sub"; "pods/*" is a literal name', () => {
    const hit = (rule: any) => riskHits(rule, 'shop', false).map((h) => h.risk.capability);
    expect(hit({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] })).toEqual(['exec-into-pods']);
    expect(hit({ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] })).toEqual([]);
    expect(hit({ apiGroups: [''], resources: ['Pods/exec'], verbs: ['create'] })).toEqual([]);
    expect(hit({ apiGroups: ['*'], resources: ['pods/exec'], verbs: ['*'] })).toEqual(['exec-into-pods']);
  });

  test('namespace rows: only where the grant holds; cluster-scoped resources are not in a namespace', () => {
    const rule = { apiGroups: [''], resources: ['configmaps', 'persistentvolumes'], verbs: ['update'] };
    const caps = (ns: string | undefined, clusterWide: boolean) => riskHits(rule, ns, clusterWide).map((h) => h.risk.capability);
    expect(caps('shop', false)).toEqual([]);
    expect(caps(undefined, false)).toEqual([]);
    expect(caps('kube-system', false)).toEqual(['write-system-namespaces', 'edit-aws-auth']);
    expect(caps(undefined, true)).toEqual(['write-system-namespaces', 'edit-aws-auth']);
    expect(riskHits({ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['update'] }, undefined, true)).toEqual([]);
  });
});

describe('subjects', () => {
  test.each([
    ['Group', 'system:authenticated', true], ['Group', 'system:unauthenticated', true], ['User', 'system:anonymous', true],
    ['Group', 'system:masters', true], ['Group', 'system:nodes', true], ['User', 'system:node:ip-10-0-0-1', true],
    ['Group', 'system:bootstrappers', true], ['Group', 'system:serviceaccounts:shop', true], ['User', 'system:serviceaccount:shop:web', true],
    ['Group', 'platform-admins', false], ['User', 'alice@example.com', false], ['ServiceAccount', 'system:web', false], ['Group', 'systems', false],
  ])('%s %s is dangerous: %s', (kind, name, dangerous) => {
    expect(subjectRisk(kind, name) !== undefined).toBe(dangerous);
  });
});
