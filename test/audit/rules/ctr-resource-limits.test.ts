import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-RESOURCE-LIMITS', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.CTR_RESOURCE_LIMITS, compliantBundle())).toEqual([]);
  });

  test('flags missing cpu / memory limits', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].resources.limits.cpu;
    expect(findings(RuleIds.CTR_RESOURCE_LIMITS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].resources.limits', message: 'container "web" has no cpu limit' },
    ]);
  });
});
