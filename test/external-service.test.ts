import { JsonPatch, Testing } from 'cdk8s';
import {
  ExternalService, LeastPrivilegeServiceAccount, Mesh, MtlsService, NetworkPeer, NetworkPort, Reachability,
  RuleIds, WorkloadIdentity,
} from '../src';
import { findObject, shopWithTwoServices, unacknowledged } from './util/external-egress';
import { synthAndValidate } from './util/schema';

const PUBLIC = [
  { ipBlock: { cidr: '0.0.0.0/0', except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
  { ipBlock: { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] } },
];

const setup = shopWithTwoServices;

const find = findObject;

describe('Istio (sidecar): egress by host name', () => {
  const { app, chart, payments, catalog } = setup();
  payments.allowEgressTo(ExternalService.https('api.stripe.com'));
  payments.allowEgressTo(ExternalService.https('api.stripe.com'));
  payments.allowEgressTo(ExternalService.tls('api.stripe.com', 8443));
  catalog.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
  const objs = synthAndValidate(chart);

  test('snapshot', () => {
    expect(objs.filter((o) => ['ServiceEntry', 'Sidecar', 'NetworkPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('one ServiceEntry per host in the namespace, exported to it only, with every declared port', () => {
    expect(objs.filter((o) => o.kind === 'ServiceEntry')).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'api.stripe.com', namespace: 'shop' },
      spec: {
        hosts: ['api.stripe.com'],
        exportTo: ['.'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }, { number: 8443, name: 'tls-8443', protocol: 'TLS' }],
      },
    }]);
  });

  test('each calling workload gets a REGISTRY_ONLY Sidecar that sees the cluster and its own hosts', () => {
    const sidecar = objs.find((o) => o.kind === 'Sidecar' && o.metadata.name === 'payments');
    expect(sidecar).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'payments', namespace: 'shop' },
      spec: {
        workloadSelector: { labels: { 'app.kubernetes.io/instance': 'payments' } },
        egress: [{ hosts: ['*/*.svc.cluster.local', './api.stripe.com'] }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    });
    // Besides the namespace-wide REGISTRY_ONLY default (SecureNamespace), which they take precedence over.
    expect(objs.filter((o) => o.kind === 'Sidecar').map((o) => o.metadata.name).sort()).toEqual(['catalog', 'default', 'payments']);
  });

  test('the NetworkPolicy opens the ports for this workload only: public addresses without cidrs (acknowledged), the cidrs otherwise', () => {
    const policy = find(objs, 'NetworkPolicy', 'payments');
    expect(policy.spec.egress.slice(1)).toEqual([
      { to: PUBLIC, ports: [{ protocol: 'TCP', port: 443 }] },
      { to: PUBLIC, ports: [{ protocol: 'TCP', port: 8443 }] },
    ]);
    expect(policy.metadata.annotations[`ack.cdk8s-secure-baseline.io/${RuleIds.NET_POLICY_INTERNET}`]).toBe(
      'shop/payments calls api.stripe.com:443, api.stripe.com:8443 by name: its pods may reach public addresses on those ports only, '
      + 'and Istio (sidecar) lets them reach those hosts only (ServiceEntry + REGISTRY_ONLY outbound policy)');
    const other = find(objs, 'NetworkPolicy', 'catalog');
    expect(other.spec.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(other.metadata.annotations).toBeUndefined();
    expect(payments.declaredExternalEgress).toEqual(['api.stripe.com:443', 'api.stripe.com:8443']);
  });

  test('the audit passes', () => {
    expect(unacknowledged(objs)).toEqual([]);
  });

  test('the reachability proof declares exactly these paths, in the app and from the YAML', () => {
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      const edges = r.edges.filter((e) => !e.to.includes('kube-dns') && !e.to.includes('istiod'));
      // The public internet is split where catalog's range lies inside it; that range is named
      // after the host declared for it.
      expect(edges.map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
        ['shop/catalog', 'api.stripe.com (198.51.100.0/24)', ['TCP/443'], true],
        ['shop/payments', 'api.stripe.com (198.51.100.0/24)', ['TCP/443', 'TCP/8443'], true],
        ['shop/payments', 'cidr ::/0 except ::1/128, fc00::/7, fe80::/10', ['TCP/443', 'TCP/8443'], true],
        ['shop/payments', 'internet', ['TCP/443', 'TCP/8443'], true],
      ]);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });

  test('a blocked external path is a missing path naming the service', () => {
    const s = setup();
    s.payments.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
    s.payments.networkPolicy.addJsonPatch(JsonPatch.remove('/spec/egress/1'));
    const missing = Reachability.analyze(s.app).missingPaths;
    expect(missing.map((m) => [m.from, m.ports])).toEqual([['shop/payments', ['TCP/443']]]);
    expect(missing[0].message).toContain('shop/payments.allowEgressTo(api.stripe.com:443)');
  });
});

describe('meshes that cannot name hosts need the addresses', () => {
  test.each([
    ['Linkerd', Mesh.linkerd(), 'Linkerd'],
    ['Istio ambient', Mesh.istio({ ambient: true }), 'Istio (ambient)'],
    ['no mesh', Mesh.none(), 'no mesh (cert-manager TLS)'],
  ])('%s: no cidrs is refused; cidrs open exactly those, without mesh objects', (_name, mesh, display) => {
    const s = setup(mesh);
    expect(() => s.payments.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      `shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") gives no cidrs, and ${display} cannot restrict egress by host name while a NetworkPolicy cannot name hosts. `
      + 'Fix: give the address ranges api.stripe.com resolves to, ExternalService.https("api.stripe.com", { cidrs: [...] }), which the NetworkPolicy opens exactly; '
      + 'or enrol the namespace in Mesh.istio() (sidecar mode), which narrows egress to the host');
    const t = setup(mesh);
    t.payments.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24', '2001:db8::/32', '198.51.100.0/24'] }));
    const objs = synthAndValidate(t.chart);
    expect(find(objs, 'NetworkPolicy', 'payments').spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(objs.filter((o) => o.kind === 'ServiceEntry' || o.kind === 'Sidecar')).toEqual([]);
    // Without a ServiceEntry, the policy says which host its address rule is for (naming only).
    expect(find(objs, 'NetworkPolicy', 'payments').metadata.annotations['cdk8s-secure-baseline.io/external-hosts'])
      .toBe('api.stripe.com:443 198.51.100.0/24,2001:db8::/32');
    expect(unacknowledged(objs)).toEqual([]);
    // The app and its YAML name the addresses alike.
    for (const r of [Reachability.analyze(t.app), Reachability.fromManifests(objs)]) {
      expect(r.edges.filter((e) => e.to.startsWith('api.stripe.com (')).map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
        ['shop/payments', 'api.stripe.com (198.51.100.0/24)', ['TCP/443'], true],
        ['shop/payments', 'api.stripe.com (2001:db8::/32)', ['TCP/443'], true],
      ]);
      expect(r.edges.filter((e) => e.to.startsWith('cidr 198.51.100') || e.to.startsWith('cidr 2001:db8::/32'))).toEqual([]);
      expect(r.extraPaths).toEqual([]);
      // (Ambient's probe address is reported missing by the proof whatever this feature does.)
      expect(r.missingPaths.filter((m) => m.from !== 'cidr 169.254.7.127/32')).toEqual([]);
    }
  });
});

test('the external-hosts annotation names only a rule the policy has, claimed once', () => {
  const t = setup(Mesh.linkerd());
  t.payments.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
  const objs = synthAndValidate(t.chart);
  const named = (manifests: any[]) => Reachability.fromManifests(manifests).edges.map((e) => e.to).filter((to) => to.includes('198.51.100.0/24'));
  expect(named(objs)).toEqual(['api.stripe.com (198.51.100.0/24)']);
  const withAnnotation = (value: string) => objs.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'payments'
    ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'cdk8s-secure-baseline.io/external-hosts': value } } } : o));
  // Another port, other addresses, a second host claiming the same rule, garbage: no name.
  for (const value of [
    'api.stripe.com:8443 198.51.100.0/24',
    'api.stripe.com:443 198.51.100.0/25',
    'api.stripe.com:443 198.51.100.0/24; evil.example:443 198.51.100.0/24',
    'api.stripe.com 198.51.100.0/24',
  ]) {
    expect(named(withAnnotation(value))).toEqual(['cidr 198.51.100.0/24']);
  }
});

describe('refusals', () => {
  const refuse = (service: () => ExternalService, message: string, mesh?: Mesh) => {
    const { payments } = setup(mesh);
    expect(() => payments.allowEgressTo(service())).toThrow(message);
  };

  test('a wildcard host', () => refuse(() => ExternalService.https('*.stripe.com'),
    'shop/shop/payments: allowEgressTo(ExternalService "*.stripe.com") host "*.stripe.com" is a wildcard. Fix: name each host the workload calls (e.g. "api.stripe.com"): a wildcard opens every host of the domain, including ones anybody can create'));
  test('egress to "*"', () => refuse(() => ExternalService.https('*'), 'allowEgressTo(ExternalService "*") host "*" is a wildcard'));
  test('an IP address', () => refuse(() => ExternalService.https('198.51.100.7'),
    'shop/shop/payments: allowEgressTo(ExternalService "198.51.100.7") host "198.51.100.7" is an IP address. Fix: name the host (the mesh matches TLS by server name); for a destination known only by its addresses use SecureNamespace.allowEgressTo(NetworkPeer.cidr(...), ports)'));
  test('an IPv6 address', () => refuse(() => ExternalService.https('2001:db8::1'), 'host "2001:db8::1" is an IP address'));
  test('a URL, uppercase, a single label', () => {
    for (const host of ['https://api.stripe.com', 'API.stripe.com', 'localhost', 'api.stripe.com/v1', 'api..com', 'a.123']) {
      refuse(() => ExternalService.https(host), `allowEgressTo(ExternalService ${JSON.stringify(host)}) host ${JSON.stringify(host)} is not a fully qualified lowercase domain name. Fix: write the host as it appears in the URL, lowercase, without scheme, port or path, e.g. "api.stripe.com"`);
    }
  });
  test('a cluster name', () => refuse(() => ExternalService.https('payments.other.svc.cluster.local'),
    'host "payments.other.svc.cluster.local" is a name inside the cluster. Fix: call a workload of the cluster through its MtlsService: callee.allowFrom(caller) opens both sides'));
  test('a port out of range', () => refuse(() => ExternalService.tls('db.example.com', 70000, { cidrs: ['198.51.100.0/24'] }),
    'shop/shop/payments: allowEgressTo(ExternalService "db.example.com") port 70000 is out of range'));
  test('empty cidrs', () => refuse(() => ExternalService.https('api.stripe.com', { cidrs: [] }),
    'allowEgressTo(ExternalService "api.stripe.com") cidrs is empty. Fix: list the address ranges api.stripe.com resolves to, or omit cidrs where the mesh restricts egress by host name'));
  test('the metadata endpoint as a cidr', () => refuse(() => ExternalService.https('api.stripe.com', { cidrs: ['169.254.169.254/32'] }),
    'allowEgressTo(ExternalService "api.stripe.com") cidrs[0] "169.254.169.254/32" is the cloud metadata endpoint'));
  test('the same service twice with different cidrs', () => {
    const { payments } = setup();
    payments.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }));
    expect(() => payments.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") is declared twice for port 443 with different cidrs. Fix: declare each external service once, with every address range it resolves to');
  });
});

describe('REGISTRY_ONLY drops egress opened by address only', () => {
  test('namespace CIDR egress next to a workload that names its hosts fails synth', () => {
    const { app, ns, payments } = setup();
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcp(443)]);
    expect(() => app.synth()).toThrow(
      'shop/shop/payments: shop/payments calls external services by name, so Istio (sidecar) drops its traffic to any other destination outside the cluster (REGISTRY_ONLY), '
      + 'including the egress to cidr 203.0.113.0/24 that namespace "shop" opens with allowEgressTo. '
      + 'Fix: declare that destination on the workloads that call it, by name: allowEgressTo(ExternalService.tls(host, port, { cidrs })), instead of on the namespace');
  });

  test('a cloud identity whose token endpoint is outside the node fails synth; a node-local one does not', () => {
    const irsa = setup();
    const sa = new LeastPrivilegeServiceAccount(irsa.ns, 'reporter-sa', {
      name: 'reporter', workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn: 'arn:aws:iam::123456789012:role/reporter', stsEndpointCidrs: ['198.51.100.10/32'] }),
    });
    const reporter = new MtlsService(irsa.ns, 'reporter', { image: 'ghcr.io/acme/reporter:1.0.0', port: 8080, serviceAccount: sa });
    reporter.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(() => irsa.app.synth()).toThrow(/shop\/reporter calls external services by name, .* including the token exchange of its .* workload identity at .*198\.51\.100\.10\/32/);

    const pod = setup();
    const podSa = new LeastPrivilegeServiceAccount(pod.ns, 'reporter-sa', {
      name: 'reporter', workloadIdentity: WorkloadIdentity.eksPodIdentity({ roleArn: 'arn:aws:iam::123456789012:role/reporter' }),
    });
    const ok = new MtlsService(pod.ns, 'reporter', { image: 'ghcr.io/acme/reporter:1.0.0', port: 8080, serviceAccount: podSa });
    ok.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(() => Testing.synth(pod.chart)).not.toThrow();
    expect(() => pod.app.synth()).not.toThrow();
  });
});
