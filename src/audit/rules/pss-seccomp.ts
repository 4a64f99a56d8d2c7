import { isObject } from '../context';
import { podSecurityRule, windowsExempt } from '../pod-security-version';
import { containerSc, podSc, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const ALLOWED = ['RuntimeDefault', 'Localhost'];

/**
 * Pod Security baseline + restricted "Seccomp". Windows pods need no profile from v1.25 on
 * (`seccompProfileRestricted_1_25`): the API server refuses seccompProfile on them, so a profile
 * they do set is still reported.
 */
export const rule = podSecurityRule({
  id: RuleIds.PSS_SECCOMP,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Every container must run with the RuntimeDefault or a Localhost seccomp profile (never Unconfined); a Windows pod (spec.os.name: windows), which cannot set one, needs none.',
  fix: 'Set spec.securityContext.seccompProfile.type to "RuntimeDefault" on the pod and remove Unconfined overrides.',
  standards: {
    podSecurity: ['Baseline: Seccomp', 'Restricted: Seccomp'],
    cis: ['5.7.2'],
    kubescape: ['C-0210', 'C-0055'],
    kubeScore: ['container-seccomp-profile'],
  },
}, (pod, out, minor) => {
  const podType = isObject(podSc(pod).seccompProfile) ? podSc(pod).seccompProfile.type : undefined;
  if (podType !== undefined && !ALLOWED.includes(podType)) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.seccompProfile.type`, message: `pod sets seccompProfile.type ${q(podType)}` });
  }
  const required = !windowsExempt(pod, minor);
  for (const c of pod.containers) {
    const sp = containerSc(c).seccompProfile;
    const type = isObject(sp) ? sp.type : undefined;
    if (type !== undefined) {
      if (!ALLOWED.includes(type)) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.seccompProfile.type`, message: `${c.label} sets seccompProfile.type ${q(type)}` });
      }
    } else if (podType === undefined && required) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.seccompProfile`, message: `${c.label} has no seccomp profile (neither the pod nor the container sets seccompProfile.type)` });
    }
  }
});
