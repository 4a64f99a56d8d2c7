import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const LABEL = 'pod-security.kubernetes.io/enforce';

/** Namespaces enforce the restricted Pod Security level. */
export const rule = kindRule({
  id: RuleIds.NS_PSS,
  severity: Severity.ERROR,
  area: 'Namespaces',
  description: `Every Namespace must carry the label ${LABEL}: restricted.`,
  fix: `Label the namespace ${LABEL}=restricted (Pod Security Admission rejects non-compliant pods).`,
  standards: {
    podSecurity: ['Restricted'],
    cis: ['5.2.1'],
    kubescape: ['C-0192'],
  },
}, ['Namespace'], '', (obj, out) => {
  const level = obj.labels[LABEL];
  if (level === undefined) {
    out.push({ obj, jsonPath: 'metadata.labels', message: `namespace has no ${LABEL} label` });
  } else if (level !== 'restricted') {
    out.push({ obj, jsonPath: 'metadata.labels', message: `namespace enforces Pod Security level ${JSON.stringify(level)} instead of "restricted"` });
  }
});
