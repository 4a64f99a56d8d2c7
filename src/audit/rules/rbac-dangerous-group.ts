import { subjectRisk } from '../../rbac/risk-model';
import { AuditContext } from '../context';
import { Issue, RuleDefinition, bindings, roleRefLabel, subjectLabel, subjects } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.7 and friends: bindings to system: users and groups (the risk model's subject rows). */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_DANGEROUS_GROUP,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Bindings must not name system: users or groups (system:masters, system:authenticated, system:unauthenticated, system:anonymous, system:serviceaccounts*, system:nodes, system:bootstrappers and every other name Kubernetes reserves).',
  fix: 'Bind the role to the specific ServiceAccounts (kind ServiceAccount), users or identity-provider groups that need it.',
  standards: {
    cis: ['5.1.7'],
    kubescape: ['C-0246', 'C-0262', 'C-0265'],
  },
  // RoleBindings only: a policy on cluster-scoped ClusterRoleBindings would judge every chart's.
  admission: {
    match: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'] }],
    validations: [{
      expression: "!has(object.subjects) || object.subjects.all(s, !(has(s.kind) && s.kind in ['User', 'Group'] && has(s.name) && s.name.startsWith('system:')))",
      message: 'RoleBindings bind no system: user or group',
    }],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const b of bindings(ctx)) {
      const bad = subjects(b).map((s) => ({ s, why: subjectRisk(s.kind, s.name) })).filter((x) => x.why !== undefined);
      if (bad.length > 0) {
        out.push({ obj: b, jsonPath: 'subjects', message: `${b.kind} grants ${roleRefLabel(b)} to ${bad.map((x) => `${subjectLabel(x.s)} (${x.why})`).join(', ')}` });
      }
    }
    return out;
  },
};
