import { Chart, Cron, Testing } from 'cdk8s';
import {
  CallingWorkload, CertificateIssuer, DnsPolicy, ExternalNamespaces, ExternalService, Mesh, MtlsService, NetworkEngine, NetworkEngineType,
  Reachability, SecureCronJob, SecureJob, SecureNamespace, SecureWorker, SecurityAudit,
} from '../src';
import { synthAndValidate, validateManifest } from './util/schema';

const certificate = { issuer: CertificateIssuer.clusterIssuer('internal-ca') };

function setup(options: { mesh?: Mesh; dns?: DnsPolicy } = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  const mesh = options.mesh ?? Mesh.none();
  const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh, dns: options.dns, networkEngine: NetworkEngine.cilium() });
  const cert = mesh.type === 'none' ? certificate : undefined;
  const payments = new MtlsService(ns, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443, certificate: cert });
  const catalog = new MtlsService(ns, 'catalog', { image: 'ghcr.io/acme/catalog:2.0.0', port: 8080, certificate: cert });
  return { app, chart, ns, payments, catalog };
}

const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const ofKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);
const unacknowledged = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged && !f.ruleId.endsWith('-PROBE')).map((f) => `${f.ruleId} ${f.message}`);

const KUBE_DNS_INTERCEPTION = {
  toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
  toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
};

describe('NetworkEngine', () => {
  test('kubernetes() is the default; cilium() is Cilium', () => {
    const chart = Testing.chart();
    expect(new SecureNamespace(chart, 'a', { name: 'a' }).networkEngine.type).toBe(NetworkEngineType.KUBERNETES);
    expect(NetworkEngine.kubernetes().displayName).toBe('Kubernetes NetworkPolicy');
    expect(NetworkEngine.cilium().type).toBe(NetworkEngineType.CILIUM);
    expect(NetworkEngine.cilium().displayName).toBe('Cilium');
  });
});

describe('Cilium: MtlsService.allowEgressTo(ExternalService) by name', () => {
  const { app, chart, payments } = setup();
  payments.allowEgressTo(ExternalService.https('api.stripe.com'));
  payments.allowEgressTo(ExternalService.https('api.stripe.com'));
  payments.allowEgressTo(ExternalService.tls('ledger.example.com', 5443));
  payments.allowEgressTo(ExternalService.https('files.example.com'));
  const objs = synthAndValidate(chart); // every object, the CiliumNetworkPolicy against the vendored CRD

  test('snapshot', () => {
    expect(objs.filter((o) => ['CiliumNetworkPolicy', 'NetworkPolicy'].includes(o.kind))).toMatchSnapshot();
  });

  test('one CiliumNetworkPolicy for the calling workload only, selecting exactly its pods', () => {
    expect(ofKind(objs, 'CiliumNetworkPolicy').map((o) => o.metadata.name)).toEqual(['payments']);
    const cnp = find(objs, 'CiliumNetworkPolicy', 'payments');
    expect(cnp.apiVersion).toBe('cilium.io/v2');
    expect(cnp.metadata.namespace).toBe('shop');
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: find(objs, 'NetworkPolicy', 'payments').spec.podSelector.matchLabels });
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: find(objs, 'Deployment', 'payments').spec.selector.matchLabels });
  });

  test('egress: DNS through the DNS proxy, then toFQDNs per port with exactly the hosts of that port', () => {
    expect(find(objs, 'CiliumNetworkPolicy', 'payments').spec.egress).toEqual([
      KUBE_DNS_INTERCEPTION,
      { toFQDNs: [{ matchName: 'api.stripe.com' }, { matchName: 'files.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
      { toFQDNs: [{ matchName: 'ledger.example.com' }], toPorts: [{ ports: [{ port: '5443', protocol: 'TCP' }] }] },
    ]);
    expect(find(objs, 'CiliumNetworkPolicy', 'payments').spec.description)
      .toBe('shop/payments calls api.stripe.com:443, files.example.com:443, ledger.example.com:5443 by name');
  });

  test('the NetworkPolicy needs no address for the hosts: no ipBlock, no internet acknowledgement', () => {
    const np = find(objs, 'NetworkPolicy', 'payments');
    expect(JSON.stringify(np.spec.egress)).not.toContain('ipBlock');
    expect(np.spec.egress.every((r: any) => Array.isArray(r.to) && r.to.length > 0)).toBe(true);
    expect(Object.keys(np.metadata.annotations ?? {}).filter((k) => k.includes('NET-POLICY-INTERNET'))).toEqual([]);
    expect(payments.declaredExternalEgress).toEqual(['api.stripe.com:443', 'files.example.com:443', 'ledger.example.com:5443']);
  });

  test('the audit passes and the reachability proof reports no extra or missing path', () => {
    expect(unacknowledged(objs)).toEqual([]);
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });
});

describe('Cilium: the DNS rule follows the namespace DNS policy', () => {
  test('DnsPolicy.cluster(): the DNS pods of that namespace and labels', () => {
    const { app, chart, payments } = setup({ dns: DnsPolicy.cluster({ namespace: 'dns', podLabels: { app: 'coredns' } }) });
    ExternalNamespaces.of(app).add('dns');
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    const objs = synthAndValidate(chart);
    expect(find(objs, 'CiliumNetworkPolicy', 'payments').spec.egress[0].toEndpoints).toEqual([
      { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'dns', 'app': 'coredns' } },
    ]);
  });

  test('DnsPolicy.none() and DnsPolicy.nodeLocal() are refused at allowEgressTo', () => {
    expect(() => setup({ dns: DnsPolicy.none() }).payments.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") is allowed by name with Cilium, but namespace "shop" resolves no names (DnsPolicy.none()). '
      + 'Fix: Cilium learns the addresses of a host from the DNS answers its DNS proxy intercepts on the way to the DNS pods: '
      + 'give the namespace dns: DnsPolicy.kubeDns() (the default) or DnsPolicy.cluster({ namespace, podLabels })');
    expect(() => setup({ dns: DnsPolicy.nodeLocal() }).payments.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") is allowed by name with Cilium, but namespace "shop" resolves names at 169.254.20.10/32 (DnsPolicy.nodeLocal()), which a CiliumNetworkPolicy cannot select as DNS pods. '
      + 'Fix: Cilium learns');
  });
});

describe('Cilium: refusals', () => {
  test.each([
    ['*', 'shop/shop/payments: allowEgressTo(ExternalService "*") host "*" is a wildcard'],
    ['*.stripe.com', 'shop/shop/payments: allowEgressTo(ExternalService "*.stripe.com") host "*.stripe.com" is a wildcard'],
  ])('wildcard host %s (no matchPattern: a wildcard opens hosts anybody can create)', (host, error) => {
    expect(() => setup().payments.allowEgressTo(ExternalService.https(host))).toThrow(
      `${error}. Fix: name each host the workload calls (e.g. "api.stripe.com"): a wildcard opens every host of the domain, including ones anybody can create`);
  });

  test('cidrs: the host is allowed by name; ranges would open every other host on them', () => {
    expect(() => setup().payments.allowEgressTo(ExternalService.https('api.stripe.com', { cidrs: ['198.51.100.0/24'] }))).toThrow(
      'shop/shop/payments: allowEgressTo(ExternalService "api.stripe.com") gives cidrs, but the namespace\'s network engine is Cilium, which allows api.stripe.com by name (CiliumNetworkPolicy toFQDNs). '
      + 'Fix: remove cidrs: ExternalService.https("api.stripe.com"). Policies add up, so a NetworkPolicy rule to those ranges would open every other host on them too');
    expect(() => setup().payments.allowEgressTo(ExternalService.tls('db.example.com', 5432, { cidrs: ['198.51.100.0/24'] }))).toThrow(
      'Fix: remove cidrs: ExternalService.tls("db.example.com", 5432).');
  });

  test.each([
    ['sidecar', Mesh.istio(), 'Istio (sidecar)'],
    ['ambient', Mesh.istio({ ambient: true }), 'Istio (ambient)'],
  ])('Istio (%s) in the same namespace', (_mode, mesh, display) => {
    expect(() => new SecureNamespace(Testing.chart(), 'shop', { name: 'shop', mesh, networkEngine: NetworkEngine.cilium() })).toThrow(
      `shop: networkEngine NetworkEngine.cilium() cannot be combined with ${display}: Istio names external hosts itself, and its DNS proxy answers lookups that Cilium's DNS proxy must see for toFQDNs. `
      + 'Fix: keep the default NetworkEngine.kubernetes() with Mesh.istio() (ServiceEntry + REGISTRY_ONLY Sidecar name the hosts), or use NetworkEngine.cilium() with Mesh.linkerd() or Mesh.none()');
  });

  test('Kubernetes engine: no cidrs without a host-naming mesh is still refused, naming the Cilium option', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh: Mesh.linkerd(), networkEngine: NetworkEngine.kubernetes() });
    const payments = new MtlsService(ns, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443 });
    expect(() => payments.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      'or, on a Cilium cluster, give the namespace networkEngine: NetworkEngine.cilium(), which allows the host by name (CiliumNetworkPolicy toFQDNs)');
  });
});

describe('Cilium with Linkerd', () => {
  test('the same CiliumNetworkPolicy; no Linkerd egress objects', () => {
    const { chart, payments } = setup({ mesh: Mesh.linkerd() });
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    const objs = synthAndValidate(chart);
    expect(find(objs, 'CiliumNetworkPolicy', 'payments').spec.egress).toEqual([
      KUBE_DNS_INTERCEPTION,
      { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
    expect(unacknowledged(objs)).toEqual([]);
  });
});

/** Workers and jobs share CallingWorkload.allowEgressTo (src/calling-workload.ts). */
const KINDS: Array<[string, (ns: SecureNamespace) => CallingWorkload]> = [
  ['SecureWorker', (ns) => new SecureWorker(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0', certificate })],
  ['SecureJob', (ns) => new SecureJob(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0', certificate })],
  ['SecureCronJob', (ns) => new SecureCronJob(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0', schedule: Cron.daily(), certificate })],
];

describe.each(KINDS)('Cilium: %s.allowEgressTo(ExternalService)', (_kind, make) => {
  test('a CiliumNetworkPolicy selecting its pods, nothing for its siblings, no NetworkPolicy rule', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const ns = new SecureNamespace(chart, 'shop', { name: 'shop', networkEngine: NetworkEngine.cilium() });
    const caller = make(ns);
    new SecureWorker(ns, 'sibling', { image: 'ghcr.io/acme/sibling:1.0.0', certificate });
    caller.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(caller.declaredExternalEgress).toEqual(['api.stripe.com:443']);
    const objs = synthAndValidate(chart);
    expect(ofKind(objs, 'CiliumNetworkPolicy').map((o) => o.metadata.name)).toEqual(['caller']);
    const cnp = find(objs, 'CiliumNetworkPolicy', 'caller');
    const np = find(objs, 'NetworkPolicy', 'caller');
    expect(cnp.spec.endpointSelector).toEqual({ matchLabels: np.spec.podSelector.matchLabels });
    expect(cnp.spec.egress).toEqual([
      KUBE_DNS_INTERCEPTION,
      { toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
    expect(JSON.stringify(np.spec.egress)).not.toContain('ipBlock');
    expect(unacknowledged(objs)).toEqual([]);
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });
});

describe('the vendored CiliumNetworkPolicy CRD validates', () => {
  const valid = {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name: 'p', namespace: 'shop' },
    spec: { endpointSelector: { matchLabels: { app: 'p' } }, egress: [{ toFQDNs: [{ matchName: 'api.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] },
  };

  test('a valid object passes', () => {
    expect(validateManifest(valid)).toEqual([]);
  });

  test('unknown fields, bad enums and bad names fail', () => {
    expect(validateManifest({ ...valid, spec: { ...valid.spec, egres: [] } }).length).toBeGreaterThan(0);
    expect(validateManifest({ ...valid, spec: { ...valid.spec, egress: [{ toFQDNs: [{ matchName: 'api stripe' }] }] } }).length).toBeGreaterThan(0);
    expect(validateManifest({ ...valid, spec: { ...valid.spec, egress: [{ toPorts: [{ ports: [{ port: '53', protocol: 'DNS' }] }] }] } }).length).toBeGreaterThan(0);
    expect(validateManifest({ ...valid, spec: { egress: [] } }).length).toBeGreaterThan(0); // no endpointSelector
  });
});
