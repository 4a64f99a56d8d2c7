import { containerSc, podRule, podSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security restricted "Running as Non-root user". */
export const rule = podRule({
  id: RuleIds.PSS_RUN_AS_ROOT_USER,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods and containers must not set runAsUser: 0.',
  fix: 'Set runAsUser to a non-zero UID (for example 65532) or remove it and rely on the image user with runAsNonRoot: true.',
  standards: {
    podSecurity: ['Restricted: Running as Non-root user'],
    cis: ['5.2.7'],
    kubescape: ['C-0013'],
    kubeScore: ['container-security-context-user-group-id'],
  },
}, (pod, out) => {
  if (podSc(pod).runAsUser === 0) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.runAsUser`, message: 'pod sets runAsUser: 0 (root)' });
  }
  for (const c of pod.containers) {
    if (containerSc(c).runAsUser === 0) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.runAsUser`, message: `${c.label} sets runAsUser: 0 (root)` });
    }
  }
});
