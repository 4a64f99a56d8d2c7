import { isObject } from '../context';
import { containerSc, podRule, podSc } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "HostProcess". */
export const rule = podRule({
  id: RuleIds.PSS_HOST_PROCESS,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Windows pods must not run HostProcess containers.',
  fix: 'Remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and its containers.',
  standards: {
    podSecurity: ['Baseline: HostProcess'],
    polaris: ['hostProcess'],
    cis: ['5.2.11'],
    kubescape: ['C-0202'],
  },
}, (pod, out) => {
  const psc = podSc(pod);
  if (isObject(psc.windowsOptions) && psc.windowsOptions.hostProcess === true) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.windowsOptions.hostProcess`, message: 'pod runs as a Windows HostProcess (windowsOptions.hostProcess: true)' });
  }
  for (const c of pod.containers) {
    const sc = containerSc(c);
    if (isObject(sc.windowsOptions) && sc.windowsOptions.hostProcess === true) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.windowsOptions.hostProcess`, message: `${c.label} runs as a Windows HostProcess (windowsOptions.hostProcess: true)` });
    }
  }
});
