import { podSecurityRule, windowsExempt } from '../pod-security-version';
import { containerSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Pod Security restricted "Privilege Escalation". Windows pods need not set the field from v1.25
 * on (`allowPrivilegeEscalation_1_25`): the API server refuses it on them, so `true` is still
 * reported.
 */
export const rule = podSecurityRule({
  id: RuleIds.PSS_PRIVILEGE_ESCALATION,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Every container must set allowPrivilegeEscalation: false; those of a Windows pod (spec.os.name: windows), which cannot set it, need not.',
  fix: 'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
  standards: {
    podSecurity: ['Restricted: Privilege Escalation'],
    cis: ['5.2.6'],
    kubescape: ['C-0016', 'C-0197'],
    polaris: ['privilegeEscalationAllowed'],
    kubeLinter: ['privilege-escalation-container'],
  },
}, (pod, out, minor) => {
  const windows = windowsExempt(pod, minor);
  for (const c of pod.containers) {
    const v = containerSc(c).allowPrivilegeEscalation;
    if (v === true || (v !== false && !windows)) {
      out.push({
        obj: pod.obj,
        jsonPath: `${c.path}.securityContext.allowPrivilegeEscalation`,
        message: v === true ? `${c.label} sets allowPrivilegeEscalation: true` : `${c.label} does not set allowPrivilegeEscalation: false`,
      });
    }
  }
});
