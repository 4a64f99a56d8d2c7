import { containerSc, podRule, podSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security restricted "Running as Non-root". */
export const rule = podRule({
  id: RuleIds.PSS_RUN_AS_NON_ROOT,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods must set runAsNonRoot: true (on the pod, or on every container) and no container may set it to false.',
  fix: 'Set spec.securityContext.runAsNonRoot: true and run the image as a non-zero UID (runAsUser).',
  standards: {
    podSecurity: ['Restricted: Running as Non-root'],
    cis: ['5.2.7'],
    kubescape: ['C-0013', 'C-0198'],
    polaris: ['runAsRootAllowed'],
    kubeLinter: ['run-as-non-root'],
  },
}, (pod, out) => {
  const podValue = podSc(pod).runAsNonRoot;
  if (podValue === false) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.runAsNonRoot`, message: 'pod sets runAsNonRoot: false' });
  }
  for (const c of pod.containers) {
    const v = containerSc(c).runAsNonRoot;
    if (v === false) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.runAsNonRoot`, message: `${c.label} sets runAsNonRoot: false` });
    } else if (v !== true && podValue !== true && podValue !== false) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.runAsNonRoot`, message: `${c.label} may run as root (runAsNonRoot is set neither on the pod nor on the container)` });
    }
  }
});
