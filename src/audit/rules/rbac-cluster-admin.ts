import { AuditContext, isObject } from '../context';
import { Issue, RuleDefinition, bindings, subjectLabel, subjects } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.1: cluster-admin only where required. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_CLUSTER_ADMIN,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'No RoleBinding or ClusterRoleBinding may reference the cluster-admin ClusterRole.',
  fix: 'Bind a Role/ClusterRole that grants only the verbs and resources the subject needs.',
  standards: {
    cis: ['5.1.1'],
    kubescape: ['C-0185', 'C-0035'],
    polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole'],
    kubeLinter: ['cluster-admin-role-binding'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const b of bindings(ctx)) {
      const ref = isObject(b.manifest.roleRef) ? b.manifest.roleRef : {};
      if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin') {
        const to = subjects(b).map(subjectLabel);
        out.push({ obj: b, jsonPath: 'roleRef', message: `${b.kind} grants ClusterRole "cluster-admin"${to.length > 0 ? ` to ${to.join(', ')}` : ''}` });
      }
    }
    return out;
  },
};
