import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-IMAGE-PULL-POLICY', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.CTR_IMAGE_PULL_POLICY, compliantBundle())).toEqual([]);
  });

  test('flags IfNotPresent and unset', () => {
    const spec = compliantPodSpec();
    spec.containers[0].imagePullPolicy = 'IfNotPresent';
    spec.containers.push({ ...spec.containers[0], name: 'sidecar', imagePullPolicy: undefined });
    expect(findings(RuleIds.CTR_IMAGE_PULL_POLICY, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].imagePullPolicy', message: 'container "web" sets imagePullPolicy: IfNotPresent' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[1].imagePullPolicy', message: 'container "sidecar" does not set imagePullPolicy: Always' },
    ]);
  });
});
