import { podTwin } from '../../admission/pod';
import { podRule, podServiceAccount } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Dedicated ServiceAccounts per workload. */
export const rule = podRule({
  id: RuleIds.SA_DEFAULT,
  severity: Severity.ERROR,
  area: 'Service accounts',
  description: 'Pods must run as a dedicated ServiceAccount, not the namespace "default" one.',
  fix: 'Create a ServiceAccount for the workload (automountServiceAccountToken: false) and set serviceAccountName.',
  standards: {
    cis: ['5.1.5'],
    kubescape: ['C-0189'],
    kubeLinter: ['default-service-account'],
  },
  // podServiceAccount: serviceAccountName if set (even ''), else the deprecated serviceAccount; '' means default.
  admission: podTwin([{
    expression: "(has(variables.spec.serviceAccountName) ? variables.spec.serviceAccountName : (has(variables.spec.serviceAccount) ? variables.spec.serviceAccount : '')) in ['', 'default'] == false",
    message: 'pods run as a dedicated ServiceAccount (serviceAccountName), not the namespace\'s "default" one',
  }]),
}, (pod, out) => {
  if (podServiceAccount(pod.spec) === 'default') {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.serviceAccountName`, message: 'pod runs as the "default" ServiceAccount' });
  }
});
