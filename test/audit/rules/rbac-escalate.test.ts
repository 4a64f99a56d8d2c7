import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings, role } from '../util';

describe('SB-RBAC-ESCALATE', () => {
  test('ordinary verbs pass (bind on configmaps is meaningless and ignored)', () => {
    expect(findings(RuleIds.RBAC_ESCALATE, [role('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'bind'] }])])).toEqual([]);
  });

  test('flags escalate/bind on roles and impersonate on identities (also through wildcards)', () => {
    const objects = [
      clusterRole('binder', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind', 'escalate'] }]),
      clusterRole('impersonator', [{ apiGroups: [''], resources: ['users', 'serviceaccounts'], verbs: ['impersonate'] }]),
      role('god', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    ];
    expect(findings(RuleIds.RBAC_ESCALATE, objects)).toEqual([
      { object: 'ClusterRole/binder', jsonPath: 'rules[0]', message: 'rules[0] grants escalate, bind on rbac.authorization.k8s.io/clusterroles' },
      { object: 'ClusterRole/impersonator', jsonPath: 'rules[0]', message: 'rules[0] grants impersonate on users; impersonate on serviceaccounts' },
      { object: 'Role/shop/god', jsonPath: 'rules[0]', message: 'rules[0] grants escalate, bind on rbac.authorization.k8s.io/roles; escalate, bind on rbac.authorization.k8s.io/clusterroles; impersonate on users; impersonate on groups; impersonate on serviceaccounts; impersonate on authentication.k8s.io/uids; impersonate on authentication.k8s.io/userextras/scopes' },
    ]);
  });
});
