import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-SELINUX', () => {
  test('compliant workloads pass (container_t type and a level are allowed)', () => {
    const spec = compliantPodSpec();
    spec.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' };
    expect(findings(RuleIds.PSS_SELINUX, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags custom types, users and roles', () => {
    const spec = compliantPodSpec();
    spec.securityContext.seLinuxOptions = { type: 'spc_t' };
    spec.containers[0].securityContext.seLinuxOptions = { user: 'system_u', role: 'system_r' };
    expect(findings(RuleIds.PSS_SELINUX, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.seLinuxOptions', message: 'container "web" sets SELinux user "system_u", role "system_r"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.seLinuxOptions', message: 'pod sets SELinux type "spc_t"' },
    ]);
  });
});
