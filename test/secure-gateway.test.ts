import { Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import {
  AppProtocol, CertificateIssuer, ExternalNamespaces, HttpListener, Mesh, MtlsService, Reachability, SecureGateway, SecureGatewayProps,
  SecureNamespace, SecurityAudit,
} from '../src';
import { synthAndValidate } from './util/schema';

const REASON = 'Legacy kiosks only speak plain HTTP; ticket NET-7 approved by the security team.';
const certificate = { issuer: CertificateIssuer.clusterIssuer('letsencrypt') };

function setup(mesh: Mesh = Mesh.istio()) {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const edge = new SecureNamespace(chart, 'edge', { name: 'edge', mesh });
  const shop = new SecureNamespace(chart, 'shop', { name: 'shop', mesh });
  return { app, chart, edge, shop };
}

function gateway(props: Partial<SecureGatewayProps> = {}, mesh?: Mesh) {
  const s = setup(mesh);
  const gw = new SecureGateway(s.edge, 'public', { gatewayClassName: 'istio', listeners: [{ hostname: 'shop.example.com' }], certificate, ...props });
  return { ...s, gw };
}

const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const unacknowledged = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged).map((f) => `${f.ruleId} ${f.message}`);

describe('SecureGateway', () => {
  const { chart, shop, gw } = gateway({ listeners: [{ hostname: 'shop.example.com' }, { hostname: 'api.example.com' }] });
  const frontend = new MtlsService(shop, 'frontend', { image: 'ghcr.io/acme/frontend:1.0.0', port: 8080 });
  frontend.exposeVia(gw, { hostname: 'shop.example.com' });
  const objs = synthAndValidate(chart);
  const gwObj = find(objs, 'Gateway', 'public');

  test('snapshot', () => {
    expect(objs.filter((o) => o.metadata.namespace === 'edge' && !['Namespace', 'ResourceQuota', 'LimitRange'].includes(o.kind)
      && !['allow-dns', 'allow-mesh-data-plane', 'default-deny', 'default', 'deny-all'].includes(o.metadata.name))).toMatchSnapshot();
  });

  test('HTTPS listeners terminate TLS with the Secret of their own cert-manager Certificate', () => {
    const https = gwObj.spec.listeners.filter((l: any) => l.protocol === 'HTTPS');
    expect(https.map((l: any) => [l.name, l.hostname, l.port, l.tls])).toEqual([
      ['https-shop-example-com', 'shop.example.com', 443, { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-https-shop-example-com-tls' }] }],
      ['https-api-example-com', 'api.example.com', 443, { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'public-https-api-example-com-tls' }] }],
    ]);
    expect(find(objs, 'Certificate', 'public-https-shop-example-com').spec).toEqual({
      secretName: 'public-https-shop-example-com-tls',
      dnsNames: ['shop.example.com'],
      duration: '2160h',
      renewBefore: '720h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['server auth', 'digital signature'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(gwObj.spec.gatewayClassName).toBe('istio');
  });

  test('port 80 only takes routes of the gateway namespace, and its only route redirects to HTTPS with 301', () => {
    expect(gwObj.spec.listeners.filter((l: any) => l.protocol === 'HTTP')).toEqual([{
      name: 'http',
      port: 80,
      protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
    }]);
    expect(find(objs, 'HTTPRoute', 'public-https-redirect').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' }],
      hostnames: ['api.example.com', 'shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('a listener admits routes from exactly the namespaces exposed through it; the others only their own', () => {
    const allowed = Object.fromEntries(gwObj.spec.listeners.map((l: any) => [l.name, l.allowedRoutes]));
    expect(allowed['https-shop-example-com']).toEqual({
      namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } },
      kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
    });
    expect(allowed['https-api-example-com'].namespaces).toEqual({ from: 'Same' });
  });

  test('the gateway pods: the internet in on the listener ports, out only to the exposed service', () => {
    const np = find(objs, 'NetworkPolicy', 'gateway-public');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'frontend' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }],
    });
    expect(np.metadata.annotations['ack.cdk8s-secure-baseline.io/SB-NET-POLICY-INTERNET']).toBe(
      'gateway edge/public serves shop.example.com, api.example.com to internet clients on ports 80 and 443 (HTTPS with cert-manager certificates, port 80 only redirects to HTTPS)');
  });

  test('Istio admits any client to the gateway pods on the listener ports only, past the namespace deny-all', () => {
    expect(find(objs, 'AuthorizationPolicy', 'gateway-public').spec).toEqual({
      selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
      action: 'ALLOW',
      rules: [{ to: [{ operation: { ports: ['80', '443'] } }] }],
    });
  });

  test('the gateway identity is Istio\'s automated deployment: ServiceAccount <name>-<class>', () => {
    expect([gw.callerNamespace, gw.callerServiceAccount, gw.callerPodLabels]).toEqual(['edge', 'public-istio', { 'gateway.networking.k8s.io/gateway-name': 'public' }]);
    expect(gw.hostnames).toEqual(['api.example.com', 'shop.example.com']);
  });

  test('the audit finds nothing unacknowledged', () => {
    expect(unacknowledged(objs)).toEqual([]);
  });
});

describe('SecureGateway options', () => {
  test('HttpListener.none(): no port-80 listener and no redirect', () => {
    const { chart } = gateway({ http: HttpListener.none() });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Gateway', 'public').spec.listeners.map((l: any) => l.name)).toEqual(['https-shop-example-com']);
    expect(objs.filter((o) => o.kind === 'HTTPRoute')).toEqual([]);
    expect(find(objs, 'NetworkPolicy', 'gateway-public').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  test('HttpListener.serve(reason): a plain-HTTP listener, acknowledged on the Gateway, without redirect', () => {
    const { chart } = gateway({ http: HttpListener.serve(REASON) });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'Gateway', 'public').metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-NET-GATEWAY-PLAIN-HTTP': REASON });
    expect(objs.filter((o) => o.kind === 'HTTPRoute')).toEqual([]);
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('a wildcard listener with a reason: acknowledged on the Gateway and its redirect route', () => {
    const { chart } = gateway({ listeners: [{ hostname: '*.example.com', wildcardReason: REASON }] });
    const objs = synthAndValidate(chart);
    const gw = find(objs, 'Gateway', 'public');
    expect(gw.spec.listeners[0]).toMatchObject({ name: 'https-wildcard-example-com', hostname: '*.example.com' });
    expect(gw.metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-NET-ROUTE-HOSTNAME': `*.example.com: ${REASON}` });
    expect(find(objs, 'HTTPRoute', 'public-https-redirect').metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-NET-ROUTE-HOSTNAME': `*.example.com: ${REASON}` });
    expect(find(objs, 'Certificate', 'public-https-wildcard-example-com').spec.dnsNames).toEqual(['*.example.com']);
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('certificate duration and renewal are the given ones', () => {
    const { chart } = gateway({ certificate: { issuer: CertificateIssuer.issuer('edge-ca'), duration: Duration.hours(48), renewBefore: Duration.hours(16) } });
    const spec = find(synthAndValidate(chart), 'Certificate', 'public-https-shop-example-com').spec;
    expect([spec.duration, spec.renewBefore, spec.issuerRef]).toEqual(['48h', '16h', { name: 'edge-ca', kind: 'Issuer', group: 'cert-manager.io' }]);
  });

  test('no mesh: no mesh policy, the NetworkPolicy alone admits the clients', () => {
    const { chart } = gateway({}, Mesh.none());
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => o.kind === 'AuthorizationPolicy')).toEqual([]);
    expect(find(objs, 'NetworkPolicy', 'gateway-public')).toBeDefined();
  });
});

describe('SecureGateway refusals', () => {
  const expectError = (props: Partial<SecureGatewayProps>, message: string, mesh?: Mesh) => {
    expect(() => gateway(props, mesh)).toThrow(message);
  };

  test('a plain-HTTP listener without a reason', () => {
    expectError({ http: HttpListener.serve('') },
      'test/edge/public: the reason for a plain-HTTP listener (HttpListener.serve) "" is empty or trivial. Fix: explain in at least 20 characters and 3 words why this is needed and why it is safe, e.g. who approved it and what compensates for it');
  });

  test('a wildcard hostname without a reason, and "*" with one', () => {
    expectError({ listeners: [{ hostname: '*.example.com' }] },
      'test/edge/public: listeners[0] hostname "*.example.com" is a wildcard. Fix: name each host (e.g. "shop.example.com"): a wildcard serves every name of the domain, including ones nobody reviewed; or give `wildcardReason` on the listener to accept it');
    expectError({ listeners: [{ hostname: '*', wildcardReason: REASON }] },
      'test/edge/public: listeners[0] hostname "*" is a wildcard for every host. Fix: name the host clients use, e.g. "shop.example.com" (no certificate names every host)');
    expectError({ listeners: [{ hostname: 'shop.example.com', wildcardReason: REASON }] },
      'test/edge/public: listeners[0] gives a wildcardReason but hostname "shop.example.com" is not a wildcard. Fix: remove wildcardReason');
  });

  test.each([
    ['Shop.Example.com', 'is not a fully qualified lowercase domain name (RFC 1123)'],
    ['shop.example.com.', 'is not a fully qualified lowercase domain name (RFC 1123)'],
    ['localhost', 'is not a fully qualified lowercase domain name (RFC 1123)'],
    ['shop_1.example.com', 'is not a fully qualified lowercase domain name (RFC 1123)'],
    ['-shop.example.com', 'is not a fully qualified lowercase domain name (RFC 1123)'],
    ['203.0.113.7', 'is an IP address'],
    ['https://shop.example.com', 'is an IP address'],
  ])('a bad hostname %s', (hostname, problem) => {
    expectError({ listeners: [{ hostname }] }, `test/edge/public: listeners[0] hostname ${JSON.stringify(hostname)} ${problem}`);
  });

  test('missing issuer and gatewayClassName', () => {
    expectError({ certificate: {} as any },
      'test/edge/public: certificate has no issuer. Fix: name the cert-manager issuer: certificate: { issuer: CertificateIssuer.clusterIssuer("letsencrypt") }');
    expectError({ gatewayClassName: '' },
      'test/edge/public: gatewayClassName is not set. Fix: name the GatewayClass of the implementation that runs the gateway, e.g. gatewayClassName: "istio"');
  });

  test('no listeners, duplicate host names, a too long Deployment name', () => {
    expectError({ listeners: [] }, 'test/edge/public: listeners is empty. Fix: give at least one HTTPS listener');
    expectError({ listeners: [{ hostname: 'shop.example.com' }, { hostname: 'shop.example.com', name: 'other' }] },
      'test/edge/public: hostname "shop.example.com" has two listeners');
    expectError({ gatewayClassName: `class-${'x'.repeat(60)}` }, 'longer than 63 characters. Fix: shorten the name');
  });

  test('Linkerd: the gateway pods would refuse internet clients', () => {
    expectError({}, 'test/edge/public: a gateway cannot run in namespace "edge": Linkerd\'s default inbound policy there refuses clients without a mesh identity, which internet clients never have', Mesh.linkerd());
  });
});

describe('exposeVia', () => {
  test('same namespace: no parentRef namespace, listener from Same, no ReferenceGrant', () => {
    const { chart, edge, gw } = gateway();
    const web = new MtlsService(edge, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    web.exposeVia(gw, { hostname: 'shop.example.com', path: '/shop' });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'HTTPRoute', 'web-public').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'https-shop-example-com' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/shop' } }], backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 8080 }] }],
    });
    expect(find(objs, 'Gateway', 'public').spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Same' });
    expect(objs.filter((o) => o.kind === 'ReferenceGrant')).toEqual([]);
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('a gRPC port gets a GRPCRoute, and the listener admits that kind', () => {
    const { chart, shop, gw } = gateway();
    const api = new MtlsService(shop, 'api', { image: 'ghcr.io/acme/api:1.0.0', ports: [{ port: 9090, appProtocol: AppProtocol.GRPC }] });
    api.exposeVia(gw, { hostname: 'shop.example.com' });
    const objs = synthAndValidate(chart);
    expect(find(objs, 'GRPCRoute', 'api-public')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'api-public', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' } },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'edge', sectionName: 'https-shop-example-com' }],
        hostnames: ['shop.example.com'],
        rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 9090 }] }],
      },
    });
    expect(find(objs, 'Gateway', 'public').spec.listeners[0].allowedRoutes.kinds).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }]);
  });

  test('a shared gateway of another namespace: the route and the admission only, no ReferenceGrant', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    ExternalNamespaces.of(app).add('platform-ingress');
    const shop = new SecureNamespace(chart, 'shop', { name: 'shop', mesh: Mesh.istio() });
    const shared = SecureGateway.fromGatewayName(chart, 'shared', {
      name: 'public', namespace: 'platform-ingress', httpsListeners: [{ name: 'websecure', hostname: '*.example.com' }],
    });
    const web = new MtlsService(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    web.exposeVia(shared, { hostname: 'shop.example.com' });
    web.exposeVia(shared, { hostname: 'shop.example.com' });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o) => ['Gateway', 'ReferenceGrant', 'Certificate'].includes(o.kind))).toEqual([]);
    expect(objs.filter((o) => o.kind === 'HTTPRoute').map((o) => [o.metadata.namespace, o.metadata.name, o.spec.parentRefs])).toEqual([
      ['shop', 'web-public', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'platform-ingress', sectionName: 'websecure' }]],
    ]);
    expect(find(objs, 'AuthorizationPolicy', 'web').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/platform-ingress/sa/public-istio']);
    expect(find(objs, 'NetworkPolicy', 'web').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform-ingress' } },
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    }]);
    expect(unacknowledged(objs)).toEqual([]);
    // The shared gateway's pods are outside the manifests: only its path to the service is analysed.
    const r = Reachability.analyze(app);
    expect([r.extraPaths, r.missingPaths, r.warnings]).toEqual([[], [], []]);
    expect(r.edges.filter((e) => e.to === 'shop/web').map((e) => `${e.from} -> ${e.to}: ${e.ports.join(' ')}`)).toEqual(['platform-ingress/public-istio -> shop/web: TCP/8080']);
  });

  test('refusals: a host no listener serves, a wildcard route, a path on gRPC, a port the Service lacks, a service without mesh', () => {
    const { shop, gw } = gateway();
    const web = new MtlsService(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    expect(() => web.exposeVia(gw, { hostname: 'api.example.com' })).toThrow(
      'test/shop/web: exposeVia(edge/public) hostname "api.example.com" is served by no HTTPS listener of the gateway (it serves "shop.example.com"). Fix: add a listener for the hostname');
    expect(() => web.exposeVia(gw, { hostname: '*.example.com' })).toThrow('test/shop/web: exposeVia(edge/public) hostname "*.example.com" is a wildcard');
    expect(() => web.exposeVia(gw, { hostname: 'shop.example.com', grpc: true, path: '/' })).toThrow(
      'test/shop/web: exposeVia(edge/public) sets path "/" on a gRPC route. Fix: omit path');
    expect(() => web.exposeVia(gw, { hostname: 'shop.example.com', port: 9999 })).toThrow(
      'test/shop/web: exposeVia(edge/public) port 9999 is not a port of the Service. Fix: use one of its ports: 8080');
    expect(() => web.exposeVia(gw, { hostname: 'shop.example.com', path: '/a/../b' })).toThrow('is not an absolute, normalised path prefix');

    const plain = new SecureNamespace(shop.node.scope!, 'plain', { name: 'plain', mesh: Mesh.none() });
    const legacy = new MtlsService(plain, 'legacy', { image: 'ghcr.io/acme/legacy:1.0.0', port: 8443, certificate });
    expect(() => legacy.exposeVia(gw, { hostname: 'shop.example.com' })).toThrow(
      'test/plain/legacy: exposeVia(edge/public): namespace "plain" has no mesh, so the gateway would send plain HTTP to a service that expects mutual TLS with its own certificate');
  });
});

describe('reachability: internet → gateway → service is declared', () => {
  const paths = (r: any) => r.edges.filter((e: any) => !e.infrastructure).map((e: any) => `${e.from} -> ${e.to}: ${e.ports.join(' ')}${e.declared ? '' : ' (undeclared)'}`);

  const toGateway = (r: any) => paths(r).filter((p: string) => p.includes('edge/public-istio'));

  test('an owned gateway (Istio sidecar mode): 0 extra, 0 missing, in the app and from YAML', () => {
    const { app, chart, shop, gw } = gateway();
    const web = new MtlsService(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    web.exposeVia(gw, { hostname: 'shop.example.com' });
    const objs = synthAndValidate(chart);
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      expect(r.extraPaths.map((e) => e.message)).toEqual([]);
      expect(r.missingPaths.map((e) => e.message)).toEqual([]);
      // Every address reaches the gateway's pods on its listener ports (reported as one path from
      // the internet: the metadata addresses, as sources, fold into it), and the gateway reaches
      // the service only.
      expect(toGateway(r)).toEqual([
        'edge/public-istio -> shop/web: TCP/8080',
        'internet -> edge/public-istio: TCP/80 TCP/443',
      ]);
    }
    expect(Reachability.analyze(app).warnings).toEqual([]);
  });

  test('ambient mode: the gateway reaches the service, nothing extra', () => {
    const { app, shop, gw } = gateway({}, Mesh.istio({ ambient: true }));
    const web = new MtlsService(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    web.exposeVia(gw, { hostname: 'shop.example.com' });
    const r = Reachability.analyze(app);
    expect(r.extraPaths.map((e) => e.message)).toEqual([]);
    expect(toGateway(r)).toContain('edge/public-istio -> shop/web: TCP/8080');
    expect(toGateway(r)).toContain('internet -> edge/public-istio: TCP/80 TCP/443');
  });

  test('the exposure is what declares the internet path: a gateway NetworkPolicy opened by hand is an extra path', () => {
    const { app, shop, gw } = gateway();
    const web = new MtlsService(shop, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    web.exposeVia(gw, { hostname: 'shop.example.com' });
    gw.networkPolicy.addJsonPatch(JsonPatch.add('/spec/ingress/0/ports/-', { protocol: 'TCP', port: 15021 }));
    const r = Reachability.analyze(app);
    expect(r.extraPaths.map((e) => `${e.from} -> ${e.to} ${e.ports.join(' ')}`)).toContain('internet -> edge/public-istio TCP/15021');
  });
});
