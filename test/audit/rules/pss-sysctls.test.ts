import { auditManifests } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings, namespace } from '../util';

const pinned = (version: string) => namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': version });

function withSysctls(...names: string[]): any {
  const spec = compliantPodSpec();
  spec.securityContext.sysctls = names.map((name) => ({ name, value: '1' }));
  return deployment('web', 'shop', spec);
}

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

  test('follows the Pod Security version the namespace pins (v1.32: tcp_rmem/tcp_wmem, v1.37: tcp_slow_start_after_idle/tcp_notsent_lowat)', () => {
    const buffers = withSysctls('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem');
    const idle = withSysctls('net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat');
    expect(findings(RuleIds.PSS_SYSCTLS, [pinned('v1.34'), buffers])).toEqual([]);
    expect(findings(RuleIds.PSS_SYSCTLS, [pinned('v1.31'), buffers]).map((f) => f.message)).toEqual([
      'pod sets sysctl "net.ipv4.tcp_rmem", which Pod Security allows only from v1.32 (the namespace pins v1.31)',
      'pod sets sysctl "net.ipv4.tcp_wmem", which Pod Security allows only from v1.32 (the namespace pins v1.31)',
    ]);
    expect(findings(RuleIds.PSS_SYSCTLS, [pinned('v1.36'), idle])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.sysctls[0]', message: 'pod sets sysctl "net.ipv4.tcp_slow_start_after_idle", which Pod Security allows only from v1.37 (the namespace pins v1.36)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.securityContext.sysctls[1]', message: 'pod sets sysctl "net.ipv4.tcp_notsent_lowat", which Pod Security allows only from v1.37 (the namespace pins v1.36)' },
    ]);
    for (const ns of [pinned('v1.37'), pinned('v1.99'), pinned('latest'), namespace('shop')]) {
      expect(findings(RuleIds.PSS_SYSCTLS, [ns, idle])).toEqual([]);
    }
    // A namespace outside the audited objects, or a label that is no version, means latest (as Pod Security Admission reads it).
    expect(findings(RuleIds.PSS_SYSCTLS, [idle])).toEqual([]);
    expect(findings(RuleIds.PSS_SYSCTLS, [pinned('1.36'), idle])).toEqual([]);
  });

  test('a sysctl a newer version allows says how to get it', () => {
    const f = auditManifests([pinned('v1.36'), withSysctls('net.ipv4.tcp_notsent_lowat')]).findings.find((x) => x.ruleId === RuleIds.PSS_SYSCTLS)!;
    expect(f.fix).toBe('Remove the sysctl, or pin the namespace\'s pod-security.kubernetes.io/enforce-version to v1.37 or newer (or "latest") on a cluster that runs Kubernetes 1.37 or newer.');
  });
});
