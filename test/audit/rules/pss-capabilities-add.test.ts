import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-CAPABILITIES-ADD', () => {
  test('compliant workloads pass; NET_BIND_SERVICE may be added', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    expect(findings(RuleIds.PSS_CAPABILITIES_ADD, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags any other added capability', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'NET_ADMIN', 'CHOWN'];
    expect(findings(RuleIds.PSS_CAPABILITIES_ADD, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.capabilities.add', message: 'container "web" adds capabilities NET_ADMIN, CHOWN' },
    ]);
  });
});
