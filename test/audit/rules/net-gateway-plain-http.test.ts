import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const G = 'gateway.networking.k8s.io';
const gateway = (name = 'public', ns = 'edge', apiVersion = `${G}/v1`) => ({
  apiVersion,
  kind: 'Gateway',
  metadata: { name, namespace: ns },
  spec: {
    gatewayClassName: 'istio',
    listeners: [
      { name: 'https', hostname: 'shop.example.com', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'shop-tls' }] } },
      { name: 'http', port: 80, protocol: 'HTTP' },
    ],
  },
});
const route = (name: string, ns: string, parentRef: any, rules: any[], kind = 'HTTPRoute', apiVersion = `${G}/v1`) => ({
  apiVersion, kind, metadata: { name, namespace: ns }, spec: { parentRefs: [parentRef], hostnames: ['shop.example.com'], rules },
});
const backend = [{ backendRefs: [{ name: 'web', port: 8080 }] }];
const redirect = [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }];
const message = (r: string, why = 'sends requests to backends', i = 0) => `listener "http" (HTTP, port 80) serves plain HTTP: ${r} rules[${i}] ${why}`;

describe('SB-NET-GATEWAY-PLAIN-HTTP', () => {
  test('a redirect on the HTTP listener and backends on the HTTPS listener pass', () => {
    expect(findings(RuleIds.NET_GATEWAY_PLAIN_HTTP, [
      gateway(),
      route('redirect', 'edge', { name: 'public', sectionName: 'http' }, redirect),
      route('web', 'shop', { name: 'public', namespace: 'edge', sectionName: 'https' }, backend),
      route('by-port', 'shop', { name: 'public', namespace: 'edge', port: 443 }, backend),
    ])).toEqual([]);
  });

  test('flags backends on the HTTP listener: by sectionName, by port, without sectionName, from another namespace, v1beta1, gRPC', () => {
    expect(findings(RuleIds.NET_GATEWAY_PLAIN_HTTP, [
      gateway(),
      route('named', 'edge', { name: 'public', sectionName: 'http' }, backend),
      route('by-port', 'shop', { name: 'public', namespace: 'edge', port: 80 }, backend),
      route('every-listener', 'shop', { name: 'public', namespace: 'edge' }, backend),
      route('beta', 'edge', { name: 'public', sectionName: 'http' }, backend, 'HTTPRoute', `${G}/v1beta1`),
      route('grpc', 'edge', { group: G, kind: 'Gateway', name: 'public', sectionName: 'http' }, backend, 'GRPCRoute'),
      route('http-redirect', 'edge', { name: 'public', sectionName: 'http' }, [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'http', hostname: 'evil.example.net' } }] }]),
    ])).toEqual([
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('GRPCRoute edge/grpc') },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute edge/beta') },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute edge/http-redirect', 'does not redirect to HTTPS') },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute edge/named') },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute shop/by-port') },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute shop/every-listener') },
    ]);
  });

  test('routes of another Gateway, of a namespace it does not resolve to, or of another kind of parent do not count', () => {
    expect(findings(RuleIds.NET_GATEWAY_PLAIN_HTTP, [
      gateway(),
      route('other-ns', 'shop', { name: 'public', sectionName: 'http' }, backend),
      route('other-gw', 'edge', { name: 'private', sectionName: 'http' }, backend),
      route('service-parent', 'edge', { group: '', kind: 'Service', name: 'public' }, backend),
      // An Istio Gateway (networking.istio.io) is another kind of object.
      { ...gateway('istio'), apiVersion: 'networking.istio.io/v1' },
    ])).toEqual([]);
  });

  test('an acknowledgement on the Gateway accepts plain HTTP', () => {
    const reason = 'Legacy kiosks only speak plain HTTP; ticket NET-7 approved by security.';
    const gw: any = gateway();
    gw.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-NET-GATEWAY-PLAIN-HTTP': reason };
    expect(findings(RuleIds.NET_GATEWAY_PLAIN_HTTP, [gw, route('named', 'edge', { name: 'public', sectionName: 'http' }, backend)])).toEqual([
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[1]', message: message('HTTPRoute edge/named'), acknowledged: reason },
    ]);
  });
});
