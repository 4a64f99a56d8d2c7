import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing, Yaml } from 'cdk8s';
import { buildShop, shopApp } from '../../examples/shop/app';
import { summarize } from '../../examples/shop/summary';
import { ReachabilityCheck } from '../../src';
import { expectValidManifests } from '../util/schema';

function charts() {
  const app = Testing.app();
  return buildShop(app);
}

describe('example shop', () => {
  const c = charts();
  const all = Object.entries(c).map(([name, chart]) => [name, Testing.synth(chart)] as const);

  test.each(all)('chart %s matches its snapshot and every object is schema-valid', (_name, objs) => {
    expectValidManifests([...objs]);
    expect(objs).toMatchSnapshot();
  });

  test('every workload calls across namespaces only as declared', () => {
    const objs = all.flatMap(([, o]) => o);
    const ap = (ns: string, name: string) => objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === ns && o.metadata.name === name);
    expect(ap('payments', 'payments').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/shop/sa/checkout']);
    expect(ap('shop-data', 'orders-db').spec.rules[0].from[0].source.principals).toEqual([
      'cluster.local/ns/payments/sa/payments',
      'cluster.local/ns/shop-data/sa/nightly-report',
      'cluster.local/ns/shop/sa/checkout',
      'cluster.local/ns/shop/sa/fulfillment',
    ]);
    // The worker and the nightly job serve nothing and call only the orders database; only
    // Prometheus reaches them, on their metrics port, through a metrics-only headless Service.
    const np = (ns: string, name: string) => objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === name).spec;
    for (const [ns, name] of [['shop', 'fulfillment'], ['shop-data', 'nightly-report']]) {
      expect(np(ns, name).ingress).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ protocol: 'TCP', port: 9090 }],
      }]);
      expect(np(ns, name).egress.slice(1).filter((r: any) => !r.to[0].ipBlock).map((r: any) => r.to[0].podSelector.matchLabels['app.kubernetes.io/instance'])).toEqual(['orders-db']);
      expect(ap(ns, name).spec.rules).toEqual([{ from: [{ source: { principals: ['cluster.local/ns/monitoring/sa/prometheus-k8s'] } }], to: [{ operation: { ports: ['9090'] } }] }]);
      const svc = objs.find((o) => o.kind === 'Service' && o.metadata.namespace === ns && o.metadata.name === name);
      expect(svc.spec.clusterIP).toBe('None');
      expect(svc.spec.ports.map((p: any) => p.name)).toEqual(['metrics']);
      expect(objs.some((o) => o.kind === 'ServiceMonitor' && o.metadata.namespace === ns && o.metadata.name === name)).toBe(true);
    }
    // The worker reads one ConfigMap through the API: egress to the API server's endpoints, its alone.
    expect(np('shop', 'fulfillment').egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.1.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('10.0.0.10/32')).map((o) => o.metadata.name)).toEqual(['fulfillment']);
    // Payments has one cloud identity (EKS Pod Identity): egress to the node's Pod Identity Agent on
    // TCP 80, in its own policy only, past the Istio sidecar.
    expect(np('payments', 'payments').egress).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] });
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes('169.254.170.23/32')).map((o) => o.metadata.name)).toEqual(['payments']);
    const paymentsPods = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'payments').spec.template.metadata.annotations;
    expect(paymentsPods['traffic.sidecar.istio.io/excludeOutboundIPRanges']).toBe('169.254.170.23/32');
    // Internet traffic enters through the shop's own Gateway: HTTPS with a cert-manager certificate,
    // port 80 only redirecting; the frontend admits the gateway's pods (their mesh identity) alone.
    expect(ap('shop-web', 'frontend').spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/shop-web/sa/public-istio']);
    const gateway = objs.find((o) => o.kind === 'Gateway' && o.metadata.namespace === 'shop-web' && o.metadata.name === 'public');
    const https = gateway.spec.listeners.filter((l: any) => l.protocol === 'HTTPS');
    expect(https.map((l: any) => [l.hostname, l.port, l.tls.mode])).toEqual([['shop.example.com', 443, 'Terminate']]);
    const certificate = objs.find((o) => o.kind === 'Certificate' && o.metadata.namespace === 'shop-web' && o.spec.secretName === https[0].tls.certificateRefs[0].name);
    expect(certificate.spec.dnsNames).toEqual(['shop.example.com']);
    expect(certificate.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
    const routes = objs.filter((o) => o.kind === 'HTTPRoute');
    const served = routes.filter((r) => r.spec.rules.some((rule: any) => (rule.backendRefs ?? []).length > 0));
    expect(served.map((r) => [r.metadata.namespace, r.spec.hostnames, r.spec.rules[0].backendRefs.map((b: any) => `${b.name}:${b.port}`)])).toEqual([
      ['shop-web', ['shop.example.com'], ['frontend:8080']],
    ]);
    // Every other route only redirects to https.
    for (const r of routes.filter((x) => !served.includes(x))) {
      expect(r.spec.rules.flatMap((rule: any) => rule.filters.map((f: any) => [f.type, f.requestRedirect.scheme, f.requestRedirect.statusCode]))).toEqual([['RequestRedirect', 'https', 301]]);
    }
    const egress = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'shop' && o.metadata.name === 'checkout').spec.egress;
    expect(egress.slice(1).map((r: any) => r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['payments', 'shop-data']);
  });

  test('synthesizes one stable file per namespace and prints a summary', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-'));
    const app: App = shopApp({ outdir });
    app.synth();
    expect(fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort()).toEqual(['payments.k8s.yaml', 'shop-data.k8s.yaml', 'shop-platform.k8s.yaml', 'shop-web.k8s.yaml', 'shop.k8s.yaml']);
    // The audit and the reachability proof ran as part of the synth and wrote their reports.
    expect(JSON.parse(fs.readFileSync(path.join(`${outdir}-reports`, 'security-audit.json'), 'utf-8')).summary).toEqual({ objects: 200, violations: 0, warnings: 0, acknowledged: 19, passed: true });
    const report = fs.readFileSync(path.join(`${outdir}-reports`, 'reachability.md'), 'utf-8');
    expect(report).toContain('0 extra (undeclared) and 0 missing (declared but blocked)');
    // The cloud identity's single path: payments to the EKS Pod Identity Agent, nothing else reaches it.
    expect(report).toContain('cidr 169.254.170.23/32');
    const check = app.node.findAll().find((x): x is ReachabilityCheck => x instanceof ReachabilityCheck)!;
    expect(check.result!.edges.filter((e) => e.to.includes('169.254.170.23')).map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
      ['payments/payments', 'cidr 169.254.170.23/32', ['TCP/80'], true],
    ]);
    const first = fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf-8');
    const again = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-'));
    shopApp({ outdir: again }).synth();
    expect(fs.readFileSync(path.join(again, 'shop.k8s.yaml'), 'utf-8')).toEqual(first);
    expectValidManifests(Yaml.load(path.join(outdir, 'payments.k8s.yaml')));
    const summary = summarize(app);
    expect(summary).toMatch(/^Wrote 5 manifest files to .*: payments\.k8s\.yaml, shop-data\.k8s\.yaml, shop-platform\.k8s\.yaml, shop-web\.k8s\.yaml, shop\.k8s\.yaml\n200 objects: /);
    expect(summary).toContain('Security audit: PASSED — 200 objects, 0 violations, 19 acknowledged, 0 warnings');
    expect(summary).toContain('Reachability: 30 paths connect (14 of them infrastructure: DNS, mesh control plane); 0 extra (undeclared) and 0 missing (declared but blocked).');
    // The RBAC proof ran too: every dangerous capability of the app is declared (a grant with a reason).
    expect(summary).toMatch(/RBAC proof: \d+ subjects, \d+ hold dangerous capabilities \(\d+ held\), 0 undeclared\./);
    const rbac = JSON.parse(fs.readFileSync(path.join(`${outdir}-reports`, 'rbac.json'), 'utf-8'));
    expect(rbac.summary.undeclared).toBe(0);
    expect(rbac.summary.held).toBeGreaterThan(0);
    expect(summary).toContain('Deployment×4');
    expect(summary).toContain('CronJob×1');
    expect(summary).toContain('StatefulSet×1');
    expect(summary).toContain('Namespace×4');
  });
});
