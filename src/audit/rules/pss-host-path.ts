import { asArray, isObject } from '../context';
import { podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pod Security baseline "HostPath Volumes". */
export const rule = podRule({
  id: RuleIds.PSS_HOST_PATH,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods must not mount hostPath volumes.',
  fix: 'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret/projected volume or a PersistentVolumeClaim.',
  standards: {
    podSecurity: ['Baseline: HostPath Volumes'],
    polaris: ['hostPathSet'],
    cis: ['5.2.12'],
    kubescape: ['C-0048', 'C-0045', 'C-0203'],
    kubeLinter: ['sensitive-host-mounts', 'writable-host-mount', 'docker-sock'],
  },
}, (pod, out) => {
  asArray(pod.spec.volumes).forEach((v: any, i: number) => {
    if (isObject(v) && isObject(v.hostPath)) {
      out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.volumes[${i}].hostPath`, message: `volume ${q(v.name)} mounts hostPath ${q(v.hostPath.path)}` });
    }
  });
});
