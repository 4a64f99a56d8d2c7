import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-RESOURCE-REQUESTS', () => {
  test('compliant workloads pass; ephemeral containers are exempt', () => {
    const spec = compliantPodSpec();
    spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36' }];
    expect(findings(RuleIds.CTR_RESOURCE_REQUESTS, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags missing cpu / memory requests', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].resources.requests.memory;
    spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
    expect(findings(RuleIds.CTR_RESOURCE_REQUESTS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].resources.requests', message: 'container "web" has no memory request' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.initContainers[0].resources.requests', message: 'init container "init" has no cpu and memory request' },
    ]);
  });
});
