import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.4: creating pods (directly or through a workload) runs code as any ServiceAccount of the namespace. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_WORKLOAD_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create on pods or workload kinds (Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs).',
  fix: 'Deploy workloads through GitOps/CI with a dedicated identity instead of granting create to runtime subjects.',
  standards: {
    cis: ['5.1.4'],
    kubescape: ['C-0188'],
    kubeLinter: ['access-to-create-pods'],
  },
}, [
  { group: '', resource: 'pods', verbs: ['create'] },
  { group: '', resource: 'replicationcontrollers', verbs: ['create'] },
  { group: 'apps', resource: 'deployments', verbs: ['create'] },
  { group: 'apps', resource: 'statefulsets', verbs: ['create'] },
  { group: 'apps', resource: 'daemonsets', verbs: ['create'] },
  { group: 'apps', resource: 'replicasets', verbs: ['create'] },
  { group: 'batch', resource: 'jobs', verbs: ['create'] },
  { group: 'batch', resource: 'cronjobs', verbs: ['create'] },
]);
