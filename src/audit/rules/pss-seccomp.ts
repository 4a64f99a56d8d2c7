import { isObject } from '../context';
import { podSecurityRule, windowsExempt } from '../pod-security-version';
import { containerSc, podSc, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const ALLOWED = ['RuntimeDefault', 'Localhost'];
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/**
 * The field a deprecated seccomp annotation becomes (`SeccompFieldForAnnotation` in
 * kubernetes/pkg/api/pod/util.go); undefined for values it ignores.
 */
function typeOfAnnotation(v: unknown): string | undefined {
  if (v === 'runtime/default' || v === 'docker/default') return 'RuntimeDefault';
  if (v === 'unconfined') return 'Unconfined';
  if (typeof v === 'string' && v.startsWith('localhost/')) return 'Localhost';
  return undefined;
}

/**
 * Pod Security baseline + restricted "Seccomp". Windows pods need no profile from v1.25 on
 * (`seccompProfileRestricted_1_25`): the API server refuses seccompProfile on them, so a profile
 * they do set is still reported.
 *
 * The deprecated annotations count where they decide: when a pod is created, the API server copies
 * `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<name>`
 * into the matching seccompProfile field when that field is unset (`applySeccompVersionSkew`), so an
 * `unconfined` annotation on a container without its own field runs it Unconfined whatever the
 * pod's field says. An annotation never satisfies the requirement of a profile (clusters that no
 * longer copy it ignore it).
 */
export const rule = podSecurityRule({
  id: RuleIds.PSS_SECCOMP,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Every container must run with the RuntimeDefault or a Localhost seccomp profile (never Unconfined); a Windows pod (spec.os.name: windows), which cannot set one, needs none.',
  fix: 'Set spec.securityContext.seccompProfile.type to "RuntimeDefault" on the pod and remove Unconfined overrides.',
  standards: {
    podSecurity: ['Baseline: Seccomp', 'Restricted: Seccomp'],
    cis: ['5.7.2'],
    kubescape: ['C-0210', 'C-0055'],
    kubeScore: ['container-seccomp-profile'],
  },
}, (pod, out, minor) => {
  const podType = isObject(podSc(pod).seccompProfile) ? podSc(pod).seccompProfile.type : undefined;
  if (podType !== undefined && !ALLOWED.includes(podType)) {
    out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.securityContext.seccompProfile.type`, message: `pod sets seccompProfile.type ${q(podType)}` });
  }
  const annotated = (key: string, unsetField: boolean, who: string) => {
    const t = unsetField ? typeOfAnnotation(pod.annotations[key]) : undefined;
    if (t !== undefined && !ALLOWED.includes(t)) {
      out.push({
        obj: pod.obj,
        jsonPath: `${pod.metadataPath}.annotations`,
        message: `pod annotation ${key} sets seccomp profile ${q(pod.annotations[key])}: the API server copies it into ${who}'s unset seccompProfile, which runs it ${t}`,
      });
    }
  };
  annotated(POD_ANNOTATION, podType === undefined, 'the pod');
  const required = !windowsExempt(pod, minor);
  for (const c of pod.containers) {
    const sp = containerSc(c).seccompProfile;
    const type = isObject(sp) ? sp.type : undefined;
    annotated(`${CONTAINER_ANNOTATION_PREFIX}${c.name}`, type === undefined, c.label);
    if (type !== undefined) {
      if (!ALLOWED.includes(type)) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.seccompProfile.type`, message: `${c.label} sets seccompProfile.type ${q(type)}` });
      }
    } else if (podType === undefined && required) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.seccompProfile`, message: `${c.label} has no seccomp profile (neither the pod nor the container sets seccompProfile.type)` });
    }
  }
});
