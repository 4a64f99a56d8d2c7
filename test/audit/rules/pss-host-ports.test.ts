import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-HOST-PORTS', () => {
  test('compliant workloads pass (containerPort without hostPort, hostPort 0)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].ports = [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 0 }];
    expect(findings(RuleIds.PSS_HOST_PORTS, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags hostPort', () => {
    const spec = compliantPodSpec();
    spec.containers[0].ports = [{ containerPort: 8080 }, { containerPort: 9100, hostPort: 9100 }];
    expect(findings(RuleIds.PSS_HOST_PORTS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].ports[1].hostPort', message: 'container "web" binds host port 9100' },
    ]);
  });
});
