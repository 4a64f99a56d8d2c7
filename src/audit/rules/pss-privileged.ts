import { containerSc, podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "Privileged Containers". */
export const rule = podRule({
  id: RuleIds.PSS_PRIVILEGED,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers (including init and ephemeral containers) must not run privileged.',
  fix: 'Remove securityContext.privileged or set it to false; grant only the specific capability the process needs.',
  standards: {
    podSecurity: ['Baseline: Privileged Containers'],
    cis: ['5.2.2'],
    kubescape: ['C-0057', 'C-0193'],
    polaris: ['runAsPrivileged'],
    kubeScore: ['container-security-context-privileged'],
    kubeLinter: ['privileged-container'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    if (containerSc(c).privileged === true) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.privileged`, message: `${c.label} runs privileged (securityContext.privileged: true)` });
    }
  }
});
