import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

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
});
