import { Chart, JsonPatch, Testing } from 'cdk8s';
import {
  GkeDataplane, LeastPrivilegeServiceAccount, Mesh, NetworkPeer, NetworkPort, Reachability, RuleIds, SecureJob, SecureNamespace, SecureWorker,
  SecurityAudit, WorkloadIdentity, WorkloadIdentityProvider,
} from '../src';
import { synthAndValidate } from './util/schema';

const ROLE = 'arn:aws:iam::123456789012:role/shop-payments';
const EMAIL = 'payments@acme-shop.iam.gserviceaccount.com';
const CLIENT = '11111111-2222-3333-4444-555555555555';

interface Case {
  readonly name: string;
  readonly identity: () => WorkloadIdentity;
  /** The one egress rule the identity adds. */
  readonly rule: any;
  /** The edge target ids in the reachability graph. */
  readonly targets: string[];
  /**
   * Where the missing path goes once the policy no longer names the endpoint: the address class
   * that holds it (the internet, unless it is the metadata endpoint, which is always a node).
   */
  readonly blocked: string;
  /** Whether the endpoint is node-local (the sidecar must not intercept it). */
  readonly nodeLocal: boolean;
}

const CASES: Case[] = [
  {
    name: 'GKE Workload Identity (Dataplane V2)',
    identity: () => WorkloadIdentity.gke({ serviceAccountEmail: EMAIL }),
    rule: { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    targets: ['cidr 169.254.169.254/32'],
    blocked: 'cidr 169.254.169.254/32',
    nodeLocal: true,
  },
  {
    name: 'GKE Workload Identity (Calico)',
    identity: () => WorkloadIdentity.gke({ serviceAccountEmail: EMAIL, dataplane: GkeDataplane.CALICO }),
    rule: { to: [{ ipBlock: { cidr: '169.254.169.252/32' } }], ports: [{ protocol: 'TCP', port: 988 }] },
    targets: ['cidr 169.254.169.252/32'],
    blocked: 'internet',
    nodeLocal: true,
  },
  {
    name: 'EKS Pod Identity',
    identity: () => WorkloadIdentity.eksPodIdentity({ roleArn: ROLE }),
    rule: { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    targets: ['cidr 169.254.170.23/32'],
    blocked: 'internet',
    nodeLocal: true,
  },
  {
    name: 'EKS Pod Identity (IPv6)',
    identity: () => WorkloadIdentity.eksPodIdentity({ roleArn: ROLE, ipv6: true }),
    rule: { to: [{ ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    targets: ['cidr fd00:ec2::23/128'],
    blocked: 'internet',
    nodeLocal: true,
  },
  {
    name: 'AWS IRSA',
    identity: () => WorkloadIdentity.awsIrsa({ roleArn: ROLE, stsEndpointCidrs: ['10.0.40.12/32', '10.0.41.12/32'] }),
    rule: { to: [{ ipBlock: { cidr: '10.0.40.12/32' } }, { ipBlock: { cidr: '10.0.41.12/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    targets: ['cidr 10.0.40.12/32', 'cidr 10.0.41.12/32'],
    blocked: 'internet',
    nodeLocal: false,
  },
  {
    name: 'Microsoft Entra Workload ID',
    identity: () => WorkloadIdentity.azure({ clientId: CLIENT, tokenEndpointCidrs: ['20.190.128.0/18'] }),
    rule: { to: [{ ipBlock: { cidr: '20.190.128.0/18' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    targets: ['cidr 20.190.128.0/18'],
    blocked: 'internet',
    nodeLocal: false,
  },
];

function setup(identity: WorkloadIdentity, mesh = Mesh.istio()) {
  const app = Testing.app();
  const chart = new Chart(app, 'test');
  const ns = new SecureNamespace(chart, 'ns', { name: 'payments', mesh });
  const sa = new LeastPrivilegeServiceAccount(ns, 'payments-sa', { name: 'payments', workloadIdentity: identity });
  const payments = new SecureWorker(ns, 'payments', { image: 'ghcr.io/acme/payments:1.0.0', serviceAccount: sa });
  const sibling = new SecureWorker(ns, 'mailer', { image: 'ghcr.io/acme/mailer:1.0.0' });
  return { app, chart, ns, sa, payments, sibling };
}

const policy = (objs: any[], name: string) => objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
const deployment = (objs: any[], name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
const errors = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged && f.severity === 'error');

describe.each(CASES)('$name', (c) => {
  test('the workload with the identity reaches exactly its endpoint and port; the sibling reaches nothing new; audit and reachability agree', () => {
    const { app, chart } = setup(c.identity());
    const objs = synthAndValidate(chart);
    const egress = policy(objs, 'payments').spec.egress;
    expect(egress).toContainEqual(c.rule);
    // Nothing but DNS, the mesh's own namespace policies and this rule.
    expect(egress).toHaveLength(2);
    const { sibling } = { sibling: policy(objs, 'mailer') };
    expect(sibling.spec.egress).toHaveLength(1);
    for (const cidr of c.rule.to.map((t: any) => t.ipBlock.cidr)) {
      expect(objs.filter((o) => o.kind === 'NetworkPolicy' && JSON.stringify(o).includes(cidr)).map((o) => o.metadata.name)).toEqual(['payments']);
    }
    // The audit has nothing to say.
    expect(errors(objs)).toEqual([]);
    // The reachability proof: one declared path from the workload to the endpoint, none from the sibling.
    for (const r of [Reachability.analyze(app), Reachability.fromManifests(objs)]) {
      const edges = r.edges.filter((e) => e.to.startsWith('cidr ') || e.to === 'internet');
      expect(edges.map((e) => [e.from, e.to.split(' (')[0], e.ports, e.declared])).toEqual(c.targets.map((t) => ['payments/payments', t, [`TCP/${c.rule.ports[0].port}`], true]));
      expect(r.extraPaths).toEqual([]);
      expect(r.missingPaths).toEqual([]);
    }
    // The sidecar does not swallow node-local credential traffic.
    const annotations = deployment(objs, 'payments').spec.template.metadata.annotations ?? {};
    expect(annotations['traffic.sidecar.istio.io/excludeOutboundIPRanges']).toBe(c.nodeLocal ? c.rule.to[0].ipBlock.cidr : undefined);
    expect(deployment(objs, 'mailer').spec.template.metadata.annotations?.['traffic.sidecar.istio.io/excludeOutboundIPRanges']).toBeUndefined();
  });

  test('an identity whose path is blocked is a missing path, in the app and from the YAML', () => {
    const { app, payments } = setup(c.identity());
    // Drop the identity's egress rule (the second one, after DNS) with an escape hatch.
    payments.networkPolicy.addJsonPatch(JsonPatch.remove('/spec/egress/1'));
    const inApp = Reachability.analyze(app);
    expect(inApp.missingPaths.map((m) => [m.from, m.to.split(' (')[0], m.ports])).toEqual([['payments/payments', c.blocked, [`TCP/${c.rule.ports[0].port}`]]]);
    expect(inApp.missingPaths[0].message).toContain('workload identity of ServiceAccount payments');
    const fromYaml = Reachability.fromManifests(app.charts.flatMap((ch) => ch.toJson()));
    expect(fromYaml.missingPaths.map((m) => [m.from, m.to.split(' (')[0]])).toEqual([['payments/payments', c.blocked]]);
    expect(fromYaml.missingPaths[0].message).toContain('ServiceAccount payments/payments cloud identity');
  });
});

describe('meshes', () => {
  test('Linkerd skips the node-local endpoint with config.linkerd.io/skip-subnets; no mesh adds nothing', () => {
    const linkerd = setup(WorkloadIdentity.eksPodIdentity({ roleArn: ROLE }), Mesh.linkerd());
    const objs = synthAndValidate(linkerd.chart);
    expect(deployment(objs, 'payments').spec.template.metadata.annotations['config.linkerd.io/skip-subnets']).toBe('169.254.170.23/32');
    expect(deployment(objs, 'mailer').spec.template.metadata.annotations['config.linkerd.io/skip-subnets']).toBeUndefined();
    expect(errors(objs)).toEqual([]);
    const ambient = setup(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL }), Mesh.istio({ ambient: true }));
    expect(JSON.stringify(deployment(synthAndValidate(ambient.chart), 'payments'))).not.toContain('excludeOutboundIPRanges');
  });

  test('a Job with the identity gets the path as well', () => {
    const { chart, ns, sa } = setup(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL }));
    new SecureJob(ns, 'export', { image: 'ghcr.io/acme/export:1.0.0', serviceAccount: sa });
    const objs = synthAndValidate(chart);
    expect(policy(objs, 'export').spec.egress).toContainEqual(CASES[0].rule);
    expect(errors(objs)).toEqual([]);
  });
});

describe('the account', () => {
  test('records the identity and the egress its workloads get', () => {
    const { sa, chart } = setup(WorkloadIdentity.eksPodIdentity({ roleArn: ROLE }));
    expect(sa.workloadIdentity?.provider).toBe(WorkloadIdentityProvider.AWS_EKS_POD_IDENTITY);
    expect(sa.cloudIdentityEgress).toBe('169.254.170.23/32 on TCP/80 (the EKS Pod Identity Agent)');
    const account = Testing.synth(chart).find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'payments');
    expect(account.metadata.annotations).toEqual({
      'cdk8s-secure-baseline.io/cloud-identity-egress': 'TCP/80 169.254.170.23/32',
      'cdk8s-secure-baseline.io/eks-pod-identity-role-arn': ROLE,
    });
    expect(new LeastPrivilegeServiceAccount(setup(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL })).ns, 'x', {}).cloudIdentityEgress).toBeUndefined();
  });

  test('the GKE path is acknowledged for SB-NET-POLICY-METADATA on the workload\'s own policy only', () => {
    const objs = Testing.synth(setup(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL })).chart);
    expect(policy(objs, 'payments').metadata.annotations).toEqual({
      [`ack.cdk8s-secure-baseline.io/${RuleIds.NET_POLICY_METADATA}`]: 'ServiceAccount payments/payments has gke workload identity: the GKE metadata server (169.254.169.254/32 on TCP/80) issues its credentials; opened for the pods of payments only',
    });
    expect(policy(objs, 'mailer').metadata.annotations).toBeUndefined();
  });
});

describe('bad input fails synth with the path, the value and the fix', () => {
  const ns = () => setup(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL })).ns;
  const sa = (identity: WorkloadIdentity) => () => new LeastPrivilegeServiceAccount(ns(), 'bad', { workloadIdentity: identity });

  test('IRSA and Entra without token endpoint addresses: the workload fails, naming the fix', () => {
    const n = ns();
    const irsa = new LeastPrivilegeServiceAccount(n, 'irsa', { workloadIdentity: WorkloadIdentity.awsIrsa({ roleArn: ROLE }) });
    expect(irsa.cloudIdentityEgress).toBeUndefined();
    expect(() => new SecureWorker(n, 'api', { image: 'ghcr.io/acme/api:1.0.0', serviceAccount: irsa })).toThrow(
      'test/ns/api: ServiceAccount "irsa" has aws-irsa workload identity: its pods exchange their token at AWS STS (TCP 443), but no addresses were given, so the namespace\'s default-deny blocks it. '
      + 'Fix: give the endpoint\'s addresses: WorkloadIdentity.awsIrsa({ roleArn, stsEndpointCidrs: ["<addresses of your STS VPC endpoint>/32"] })');
    const entra = new LeastPrivilegeServiceAccount(n, 'entra', { workloadIdentity: WorkloadIdentity.azure({ clientId: CLIENT }) });
    expect(() => new SecureWorker(n, 'web', { image: 'ghcr.io/acme/web:1.0.0', serviceAccount: entra })).toThrow(
      'test/ns/web: ServiceAccount "entra" has azure workload identity: its pods exchange their token at the Microsoft Entra login host (TCP 443), but no addresses were given, so the namespace\'s default-deny blocks it. '
      + 'Fix: give the endpoint\'s addresses: WorkloadIdentity.azure({ clientId, tokenEndpointCidrs: ["<addresses of login.microsoftonline.com>"] })');
  });

  test('token endpoint addresses are validated', () => {
    const irsa = (cidrs: string[]) => sa(WorkloadIdentity.awsIrsa({ roleArn: ROLE, stsEndpointCidrs: cidrs }));
    expect(irsa([])).toThrow('test/ns/bad: awsIrsa stsEndpointCidrs is empty. Fix: list the addresses of AWS STS, or leave the option out');
    expect(irsa(['10.0.0.300/32'])).toThrow('test/ns/bad: awsIrsa stsEndpointCidrs "10.0.0.300/32" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with a prefix length');
    expect(irsa(['0.0.0.0/0'])).toThrow('test/ns/bad: awsIrsa stsEndpointCidrs "0.0.0.0/0" contains the cloud metadata endpoint 169.254.169.254/32. Fix: list only the addresses of AWS STS');
    expect(irsa(['169.254.170.0/24'])).toThrow('test/ns/bad: awsIrsa stsEndpointCidrs "169.254.170.0/24" contains the cloud metadata endpoint 169.254.170.23/32');
    expect(irsa(['52.0.0.0/8'])).toThrow('test/ns/bad: awsIrsa stsEndpointCidrs "52.0.0.0/8" is wider than /16: AWS STS is a few addresses, not a network. Fix: list the addresses of AWS STS (/32 or /128 each, or its published ranges)');
    expect(sa(WorkloadIdentity.azure({ clientId: CLIENT, tokenEndpointCidrs: ['2603::/16'] }))).toThrow('test/ns/bad: azure tokenEndpointCidrs "2603::/16" is wider than /32: the Microsoft Entra login host is a few addresses, not a network');
  });

  test('EKS Pod Identity role and GKE dataplane are validated', () => {
    expect(sa(WorkloadIdentity.eksPodIdentity({ roleArn: 'arn:aws:iam::123:role/x' }))).toThrow(
      'test/ns/bad: EKS Pod Identity roleArn "arn:aws:iam::123:role/x" is not an IAM role ARN. Fix: write "arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account id>:role/<optional/path/>name"');
    expect(sa(WorkloadIdentity.gke({ serviceAccountEmail: EMAIL, dataplane: 'cilium' as GkeDataplane }))).toThrow(
      'test/ns/bad: GKE dataplane "cilium" is not a known dataplane. Fix: use GkeDataplane.DATAPLANE_V2 or GkeDataplane.CALICO');
  });

  test('NetworkPeer.cidr never opens a node-local identity endpoint: excepted from ranges, refused alone', () => {
    const n = ns();
    n.allowEgressTo(NetworkPeer.cidr('169.254.0.0/16'), [NetworkPort.tcp(80)]);
    n.allowEgressTo(NetworkPeer.cidr('fd00:ec2::/64'), [NetworkPort.tcp(80)]);
    const objs = Testing.synth(n.node.scope as Chart);
    const blocks = policy(objs, 'allow-egress').spec.egress.map((r: any) => r.to[0].ipBlock);
    expect(blocks).toEqual([
      { cidr: '169.254.0.0/16', except: ['169.254.169.252/32', '169.254.169.254/32', '169.254.170.23/32'] },
      { cidr: 'fd00:ec2::/64', except: ['fd00:ec2::23/128', 'fd00:ec2::254/128'] },
    ]);
    expect(() => n.allowEgressTo(NetworkPeer.cidr('169.254.170.23/32'), [NetworkPort.tcp(80)])).toThrow(
      'test/ns: allowEgressTo(cidr 169.254.170.23/32) "169.254.170.23/32" is a node-local cloud identity endpoint (169.254.170.23/32). Fix: it hands out cloud credentials: give the workload a LeastPrivilegeServiceAccount with `workloadIdentity`');
    expect(NetworkPeer.IDENTITY_ENDPOINTS).toEqual(['169.254.169.252/32', '169.254.170.23/32', 'fd00:ec2::23/128']);
  });
});
