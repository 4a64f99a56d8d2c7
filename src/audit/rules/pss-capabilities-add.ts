import { asArray, isObject } from '../context';
import { containerSc, podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security restricted "Capabilities" (add only NET_BIND_SERVICE; covers the baseline list too). */
export const rule = podRule({
  id: RuleIds.PSS_CAPABILITIES_ADD,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers may add no Linux capability other than NET_BIND_SERVICE.',
  fix: 'Remove the capability from securityContext.capabilities.add; only NET_BIND_SERVICE may be added.',
  standards: {
    podSecurity: ['Baseline: Capabilities', 'Restricted: Capabilities'],
    cis: ['5.2.9'],
    kubescape: ['C-0046', 'C-0200'],
    polaris: ['dangerousCapabilities', 'insecureCapabilities'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const caps = containerSc(c).capabilities;
    if (!isObject(caps)) continue;
    const added = asArray(caps.add).map((x: any) => String(x)).filter(x => x.toUpperCase().replace(/^CAP_/, '') !== 'NET_BIND_SERVICE');
    if (added.length > 0) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.capabilities.add`, message: `${c.label} adds capabilities ${added.join(', ')}` });
    }
  }
});
