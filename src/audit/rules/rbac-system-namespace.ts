import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-SYSTEM-NAMESPACE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_SYSTEM_NAMESPACE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: "Roles and bindings must not grant writes in kube-system, kube-public, kube-node-lease or a mesh's control-plane namespace (istio-system, linkerd), through a Role there, a RoleBinding there, or a ClusterRoleBinding; and never on kube-system/aws-auth (cluster-admin on EKS).",
  fix: "Keep the workload's access in its own namespaces; control-plane configuration belongs to the platform's pipeline.",
});
