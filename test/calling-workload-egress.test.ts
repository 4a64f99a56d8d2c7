import { Chart, Cron, Testing } from 'cdk8s';
import {
  CallingWorkload, ExternalService, Mesh, Reachability, RuleIds, SecureCronJob, SecureJob, SecureNamespace, SecureWorker, SecurityAudit,
} from '../src';
import { synthAndValidate } from './util/schema';

const PUBLIC = [
  { ipBlock: { cidr: '0.0.0.0/0', except: ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
  { ipBlock: { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] } },
];

/** Every workload that nobody calls shares CallingWorkload.allowEgressTo (and WorkloadCore's code path). */
const KINDS: Array<[string, (ns: SecureNamespace) => CallingWorkload]> = [
  ['SecureWorker', (ns) => new SecureWorker(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0' })],
  ['SecureJob', (ns) => new SecureJob(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0' })],
  ['SecureCronJob', (ns) => new SecureCronJob(ns, 'caller', { image: 'ghcr.io/acme/caller:1.0.0', schedule: Cron.daily() })],
];

function setup(make: (ns: SecureNamespace) => CallingWorkload, mesh: Mesh = Mesh.istio()) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh });
  const caller = make(ns);
  const sibling = new SecureWorker(ns, 'sibling', { image: 'ghcr.io/acme/sibling:1.0.0' });
  return { app, chart, ns, caller, sibling };
}

const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
// Workers and Jobs without probes get the probe warnings; nothing else may be reported.
const unacknowledged = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged && !f.ruleId.endsWith('-PROBE')).map((f) => `${f.ruleId} ${f.message}`);

describe.each(KINDS)('%s.allowEgressTo(ExternalService)', (_kind, make) => {
  test('Istio (sidecar): a ServiceEntry, a REGISTRY_ONLY Sidecar for this workload only, its NetworkPolicy opens the port; audit and proof agree', () => {
    const { app, chart, caller } = setup(make);
    caller.allowEgressTo(ExternalService.https('api.stripe.com'));
    caller.allowEgressTo(ExternalService.https('api.stripe.com'));
    expect(caller.declaredExternalEgress).toEqual(['api.stripe.com:443']);
    const objs = synthAndValidate(chart);
    expect(find(objs, 'ServiceEntry', 'api.stripe.com').spec).toEqual({
      hosts: ['api.stripe.com'], exportTo: ['.'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
    });
    expect(find(objs, 'Sidecar', 'caller').spec).toEqual({
      workloadSelector: { labels: { 'app.kubernetes.io/instance': 'caller' } },
      egress: [{ hosts: ['*/*.svc.cluster.local', './api.stripe.com'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    const policy = find(objs, 'NetworkPolicy', 'caller');
    expect(policy.spec.egress.slice(1)).toEqual([{ to: PUBLIC, ports: [{ protocol: 'TCP', port: 443 }] }]);
    expect(policy.metadata.annotations[`ack.cdk8s-secure-baseline.io/${RuleIds.NET_POLICY_INTERNET}`]).toMatch(/^shop\/caller calls api\.stripe\.com:443 by name/);
    // The sibling gets nothing: no Sidecar of its own, no external egress.
    expect(find(objs, 'Sidecar', 'sibling')).toBeUndefined();
    expect(find(objs, 'NetworkPolicy', 'sibling').spec.egress).toHaveLength(1);
    expect(unacknowledged(objs)).toEqual([]);
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      const external = r.edges.filter((e) => e.to === 'internet' || e.to.startsWith('cidr '));
      expect(external.map((e) => [e.from, e.to, e.ports, e.declared])).toEqual([
        ['shop/caller', 'cidr ::/0 except ::1/128, fc00::/7, fe80::/10', ['TCP/443'], true],
        ['shop/caller', 'internet', ['TCP/443'], true],
      ]);
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
  });

  test('Linkerd: the cidrs, exactly, and no mesh objects; without cidrs it is refused', () => {
    const { chart, caller } = setup(make, Mesh.linkerd());
    caller.allowEgressTo(ExternalService.tls('db.example.com', 5432, { cidrs: ['198.51.100.0/24'] }));
    const objs = synthAndValidate(chart);
    expect(find(objs, 'NetworkPolicy', 'caller').spec.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(objs.filter((o) => o.kind === 'ServiceEntry' || o.kind === 'Sidecar')).toEqual([]);
    expect(unacknowledged(objs)).toEqual([]);
    expect(() => setup(make, Mesh.linkerd()).caller.allowEgressTo(ExternalService.https('api.stripe.com'))).toThrow(
      'shop/shop/caller: allowEgressTo(ExternalService "api.stripe.com") gives no cidrs, and Linkerd cannot restrict egress by host name while a NetworkPolicy cannot name hosts. '
      + 'Fix: give the address ranges api.stripe.com resolves to, ExternalService.https("api.stripe.com", { cidrs: [...] }), which the NetworkPolicy opens exactly; '
      + 'or enrol the namespace in Mesh.istio() (sidecar mode), which narrows egress to the host');
  });

  test('the same refusals as MtlsService: a wildcard host', () => {
    expect(() => setup(make).caller.allowEgressTo(ExternalService.https('*.stripe.com'))).toThrow(
      'shop/shop/caller: allowEgressTo(ExternalService "*.stripe.com") host "*.stripe.com" is a wildcard');
  });
});

test('a SecureJob that calls an external API keeps its native sidecar, and its Sidecar selects its pods', () => {
  const { chart, caller } = setup(KINDS[1][1]);
  caller.allowEgressTo(ExternalService.https('hooks.slack.com'));
  const objs = synthAndValidate(chart);
  const job = find(objs, 'Job', 'caller');
  expect(job.spec.template.metadata.annotations['sidecar.istio.io/nativeSidecar']).toBe('true');
  expect(job.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('caller');
  expect(find(objs, 'Sidecar', 'caller').spec.workloadSelector).toEqual({ labels: { 'app.kubernetes.io/instance': 'caller' } });
});
