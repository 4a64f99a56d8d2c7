/**
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy in the reachability proof
 * (src/reachability/cilium.ts): the library's own Cilium output gives exactly the declared paths,
 * and policies an attacker adds show every path they open.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { analyze, denyAll, deploy, np, ns } from './fixtures';
import {
  ApiServerEndpoint, CertificateIssuer, ExternalService, Mesh, MtlsService, NetworkEngine,
  Reachability, ReachabilityCheck, ReachabilityResult, SecureNamespace,
} from '../../src';
import { runReachabilityCli } from '../../src/reachability/cli';
import { synthAndValidate } from '../util/schema';

const cnp = (namespace: string, name: string, spec: any): any => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec });
const ccnp = (name: string, spec: any): any => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec });

/** Every path as `from -> to ports`, sorted. */
function paths(r: ReachabilityResult): string[] {
  return r.edges.map((e) => `${e.from} -> ${e.to} ${e.ports.join(',')}${e.addresses ? ` [${e.addresses.join('; ')}]` : ''}`);
}

/** The paths from one sender. */
const from = (r: ReachabilityResult, sender: string) => paths(r).filter((p) => p.startsWith(`${sender} -> `));

/** The address classes `world` stands for here: the internet and the two cloud metadata endpoints. */
const world = (sender: string, ports = '*') => [
  `${sender} -> cidr 169.254.169.254/32 ${ports}`,
  `${sender} -> cidr fd00:ec2::254/128 ${ports}`,
  `${sender} -> internet ${ports}`,
];

const PAYMENTS = { matchLabels: { app: 'payments' } };
/** Two namespaces, every pod isolated both ways by a default-deny NetworkPolicy: no path at all. */
const BASE = [ns('shop'), ns('other'), deploy('shop', 'payments'), deploy('shop', 'web'), deploy('other', 'intruder'), denyAll('shop'), denyAll('other')];

describe('the library on Cilium: NetworkEngine.cilium() + allowEgressTo(ExternalService)', () => {
  function shop() {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cilium-')) });
    const chart = new Chart(app, 'shop');
    const ns0 = new SecureNamespace(chart, 'shop', { name: 'shop', mesh: Mesh.none(), networkEngine: NetworkEngine.cilium() });
    const certificate = { issuer: CertificateIssuer.clusterIssuer('internal-ca') };
    const payments = new MtlsService(ns0, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443, certificate });
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    return { app, chart, payments };
  }

  test('in process (ReachabilityCheck) and from the YAML: the toFQDNs host is a path to the named host, declared; 0 extra, 0 missing', () => {
    const { app, chart } = shop();
    const check = new ReachabilityCheck(app, 'reachability', { writeReports: false });
    const objs = synthAndValidate(chart);
    expect(() => app.synth()).not.toThrow();
    for (const r of [check.result!, Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      expect(r.edges.filter((e) => !e.infrastructure).map((e) => `${e.from} -> ${e.to} ${e.ports} declared=${e.declared}`))
        .toEqual(['shop/payments -> api.stripe.com (by name) TCP/443 declared=true']);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
      expect(r.unmodelledPolicies).toEqual([]);
      expect(r.endpoints.find((e) => e.id === 'api.stripe.com (by name)')).toEqual({
        id: 'api.stripe.com (by name)', kind: 'external-host', name: 'api.stripe.com (whatever addresses the name resolves to)', managed: false,
      });
    }
  });

  test('through the CLI (aggregated): the same path, exit 0', () => {
    const { app } = shop();
    app.synth();
    let out = '';
    const code = runReachabilityCli([app.outdir], { out: (x) => { out += x; }, err: (x) => { out += x; } });
    expect(out).toContain('Extra paths (0):');
    expect(out).toContain('Missing paths (0):');
    expect(out).toContain('api.stripe.com (by name)');
    expect(code).toBe(0);
  });

  test('without the CiliumNetworkPolicy the declared host is a missing path, blocked by the NetworkPolicies', () => {
    const { app, payments } = shop();
    payments.node.tryRemoveChild('CiliumNetworkPolicy');
    const r = Reachability.analyze(app);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths.map((m) => `${m.from} -> ${m.to} ${m.ports} [${m.blockedBy}]`)).toEqual(['shop/payments -> api.stripe.com (by name) TCP/443 [NetworkPolicy]']);
    expect(r.missingPaths[0].message).toContain('the egress NetworkPolicies of shop/payments (shop/default-deny, shop/allow-dns, shop/payments) do not allow api.stripe.com (by name) on TCP/443');
  });

  test('a CiliumNetworkPolicy added to the app that opens the world fails the synth', () => {
    const { app, chart } = shop();
    new ReachabilityCheck(app, 'reachability', { writeReports: false });
    Testing.synth(chart); // the chart alone is fine
    new ApiObject(chart, 'open', cnp('shop', 'open', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] }));
    expect(() => app.synth()).toThrow(/reachability: extra path \[effective\] shop\/payments reaches internet on \* but nothing declares it/);
  });
});

describe('an attacker adds Cilium policies to a namespace whose NetworkPolicies deny everything', () => {
  test('without Cilium policies: no path', () => {
    expect(paths(analyze(BASE))).toEqual([]);
  });

  test('egress toEntities world: every address class, on every port', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['world'] }] })]);
    expect(paths(r)).toEqual(world('shop/payments'));
    expect(r.extraPaths.map((e) => `${e.layer} ${e.from} -> ${e.to}`)).toEqual([
      'effective shop/payments -> cidr 169.254.169.254/32', 'effective shop/payments -> cidr fd00:ec2::254/128', 'effective shop/payments -> internet',
    ]);
  });

  test('egress toEntities all: everything that admits it (pods of unknown namespaces, DNS, the nodes, every address)', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['all'] }] })]);
    expect(paths(r)).toEqual([
      'shop/payments -> * *', ...world('shop/payments').slice(0, 2), 'shop/payments -> cluster nodes *', 'shop/payments -> internet *', 'shop/payments -> kube-system/kube-dns *',
    ]);
  });

  test('egress toEntities cluster: pods, nodes and (its address unknown) every address the API server may have', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['cluster'] }] })]);
    expect(paths(r)).toEqual([
      'shop/payments -> * *', ...world('shop/payments').slice(0, 2), 'shop/payments -> cluster nodes *', 'shop/payments -> internet *', 'shop/payments -> kube-system/kube-dns *',
    ]);
  });

  test('egress toEntities kube-apiserver with the API server known: its endpoints only', () => {
    const r = Reachability.fromManifests([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['kube-apiserver'] }] })],
      { apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 443) });
    expect(paths(r)).toEqual(['shop/payments -> api-server *']);
  });

  test('ingress fromEntities world: the internet reaches the pod', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, ingress: [{ fromEntities: ['world'] }] })]);
    expect(paths(r)).toEqual(['internet -> shop/payments * [0.0.0.0/0; ::/0]']);
  });

  test('ingress fromEntities all: every sender that may send (pods of unknown namespaces, DNS, nodes, addresses)', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, ingress: [{ fromEntities: ['all'] }] })]);
    expect(paths(r)).toEqual([
      '* -> shop/payments *', 'cluster nodes -> shop/payments *', 'internet -> shop/payments * [0.0.0.0/0; ::/0]', 'kube-system/kube-dns -> shop/payments *',
    ]);
  });

  test('a CiliumClusterwideNetworkPolicy (no namespace, one given is ignored) selects the pods of every namespace', () => {
    for (const policy of [ccnp('p', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] }),
      { ...ccnp('p', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] }), metadata: { name: 'p', namespace: 'other' } }]) {
      expect(paths(analyze([...BASE, policy]))).toEqual([...world('other/intruder'), ...world('shop/payments'), ...world('shop/web')]);
    }
  });

  test('a CiliumNetworkPolicy of another namespace never selects these pods, whatever namespace its selector names', () => {
    expect(paths(analyze([...BASE, cnp('other', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['world'] }] })]))).toEqual([]);
    // Cilium replaces a namespace in endpointSelector by the policy's own: the pods of "other" may be selected, never those of "shop".
    const r = analyze([...BASE, cnp('other', 'p', { endpointSelector: { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'shop' } }, egress: [{ toEntities: ['world'] }] })]);
    expect(paths(r)).toEqual(world('other/intruder'));
  });

  test('k8s: and any: label keys select like plain keys, in endpointSelector and in peers', () => {
    const r = analyze([...BASE,
      cnp('shop', 'p', { endpointSelector: { matchLabels: { 'k8s:app': 'payments' } }, egress: [{ toEndpoints: [{ matchLabels: { 'k8s:app': 'web' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] }),
      cnp('shop', 'w', { endpointSelector: { matchLabels: { 'any:app': 'web' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'payments' } }] }] })]);
    expect(paths(r)).toEqual(['shop/payments -> shop/web TCP/8080']);
  });

  test('matchExpressions (In, NotIn) select as Kubernetes selectors do', () => {
    const notWeb = analyze([...BASE, cnp('shop', 'p', { endpointSelector: { matchExpressions: [{ key: 'k8s:app', operator: 'NotIn', values: ['web'] }] }, egress: [{ toEntities: ['world'] }] })]);
    expect(paths(notWeb)).toEqual(world('shop/payments'));
    const both = analyze([...BASE, cnp('shop', 'p', { endpointSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['payments', 'web'] }] }, egress: [{ toEntities: ['world'] }] })]);
    expect(paths(both)).toEqual([...world('shop/payments'), ...world('shop/web')]);
  });

  test('peers across namespaces: the namespace label names the other namespace; ServiceAccount labels select by identity', () => {
    const r = analyze([...BASE,
      cnp('other', 'out', { endpointSelector: {}, egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'shop', 'io.cilium.k8s.policy.serviceaccount': 'payments' } }] }] }),
      cnp('shop', 'in', { endpointSelector: PAYMENTS, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other' } }] }] })]);
    expect(paths(r)).toEqual(['other/intruder -> shop/payments *']);
  });

  test('a peer selector naming namespace labels selects across namespaces (no implicit own namespace)', () => {
    const red = [ns('shop'), ns('other', { team: 'red' }), ...BASE.slice(2)];
    const r = analyze([...red,
      cnp('other', 'out', { endpointSelector: {}, egress: [{ toEndpoints: [PAYMENTS] }] }),
      cnp('shop', 'in', { endpointSelector: PAYMENTS, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'red' } }] }] })]);
    // The egress selector has no namespace label: it stays in "other", where no pod is app=payments.
    // Namespaces without manifests (kube-system, the unknown ones) may carry team=red: their pods may send.
    const unknown = ['* -> shop/payments *', 'kube-system/kube-dns -> shop/payments *'];
    expect(paths(r)).toEqual(unknown);
    const r2 = analyze([...red,
      cnp('other', 'out', { endpointSelector: {}, egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'shop' } }] }] }),
      cnp('shop', 'in', { endpointSelector: PAYMENTS, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'red' } }] }] })]);
    expect(paths(r2)).toEqual([...unknown, 'other/intruder -> shop/payments *']);
  });

  test('an empty selector {} in a CiliumNetworkPolicy is its own namespace; in a cluster-wide one every pod, never the world', () => {
    const own = analyze([...BASE,
      cnp('shop', 'in', { endpointSelector: PAYMENTS, ingress: [{ fromEndpoints: [{}] }] }),
      cnp('shop', 'web', { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toEndpoints: [{}] }] }),
      cnp('other', 'out', { endpointSelector: {}, egress: [{ toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'shop' } }] }] })]);
    expect(paths(own)).toEqual(['shop/web -> shop/payments *']);
    const cluster = analyze([...BASE,
      ccnp('in', { endpointSelector: PAYMENTS, ingress: [{ fromEndpoints: [{}] }] }),
      ccnp('out', { endpointSelector: { matchLabels: { app: 'intruder' } }, egress: [{ toEntities: ['all'] }] })]);
    expect(paths(cluster).filter((p) => p.endsWith('shop/payments *'))).toEqual(['* -> shop/payments *', 'kube-system/kube-dns -> shop/payments *', 'other/intruder -> shop/payments *']);
  });

  test('toPorts: port ranges (endPort), no protocol (TCP, UDP and SCTP), port 0 (every port of the protocol)', () => {
    const r = analyze([...BASE, cnp('shop', 'p', {
      endpointSelector: PAYMENTS,
      egress: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '8000', endPort: 8100, protocol: 'TCP' }, { port: '53' }, { port: '0', protocol: 'UDP' }] }] }],
    })]);
    expect(paths(r)).toEqual(world('shop/payments', 'TCP/53,TCP/8000-8100,UDP/*,SCTP/53'));
  });

  test('toPorts with L7 rules opens the whole port; named ports resolve against the destination pod', () => {
    const r = analyze([...BASE,
      cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEndpoints: [{ matchLabels: { app: 'web' } }], toPorts: [{ ports: [{ port: 'http', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/health' }] } }] }] }),
      cnp('shop', 'w', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEndpoints: [PAYMENTS] }] })]);
    expect(paths(r)).toEqual(['shop/payments -> shop/web TCP/8080']);
  });

  test('a rule with toPorts and no peer admits every peer on those ports, the world included', () => {
    const r = analyze([...BASE, cnp('shop', 'w', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] })]);
    expect(paths(r)).toEqual(['* -> shop/web TCP/8080', 'internet -> shop/web TCP/8080 [0.0.0.0/0; ::/0]', 'kube-system/kube-dns -> shop/web TCP/8080']);
  });

  test('toCIDRSet with except; matchPattern: the pattern and every address on its ports; reserved:host selects the nodes', () => {
    const rule = (egress: any) => analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [egress] })]);
    expect(paths(rule({ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }] }] })))
      .toEqual(['shop/payments -> cidr 10.0.0.0/8 except 10.1.0.0/16 TCP/5432']);
    expect(paths(rule({ toFQDNs: [{ matchPattern: '*.stripe.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] })))
      .toEqual(['shop/payments -> *.stripe.com (by name) TCP/443', ...world('shop/payments', 'TCP/443')]);
    expect(paths(rule({ toEndpoints: [{ matchLabels: { 'reserved:host': '' } }] }))).toEqual(['shop/payments -> cluster nodes *']);
  });

  test('egressDeny is ignored (the proof shows more, never fewer paths)', () => {
    const r = analyze([...BASE, cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['world'] }], egressDeny: [{ toEntities: ['world'] }] })]);
    expect(paths(r)).toEqual(world('shop/payments'));
  });

  test('the list form (specs) counts rule by rule', () => {
    const policy = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'p', namespace: 'shop' },
      specs: [
        { endpointSelector: PAYMENTS, egress: [{ toEntities: ['world'] }] },
        { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEntities: ['world'] }] },
      ],
    };
    expect(paths(analyze([...BASE, policy]))).toEqual(['internet -> shop/web * [0.0.0.0/0; ::/0]', ...world('shop/payments')]);
  });

  test('other apiVersions are not read as Cilium policies: they are unmodelled policies (fail closed)', () => {
    for (const apiVersion of ['cilium.io/v2alpha1', 'cilium.io/v3']) {
      const r = analyze([...BASE, { ...cnp('shop', 'p', { endpointSelector: PAYMENTS, egress: [{ toEntities: ['world'] }] }), apiVersion }]);
      expect(r.unmodelledPolicies.map((u) => `${u.object} ${u.apiVersion}`)).toEqual([`CiliumNetworkPolicy shop/p ${apiVersion}`]);
    }
  });
});

describe('default deny: Cilium and NetworkPolicies add up', () => {
  const OPEN = [ns('open'), deploy('open', 'a'), deploy('open', 'b')];
  const toWorld = (extra: any = {}) => cnp('open', 'p', { endpointSelector: { matchLabels: { app: 'a' } }, egress: [{ toEntities: ['world'] }], ...extra });

  test('a Cilium rule with egress rules isolates the pods it selects: only what it allows', () => {
    expect(from(analyze([...OPEN, toWorld()]), 'open/a')).toEqual(world('open/a'));
  });

  test('enableDefaultDeny.egress: false does not isolate: alone, the pods still reach everything', () => {
    const open = from(analyze(OPEN), 'open/a');
    expect(open).toContain('open/a -> open/b *');
    expect(from(analyze([...OPEN, toWorld({ enableDefaultDeny: { egress: false } })]), 'open/a')).toEqual(open);
  });

  test('enableDefaultDeny.egress: false with a default-deny NetworkPolicy: isolated by the NetworkPolicy, allowed by the Cilium rule', () => {
    expect(from(analyze([...OPEN, denyAll('open'), toWorld({ enableDefaultDeny: { egress: false } })]), 'open/a')).toEqual(world('open/a'));
  });

  test('an empty egress rule [{}] isolates and allows nothing (a NetworkPolicy\'s [{}] allows everything)', () => {
    const cilium = analyze([...OPEN, cnp('open', 'p', { endpointSelector: { matchLabels: { app: 'a' } }, egress: [{}] })]);
    expect(from(cilium, 'open/a')).toEqual([]);
    expect(from(cilium, 'open/b')).toContain('open/b -> open/a *');
    const k8s = analyze([...OPEN, np('open', 'p', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{}] })]);
    expect(from(k8s, 'open/a')).toContain('open/a -> open/b *');
  });
});
