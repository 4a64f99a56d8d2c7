import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.13: service account token creation. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_TOKEN_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create on serviceaccounts/token.',
  fix: 'Remove create on serviceaccounts/token; use projected service account tokens mounted into the pod.',
  standards: {
    cis: ['5.1.13'],
    kubescape: ['C-0282'],
  },
}, [
  { group: '', resource: 'serviceaccounts/token', verbs: ['create'] },
]);
