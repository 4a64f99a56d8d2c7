import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-SYSCTLS', () => {
  test('compliant workloads pass (safe sysctls are allowed)', () => {
    const spec = compliantPodSpec();
    spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    expect(findings(RuleIds.PSS_SYSCTLS, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags unsafe sysctls', () => {
    const spec = compliantPodSpec();
    spec.securityContext.sysctls = [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1024' }];
    expect(findings(RuleIds.PSS_SYSCTLS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.sysctls[1]', message: 'pod sets unsafe sysctl "net.core.somaxconn"' },
    ]);
  });
});
