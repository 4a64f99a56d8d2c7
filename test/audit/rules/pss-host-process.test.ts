import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-HOST-PROCESS', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.PSS_HOST_PROCESS, compliantBundle())).toEqual([]);
  });

  test('flags Windows HostProcess on the pod and on containers', () => {
    const spec = compliantPodSpec();
    spec.securityContext.windowsOptions = { hostProcess: true };
    spec.containers[0].securityContext.windowsOptions = { hostProcess: true };
    expect(findings(RuleIds.PSS_HOST_PROCESS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.windowsOptions.hostProcess', message: 'container "web" runs as a Windows HostProcess (windowsOptions.hostProcess: true)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.windowsOptions.hostProcess', message: 'pod runs as a Windows HostProcess (windowsOptions.hostProcess: true)' },
    ]);
  });
});
