import { RBAC_GROUP, rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.8: escalate, bind and impersonate. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_ESCALATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant escalate or bind on roles, or impersonate on users, groups, service accounts or user extras.',
  fix: 'Remove the escalate/bind/impersonate verbs; let a cluster administrator create the bindings instead.',
  standards: {
    cis: ['5.1.8'],
    kubescape: ['C-0191', 'C-0065'],
  },
}, [
  { group: RBAC_GROUP, resource: 'roles', verbs: ['escalate', 'bind'] },
  { group: RBAC_GROUP, resource: 'clusterroles', verbs: ['escalate', 'bind'] },
  { group: '', resource: 'users', verbs: ['impersonate'] },
  { group: '', resource: 'groups', verbs: ['impersonate'] },
  { group: '', resource: 'serviceaccounts', verbs: ['impersonate'] },
  { group: 'authentication.k8s.io', resource: 'userextras/scopes', verbs: ['impersonate'] },
  { group: 'authentication.k8s.io', resource: 'uids', verbs: ['impersonate'] },
]);
