import { ExternalService, Mesh, Reachability } from '../src';
import { findObject, shopWithTwoServices, unacknowledged } from './util/external-egress';
import { synthAndValidate } from './util/schema';

const setup = shopWithTwoServices;

const find = findObject;

describe('Istio (sidecar): TLS originated by the mesh', () => {
  const { app, chart, payments, catalog } = setup();
  payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
  payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
  catalog.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
  const objs = synthAndValidate(chart);

  test('snapshot', () => {
    expect(objs.filter((o) => ['ServiceEntry', 'DestinationRule', 'Sidecar', 'NetworkPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('the ServiceEntry takes the workload\'s HTTP on port 80 and sends it to 443; the TLS port stays for workloads that start TLS', () => {
    expect(find(objs, 'ServiceEntry', 'api.stripe.com').spec.ports).toEqual([
      { number: 80, name: 'http-80', protocol: 'HTTP', targetPort: 443 },
      { number: 443, name: 'tls-443', protocol: 'TLS' },
    ]);
  });

  test('a DestinationRule for the namespace opens verified TLS on the HTTP port: SIMPLE, SNI and SAN the host', () => {
    expect(objs.filter((o) => o.kind === 'DestinationRule' && !o.spec.host.endsWith('.svc.cluster.local'))).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'api.stripe.com', namespace: 'shop' },
      spec: {
        host: 'api.stripe.com',
        exportTo: ['.'],
        trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.stripe.com', subjectAltNames: ['api.stripe.com'] } }] },
      },
    }]);
    // No insecureSkipVerify, no DISABLE: the audit has nothing to say about it.
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('the NetworkPolicy opens the TLS port the sidecar connects to, not the workload\'s HTTP port', () => {
    expect(find(objs, 'NetworkPolicy', 'payments').spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(JSON.stringify(find(objs, 'NetworkPolicy', 'payments').spec.egress)).not.toContain('"port":80');
  });

  test('the Sidecar lists the host for the workload only', () => {
    expect(find(objs, 'Sidecar', 'payments').spec.egress).toEqual([{ hosts: ['*/*.svc.cluster.local', './api.stripe.com'] }]);
  });

  test('the proof shows payments -> api.stripe.com:443, declared, in the app and from the YAML', () => {
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      expect(r.edges.filter((e) => e.to.startsWith('api.stripe.com')).map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
        ['shop/catalog', 'api.stripe.com (198.51.100.0/24)', ['TCP/443'], true],
        ['shop/payments', 'api.stripe.com (198.51.100.0/24)', ['TCP/443'], true],
      ]);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });
});

test('appPort and port are the caller\'s to choose', () => {
  const { chart, payments } = setup();
  payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('ledger.example.com', { appPort: 8080, port: 8443 }));
  const objs = synthAndValidate(chart);
  expect(find(objs, 'ServiceEntry', 'ledger.example.com').spec.ports).toEqual([{ number: 8080, name: 'http-8080', protocol: 'HTTP', targetPort: 8443 }]);
  expect(find(objs, 'DestinationRule', 'ledger.example.com').spec.trafficPolicy.portLevelSettings[0].port).toEqual({ number: 8080 });
  expect(find(objs, 'NetworkPolicy', 'payments').spec.egress.slice(1).map((r: any) => r.ports)).toEqual([[{ protocol: 'TCP', port: 8443 }]]);
  expect(unacknowledged(objs)).toEqual([]);
});

describe('refusals', () => {
  test.each([
    ['Linkerd', Mesh.linkerd(), 'Linkerd'],
    ['Istio ambient', Mesh.istio({ ambient: true }), 'Istio (ambient)'],
    ['no mesh', Mesh.none(), 'no mesh (cert-manager TLS)'],
  ])('%s cannot originate TLS', (_name, mesh, display) => {
    const { payments } = setup(mesh);
    expect(() => payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com', { cidrs: ['198.51.100.0/24'] }))).toThrow(
      `shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") asks ${display} to originate TLS, which it cannot do. `
      + 'Fix: use ExternalService.https() and let the workload start TLS itself (its client verifies the server); TLS origination needs Mesh.istio() in sidecar mode');
  });

  test('appPort equal to the TLS port', () => {
    const { payments } = setup();
    expect(() => payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com', { appPort: 443 }))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") appPort 443 is the TLS port. '
      + 'Fix: let the workload send plain HTTP to another port (80 by default) than the one the mesh opens TLS to (443)');
  });

  test('appPort out of range', () => {
    const { payments } = setup();
    expect(() => payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com', { appPort: 0 }))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") appPort 0 is out of range. Fix: use an integer port from 1 to 65535');
  });

  test('one workload, one port, both ways', () => {
    const { payments } = setup();
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(() => payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com'))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") is declared twice for port 443, once with TLS started by the workload '
      + 'and once with TLS originated by the mesh (plain HTTP to port 80). '
      + 'Fix: declare each external service once: either the workload starts TLS (ExternalService.https) or the mesh originates it (ExternalService.httpsOriginatedByMesh)');
  });

  test('two workloads of a namespace using one port of a host differently', () => {
    const { payments, catalog } = setup();
    catalog.allowEgressTo(ExternalService.tls('api.stripe.com', 80));
    expect(() => payments.allowEgressTo(ExternalService.httpsOriginatedByMesh('api.stripe.com'))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") uses port 80 of api.stripe.com as plain HTTP whose TLS the mesh originates to port 443, '
      + 'but another workload of namespace "shop" uses it as TLS started by the workload. '
      + 'Fix: the namespace has one ServiceEntry per host: give each use of the host its own port (ExternalServiceOriginationOptions.appPort), or let both workloads call it the same way');
  });
});
