import { asArray, isObject } from '../context';
import { ENFORCE_VERSION_LABEL, LATEST_POD_SECURITY_MINOR, SAFE_SYSCTLS_SINCE, podSecurityRule, safeSysctls, sysctlSafeSince } from '../pod-security-version';
import { podSc, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** The Pod Security "safe" sysctl set of the newest version the audit knows. */
export const SAFE_SYSCTLS = safeSysctls(LATEST_POD_SECURITY_MINOR);

const ALLOWED_TEXT = SAFE_SYSCTLS_SINCE.map((s) => (s.minor === 0 ? s.names.join(', ') : `from v1.${s.minor} also ${s.names.join(', ')}`)).join('; ');

/** Pod Security baseline "Sysctls", at the version the pod's namespace pins. */
export const rule = podSecurityRule({
  id: RuleIds.PSS_SYSCTLS,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: `Pods may set only the safe sysctls of the Pod Security Standards, at the version their namespace pins (${ENFORCE_VERSION_LABEL}; latest when unset).`,
  fix: `Remove the sysctl from spec.securityContext.sysctls; allowed: ${ALLOWED_TEXT}.`,
  standards: {
    podSecurity: ['Baseline: Sysctls'],
    kubeLinter: ['unsafe-sysctls'],
  },
}, (pod, out, minor) => {
  const allowed = safeSysctls(minor);
  asArray(podSc(pod).sysctls).forEach((s: any, i: number) => {
    if (!isObject(s) || allowed.includes(s.name)) return;
    const jsonPath = `${pod.specPath}.securityContext.sysctls[${i}]`;
    const since = sysctlSafeSince(s.name);
    if (since === undefined) {
      out.push({ obj: pod.obj, jsonPath, message: `pod sets unsafe sysctl ${q(s.name)}` });
    } else {
      out.push({
        obj: pod.obj,
        jsonPath,
        message: `pod sets sysctl ${q(s.name)}, which Pod Security allows only from v1.${since} (the namespace pins v1.${minor})`,
        fix: `Remove the sysctl, or pin the namespace's ${ENFORCE_VERSION_LABEL} to v1.${since} or newer (or "latest") on a cluster that runs Kubernetes 1.${since} or newer.`,
      });
    }
  });
});
