import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "Host Namespaces". */
export const rule = podRule({
  id: RuleIds.PSS_HOST_NAMESPACES,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods must not share the host network, PID or IPC namespace.',
  fix: 'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
  standards: {
    podSecurity: ['Baseline: Host Namespaces'],
    cis: ['5.2.3', '5.2.4', '5.2.5'],
    kubescape: ['C-0038', 'C-0041', 'C-0194', 'C-0195', 'C-0196'],
    polaris: ['hostIPCSet', 'hostPIDSet', 'hostNetworkSet'],
    kubeLinter: ['host-ipc', 'host-network', 'host-pid'],
  },
}, (pod, out) => {
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (pod.spec[field] === true) {
      out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.${field}`, message: `pod shares the host namespace (${field}: true)` });
    }
  }
});
