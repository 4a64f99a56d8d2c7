import { EgressGateway, ExternalService, HealthCheck, Mesh, Reachability, SecureWorker } from '../src';
import { findObject, shopWithTwoServices, unacknowledged } from './util/external-egress';
import { synthAndValidate } from './util/schema';

const setup = shopWithTwoServices;

const find = findObject;
const egress = EgressGateway.istio({ namespace: 'istio-egress' });

describe('Istio (sidecar): a host through the egress gateway', () => {
  const { app, chart, ns, payments, catalog } = setup();
  payments.allowEgressTo(ExternalService.https('api.stripe.com', { egressGateway: egress }));
  catalog.allowEgressTo(ExternalService.https('api.stripe.com', { egressGateway: egress }));
  const worker = new SecureWorker(ns, 'ledger-sync', {
    image: 'ghcr.io/acme/ledger-sync:1.0.0', liveness: HealthCheck.exec(['/app/healthcheck']), readiness: HealthCheck.exec(['/app/healthcheck']),
  });
  worker.allowEgressTo(ExternalService.tls('ledger.example.com', 5443, { egressGateway: egress }));
  const objs = synthAndValidate(chart);

  test('snapshot', () => {
    expect(objs.filter((o) => ['ServiceEntry', 'Gateway', 'VirtualService', 'Sidecar', 'NetworkPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('the workload\'s NetworkPolicy opens the gateway\'s pods on their TLS port, never a public address', () => {
    for (const name of ['payments', 'catalog', 'ledger-sync']) {
      const rules = find(objs, 'NetworkPolicy', name).spec.egress;
      expect(rules).toContainEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-egress' } }, podSelector: { matchLabels: { istio: 'egressgateway' } } }],
        ports: [{ protocol: 'TCP', port: 8443 }],
      });
      expect(JSON.stringify(rules)).not.toContain('0.0.0.0/0');
      expect(find(objs, 'NetworkPolicy', name).metadata.annotations?.['ack.cdk8s-secure-baseline.io/SB-NET-POLICY-INTERNET']).toBeUndefined();
    }
  });

  test('the ServiceEntry is exported to the gateway\'s namespace too, so that its proxies know the host', () => {
    expect(find(objs, 'ServiceEntry', 'api.stripe.com').spec).toEqual({
      hosts: ['api.stripe.com'],
      exportTo: ['.', 'istio-egress'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
  });

  test('a Gateway passes the host\'s TLS through on the gateway\'s pods, for this namespace\'s routes only', () => {
    expect(find(objs, 'Gateway', 'egress-api.stripe.com')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'egress-api.stripe.com', namespace: 'shop' },
      spec: {
        selector: { istio: 'egressgateway' },
        servers: [{ port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: ['./api.stripe.com'], tls: { mode: 'PASSTHROUGH' } }],
      },
    });
    expect(objs.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.name)).toEqual(['egress-api.stripe.com', 'egress-ledger.example.com']);
  });

  test('a VirtualService sends the sidecars to the gateway and the gateway to the host, by SNI', () => {
    expect(find(objs, 'VirtualService', 'egress-ledger.example.com').spec).toEqual({
      hosts: ['ledger.example.com'],
      gateways: ['mesh', 'egress-ledger.example.com'],
      exportTo: ['.', 'istio-egress'],
      tls: [
        { match: [{ gateways: ['mesh'], port: 5443, sniHosts: ['ledger.example.com'] }], route: [{ destination: { host: 'istio-egressgateway.istio-egress.svc.cluster.local', port: { number: 443 } } }] },
        { match: [{ gateways: ['egress-ledger.example.com'], port: 443, sniHosts: ['ledger.example.com'] }], route: [{ destination: { host: 'ledger.example.com', port: { number: 5443 } } }] },
      ],
    });
  });

  test('the audit passes', () => {
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('the proof shows the callers reaching the gateway\'s pods on 8443, declared, and nothing public', () => {
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      const external = r.edges.filter((e) => e.to.startsWith('istio-egress') || e.to === 'internet' || e.to.startsWith('cidr'));
      expect(external.map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
        ['shop/catalog', 'istio-egress/{istio=egressgateway}', ['TCP/8443'], true],
        ['shop/ledger-sync', 'istio-egress/{istio=egressgateway}', ['TCP/8443'], true],
        ['shop/payments', 'istio-egress/{istio=egressgateway}', ['TCP/8443'], true],
      ]);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });
});

test('the gateway\'s Service, labels and ports are the platform\'s to name', () => {
  const { chart, payments } = setup();
  payments.allowEgressTo(ExternalService.https('api.stripe.com', {
    egressGateway: EgressGateway.istio({ namespace: 'istio-system', serviceName: 'egress', podLabels: { app: 'egress', istio: 'egressgateway' }, port: 8443, targetPort: 9443 }),
  }));
  const objs = synthAndValidate(chart);
  expect(find(objs, 'Gateway', 'egress-api.stripe.com').spec.selector).toEqual({ app: 'egress', istio: 'egressgateway' });
  expect(find(objs, 'VirtualService', 'egress-api.stripe.com').spec.tls[0].route).toEqual([{ destination: { host: 'egress.istio-system.svc.cluster.local', port: { number: 8443 } } }]);
  expect(find(objs, 'NetworkPolicy', 'payments').spec.egress.at(-1).ports).toEqual([{ protocol: 'TCP', port: 9443 }]);
});

describe('refusals', () => {
  const refuse = (service: () => ExternalService, message: string, mesh?: Mesh) => {
    const { payments } = setup(mesh);
    expect(() => payments.allowEgressTo(service())).toThrow(message);
  };

  test.each([
    ['Linkerd', Mesh.linkerd(), 'Linkerd'],
    ['Istio ambient', Mesh.istio({ ambient: true }), 'Istio (ambient)'],
    ['no mesh', Mesh.none(), 'no mesh (cert-manager TLS)'],
  ])('%s cannot route to an egress gateway', (_name, mesh, display) => refuse(() => ExternalService.https('api.stripe.com', { egressGateway: egress }),
    `shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") goes through an egress gateway, which ${display} cannot route to. `
    + 'Fix: route through an egress gateway with Mesh.istio() in sidecar mode, or drop egressGateway and give the cidrs the host resolves to', mesh));

  test('with cidrs', () => refuse(() => ExternalService.https('api.stripe.com', { egressGateway: egress, cidrs: ['198.51.100.0/24'] }),
    'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") goes through an egress gateway and gives cidrs. '
    + 'Fix: drop cidrs: the workload reaches only the gateway\'s pods, and the addresses belong in the gateway\'s own network policy'));

  test('with TLS originated by the mesh', () => refuse(() => ExternalService.httpsOriginatedByMesh('api.stripe.com', { egressGateway: egress }),
    'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") goes through an egress gateway with TLS originated by the mesh. '
    + 'Fix: use ExternalService.https() or .tls() with an egress gateway: the workload starts TLS and the gateway passes it through'));

  test('a bad namespace, empty pod labels, a bad port', () => {
    refuse(() => ExternalService.https('api.stripe.com', { egressGateway: EgressGateway.istio({ namespace: 'Istio_Egress' }) }),
      'allowEgressTo(ExternalService "api.stripe.com") egressGateway namespace "Istio_Egress"');
    refuse(() => ExternalService.https('api.stripe.com', { egressGateway: EgressGateway.istio({ namespace: 'istio-egress', podLabels: {} }) }),
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") egressGateway podLabels is empty. '
      + 'Fix: give the labels of the gateway\'s pods, e.g. { istio: "egressgateway" }: an empty selector would open every pod of the namespace');
    refuse(() => ExternalService.https('api.stripe.com', { egressGateway: EgressGateway.istio({ namespace: 'istio-egress', targetPort: 0 }) }),
      'allowEgressTo(ExternalService "api.stripe.com") egressGateway targetPort 0 is out of range');
  });

  test('one host of a namespace leaving two ways', () => {
    const { payments, catalog } = setup();
    catalog.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(() => payments.allowEgressTo(ExternalService.https('api.stripe.com', { egressGateway: egress }))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com:443") leaves through the egress gateway istio-egressgateway.istio-egress.svc.cluster.local on port 443, '
      + 'but namespace "shop" already sends api.stripe.com directly. '
      + 'Fix: a host leaves a namespace one way (its VirtualService applies to every sidecar of the namespace): call it the same way, on one port, from every workload of the namespace, or call it from another namespace');
    const other = setup();
    other.payments.allowEgressTo(ExternalService.https('api.stripe.com', { egressGateway: egress }));
    expect(() => other.payments.allowEgressTo(ExternalService.tls('api.stripe.com', 8443, { egressGateway: egress }))).toThrow(
      'allowEgressTo(ExternalService "api.stripe.com:8443") leaves through the egress gateway istio-egressgateway.istio-egress.svc.cluster.local on port 8443, '
      + 'but namespace "shop" already sends api.stripe.com through the egress gateway istio-egressgateway.istio-egress.svc.cluster.local on port 443');
  });
});
