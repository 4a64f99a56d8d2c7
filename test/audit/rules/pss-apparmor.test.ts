import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-APPARMOR', () => {
  test('compliant workloads pass (RuntimeDefault, Localhost, runtime/default annotation)', () => {
    const spec = compliantPodSpec();
    spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
    spec.containers[0].securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'web' };
    const d = deployment('api', 'shop', spec);
    d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' };
    expect(findings(RuleIds.PSS_APPARMOR, [...compliantBundle(), d])).toEqual([]);
  });

  test('flags Unconfined profiles and unconfined annotations', () => {
    const spec = compliantPodSpec();
    spec.securityContext.appArmorProfile = { type: 'Unconfined' };
    spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' };
    const d = deployment('web', 'shop', spec);
    d.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' };
    expect(findings(RuleIds.PSS_APPARMOR, [d])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.metadata.annotations', message: 'pod annotation container.apparmor.security.beta.kubernetes.io/web sets AppArmor profile "unconfined"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.appArmorProfile.type', message: 'container "web" sets appArmorProfile.type "Unconfined"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.appArmorProfile.type', message: 'pod sets appArmorProfile.type "Unconfined"' },
    ]);
  });
});
