import { isObject } from '../context';
import { containerSc, podRule, podSc, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const ALLOWED_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

function problems(opts: any): string[] {
  if (!isObject(opts)) return [];
  const p: string[] = [];
  if (opts.type !== undefined && !ALLOWED_TYPES.includes(opts.type)) p.push(`type ${q(opts.type)}`);
  if (opts.user !== undefined && opts.user !== '') p.push(`user ${q(opts.user)}`);
  if (opts.role !== undefined && opts.role !== '') p.push(`role ${q(opts.role)}`);
  return p;
}

/** Pod Security baseline "SELinux". */
export const rule = podRule({
  id: RuleIds.PSS_SELINUX,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods must not set a custom SELinux user or role, or a type other than the container types.',
  fix: 'Remove seLinuxOptions.user and .role; use type container_t, container_init_t, container_kvm_t or container_engine_t (or leave it unset).',
  standards: {
    podSecurity: ['Baseline: SELinux'],
    kubescape: ['C-0055'],
  },
}, (pod, out) => {
  const pp = problems(podSc(pod).seLinuxOptions);
  if (pp.length > 0) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.seLinuxOptions`, message: `pod sets SELinux ${pp.join(', ')}` });
  }
  for (const c of pod.containers) {
    const cp = problems(containerSc(c).seLinuxOptions);
    if (cp.length > 0) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.seLinuxOptions`, message: `${c.label} sets SELinux ${cp.join(', ')}` });
    }
  }
});
