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
}, (pod, out) => {
  if (podServiceAccount(pod.spec) === 'default') {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.serviceAccountName`, message: 'pod runs as the "default" ServiceAccount' });
  }
});
