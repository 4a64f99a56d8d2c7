import { AuditContext } from '../context';
import { Issue, RuleDefinition, bindings, roleRefLabel, subjectLabel, subjects } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const DANGEROUS = ['system:masters', 'system:authenticated', 'system:unauthenticated', 'system:anonymous'];

function dangerous(s: any): boolean {
  if (s.kind !== 'Group' && s.kind !== 'User') return false;
  const name = String(s.name);
  return DANGEROUS.includes(name) || (s.kind === 'Group' && name.startsWith('system:serviceaccounts'));
}

/** CIS 5.1.7 and friends: bindings to groups that contain (almost) everyone. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_DANGEROUS_GROUP,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Bindings must not name system:masters, system:authenticated, system:unauthenticated, system:anonymous or system:serviceaccounts* subjects.',
  fix: 'Bind the role to the specific ServiceAccounts, users or groups that need it.',
  standards: {
    cis: ['5.1.7'],
    kubescape: ['C-0246', 'C-0262', 'C-0265'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const b of bindings(ctx)) {
      const bad = subjects(b).filter(dangerous);
      if (bad.length > 0) {
        out.push({ obj: b, jsonPath: 'subjects', message: `${b.kind} grants ${roleRefLabel(b)} to ${bad.map(subjectLabel).join(', ')}` });
      }
    }
    return out;
  },
};
