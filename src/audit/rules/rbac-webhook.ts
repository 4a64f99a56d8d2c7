import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const GROUP = 'admissionregistration.k8s.io';

/** CIS 5.1.12: admission webhooks see (and mutate) every object. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_WEBHOOK,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant changes to admission webhook or admission policy configurations.',
  fix: 'Remove write verbs on admissionregistration.k8s.io resources; manage admission configuration through GitOps.',
  standards: {
    cis: ['5.1.12'],
    kubescape: ['C-0281'],
  },
}, [
  { group: GROUP, resource: 'validatingwebhookconfigurations', verbs: VERBS },
  { group: GROUP, resource: 'mutatingwebhookconfigurations', verbs: VERBS },
  { group: GROUP, resource: 'validatingadmissionpolicies', verbs: VERBS },
  { group: GROUP, resource: 'validatingadmissionpolicybindings', verbs: VERBS },
  { group: GROUP, resource: 'mutatingadmissionpolicies', verbs: VERBS },
  { group: GROUP, resource: 'mutatingadmissionpolicybindings', verbs: VERBS },
]);
