import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings, role } from '../util';

describe('SB-RBAC-POLICY-MODIFY', () => {
  test('reading policies passes', () => {
    expect(findings(RuleIds.RBAC_POLICY_MODIFY, [role('r', [
      { apiGroups: ['networking.k8s.io', 'security.istio.io'], resources: ['networkpolicies', 'authorizationpolicies'], verbs: ['get', 'list', 'watch'] },
    ])])).toEqual([]);
  });

  // Issue #14: writing NetworkPolicies in its own namespace opens the network the baseline closed.
  test('flags writes on NetworkPolicies and on every mesh and CNI policy kind', () => {
    const objects = [
      role('netpol', [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] }]),
      role('istio', [{ apiGroups: ['security.istio.io'], resources: ['peerauthentications'], verbs: ['patch'] }]),
      role('linkerd', [{ apiGroups: ['policy.linkerd.io'], resources: ['*'], verbs: ['delete'] }]),
      clusterRole('cilium', [{ apiGroups: ['cilium.io'], resources: ['ciliumclusterwidenetworkpolicies'], verbs: ['update'] }]),
    ];
    expect(findings(RuleIds.RBAC_POLICY_MODIFY, objects)).toEqual([
      { object: 'ClusterRole/cilium', jsonPath: 'rules[0]', message: 'rules[0] grants update on cilium.io/ciliumclusterwidenetworkpolicies' },
      { object: 'Role/shop/istio', jsonPath: 'rules[0]', message: 'rules[0] grants patch on security.istio.io/peerauthentications' },
      {
        object: 'Role/shop/linkerd',
        jsonPath: 'rules[0]',
        message: 'rules[0] grants delete on policy.linkerd.io/servers; delete on policy.linkerd.io/serverauthorizations; delete on policy.linkerd.io/authorizationpolicies; delete on policy.linkerd.io/meshtlsauthentications; delete on policy.linkerd.io/networkauthentications',
      },
      { object: 'Role/shop/netpol', jsonPath: 'rules[0]', message: 'rules[0] grants create on networking.k8s.io/networkpolicies' },
    ]);
  });
});
