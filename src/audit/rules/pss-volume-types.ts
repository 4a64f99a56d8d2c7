import { asArray, isObject } from '../context';
import { podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * The volume sources restricted allows (`restrictedVolumes_1_0`). `image` has been allowed since
 * Kubernetes 1.33 (kubernetes/kubernetes#130394), at every policy version.
 */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/** Pod Security restricted "Volume Types" (hostPath is reported by SB-PSS-HOST-PATH). */
export const rule = podRule({
  id: RuleIds.PSS_VOLUME_TYPES,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: `Pods may use only the restricted volume types (${RESTRICTED_VOLUME_TYPES.join(', ')}).`,
  fix: 'Replace the volume with one of the allowed types, e.g. a PersistentVolumeClaim instead of an inline cloud or network volume.',
  standards: {
    podSecurity: ['Restricted: Volume Types'],
  },
}, (pod, out) => {
  asArray(pod.spec.volumes).forEach((v: any, i: number) => {
    if (!isObject(v)) return;
    const types = Object.keys(v).filter(k => k !== 'name' && k !== 'hostPath' && !RESTRICTED_VOLUME_TYPES.includes(k));
    if (types.length > 0) {
      out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.volumes[${i}]`, message: `volume ${q(v.name)} has disallowed type ${types.join(', ')}` });
    }
  });
});
