import { ENFORCE_VERSION_LABEL, MIN_POD_SECURITY_VERSION, enforceVersionProblem } from '../pod-security-version';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * Namespaces enforce the restricted Pod Security level, at a version that includes every check of
 * the audit. Only the enforce labels count: `audit` and `warn` never refuse a pod, so their
 * versions do not change what runs.
 */
export const rule = kindRule({
  id: RuleIds.NS_PSS,
  severity: Severity.ERROR,
  area: 'Namespaces',
  description: `Every Namespace must carry the label ${LABEL}: restricted, and ${ENFORCE_VERSION_LABEL}, if set, must be "latest" or ${MIN_POD_SECURITY_VERSION} or newer (older versions of restricted skip checks the audit relies on).`,
  fix: `Label the namespace ${LABEL}=restricted (Pod Security Admission rejects non-compliant pods) and ${ENFORCE_VERSION_LABEL}=${MIN_POD_SECURITY_VERSION} (or newer, or "latest").`,
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
  const problem = enforceVersionProblem(obj.labels[ENFORCE_VERSION_LABEL]);
  if (problem !== undefined) {
    out.push({ obj, jsonPath: `metadata.labels[${JSON.stringify(ENFORCE_VERSION_LABEL)}]`, message: `namespace ${problem}` });
  }
});
