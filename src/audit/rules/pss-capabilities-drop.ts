import { asArray, isObject } from '../context';
import { containerSc, podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security restricted "Capabilities" (drop ALL). */
export const rule = podRule({
  id: RuleIds.PSS_CAPABILITIES_DROP,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers must drop ALL Linux capabilities.',
  fix: 'Set securityContext.capabilities.drop to ["ALL"] (add back NET_BIND_SERVICE only if needed).',
  standards: {
    podSecurity: ['Restricted: Capabilities'],
    cis: ['5.2.8', '5.2.10'],
    kubescape: ['C-0199', 'C-0201'],
    polaris: ['insecureCapabilities'],
    kubeLinter: ['drop-net-raw-capability'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const caps = containerSc(c).capabilities;
    const drop = isObject(caps) ? asArray(caps.drop).map((x: any) => String(x).toUpperCase()) : [];
    if (!drop.includes('ALL')) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.capabilities.drop`, message: `${c.label} does not drop ALL capabilities` });
    }
  }
});
