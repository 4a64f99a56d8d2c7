import { isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Liveness probes on long-running containers. */
export const rule = podRule({
  id: RuleIds.CTR_LIVENESS_PROBE,
  severity: Severity.WARNING,
  area: 'Containers',
  description: 'Containers of long-running workloads should define a liveness probe (Jobs, CronJobs and run-to-completion Pods are exempt).',
  fix: 'Add a livenessProbe that fails only when the process is wedged and must be restarted.',
  standards: {
    kubescape: ['C-0056'],
    polaris: ['livenessProbeMissing'],
    kubeScore: ['pod-probes'],
    kubeLinter: ['no-liveness-probe'],
  },
}, (pod, out) => {
  if (pod.runsToCompletion) return;
  for (const c of pod.containers) {
    if (c.type !== 'containers') continue;
    if (!isObject(c.container.livenessProbe)) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.livenessProbe`, message: `${c.label} has no livenessProbe` });
    }
  }
});
