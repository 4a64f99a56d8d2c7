import { isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Readiness probes on long-running containers. */
export const rule = podRule({
  id: RuleIds.CTR_READINESS_PROBE,
  severity: Severity.WARNING,
  area: 'Containers',
  description: 'Containers of long-running workloads should define a readiness probe (Jobs, CronJobs and run-to-completion Pods are exempt).',
  fix: 'Add a readinessProbe (httpGet, tcpSocket, grpc or exec) that reports when the container can serve traffic.',
  standards: {
    kubescape: ['C-0018'],
    polaris: ['readinessProbeMissing'],
    kubeScore: ['pod-probes'],
    kubeLinter: ['no-readiness-probe'],
  },
}, (pod, out) => {
  if (pod.runsToCompletion) return;
  for (const c of pod.containers) {
    if (c.type !== 'containers') continue;
    if (!isObject(c.container.readinessProbe)) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.readinessProbe`, message: `${c.label} has no readinessProbe` });
    }
  }
});
