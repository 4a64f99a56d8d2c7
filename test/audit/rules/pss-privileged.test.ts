import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantContainer, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-PRIVILEGED', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.PSS_PRIVILEGED, compliantBundle())).toEqual([]);
  });

  test('flags privileged containers, init containers and ephemeral containers', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    spec.initContainers = [{ ...compliantContainer('init'), securityContext: { ...compliantContainer().securityContext, privileged: true } }];
    spec.ephemeralContainers = [{ ...compliantContainer('debug'), securityContext: { ...compliantContainer().securityContext, privileged: true } }];
    expect(findings(RuleIds.PSS_PRIVILEGED, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.privileged', message: 'container "web" runs privileged (securityContext.privileged: true)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.ephemeralContainers[0].securityContext.privileged', message: 'ephemeral container "debug" runs privileged (securityContext.privileged: true)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.initContainers[0].securityContext.privileged', message: 'init container "init" runs privileged (securityContext.privileged: true)' },
    ]);
  });

  test('privileged: false passes', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = false;
    expect(findings(RuleIds.PSS_PRIVILEGED, [deployment('web', 'shop', spec)])).toEqual([]);
  });
});
