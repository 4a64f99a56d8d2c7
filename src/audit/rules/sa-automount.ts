import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** ServiceAccounts opt out of token automounting. */
export const rule = kindRule({
  id: RuleIds.SA_AUTOMOUNT,
  severity: Severity.ERROR,
  area: 'Service accounts',
  description: 'ServiceAccounts must set automountServiceAccountToken: false; pods that need the API opt in themselves.',
  fix: 'Set automountServiceAccountToken: false on the ServiceAccount and true only on the pods that call the Kubernetes API.',
  standards: {
    cis: ['5.1.5', '5.1.6'],
    kubescape: ['C-0034', 'C-0190'],
  },
}, ['ServiceAccount'], '', (obj, out) => {
  const v = obj.manifest.automountServiceAccountToken;
  if (v !== false) {
    out.push({
      obj,
      jsonPath: 'automountServiceAccountToken',
      message: v === true ? 'ServiceAccount sets automountServiceAccountToken: true' : 'ServiceAccount does not set automountServiceAccountToken: false',
    });
  }
});
