import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  ApiServerEndpoint, EndpointKind, LeastPrivilegeServiceAccount, Mesh, NetworkPeer, NetworkPort, Reachability, SecureNamespace, SecureWorker,
  SecurityAudit,
} from '../../src';
import { runReachabilityCli } from '../../src/reachability/cli';

const API = ApiServerEndpoint.cidrs(['10.0.0.10/32', '10.0.1.10/32'], 443);

function setup(apiServer: ApiServerEndpoint | null = API, mesh = Mesh.istio()) {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh, apiServer: apiServer ?? undefined });
  return { app, chart, ns };
}

function worker(ns: SecureNamespace, name: string, grant = false) {
  const w = new SecureWorker(ns, name, { image: `ghcr.io/acme/${name}:1.0.0` });
  if (grant) w.serviceAccount.grantReadConfigMap(`${name}-settings`);
  return w;
}

const policy = (objs: any[], name: string) => objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);

describe('ApiServerEndpoint on SecureNamespace', () => {
  test('bad endpoints fail synth with path, value and fix', () => {
    const mk = (a: ApiServerEndpoint) => () => setup(a);
    expect(mk(ApiServerEndpoint.cidrs([], 443))).toThrow('test/shop: apiServer names no address. Fix: list the addresses of the default/kubernetes EndpointSlice, e.g. ApiServerEndpoint.cidrs(["10.0.0.10/32"], 443)');
    expect(mk(ApiServerEndpoint.cidrs(['10.0.0.300/32'], 443))).toThrow('test/shop: apiServer "10.0.0.300/32" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with a prefix length');
    expect(mk(ApiServerEndpoint.cidrs(['10.0.0.10/32'], 0))).toThrow('test/shop: apiServer port 0 is out of range. Fix: use an integer port from 1 to 65535');
    expect(mk(ApiServerEndpoint.cidrs(['169.254.169.254/32'], 443))).toThrow('test/shop: apiServer "169.254.169.254/32" is the cloud metadata endpoint. Fix: workloads must not reach the instance metadata service');
    expect(mk(ApiServerEndpoint.cidrs(['10.0.0.0/8'], 443))).toThrow('test/shop: apiServer "10.0.0.0/8" is wider than /16: the API server is a few addresses, not a network. Fix: list the addresses of the default/kubernetes EndpointSlice (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), /32 or /128 each');
    expect(mk(ApiServerEndpoint.cidrs(['fd00::/48'], 443))).toThrow('test/shop: apiServer "fd00::/48" is wider than /64');
    expect(API.description).toBe('10.0.0.10/32, 10.0.1.10/32 on TCP/443');
  });

  test('only the workload with API access gets egress to the API server, in its own NetworkPolicy', () => {
    const { chart, ns } = setup();
    worker(ns, 'fulfillment', true);
    worker(ns, 'mailer');
    const objs = Testing.synth(chart);
    expect(policy(objs, 'fulfillment').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.1.10/32' } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(JSON.stringify(policy(objs, 'mailer'))).not.toContain('10.0.0.10');
    for (const name of ['default-deny', 'allow-dns', 'allow-mesh-data-plane']) expect(JSON.stringify(policy(objs, name))).not.toContain('10.0.0.10');
  });

  test('a token for the API server\'s audience counts as API access; one for another audience does not', () => {
    const { chart, ns } = setup();
    const api = new SecureWorker(ns, 'operator', {
      image: 'ghcr.io/acme/op:1.0.0',
      serviceAccount: new LeastPrivilegeServiceAccount(ns, 'op', { apiToken: { audience: 'https://kubernetes.default.svc', reason: 'The operator reconciles its custom resources through the API' } }),
    });
    new SecureWorker(ns, 'vaulty', { image: 'ghcr.io/acme/v:1.0.0', serviceAccount: new LeastPrivilegeServiceAccount(ns, 'v', { apiToken: { audience: 'vault' } }) });
    expect(api.serviceAccount.apiAccess).toEqual(['an API token for audience "https://kubernetes.default.svc"']);
    const objs = Testing.synth(chart);
    expect(JSON.stringify(policy(objs, 'operator'))).toContain('10.0.0.10/32');
    expect(JSON.stringify(policy(objs, 'vaulty'))).not.toContain('10.0.0.10/32');
  });

  test('a workload with API access in a namespace without an API server endpoint fails synth, naming the grant and the fix', () => {
    const { chart, ns } = setup(null);
    const w = worker(ns, 'fulfillment', true);
    w.serviceAccount.bindClusterRole('view');
    expect(w.serviceAccount.apiAccess).toEqual(['get configmaps "fulfillment-settings" in shop', 'ClusterRole "view" in shop']);
    expect(() => Testing.synth(chart)).toThrow('test/shop/fulfillment: ServiceAccount "fulfillment" has Kubernetes API access (get configmaps "fulfillment-settings" in shop; ClusterRole "view" in shop) '
      + 'but namespace "shop" names no API server endpoint, so its default-deny blocks every API call. Fix: set `apiServer: ApiServerEndpoint.cidrs([...], port)` on the SecureNamespace '
      + 'with the addresses and port of the default/kubernetes EndpointSlice (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), or remove the grants the workload does not use');
  });
});

describe('Reachability of the API server', () => {
  test('in process: the API path is declared, an api-server endpoint, no findings', () => {
    const { app, ns } = setup();
    worker(ns, 'fulfillment', true);
    worker(ns, 'mailer');
    const r = Reachability.analyze(app);
    expect(r.endpoints.find((e) => e.id === 'api-server')).toMatchObject({ kind: EndpointKind.API_SERVER, ranges: ['10.0.0.10/32, 10.0.1.10/32'] });
    expect(r.edges.find((e) => e.to === 'api-server')).toMatchObject({ from: 'shop/fulfillment', ports: ['TCP/443'], declared: true, extra: false });
    expect(r.extraPaths).toEqual([]);
    expect(r.missingPaths).toEqual([]);
    expect(r.grantedButUnreachable).toEqual([]);
    expect(r.reachableButUngranted).toEqual([]);
    // The audit has nothing to say about the egress either.
    expect(SecurityAudit.auditManifests(app.charts.flatMap((c) => c.toJson())).findings.filter((f) => !f.acknowledged && f.severity === 'error')).toEqual([]);
  });

  test('from YAML: granted-but-unreachable and reachable-but-ungranted', () => {
    const { chart, ns } = setup();
    worker(ns, 'fulfillment', true);
    worker(ns, 'mailer');
    // Every pod of the namespace may reach 10.0.0.0/16 on 443: the mailer reaches the API server without any grant.
    ns.allowEgressTo(NetworkPeer.cidr('10.0.0.0/16'), [NetworkPort.tcp(443)]);
    const objs = Testing.synth(chart);
    const r = Reachability.fromManifests(objs, { apiServer: API });
    expect(r.grantedButUnreachable).toEqual([]);
    expect(r.reachableButUngranted).toEqual([{
      serviceAccount: 'shop/mailer',
      workloads: ['shop/mailer'],
      grants: [],
      message: 'shop/mailer can reach the API server (TCP/443) although ServiceAccount shop/mailer has no Kubernetes API access (no RBAC binding, no API token): narrow the egress that opens it, or grant what the workload calls the API for',
    }]);
    // Without the workload's own egress rule, the grant cannot be used.
    const cut = objs.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'fulfillment'
      ? { ...o, spec: { ...o.spec, egress: o.spec.egress.filter((e: any) => !JSON.stringify(e).includes('10.0.0.10')) } }
      : o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-egress' ? undefined : o)).filter((o) => o);
    const r2 = Reachability.fromManifests(cut, { apiServer: API });
    expect(r2.reachableButUngranted).toEqual([]);
    expect(r2.grantedButUnreachable).toEqual([{
      serviceAccount: 'shop/fulfillment',
      workloads: ['shop/fulfillment'],
      grants: ['RoleBinding shop/fulfillment (Role fulfillment)'],
      message: 'shop/fulfillment has Kubernetes API access (RoleBinding shop/fulfillment (Role fulfillment)) but shop/fulfillment cannot reach the API server (10.0.0.10/32, 10.0.1.10/32 on TCP/443): '
        + 'open egress to it for these pods (SecureNamespace apiServer does it for the workloads of this library), or remove the grants',
    }]);
    // Without a known API server, neither finding.
    expect(Reachability.fromManifests(cut).grantedButUnreachable).toEqual([]);
  });

  test('CLI --api-server CIDR[:PORT]', () => {
    const { chart, ns } = setup();
    worker(ns, 'fulfillment', true);
    worker(ns, 'mailer');
    ns.allowEgressTo(NetworkPeer.cidr('10.0.0.0/16'), [NetworkPort.tcp(443)]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-api-'));
    fs.writeFileSync(`${dir}/shop.yaml`, Testing.synth(chart).map((o) => JSON.stringify(o)).join('\n'));
    const run = (...args: string[]) => {
      let out = '';
      let err = '';
      const code = runReachabilityCli(['reachability', dir, ...args], { out: (s) => { out += s; }, err: (s) => { err += s; } });
      return { code, out, err };
    };
    expect(run().code).toBe(0); // unchanged without the option
    const r = run('--api-server', '10.0.0.10/32:443', '--api-server=10.0.1.10/32');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Reachable but ungranted API server (1):\n  shop/mailer can reach the API server (TCP/443)');
    expect(run('--api-server', '10.0.0.10/32:6443').code).toBe(0); // the mailer's 443 is not the API port
    const bad = run('--api-server', '10.0.0.10:443');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('--api-server must be CIDR[:PORT], e.g. 10.0.0.10/32:6443 or fd00::10/128:443 (got "10.0.0.10:443")\n');
    expect(run('--api-server', '10.0.0.10/32:70000').code).toBe(2);
  });
});
