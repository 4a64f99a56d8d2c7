import { AuditContext, isObject } from '../context';
import { Issue, RBAC_GROUP, RuleDefinition, subjectLabel, subjects } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Workload identities get namespaced grants only. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_CLUSTER_SCOPED,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'ClusterRoleBindings must not grant cluster-wide permissions to workload identities (ServiceAccounts or system:serviceaccounts groups).',
  fix: 'Use a RoleBinding in each namespace the workload needs (it may reference a ClusterRole).',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const b of ctx.ofKind('ClusterRoleBinding', RBAC_GROUP)) {
      const workloads = subjects(b).filter(s => s.kind === 'ServiceAccount'
        || (s.kind === 'Group' && typeof s.name === 'string' && s.name.startsWith('system:serviceaccounts')));
      if (workloads.length > 0) {
        const ref = isObject(b.manifest.roleRef) ? b.manifest.roleRef : {};
        out.push({ obj: b, jsonPath: 'subjects', message: `ClusterRoleBinding grants ${ref.kind} "${ref.name}" cluster-wide to ${workloads.map(subjectLabel).join(', ')}` });
      }
    }
    return out;
  },
};
