import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const VERBS = ['create', 'get'];

/** Interactive access into running pods. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_POD_EXEC,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant pods/exec, pods/attach or pods/portforward.',
  fix: 'Remove the subresource from the role; use logs, metrics or an audited break-glass role for debugging.',
  standards: {
    kubescape: ['C-0002', 'C-0063'],
    polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach'],
  },
}, [
  { group: '', resource: 'pods/exec', verbs: VERBS },
  { group: '', resource: 'pods/attach', verbs: VERBS },
  { group: '', resource: 'pods/portforward', verbs: VERBS },
]);
