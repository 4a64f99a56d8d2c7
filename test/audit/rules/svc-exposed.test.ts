import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const svc = (name: string, type?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ...(type ? { type } : {}), ports: [{ port: 80 }] } });

describe('SB-SVC-EXPOSED', () => {
  test('ClusterIP and headless Services pass', () => {
    expect(findings(RuleIds.SVC_EXPOSED, [svc('a'), svc('b', 'ClusterIP')])).toEqual([]);
  });

  test('flags NodePort and LoadBalancer', () => {
    expect(findings(RuleIds.SVC_EXPOSED, [svc('np', 'NodePort'), svc('lb', 'LoadBalancer')])).toEqual([
      { object: 'Service/shop/lb', jsonPath: 'spec.type', message: 'Service is of type LoadBalancer' },
      { object: 'Service/shop/np', jsonPath: 'spec.type', message: 'Service is of type NodePort' },
    ]);
  });
});
