import { Chart, Testing } from 'cdk8s';
import {
  DnsPolicy, ExternalService, LeastPrivilegeServiceAccount, Mesh, MtlsService, NetworkPeer, NetworkPort, RuleIds, SecureNamespace,
  SecureNamespaceProps, SecureWorker, SecurityAudit, WorkloadIdentity,
} from '../src';
import { synthAndValidate } from './util/schema';

const ACK = `ack.cdk8s-secure-baseline.io/${RuleIds.MESH_ISTIO_EGRESS}`;
const REASON = 'Partner SFTP hosts change weekly and have no stable names; approved by security (SEC-142), egress gateway planned';

function setup(props: Partial<SecureNamespaceProps> = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop', mesh: Mesh.istio(), ...props });
  return { app, chart, ns };
}

const sidecars = (objs: any[]) => objs.filter((o) => o.kind === 'Sidecar');
const entries = (objs: any[]) => objs.filter((o) => o.kind === 'ServiceEntry');
const errors = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged && f.severity === 'error').map((f) => `${f.ruleId} ${f.message}`);

describe('Istio (sidecar): mesh egress is default-deny per namespace', () => {
  test('a namespace-wide Sidecar "default" with REGISTRY_ONLY that sees the cluster\'s Services', () => {
    const { chart } = setup();
    const objs = synthAndValidate(chart);
    expect(sidecars(objs)).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'shop' },
      spec: { egress: [{ hosts: ['*/*.svc.cluster.local'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    }]);
    expect(errors(objs)).toEqual([]);
  });

  test('the cluster domain and a revision are honoured', () => {
    const { chart } = setup({ mesh: Mesh.istio({ revision: '1-24' }), clusterDomain: 'corp.internal' });
    expect(sidecars(synthAndValidate(chart))[0].spec.egress).toEqual([{ hosts: ['*/*.svc.corp.internal'] }]);
  });

  test('workload Sidecars take precedence for their pods: exactly one Sidecar has no workloadSelector', () => {
    const { chart, ns } = setup();
    const payments = new MtlsService(ns, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443 });
    payments.allowEgressTo(ExternalService.https('api.stripe.com'));
    new SecureWorker(ns, 'mailer', { image: 'ghcr.io/acme/mailer:1.0.0' });
    const objs = synthAndValidate(chart);
    expect(sidecars(objs).map((s) => [s.metadata.name, s.spec.workloadSelector ?? null, s.spec.outboundTrafficPolicy.mode])).toEqual([
      ['default', null, 'REGISTRY_ONLY'],
      ['payments', { labels: { 'app.kubernetes.io/instance': 'payments' } }, 'REGISTRY_ONLY'],
    ]);
    // The workload's external host is not visible to the rest of the namespace.
    expect(sidecars(objs)[0].spec.egress).toEqual([{ hosts: ['*/*.svc.cluster.local'] }]);
    expect(errors(objs)).toEqual([]);
  });

  test('CIDR egress of the namespace is registered (ServiceEntry by address, TCP ports) and seen by the namespace Sidecar; in-cluster peers and UDP are not', () => {
    const { chart, ns } = setup();
    ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcp(443), NetworkPort.tcp(8443), NetworkPort.tcp(443)]);
    ns.allowEgressTo(NetworkPeer.namespace('kube-system'), [NetworkPort.tcp(9153)]);
    ns.allowEgressTo(NetworkPeer.cidr('2001:db8::/32'), [NetworkPort.udp(514)]);
    ns.allowEgressTo(NetworkPeer.cidr('10.20.0.0/16'), [NetworkPort.tcp(5432), NetworkPort.udp(5432)]);
    const objs = synthAndValidate(chart);
    expect(entries(objs)).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'allow-egress-0', namespace: 'shop' },
        spec: {
          hosts: ['allow-egress-0.shop.invalid'],
          addresses: ['203.0.113.0/24'],
          exportTo: ['.'],
          location: 'MESH_EXTERNAL',
          resolution: 'NONE',
          ports: [{ number: 443, name: 'tcp-443', protocol: 'TCP' }, { number: 8443, name: 'tcp-8443', protocol: 'TCP' }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'allow-egress-3', namespace: 'shop' },
        spec: {
          hosts: ['allow-egress-3.shop.invalid'],
          addresses: ['10.20.0.0/16'],
          exportTo: ['.'],
          location: 'MESH_EXTERNAL',
          resolution: 'NONE',
          ports: [{ number: 5432, name: 'tcp-5432', protocol: 'TCP' }],
        },
      },
    ]);
    expect(sidecars(objs)[0].spec.egress).toEqual([{ hosts: ['*/*.svc.cluster.local', './allow-egress-0.shop.invalid', './allow-egress-3.shop.invalid'] }]);
  });

  test('NodeLocal DNSCache\'s link-local address is registered for DNS over TCP (the sidecar does not capture UDP)', () => {
    const { chart } = setup({ dns: DnsPolicy.nodeLocal() });
    const objs = synthAndValidate(chart);
    expect(entries(objs).map((e) => [e.metadata.name, e.spec.hosts, e.spec.addresses, e.spec.ports])).toEqual([
      ['dns', ['dns.shop.invalid'], ['169.254.20.10/32'], [{ number: 53, name: 'tcp-53', protocol: 'TCP' }]],
    ]);
    expect(sidecars(objs)[0].spec.egress[0].hosts).toEqual(['*/*.svc.cluster.local', './dns.shop.invalid']);
  });

  test('a TCP port range cannot be registered and is refused', () => {
    const { ns } = setup();
    expect(() => ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcpRange(30000, 30100)])).toThrow(
      'test/ns: egress to 203.0.113.0/24 on TCP ports 30000-30100 cannot be registered with Istio, whose REGISTRY_ONLY outbound policy (the namespace default) drops destinations outside the cluster that it does not know: a ServiceEntry names single ports. '
      + 'Fix: list the ports one by one (NetworkPort.tcp(port)), or set `meshEgressAllowAnyReason` on the SecureNamespace to let the mesh pass any destination');
  });

  test('a cloud identity\'s token endpoint outside the node is registered; a node-local one is left to the pod annotation', () => {
    const { chart, ns } = setup();
    const irsa = new LeastPrivilegeServiceAccount(ns, 'reporter-sa', {
      name: 'reporter', workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn: 'arn:aws:iam::123456789012:role/reporter', stsEndpointCidrs: ['10.0.40.12/32', '10.0.41.12/32'] }),
    });
    new SecureWorker(ns, 'reporter', { image: 'ghcr.io/acme/reporter:1.0.0', serviceAccount: irsa });
    const pod = new LeastPrivilegeServiceAccount(ns, 'billing-sa', { name: 'billing', workloadIdentity: WorkloadIdentity.eksPodIdentity({ roleArn: 'arn:aws:iam::123456789012:role/billing' }) });
    new SecureWorker(ns, 'billing', { image: 'ghcr.io/acme/billing:1.0.0', serviceAccount: pod });
    const objs = synthAndValidate(chart);
    expect(entries(objs).map((e) => [e.metadata.name, e.spec.addresses, e.spec.ports])).toEqual([
      ['token-exchange.reporter', ['10.0.40.12/32', '10.0.41.12/32'], [{ number: 443, name: 'tcp-443', protocol: 'TCP' }]],
    ]);
    expect(sidecars(objs)[0].spec.egress[0].hosts).toEqual(['*/*.svc.cluster.local', './token-exchange.reporter.shop.invalid']);
  });
});

describe('opting out: meshEgressAllowAnyReason', () => {
  test('the namespace Sidecar says ALLOW_ANY, acknowledged with the reason; no address entries are needed', () => {
    const { chart, ns } = setup({ meshEgressAllowAnyReason: REASON });
    ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcpRange(30000, 30100)]);
    const objs = synthAndValidate(chart);
    expect(sidecars(objs)).toEqual([{
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'shop', annotations: { [ACK]: REASON } },
      spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } },
    }]);
    expect(entries(objs)).toEqual([]);
    const found = SecurityAudit.auditManifests(objs).findings.filter((f) => f.ruleId === RuleIds.MESH_ISTIO_EGRESS);
    expect(found.map((f) => [f.resource?.name, f.acknowledged, f.acknowledgement?.reason])).toEqual([['default', true, REASON]]);
    expect(errors(objs)).toEqual([]);
  });

  test('a trivial reason is refused', () => {
    expect(() => setup({ meshEgressAllowAnyReason: 'because' })).toThrow(
      'test/ns: the reason for letting the mesh pass traffic to any destination outside the cluster (ALLOW_ANY) "because" is empty or trivial');
  });

  test.each([
    ['Linkerd', Mesh.linkerd(), 'Linkerd'],
    ['Istio ambient', Mesh.istio({ ambient: true }), 'Istio (ambient)'],
    ['no mesh', Mesh.none(), 'no mesh (cert-manager TLS)'],
  ])('%s: no mesh egress control, no Sidecar; the opt-out is refused', (_name, mesh, display) => {
    const { chart, ns } = setup({ mesh });
    ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcpRange(30000, 30100)]);
    const objs = synthAndValidate(chart);
    expect([...sidecars(objs), ...entries(objs)]).toEqual([]);
    expect(() => setup({ mesh, meshEgressAllowAnyReason: REASON })).toThrow(
      `test/ns: meshEgressAllowAnyReason is set but ${display} does not restrict egress by destination. `
      + 'Fix: remove meshEgressAllowAnyReason: only Istio in sidecar mode does; here the NetworkPolicies alone hold egress to what is declared');
  });
});

test('snapshot: the namespace\'s mesh egress objects', () => {
  const { chart, ns } = setup();
  ns.allowEgressTo(NetworkPeer.cidr('203.0.113.0/24'), [NetworkPort.tcp(443)]);
  expect(synthAndValidate(chart).filter((o) => ['Sidecar', 'ServiceEntry'].includes(o.kind))).toMatchSnapshot();
});
