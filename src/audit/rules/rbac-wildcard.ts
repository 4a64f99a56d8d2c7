import { AuditContext } from '../context';
import { Issue, RuleDefinition, rbacRules, strings } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.3: no wildcards in Roles and ClusterRoles. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_WILDCARD,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles and ClusterRoles must not use "*" in verbs, resources, apiGroups or nonResourceURLs.',
  fix: 'List the exact verbs, resources and API groups the subject needs.',
  standards: {
    cis: ['5.1.3'],
    kubescape: ['C-0187'],
    kubeLinter: ['wildcard-in-rules'],
  },
  // Roles only: a policy on cluster-scoped ClusterRoles would judge every chart's.
  admission: {
    match: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }],
    validations: [{
      expression: "!has(object.rules) || object.rules.all(r, ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'].all(f, !(f in r) || !r[f].exists(x, x == '*')))",
      message: 'Roles use no "*" in verbs, resources, apiGroups or nonResourceURLs',
    }],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const r of rbacRules(ctx)) {
      const fields = ['verbs', 'resources', 'apiGroups', 'nonResourceURLs'].filter(f => strings(r.rule[f]).includes('*'));
      if (fields.length > 0) {
        out.push({ obj: r.obj, jsonPath: r.path, message: `${r.path} uses "*" in ${fields.join(', ')}` });
      }
    }
    return out;
  },
};
