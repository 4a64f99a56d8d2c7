import { asArray, isObject } from '../context';
import { podRule, podSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** The Pod Security "safe" sysctl set (Kubernetes 1.29+). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

/** Pod Security baseline "Sysctls". */
export const rule = podRule({
  id: RuleIds.PSS_SYSCTLS,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods may set only the safe sysctls of the Pod Security Standards.',
  fix: `Remove the sysctl from spec.securityContext.sysctls; allowed: ${SAFE_SYSCTLS.join(', ')}.`,
  standards: {
    podSecurity: ['Baseline: Sysctls'],
    kubeLinter: ['unsafe-sysctls'],
  },
}, (pod, out) => {
  asArray(podSc(pod).sysctls).forEach((s: any, i: number) => {
    if (isObject(s) && !SAFE_SYSCTLS.includes(s.name)) {
      out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.sysctls[${i}]`, message: `pod sets unsafe sysctl "${s.name}"` });
    }
  });
});
