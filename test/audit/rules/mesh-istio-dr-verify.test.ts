import { RuleIds } from '../../../src/audit/rule-ids';
import { readManifestText } from '../../../src/manifest/reader';
import { findings } from '../util';

const dr = (name: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: 'shop' }, spec });

describe('SB-MESH-ISTIO-DR-VERIFY', () => {
  test('TLS origination that verifies the server passes', () => {
    const objects = [
      dr('stripe', { host: 'api.stripe.com', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.stripe.com', subjectAltNames: ['api.stripe.com'] } }] } }),
      dr('explicit', { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: false } } }),
      dr('mesh', { host: 'web.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }),
      dr('no-spec', undefined),
    ];
    expect(findings(RuleIds.MESH_ISTIO_DR_VERIFY, objects)).toEqual([]);
  });

  test('flags insecureSkipVerify at every level, for any host', () => {
    const objects = [
      dr('top', { host: 'api.stripe.com', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } } }),
      dr('nested', {
        host: 'db.shop.svc.cluster.local',
        trafficPolicy: { portLevelSettings: [{ port: { number: 5432 } }, { port: { number: 5433 }, tls: { mode: 'MUTUAL', insecureSkipVerify: true } }] },
        subsets: [{ name: 'v1', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', insecureSkipVerify: true } }] } }],
      }),
    ];
    expect(findings(RuleIds.MESH_ISTIO_DR_VERIFY, objects)).toEqual([
      { object: 'DestinationRule/shop/nested', jsonPath: 'spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.insecureSkipVerify', message: 'DestinationRule for host "db.shop.svc.cluster.local" sets spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.insecureSkipVerify: true' },
      { object: 'DestinationRule/shop/nested', jsonPath: 'spec.trafficPolicy.portLevelSettings[1].tls.insecureSkipVerify', message: 'DestinationRule for host "db.shop.svc.cluster.local" sets spec.trafficPolicy.portLevelSettings[1].tls.insecureSkipVerify: true' },
      { object: 'DestinationRule/shop/top', jsonPath: 'spec.trafficPolicy.tls.insecureSkipVerify', message: 'DestinationRule for host "api.stripe.com" sets spec.trafficPolicy.tls.insecureSkipVerify: true' },
    ]);
  });

  test('a YAML 1.1 spelling the API server reads as true is flagged too', () => {
    const text = [
      'apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata: {name: yes-spelled, namespace: shop}',
      'spec:', '  host: api.stripe.com', '  trafficPolicy:', '    tls: {mode: SIMPLE, insecureSkipVerify: yes}', '',
    ].join('\n');
    const read = readManifestText(text, 'dr.yaml');
    expect(read.errors).toEqual([]);
    expect(findings(RuleIds.MESH_ISTIO_DR_VERIFY, read.objects.map((o) => o.manifest)).map((f) => f.jsonPath)).toEqual(['spec.trafficPolicy.tls.insecureSkipVerify']);
  });
});
