import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-RUN-AS-ROOT-USER', () => {
  test('compliant workloads pass (non-zero UID)', () => {
    const spec = compliantPodSpec();
    spec.securityContext.runAsUser = 65532;
    expect(findings(RuleIds.PSS_RUN_AS_ROOT_USER, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags runAsUser 0 on pod and container', () => {
    const spec = compliantPodSpec();
    spec.securityContext.runAsUser = 0;
    spec.containers[0].securityContext.runAsUser = 0;
    expect(findings(RuleIds.PSS_RUN_AS_ROOT_USER, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.runAsUser', message: 'container "web" sets runAsUser: 0 (root)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.runAsUser', message: 'pod sets runAsUser: 0 (root)' },
    ]);
  });
});
