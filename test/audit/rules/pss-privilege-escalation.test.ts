import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings, namespace } from '../util';

const pinned = (version: string) => namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version });


describe('SB-PSS-PRIVILEGE-ESCALATION', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.PSS_PRIVILEGE_ESCALATION, compliantBundle())).toEqual([]);
  });

  test('flags true and unset', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }];
    expect(findings(RuleIds.PSS_PRIVILEGE_ESCALATION, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', message: 'container "web" sets allowPrivilegeEscalation: true' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation', message: 'ephemeral container "debug" does not set allowPrivilegeEscalation: false' },
    ]);
  });

  test('Windows pods need not set it from Pod Security v1.25 on, but may not set it to true', () => {
    const windows = compliantPodSpec();
    windows.os = { name: 'windows' };
    delete windows.containers[0].securityContext.allowPrivilegeEscalation;
    const trueOnWindows = compliantPodSpec();
    trueOnWindows.os = { name: 'windows' };
    trueOnWindows.containers[0].securityContext.allowPrivilegeEscalation = true;
    expect(findings(RuleIds.PSS_PRIVILEGE_ESCALATION, [deployment('win', 'shop', windows), deployment('true', 'shop', trueOnWindows)])).toEqual([
      { object: 'Deployment/shop/true', jsonPath: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', message: 'container "web" sets allowPrivilegeEscalation: true' },
    ]);
    expect(findings(RuleIds.PSS_PRIVILEGE_ESCALATION, [pinned('v1.24'), deployment('win', 'shop', windows)])).toEqual([
      { object: 'Deployment/shop/win', jsonPath: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', message: 'container "web" does not set allowPrivilegeEscalation: false' },
    ]);
  });
});
