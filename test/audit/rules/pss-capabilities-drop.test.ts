import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings, namespace } from '../util';

const pinned = (version: string) => namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version });


describe('SB-PSS-CAPABILITIES-DROP', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.PSS_CAPABILITIES_DROP, compliantBundle())).toEqual([]);
  });

  test('flags containers that do not drop ALL', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] };
    spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
    expect(findings(RuleIds.PSS_CAPABILITIES_DROP, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.capabilities.drop', message: 'container "web" does not drop ALL capabilities' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.initContainers[0].securityContext.capabilities.drop', message: 'init container "init" does not drop ALL capabilities' },
    ]);
  });

  test('Windows pods need not drop capabilities from Pod Security v1.25 on, but capabilities they set are checked', () => {
    const windows = compliantPodSpec();
    windows.os = { name: 'windows' };
    delete windows.containers[0].securityContext.capabilities;
    const setOnWindows = compliantPodSpec();
    setOnWindows.os = { name: 'windows' };
    setOnWindows.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] };
    expect(findings(RuleIds.PSS_CAPABILITIES_DROP, [deployment('win', 'shop', windows), deployment('set', 'shop', setOnWindows)])).toEqual([
      { object: 'Deployment/shop/set', jsonPath: 'spec.template.spec.containers[0].securityContext.capabilities.drop', message: 'container "web" does not drop ALL capabilities' },
    ]);
    expect(findings(RuleIds.PSS_CAPABILITIES_DROP, [pinned('v1.24'), deployment('win', 'shop', windows)])).toEqual([
      { object: 'Deployment/shop/win', jsonPath: 'spec.template.spec.containers[0].securityContext.capabilities.drop', message: 'container "web" does not drop ALL capabilities' },
    ]);
  });
});
