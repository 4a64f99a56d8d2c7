import { RuleIds } from '../../../src/audit/rule-ids';
import { isMeshHost } from '../../../src/audit/rules/mesh-istio-dr-tls';
import { findings } from '../util';

const dr = (name: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: 'shop' }, spec });

describe('SB-MESH-ISTIO-DR-TLS', () => {
  test('ISTIO_MUTUAL and external hosts with SIMPLE TLS pass', () => {
    const objects = [
      dr('web', { host: 'web.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }),
      dr('payments', { host: 'api.payments.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } }),
    ];
    expect(findings(RuleIds.MESH_ISTIO_DR_TLS, objects)).toEqual([]);
  });

  test('flags DISABLE/SIMPLE for mesh hosts at every level', () => {
    const objects = [
      dr('short', { host: 'web', trafficPolicy: { tls: { mode: 'DISABLE' } } }),
      dr('svc', {
        host: 'db.shop.svc',
        trafficPolicy: { portLevelSettings: [{ port: { number: 5432 }, tls: { mode: 'SIMPLE' } }] },
        subsets: [{ name: 'v1', trafficPolicy: { tls: { mode: 'DISABLE' } } }],
      }),
    ];
    expect(findings(RuleIds.MESH_ISTIO_DR_TLS, objects)).toEqual([
      { object: 'DestinationRule/shop/short', jsonPath: 'spec.trafficPolicy.tls.mode', message: 'DestinationRule for mesh host "web" sets spec.trafficPolicy.tls.mode DISABLE' },
      { object: 'DestinationRule/shop/svc', jsonPath: 'spec.subsets[0].trafficPolicy.tls.mode', message: 'DestinationRule for mesh host "db.shop.svc" sets spec.subsets[0].trafficPolicy.tls.mode DISABLE' },
      { object: 'DestinationRule/shop/svc', jsonPath: 'spec.trafficPolicy.portLevelSettings[0].tls.mode', message: 'DestinationRule for mesh host "db.shop.svc" sets spec.trafficPolicy.portLevelSettings[0].tls.mode SIMPLE' },
    ]);
  });

  test('mesh host detection', () => {
    expect(['web', 'web.shop.svc', 'web.shop.svc.cluster.local', '*.shop.svc.cluster.local', '*'].map(isMeshHost)).toEqual([true, true, true, true, true]);
    expect(['example.com', 'api.example.com', '*.example.com'].map(isMeshHost)).toEqual([false, false, false]);
  });
});
