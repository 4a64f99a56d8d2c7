import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantContainer, compliantPodSpec, deployment, findings, namespace } from '../util';

const pinned = (version: string) => namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version });


describe('SB-PSS-SECCOMP', () => {
  test('compliant workloads pass (pod-level RuntimeDefault, or Localhost on every container)', () => {
    const spec = compliantPodSpec();
    delete spec.securityContext.seccompProfile;
    spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' };
    expect(findings(RuleIds.PSS_SECCOMP, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags Unconfined on the pod and on a container, and containers without any profile', () => {
    const spec = compliantPodSpec();
    spec.securityContext.seccompProfile = { type: 'Unconfined' };
    spec.containers.push({ ...compliantContainer('sidecar'), securityContext: { ...compliantContainer().securityContext, seccompProfile: { type: 'Unconfined' } } });
    const bare = compliantPodSpec();
    delete bare.securityContext.seccompProfile;
    expect(findings(RuleIds.PSS_SECCOMP, [deployment('web', 'shop', spec), deployment('bare', 'shop', bare)])).toEqual([
      { object: 'Deployment/shop/bare', jsonPath: 'spec.template.spec.containers[0].securityContext.seccompProfile', message: 'container "web" has no seccomp profile (neither the pod nor the container sets seccompProfile.type)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[1].securityContext.seccompProfile.type', message: 'container "sidecar" sets seccompProfile.type "Unconfined"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.seccompProfile.type', message: 'pod sets seccompProfile.type "Unconfined"' },
    ]);
  });

  test('a deprecated unconfined annotation counts where the field is unset: the API server copies it in (applySeccompVersionSkew)', () => {
    const annotated = (annotations: Record<string, string>, spec = compliantPodSpec()) => {
      const d = deployment('web', 'shop', spec);
      d.spec.template.metadata.annotations = annotations;
      return d;
    };
    // The pod's field says RuntimeDefault, the container sets none: the annotation becomes the container's field.
    expect(findings(RuleIds.PSS_SECCOMP, [annotated({ 'container.seccomp.security.alpha.kubernetes.io/web': 'unconfined' })])).toEqual([
      {
        object: 'Deployment/shop/web',
        jsonPath: 'spec.template.metadata.annotations',
        message: 'pod annotation container.seccomp.security.alpha.kubernetes.io/web sets seccomp profile "unconfined": the API server copies it into container "web"\'s unset seccompProfile, which runs it Unconfined',
      },
    ]);
    // A Pod too, and the pod annotation when the pod's field is unset (every container without its own then runs Unconfined).
    const bare = compliantPodSpec();
    delete bare.securityContext.seccompProfile;
    bare.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, spec: bare };
    expect(findings(RuleIds.PSS_SECCOMP, [pod]).map((f) => f.message)).toEqual([
      'pod annotation seccomp.security.alpha.kubernetes.io/pod sets seccomp profile "unconfined": the API server copies it into the pod\'s unset seccompProfile, which runs it Unconfined',
    ]);
    // A set field wins over its annotation (nothing is copied), and allowed values pass.
    const own = compliantPodSpec();
    own.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(findings(RuleIds.PSS_SECCOMP, [annotated({ 'container.seccomp.security.alpha.kubernetes.io/web': 'unconfined' }, own)])).toEqual([]);
    expect(findings(RuleIds.PSS_SECCOMP, [annotated({
      'container.seccomp.security.alpha.kubernetes.io/web': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/p.json',
    })])).toEqual([]);
    // An annotation never stands in for a missing profile.
    const none = compliantPodSpec();
    delete none.securityContext.seccompProfile;
    expect(findings(RuleIds.PSS_SECCOMP, [annotated({ 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }, none)]).map((f) => f.jsonPath))
      .toEqual(['spec.template.spec.containers[0].securityContext.seccompProfile']);
  });

  test('Windows pods need no profile from Pod Security v1.25 on, but may not set a bad one', () => {
    const windows = compliantPodSpec();
    windows.os = { name: 'windows' };
    delete windows.securityContext.seccompProfile;
    const unconfined = compliantPodSpec();
    unconfined.os = { name: 'windows' };
    unconfined.securityContext.seccompProfile = { type: 'Unconfined' };
    const linux = compliantPodSpec();
    linux.os = { name: 'linux' };
    delete linux.securityContext.seccompProfile;
    expect(findings(RuleIds.PSS_SECCOMP, [deployment('win', 'shop', windows), deployment('bad', 'shop', unconfined), deployment('linux', 'shop', linux)])).toEqual([
      { object: 'Deployment/shop/bad', jsonPath: 'spec.template.spec.securityContext.seccompProfile.type', message: 'pod sets seccompProfile.type "Unconfined"' },
      { object: 'Deployment/shop/linux', jsonPath: 'spec.template.spec.containers[0].securityContext.seccompProfile', message: 'container "web" has no seccomp profile (neither the pod nor the container sets seccompProfile.type)' },
    ]);
    // Before v1.25 restricted requires a profile of Windows pods too.
    expect(findings(RuleIds.PSS_SECCOMP, [pinned('v1.24'), deployment('win', 'shop', windows)])).toEqual([
      { object: 'Deployment/shop/win', jsonPath: 'spec.template.spec.containers[0].securityContext.seccompProfile', message: 'container "web" has no seccomp profile (neither the pod nor the container sets seccompProfile.type)' },
    ]);
    expect(findings(RuleIds.PSS_SECCOMP, [pinned('v1.25'), deployment('win', 'shop', windows)])).toEqual([]);
  });
});
