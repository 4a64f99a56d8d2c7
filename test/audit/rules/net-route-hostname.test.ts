import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const G = 'gateway.networking.k8s.io';
const gateway = (listeners: any[], apiVersion = `${G}/v1`) => ({
  apiVersion, kind: 'Gateway', metadata: { name: 'public', namespace: 'edge' }, spec: { gatewayClassName: 'istio', listeners },
});
const https = (name: string, hostname?: string) => ({ name, ...(hostname !== undefined ? { hostname } : {}), port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'tls' }] } });
const route = (name: string, ns: string, parentRef: any, hostnames?: string[], kind = 'HTTPRoute', apiVersion = `${G}/v1`) => ({
  apiVersion,
  kind,
  metadata: { name, namespace: ns },
  spec: { parentRefs: [parentRef], ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }] },
});

describe('SB-NET-ROUTE-HOSTNAME', () => {
  test('exact hostnames pass; a route without hostnames under a listener with one takes its hostname', () => {
    expect(findings(RuleIds.NET_ROUTE_HOSTNAME, [
      gateway([https('shop', 'shop.example.com')]),
      route('web', 'shop', { name: 'public', namespace: 'edge', sectionName: 'shop' }, ['shop.example.com']),
      route('inherits', 'shop', { name: 'public', namespace: 'edge', sectionName: 'shop' }),
    ])).toEqual([]);
  });

  test('flags wildcard listener and route hostnames, in every API version and kind', () => {
    expect(findings(RuleIds.NET_ROUTE_HOSTNAME, [
      gateway([https('wild', '*.example.com')], `${G}/v1beta1`),
      route('wild', 'shop', { name: 'public', namespace: 'edge', sectionName: 'wild' }, ['shop.example.com', '*.example.com']),
      route('grpc', 'shop', { name: 'elsewhere' }, ['*.shop.example.com'], 'GRPCRoute'),
    ])).toEqual([
      { object: 'GRPCRoute/shop/grpc', jsonPath: 'spec.hostnames[0]', message: 'GRPCRoute shop/grpc has the wildcard hostname "*.shop.example.com"' },
      { object: 'Gateway/edge/public', jsonPath: 'spec.listeners[0].hostname', message: 'listener "wild" has the wildcard hostname "*.example.com"' },
      { object: 'HTTPRoute/shop/wild', jsonPath: 'spec.hostnames[1]', message: 'HTTPRoute shop/wild has the wildcard hostname "*.example.com"' },
    ]);
  });

  test('flags a route without hostnames on a listener without one: named, by port, or every listener, from another namespace', () => {
    const msg = (r: string, l: string) => `${r} has no hostnames and attaches to listener "${l}" of Gateway edge/public, which has none: it serves every host`;
    expect(findings(RuleIds.NET_ROUTE_HOSTNAME, [
      gateway([https('shop', 'shop.example.com'), https('any')]),
      route('named', 'shop', { name: 'public', namespace: 'edge', sectionName: 'any' }),
      route('all', 'edge', { name: 'public' }, []),
      route('beta', 'edge', { name: 'public', port: 443 }, undefined, 'HTTPRoute', `${G}/v1beta1`),
    ])).toEqual([
      { object: 'HTTPRoute/edge/all', jsonPath: 'spec.hostnames', message: msg('HTTPRoute edge/all', 'any') },
      { object: 'HTTPRoute/edge/beta', jsonPath: 'spec.hostnames', message: msg('HTTPRoute edge/beta', 'any') },
      { object: 'HTTPRoute/shop/named', jsonPath: 'spec.hostnames', message: msg('HTTPRoute shop/named', 'any') },
    ]);
  });

  test('a route whose Gateway is not in the manifests is judged by its own hostnames only', () => {
    expect(findings(RuleIds.NET_ROUTE_HOSTNAME, [route('shared', 'shop', { name: 'public', namespace: 'platform' })])).toEqual([]);
  });
});
