import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Changing a Namespace can relax its Pod Security labels or mesh injection. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_NAMESPACE_MODIFY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant update or patch on namespaces (which could relax Pod Security labels or mesh settings).',
  fix: 'Manage Namespaces through GitOps; grant namespace changes only to the platform identity.',
  standards: {},
}, [
  { group: '', resource: 'namespaces', verbs: ['update', 'patch'] },
]);
