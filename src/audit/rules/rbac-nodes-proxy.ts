import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.10: nodes/proxy reaches the kubelet API. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_NODES_PROXY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant access to the nodes/proxy subresource (direct kubelet API access).',
  fix: 'Remove nodes/proxy; scrape metrics through the metrics endpoints instead.',
  standards: {
    cis: ['5.1.10'],
    kubescape: ['C-0279'],
  },
}, [
  { group: '', resource: 'nodes/proxy', verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
]);
