import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** imagePullPolicy: Always, so that image pull credentials are checked on every start. */
export const rule = podRule({
  id: RuleIds.CTR_IMAGE_PULL_POLICY,
  severity: Severity.WARNING,
  area: 'Containers',
  description: 'Containers should set imagePullPolicy: Always so that registry credentials are verified for every pod.',
  fix: 'Set imagePullPolicy: Always on the container.',
  standards: {
    kubescape: ['C-0075'],
    kubeScore: ['container-image-pull-policy'],
    polaris: ['pullPolicyNotAlways'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const p = c.container.imagePullPolicy;
    if (p !== 'Always') {
      out.push({
        obj: pod.obj,
        jsonPath: `${c.path}.imagePullPolicy`,
        message: p === undefined ? `${c.label} does not set imagePullPolicy: Always` : `${c.label} sets imagePullPolicy: ${p}`,
      });
    }
  }
});
