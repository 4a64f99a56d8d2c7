import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, JsonPatch, Testing } from 'cdk8s';
import { buildShop, ShopCharts } from '../../examples/shop/app';
import { ApiServerEndpoint, Reachability, ReachabilityCheck, ReachabilityLayer } from '../../src';
import { expectValidManifests, synthAndValidate } from '../util/schema';

function shop(): { app: App; charts: ShopCharts } {
  const app = Testing.app();
  return { app, charts: buildShop(app) };
}

function synthAll(charts: ShopCharts): any[] {
  return Object.values(charts).flatMap((c) => synthAndValidate(c));
}

function find(scope: ShopCharts[keyof ShopCharts], kind: string, name: string): ApiObject {
  return scope.node.findAll().find((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === kind && c.name === name)!;
}

describe('the example shop', () => {
  test('its effective graph equals its declared intent: no extra and no missing path', () => {
    const { app, charts } = shop();
    synthAll(charts);
    const r = Reachability.analyze(app);
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.unknownNamespaces).toEqual(['istio-system', 'kube-system', 'monitoring']);
    const app_ = r.edges.filter((e) => !e.infrastructure).map((e) => `${e.from} -> ${e.to} ${e.ports.join(',')}`);
    // (test/reachability/north-south.test.ts looks at the paths from and to outside the cluster.)
    expect(app_).toEqual([
      'api-server -> shop-web/public-istio TCP/80,TCP/443',
      'internet -> shop-web/public-istio TCP/80,TCP/443',
      'monitoring/prometheus-k8s -> payments/payments TCP/9090',
      'monitoring/prometheus-k8s -> shop-data/nightly-report TCP/9090',
      'monitoring/prometheus-k8s -> shop/checkout TCP/9090',
      'monitoring/prometheus-k8s -> shop/fulfillment TCP/9090',
      'payments/payments -> api.cardprocessor.example (203.0.113.0/24) TCP/443',
      'payments/payments -> cidr 169.254.170.23/32 TCP/80',
      'payments/payments -> shop-data/orders-db TCP/5432',
      'shop-data/nightly-report -> shop-data/orders-db TCP/5432',
      'shop-web/frontend -> shop/checkout TCP/8443',
      'shop-web/public-istio -> shop-web/frontend TCP/8080',
      'shop/checkout -> payments/payments TCP/8443',
      'shop/checkout -> shop-data/orders-db TCP/5432',
      'shop/fulfillment -> api-server TCP/443',
      'shop/fulfillment -> shop-data/orders-db TCP/5432',
    ]);
    expect(r.edges.every((e) => e.declared && !e.extra)).toBe(true);
  });

  test('the same graph is rebuilt from the synthesized YAML alone', () => {
    const { app, charts } = shop();
    // From YAML the API server's endpoints are given, as the CLI's --api-server gives them.
    const fromYaml = Reachability.fromManifests(synthAll(charts), { apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32', '10.0.1.10/32'], 443) });
    const inProcess = Reachability.analyze(app);
    expect(fromYaml.extraPaths).toEqual([]);
    expect(fromYaml.missingPaths).toEqual([]);
    expect(fromYaml.edges).toEqual(inProcess.edges);
  });

  test('an over-broad NetworkPolicy (all ingress from all namespaces to payments) is reported path by path', () => {
    const { app, charts } = shop();
    new ApiObject(charts.payments, 'too-open', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all-namespaces', namespace: 'payments' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    });
    synthAll(charts);
    const r = Reachability.analyze(app);
    expect(r.extraPaths.map((e) => [e.from, e.to, e.layer, e.ports.join(',')])).toEqual([
      // Pods of namespaces without manifests are isolated by nothing we see: their egress is open.
      ['*', 'payments/payments', 'effective', 'UDP/*,SCTP/*'],
      ['*', 'payments/payments', 'NetworkPolicy', 'TCP/*'],
      ['istio-system/istiod', 'payments/payments', 'effective', 'UDP/*,SCTP/*'],
      ['istio-system/istiod', 'payments/payments', 'NetworkPolicy', 'TCP/*'],
      ['kube-system/kube-dns', 'payments/payments', 'effective', 'UDP/*,SCTP/*'],
      ['kube-system/kube-dns', 'payments/payments', 'NetworkPolicy', 'TCP/*'],
      ['monitoring/prometheus-k8s', 'payments/payments', 'effective', 'UDP/*,SCTP/*'],
      ['monitoring/prometheus-k8s', 'payments/payments', 'NetworkPolicy', 'TCP/1-9089,TCP/9091-65535'],
    ]);
    expect(r.extraPaths.find((e) => e.from === 'istio-system/istiod' && e.layer === ReachabilityLayer.NETWORK_POLICY)!.message)
      .toBe('the NetworkPolicies let istio-system/istiod through to payments/payments on TCP/* although nothing declares it; only Istio authorization stops it');
    expect(r.missingPaths).toEqual([]);
  });

  test('a declared caller that the Istio AuthorizationPolicy does not admit is a missing path naming the mesh layer', () => {
    const { app, charts } = shop();
    find(charts.payments, 'AuthorizationPolicy', 'payments').addJsonPatch(JsonPatch.replace('/spec/rules/0/from/0/source/principals', ['cluster.local/ns/shop/sa/someone-else']));
    synthAll(charts);
    const r = Reachability.analyze(app);
    expect(r.missingPaths).toHaveLength(1);
    const m = r.missingPaths[0];
    expect([m.from, m.to, m.ports, m.blockedBy]).toEqual(['shop/checkout', 'payments/payments', ['TCP/8443'], [ReachabilityLayer.MESH]]);
    expect(m.message).toBe('shop/checkout → payments/payments on TCP/8443 is declared (payments/payments.allowFrom(shop/checkout)) but blocked: '
      + 'NetworkPolicy allows it but the Istio AuthorizationPolicy on payments/payments does not admit shop/checkout (ALLOW policies: payments/deny-all, payments/payments)');
  });

  test('a declared caller that the NetworkPolicy does not admit is a missing path naming the NetworkPolicy layer', () => {
    const { app, charts } = shop();
    find(charts.payments, 'NetworkPolicy', 'payments').addJsonPatch(JsonPatch.remove('/spec/ingress/0'));
    synthAll(charts);
    const r = Reachability.analyze(app);
    expect(r.missingPaths.map((m) => m.message)).toEqual([
      'shop/checkout → payments/payments on TCP/8443 is declared (payments/payments.allowFrom(shop/checkout)) but blocked: '
      + 'the ingress NetworkPolicies of payments/payments (payments/default-deny, payments/allow-dns, payments/allow-mesh-data-plane and 1 more) do not admit shop/checkout on TCP/8443 (Istio authorization would admit it)',
    ]);
    expect(r.missingPaths[0].blockedBy).toEqual([ReachabilityLayer.NETWORK_POLICY]);
  });
});

describe('ReachabilityCheck', () => {
  test('writes the reports beside the manifests folder and passes on the shop', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-'));
    const app = new App({ outdir });
    const charts = buildShop(app);
    const check = new ReachabilityCheck(app, 'reachability');
    app.synth();
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('reachability.'))).toEqual([]);
    expect(fs.readdirSync(`${outdir}-reports`).sort()).toEqual(['reachability.dot', 'reachability.md', 'reachability.mmd']);
    expect(fs.readFileSync(path.join(`${outdir}-reports`, 'reachability.md'), 'utf8')).toContain('0 extra (undeclared) and 0 missing');
    expect(check.result!.extraPaths).toEqual([]);
    expectValidManifests(Object.values(charts).flatMap((c) => Testing.synth(c)));
  });

  test('fails synthesis on an extra path', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'reach-')) });
    const charts = buildShop(app);
    new ApiObject(charts.shop, 'open-egress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'frontend-anywhere', namespace: 'shop-web' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }] },
    });
    new ReachabilityCheck(app, 'reachability', { writeReports: false });
    expect(() => app.synth()).toThrow(/reachability: extra path \[effective\] shop-web\/frontend reaches internet on TCP\/443 but nothing declares it/);
  });
});
