import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-HOST-NAMESPACES', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.PSS_HOST_NAMESPACES, compliantBundle())).toEqual([]);
  });

  test('flags hostNetwork, hostPID and hostIPC', () => {
    const spec = { ...compliantPodSpec(), hostNetwork: true, hostPID: true, hostIPC: true };
    expect(findings(RuleIds.PSS_HOST_NAMESPACES, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.hostIPC', message: 'pod shares the host namespace (hostIPC: true)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.hostNetwork', message: 'pod shares the host namespace (hostNetwork: true)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.hostPID', message: 'pod shares the host namespace (hostPID: true)' },
    ]);
  });

  test('explicit false passes', () => {
    const spec = { ...compliantPodSpec(), hostNetwork: false, hostPID: false, hostIPC: false };
    expect(findings(RuleIds.PSS_HOST_NAMESPACES, [deployment('web', 'shop', spec)])).toEqual([]);
  });
});
