import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-POLICY-MODIFY. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_POLICY_MODIFY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: "Roles must not grant writes on NetworkPolicies (Kubernetes, AdminNetworkPolicy, Cilium, Calico) or mesh policies (Istio AuthorizationPolicy, PeerAuthentication, RequestAuthentication, DestinationRule, Sidecar, ServiceEntry; Linkerd Server, AuthorizationPolicy, authentications): they hold the baseline's default-deny, mTLS and authorization.",
  fix: 'Manage network and mesh policy through GitOps; a workload that must write them (an operator) needs a reason.',
});
