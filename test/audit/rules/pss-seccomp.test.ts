import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantContainer, compliantPodSpec, deployment, findings } from '../util';

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
});
