import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { analyze, denyAll, deploy, np, ns } from './fixtures';
import { buildShop } from '../../examples/shop/app';
import { ExternalService, Mesh, MtlsService, Reachability, ReachabilityResult, SecureNamespace } from '../../src';
import { runReachabilityCli } from '../../src/reachability/cli';
import { synthAndValidate } from '../util/schema';

/** Non-infrastructure paths as `from -> to ports [addresses]`. */
function paths(r: ReachabilityResult): string[] {
  return r.edges.filter((e) => !e.infrastructure)
    .map((e) => `${e.from} -> ${e.to} ${e.ports.join(',')}${e.addresses ? ` [${e.addresses.join('; ')}]` : ''}${e.extra ? ' extra' : ''}`);
}

const SHOP_PATHS = [
  // The API server's endpoints are inside the cluster: the gateway admits every address, theirs
  // too, and that path stays apart from the internet's.
  'api-server -> shop-web/public-istio TCP/80,TCP/443',
  // internet → gateway → frontend: every address outside the cluster, in one path.
  'internet -> shop-web/public-istio TCP/80,TCP/443 [0.0.0.0/0 except 10.0.0.10/32, 10.0.1.10/32; ::/0]',
  'monitoring/prometheus-k8s -> payments/payments TCP/9090',
  'monitoring/prometheus-k8s -> shop-data/nightly-report TCP/9090',
  'monitoring/prometheus-k8s -> shop/checkout TCP/9090',
  'monitoring/prometheus-k8s -> shop/fulfillment TCP/9090',
  // payments → the card processor, by name.
  'payments/payments -> api.cardprocessor.example (203.0.113.0/24) TCP/443',
  // The EKS Pod Identity Agent (payments' cloud identity).
  'payments/payments -> cidr 169.254.170.23/32 TCP/80',
  'payments/payments -> shop-data/orders-db TCP/5432',
  'shop-data/nightly-report -> shop-data/orders-db TCP/5432',
  'shop-web/frontend -> shop/checkout TCP/8443',
  'shop-web/public-istio -> shop-web/frontend TCP/8080',
  'shop/checkout -> payments/payments TCP/8443',
  'shop/checkout -> shop-data/orders-db TCP/5432',
  'shop/fulfillment -> api-server TCP/443',
  'shop/fulfillment -> shop-data/orders-db TCP/5432',
];

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runReachabilityCli(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('the example shop: north-south paths', () => {
  const app = Testing.app();
  const charts = buildShop(app);
  Object.values(charts).forEach((c) => synthAndValidate(c));
  const inApp = Reachability.analyze(app);

  test('in process: exactly the declared paths, internet → gateway in one path, the external API by name; 0 extra, 0 missing', () => {
    expect(paths(inApp)).toEqual(SHOP_PATHS);
    expect(inApp.extraPaths).toEqual([]);
    expect(inApp.missingPaths).toEqual([]);
    expect(inApp.edges.every((e) => e.declared && !e.extra)).toBe(true);
    expect(inApp.endpoints.find((e) => e.id === 'api.cardprocessor.example (203.0.113.0/24)')).toEqual({
      id: 'api.cardprocessor.example (203.0.113.0/24)', kind: 'cidr', name: 'api.cardprocessor.example (203.0.113.0/24)', managed: false, ranges: ['203.0.113.0/24'],
    });
    const md = inApp.toMarkdown();
    expect(md).toContain('0 extra (undeclared) and 0 missing (declared but blocked)');
    expect(md).toContain('[2] api.cardprocessor.example (203.0.113.0/24) (cidr)');
    expect(md).toContain('"+1" internet stands for 0.0.0.0/0 except 10.0.0.10/32, 10.0.1.10/32; ::/0');
  });

  test('from the synthesized YAML, through the CLI: the same paths, the same names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'north-south-'));
    const yamlApp = new App({ outdir: dir });
    buildShop(yamlApp);
    yamlApp.synth();
    const api = ['--api-server', '10.0.0.10/32:443', '--api-server', '10.0.1.10/32:443'];
    const json = cli([dir, '--format', 'json', ...api]);
    expect(json.code).toBe(0);
    const fromYaml = JSON.parse(json.out);
    expect(fromYaml.extraPaths).toEqual([]);
    expect(fromYaml.missingPaths).toEqual([]);
    expect(fromYaml.edges).toEqual(JSON.parse(JSON.stringify(inApp.edges)));
    expect(cli([dir, '--format', 'mermaid', ...api]).out).toContain('(("api.cardprocessor.example (203.0.113.0/24)"))');
    expect(cli([dir, '--format', 'dot', ...api]).out).toContain('"payments/payments" -> "api.cardprocessor.example (203.0.113.0/24)" [label="TCP/443"];');
    expect(cli([dir, ...api]).out).toContain('internet                  | .       | .       | .      | .         | .             | .        | .        | .        | .        | TCP/80 TCP/443 +1');
    fs.rmSync(dir, { recursive: true });
  });
});

/** Namespace a, default-deny, workload x; `policies` as given. */
function workload(...policies: any[]): ReachabilityResult {
  return analyze([ns('a'), denyAll('a'), deploy('a', 'x', { ports: [{ containerPort: 443, protocol: 'TCP' }, { containerPort: 8080, protocol: 'TCP' }] }), ...policies]);
}
/** A policy the library generates (its rules are the declared intent). */
function declared(name: string, spec: any): any {
  const p = np('a', name, spec);
  p.metadata.labels = { 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' };
  return p;
}
const from = (...peers: any[]) => (port: number) => ({ from: peers, ports: [{ protocol: 'TCP', port }] });
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });
const EVERYONE = from(block('0.0.0.0/0'), block('::/0'));
const x = { podSelector: { matchLabels: { app: 'x' } } };

describe('addresses outside the cluster: one path from or to internet, never hiding what differs', () => {
  test('an undeclared opening to one CIDR next to a declared internet-wide rule stays its own extra path', () => {
    const r = workload(
      declared('x', { ...x, policyTypes: ['Ingress'], ingress: [EVERYONE(443)] }),
      np('a', 'by-hand', { ...x, policyTypes: ['Ingress'], ingress: [from(block('198.51.100.0/24'))(8080)] }),
    );
    expect(paths(r)).toEqual([
      'cidr 198.51.100.0/24 -> a/x TCP/443,TCP/8080 extra',
      // The metadata endpoints, as senders admitted with everyone else, fold in.
      'internet -> a/x TCP/443 [0.0.0.0/0 except 198.51.100.0/24; ::/0]',
    ]);
    expect(r.extraPaths.map((e) => [e.from, e.to, e.layer, e.ports.join(','), e.addresses])).toEqual([
      ['cidr 198.51.100.0/24', 'a/x', 'effective', 'TCP/8080', undefined],
    ]);
  });

  test('a declared opening to one CIDR next to an undeclared internet-wide rule: the aggregate is the extra path, the CIDR stays declared', () => {
    const r = workload(
      declared('x', { ...x, policyTypes: ['Ingress'], ingress: [from(block('198.51.100.0/24'))(443)] }),
      np('a', 'by-hand', { ...x, policyTypes: ['Ingress'], ingress: [EVERYONE(443)] }),
    );
    expect(paths(r)).toEqual([
      'cidr 198.51.100.0/24 -> a/x TCP/443',
      'internet -> a/x TCP/443 [0.0.0.0/0 except 198.51.100.0/24; ::/0] extra',
    ]);
    expect(r.extraPaths.map((e) => e.message)).toEqual([
      'internet reaches a/x on TCP/443 but nothing declares it (NetworkPolicy and no mesh both let it through); internet here is 0.0.0.0/0 except 198.51.100.0/24; ::/0',
    ]);
    expect(r.extraPaths[0].addresses).toEqual(['0.0.0.0/0 except 198.51.100.0/24', '::/0']);
  });

  test('egress to 0.0.0.0/0 and ::/0 without except: the metadata endpoints stay destinations of their own', () => {
    const r = workload(np('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [block('0.0.0.0/0'), block('::/0')], ports: [{ protocol: 'TCP', port: 443 }] }] }));
    expect(paths(r)).toEqual([
      'a/x -> cidr 169.254.169.254/32 TCP/443 extra',
      'a/x -> cidr fd00:ec2::254/128 TCP/443 extra',
      'a/x -> internet TCP/443 [0.0.0.0/0 except 169.254.169.254/32; ::/0 except fd00:ec2::254/128] extra',
    ]);
    expect(r.extraPaths.map((e) => e.message)).toEqual([
      'a/x reaches cidr 169.254.169.254/32 on TCP/443 but nothing declares it (NetworkPolicy and no mesh both let it through)',
      'a/x reaches cidr fd00:ec2::254/128 on TCP/443 but nothing declares it (NetworkPolicy and no mesh both let it through)',
      'a/x reaches internet on TCP/443 but nothing declares it (NetworkPolicy and no mesh both let it through); internet here is 0.0.0.0/0 except 169.254.169.254/32; ::/0 except fd00:ec2::254/128',
    ]);
  });

  test('egress to 0.0.0.0/0 alone (no IPv6) does not reach every address outside the cluster: nothing folds', () => {
    const r = workload(np('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [block('0.0.0.0/0')], ports: [{ protocol: 'TCP', port: 443 }] }] }));
    expect(paths(r)).toEqual(['a/x -> cidr 169.254.169.254/32 TCP/443 extra', 'a/x -> internet TCP/443 extra']);
    expect(r.endpoints.find((e) => e.id === 'internet')!.ranges).toEqual(['0.0.0.0/0 except 169.254.169.254/32']);
  });

  test('0.0.0.0/0 except 10.0.0.0/8 (and ::/0) leaves 10.0.0.0/8 out: no path folds into internet, each class keeps its own', () => {
    const r = workload(declared('x', { ...x, policyTypes: ['Ingress'], ingress: [from(block('0.0.0.0/0', ['10.0.0.0/8']), block('::/0'))(443)] }));
    expect(paths(r)).toEqual([
      'cidr ::/0 except fd00:ec2::254/128 -> a/x TCP/443',
      'cidr 169.254.169.254/32 -> a/x TCP/443',
      'cidr fd00:ec2::254/128 -> a/x TCP/443',
      'internet -> a/x TCP/443',
    ]);
    expect(r.endpoints.find((e) => e.id === 'internet')!.ranges).toEqual(['0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32']);
    expect(r.edges.some((e) => e.from === 'cidr 10.0.0.0/8')).toBe(false);
  });

  test('a declared internet-wide path that the mesh blocks is one missing path from internet', () => {
    const r = analyze([
      ns('a', { 'istio-injection': 'enabled' }), denyAll('a'), deploy('a', 'x', { ports: [{ containerPort: 443, protocol: 'TCP' }] }),
      declared('x', { ...x, policyTypes: ['Ingress'], ingress: [EVERYONE(443)] }),
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } },
    ]);
    expect(r.missingPaths.map((m) => [m.from, m.to, m.ports.join(','), m.blockedBy.join(','), m.addresses])).toEqual([
      ['internet', 'a/x', 'TCP/443', 'mesh', ['0.0.0.0/0', '::/0']],
    ]);
    expect(r.missingPaths[0].message).toMatch(/^internet → a\/x on TCP\/443 is declared \(NetworkPolicy a\/x\) but blocked: .*; internet here is 0\.0\.0\.0\/0; ::\/0$/);
  });
});

describe('external services by name', () => {
  /** A workload calling two hosts on one port, each with its own range. */
  function twoHosts(): { app: App; objects: any[] } {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const space = new SecureNamespace(chart, 'ns', { name: 'pay', mesh: Mesh.istio() });
    const svc = new MtlsService(space, 'pay', { image: 'ghcr.io/acme/pay:1.0.0', port: 8443 });
    svc.allowEgressTo(ExternalService.https('api.one.example', { cidrs: ['198.51.100.0/24'] }));
    svc.allowEgressTo(ExternalService.https('api.two.example', { cidrs: ['192.0.2.0/24'] }));
    return { app, objects: synthAndValidate(chart) };
  }

  test('in process the constructs say which range is which host; from YAML two hosts on one port are not told apart (no guess)', () => {
    const { app, objects } = twoHosts();
    const external = (r: ReachabilityResult) => r.edges.filter((e) => e.from === 'pay/pay' && e.ports.join() === 'TCP/443').map((e) => e.to);
    expect(external(Reachability.analyze(app))).toEqual(['api.one.example (198.51.100.0/24)', 'api.two.example (192.0.2.0/24)']);
    expect(external(Reachability.fromManifests(objects))).toEqual(['cidr 192.0.2.0/24', 'cidr 198.51.100.0/24']);
  });

  test('from YAML, a host is named once its ServiceEntry, the Sidecar and the policy rule match one to one', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const space = new SecureNamespace(chart, 'ns', { name: 'pay', mesh: Mesh.istio() });
    const svc = new MtlsService(space, 'pay', { image: 'ghcr.io/acme/pay:1.0.0', port: 8443 });
    svc.allowEgressTo(ExternalService.https('api.one.example', { cidrs: ['198.51.100.0/25', '198.51.100.128/25'] }));
    const r = Reachability.fromManifests(synthAndValidate(chart));
    expect(r.edges.filter((e) => e.from === 'pay/pay' && !e.infrastructure).map((e) => `${e.to} ${e.ports.join(',')}`))
      // Each ipBlock is a class of its own: both are named after the host.
      .toEqual(['api.one.example (198.51.100.0/25) TCP/443', 'api.one.example (198.51.100.128/25) TCP/443']);
  });
});
