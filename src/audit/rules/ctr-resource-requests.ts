import { ContainerSet, podTwin } from '../../admission/pod';
import { isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** cpu and memory requests on every container (ephemeral containers cannot set resources). */
export const rule = podRule({
  id: RuleIds.CTR_RESOURCE_REQUESTS,
  severity: Severity.ERROR,
  area: 'Containers',
  description: 'Containers and init containers must request cpu and memory.',
  fix: 'Set resources.requests.cpu and resources.requests.memory from the measured needs of the container.',
  standards: {
    kubescape: ['C-0004', 'C-0050', 'C-0268', 'C-0269'],
    polaris: ['cpuRequestsMissing', 'memoryRequestsMissing'],
    kubeScore: ['container-resources'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
  },
  admission: podTwin([{
    expression: "variables.containers.all(c, has(c.resources) && has(c.resources.requests) && ['cpu', 'memory'].all(k, k in c.resources.requests && c.resources.requests[k] != null && c.resources.requests[k] != ''))",
    message: 'every container and init container sets resources.requests.cpu and resources.requests.memory',
  }], ContainerSet.REGULAR_AND_INIT),
}, (pod, out) => {
  for (const c of pod.containers) {
    if (c.type === 'ephemeralContainers') continue;
    const r = isObject(c.container.resources) && isObject(c.container.resources.requests) ? c.container.resources.requests : {};
    const missing = ['cpu', 'memory'].filter(k => r[k] === undefined || r[k] === null || r[k] === '');
    if (missing.length > 0) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.resources.requests`, message: `${c.label} has no ${missing.join(' and ')} request` });
    }
  }
});
