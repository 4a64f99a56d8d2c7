import { containerSc, podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security restricted "Privilege Escalation". */
export const rule = podRule({
  id: RuleIds.PSS_PRIVILEGE_ESCALATION,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Every container must set allowPrivilegeEscalation: false.',
  fix: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
  standards: {
    podSecurity: ['Restricted: Privilege Escalation'],
    cis: ['5.2.6'],
    kubescape: ['C-0016', 'C-0197'],
    polaris: ['privilegeEscalationAllowed'],
    kubeLinter: ['privilege-escalation-container'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const v = containerSc(c).allowPrivilegeEscalation;
    if (v !== false) {
      out.push({
        obj: pod.obj,
        jsonPath: `${c.path}.securityContext.allowPrivilegeEscalation`,
        message: v === true ? `${c.label} sets allowPrivilegeEscalation: true` : `${c.label} does not set allowPrivilegeEscalation: false`,
      });
    }
  }
});
