import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-SA-DEFAULT', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.SA_DEFAULT, compliantBundle())).toEqual([]);
  });

  test('flags unset and explicit "default" (also the deprecated serviceAccount field)', () => {
    const unset = compliantPodSpec();
    delete unset.serviceAccountName;
    const explicit = compliantPodSpec('default');
    const deprecated = compliantPodSpec();
    delete deprecated.serviceAccountName;
    deprecated.serviceAccount = 'default';
    expect(findings(RuleIds.SA_DEFAULT, [deployment('a', 'shop', unset), deployment('b', 'shop', explicit), deployment('c', 'shop', deprecated)])).toEqual([
      { object: 'Deployment/shop/a', jsonPath: 'spec.template.spec.serviceAccountName', message: 'pod runs as the "default" ServiceAccount' },
      { object: 'Deployment/shop/b', jsonPath: 'spec.template.spec.serviceAccountName', message: 'pod runs as the "default" ServiceAccount' },
      { object: 'Deployment/shop/c', jsonPath: 'spec.template.spec.serviceAccountName', message: 'pod runs as the "default" ServiceAccount' },
    ]);
  });
});
