import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-WORKLOAD-CREATE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_WORKLOAD_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create, update or patch on pods or workload kinds (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs): a new pod, a swapped image or a rewritten pod template runs any code as any service account of the namespace.',
  fix: 'Deploy workloads through GitOps/CI with a dedicated identity instead of granting create or update to runtime subjects; grant scale subresources for autoscaling.',
});
