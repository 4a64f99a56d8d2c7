import { containerSc, podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "/proc Mount Type". */
export const rule = podRule({
  id: RuleIds.PSS_PROC_MOUNT,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers must use the Default /proc mount type.',
  fix: 'Remove securityContext.procMount or set it to "Default".',
  standards: {
    podSecurity: ['Baseline: /proc Mount Type'],
    polaris: ['procMount'],
    kubeLinter: ['unsafe-proc-mount'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const pm = containerSc(c).procMount;
    if (pm !== undefined && pm !== null && pm !== 'Default') {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.procMount`, message: `${c.label} sets procMount ${q(pm)}` });
    }
  }
});
