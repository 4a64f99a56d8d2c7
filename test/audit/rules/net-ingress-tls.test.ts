import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const REASON = 'Internal status page behind the VPN only; ticket NET-12 approved by security.';
const ingress = (name: string, spec: any, apiVersion = 'networking.k8s.io/v1', annotations?: any) => ({
  apiVersion, kind: 'Ingress', metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, spec,
});
const rules = [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }];

describe('SB-NET-INGRESS-TLS', () => {
  test('an Ingress with TLS passes', () => {
    expect(findings(RuleIds.NET_INGRESS_TLS, [ingress('tls', { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules })])).toEqual([]);
  });

  test('flags an Ingress without tls or with an empty list, in every group it is served from', () => {
    expect(findings(RuleIds.NET_INGRESS_TLS, [
      ingress('none', { rules }),
      ingress('empty', { tls: [], rules }),
      ingress('nospec', undefined),
      ingress('legacy', { rules }, 'extensions/v1beta1'),
      ingress('beta', { rules }, 'networking.k8s.io/v1beta1'),
    ])).toEqual([
      { object: 'Ingress/shop/beta', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' },
      { object: 'Ingress/shop/empty', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' },
      { object: 'Ingress/shop/legacy', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' },
      { object: 'Ingress/shop/none', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' },
      { object: 'Ingress/shop/nospec', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' },
    ]);
  });

  test('another kind named Ingress (another group) is not judged', () => {
    expect(findings(RuleIds.NET_INGRESS_TLS, [ingress('other', { rules }, 'example.io/v1')])).toEqual([]);
  });

  test('an acknowledgement on the Ingress accepts it', () => {
    expect(findings(RuleIds.NET_INGRESS_TLS, [ingress('ack', { rules }, 'networking.k8s.io/v1', { 'ack.cdk8s-secure-baseline.io/SB-NET-INGRESS-TLS': REASON })])).toEqual([
      { object: 'Ingress/shop/ack', jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP', acknowledged: REASON },
    ]);
  });
});
