import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-PROC-MOUNT', () => {
  test('compliant workloads pass (Default is allowed)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.procMount = 'Default';
    expect(findings(RuleIds.PSS_PROC_MOUNT, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags Unmasked', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.procMount = 'Unmasked';
    expect(findings(RuleIds.PSS_PROC_MOUNT, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.procMount', message: 'container "web" sets procMount "Unmasked"' },
    ]);
  });
});
