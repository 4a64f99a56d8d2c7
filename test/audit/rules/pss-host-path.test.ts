import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-HOST-PATH', () => {
  test('compliant workloads pass (emptyDir is fine)', () => {
    const spec = { ...compliantPodSpec(), volumes: [{ name: 'tmp', emptyDir: {} }] };
    expect(findings(RuleIds.PSS_HOST_PATH, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags hostPath volumes', () => {
    const spec = { ...compliantPodSpec(), volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] };
    expect(findings(RuleIds.PSS_HOST_PATH, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.volumes[1].hostPath', message: 'volume "docker" mounts hostPath "/var/run/docker.sock"' },
    ]);
  });
});
