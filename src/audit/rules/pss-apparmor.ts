import { isObject } from '../context';
import { containerSc, podRule, podSc, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(t: any): boolean {
  return t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
}

/** Pod Security baseline "AppArmor". */
export const rule = podRule({
  id: RuleIds.PSS_APPARMOR,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Pods and containers must not override the AppArmor profile to unconfined.',
  fix: 'Use appArmorProfile.type "RuntimeDefault" or "Localhost" (annotation values "runtime/default" or "localhost/<profile>").',
  standards: {
    podSecurity: ['Baseline: AppArmor'],
    kubescape: ['C-0055'],
  },
}, (pod, out) => {
  const pt = isObject(podSc(pod).appArmorProfile) ? podSc(pod).appArmorProfile.type : undefined;
  if (!allowedType(pt)) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.appArmorProfile.type`, message: `pod sets appArmorProfile.type ${q(pt)}` });
  }
  for (const c of pod.containers) {
    const sc = containerSc(c);
    const t = isObject(sc.appArmorProfile) ? sc.appArmorProfile.type : undefined;
    if (!allowedType(t)) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.appArmorProfile.type`, message: `${c.label} sets appArmorProfile.type ${q(t)}` });
    }
  }
  for (const key of Object.keys(pod.annotations).sort()) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const v = pod.annotations[key];
    if (v !== 'runtime/default' && !(typeof v === 'string' && v.startsWith('localhost/'))) {
      out.push({ obj: pod.obj, jsonPath: `${pod.metadataPath}.annotations`, message: `pod annotation ${key} sets AppArmor profile ${q(v)}` });
    }
  }
});
