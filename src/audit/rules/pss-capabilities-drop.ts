import { asArray, isObject } from '../context';
import { podSecurityRule, windowsExempt } from '../pod-security-version';
import { containerSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Pod Security restricted "Capabilities" (drop ALL). Windows pods need not drop anything from
 * v1.25 on (`capabilitiesRestricted_1_25`): the API server refuses capabilities on them, so
 * capabilities they do set are still checked.
 */
export const rule = podSecurityRule({
  id: RuleIds.PSS_CAPABILITIES_DROP,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Containers must drop ALL Linux capabilities; those of a Windows pod (spec.os.name: windows), which cannot set capabilities, need not.',
  fix: 'Set securityContext.capabilities.drop to ["ALL"] (add back NET_BIND_SERVICE only if needed).',
  standards: {
    podSecurity: ['Restricted: Capabilities'],
    cis: ['5.2.8', '5.2.10'],
    kubescape: ['C-0199', 'C-0201'],
    polaris: ['insecureCapabilities'],
    kubeLinter: ['drop-net-raw-capability'],
  },
}, (pod, out, minor) => {
  const windows = windowsExempt(pod, minor);
  for (const c of pod.containers) {
    const caps = containerSc(c).capabilities;
    if (windows && !isObject(caps)) continue;
    const drop = isObject(caps) ? asArray(caps.drop).map((x: any) => String(x).toUpperCase()) : [];
    if (!drop.includes('ALL')) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.capabilities.drop`, message: `${c.label} does not drop ALL capabilities` });
    }
  }
});
