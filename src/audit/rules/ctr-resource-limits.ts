import { ContainerSet, podTwin } from '../../admission/pod';
import { isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** cpu and memory limits on every container (ephemeral containers cannot set resources). */
export const rule = podRule({
  id: RuleIds.CTR_RESOURCE_LIMITS,
  severity: Severity.ERROR,
  area: 'Containers',
  description: 'Containers and init containers must limit cpu and memory.',
  fix: 'Set resources.limits.cpu and resources.limits.memory so one container cannot starve its node.',
  standards: {
    kubescape: ['C-0004', 'C-0009', 'C-0050', 'C-0270', 'C-0271'],
    polaris: ['cpuLimitsMissing', 'memoryLimitsMissing'],
    kubeScore: ['container-resources'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
  },
  admission: podTwin([{
    expression: "variables.containers.all(c, has(c.resources) && has(c.resources.limits) && ['cpu', 'memory'].all(k, k in c.resources.limits && c.resources.limits[k] != null && c.resources.limits[k] != ''))",
    message: 'every container and init container sets resources.limits.cpu and resources.limits.memory',
  }], ContainerSet.REGULAR_AND_INIT),
}, (pod, out) => {
  for (const c of pod.containers) {
    if (c.type === 'ephemeralContainers') continue;
    const l = isObject(c.container.resources) && isObject(c.container.resources.limits) ? c.container.resources.limits : {};
    const missing = ['cpu', 'memory'].filter(k => l[k] === undefined || l[k] === null || l[k] === '');
    if (missing.length > 0) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.resources.limits`, message: `${c.label} has no ${missing.join(' and ')} limit` });
    }
  }
});
