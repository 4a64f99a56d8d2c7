import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-HOST-PROBES', () => {
  test('compliant workloads pass (probes without host, or with an empty host)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].livenessProbe = { httpGet: { path: '/healthz', port: 8080, host: '' } };
    spec.containers[0].lifecycle = { preStop: { exec: { command: ['/bin/drain'] } } };
    expect(findings(RuleIds.PSS_HOST_PROBES, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags probes and lifecycle hooks that target another host', () => {
    const spec = compliantPodSpec();
    spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 80, host: '169.254.169.254' } };
    spec.containers[0].lifecycle = { postStart: { tcpSocket: { port: 22, host: 'db.internal' } } };
    expect(findings(RuleIds.PSS_HOST_PROBES, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].lifecycle.postStart.tcpSocket.host', message: 'container "web" lifecycle.postStart tcpSocket targets host "db.internal"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].readinessProbe.httpGet.host', message: 'container "web" readinessProbe httpGet targets host "169.254.169.254"' },
    ]);
  });
});
