import { asArray, isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "Host Ports". */
export const rule = podRule({
  id: RuleIds.PSS_HOST_PORTS,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers must not bind host ports (hostPort).',
  fix: 'Remove hostPort from the container ports and expose the workload through a Service.',
  standards: {
    podSecurity: ['Baseline: Host Ports'],
    cis: ['5.2.13'],
    kubescape: ['C-0044', 'C-0204'],
    polaris: ['hostPortSet'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    asArray(c.container.ports).forEach((p: any, i: number) => {
      if (isObject(p) && p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.ports[${i}].hostPort`, message: `${c.label} binds host port ${p.hostPort}` });
      }
    });
  }
});
