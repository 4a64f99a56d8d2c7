import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

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
});
