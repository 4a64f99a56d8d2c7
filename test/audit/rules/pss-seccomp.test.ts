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
