/**
 * Differential tests for Cilium policies: published Cilium examples (their documented meaning
 * asserted on the independent oracle first), then random clusters mixing NetworkPolicies,
 * CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies (fast-check, fixed seeds): the
 * analyzer must agree with the oracle (oracle/cilium-oracle.ts) on every workload pair, probe
 * address and sampled port.
 *
 * Not generated, because the analyzer over-approximates them on purpose (pinned in cilium.test.ts):
 * the `cluster` entity (the API server's unknown addresses), namespace keys in `endpointSelector`,
 * deny rules, `toFQDNs`, `toServices`, label keys Cilium's label filter may drop.
 */
import * as fc from 'fast-check';
import { compare, DEFAULT_PROBES, endpointOf, summarize } from './oracle/compare';
import { Scenario, isIp } from './oracle/fixtures/scenario';
import { deployment, namespace, netpol } from './oracle/k8s';
import { NetpolOracle } from './oracle/netpol-oracle';

const cnp = (ns: string, name: string, spec: any): any => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns }, spec });
const SOURCE = 'cilium/cilium examples/policies and Documentation/security/policy (layer3.rst, layer4.rst, kubernetes.rst)';
const allowed = (from: string, to: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => ({ from, to, protocol, port, allowed: true });
const denied = (from: string, to: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => ({ from, to, protocol, port, allowed: false });

const SCENARIOS: Scenario[] = [
  {
    name: 'l3/simple: role=frontend may reach role=backend, nobody else',
    source: `${SOURCE}: examples/policies/l3/simple/l3.yaml`,
    objects: [namespace('default'), deployment('default', 'backend', { role: 'backend' }), deployment('default', 'frontend', { role: 'frontend' }), deployment('default', 'other', { role: 'other' }),
      cnp('default', 'l3-rule', { endpointSelector: { matchLabels: { role: 'backend' } }, ingress: [{ fromEndpoints: [{ matchLabels: { role: 'frontend' } }] }] })],
    expectations: [allowed('default/frontend', 'default/backend', 80), denied('default/other', 'default/backend', 80), allowed('default/backend', 'default/other', 80), denied('8.8.8.8', 'default/backend', 80)],
  },
  {
    name: 'l3/egress-default-deny: an empty egress rule denies all egress',
    source: `${SOURCE}: examples/policies/l3/egress-default-deny/egress-default-deny.yaml`,
    objects: [namespace('default'), deployment('default', 'restricted', { role: 'restricted' }), deployment('default', 'peer', { role: 'peer' }),
      cnp('default', 'deny-all-egress', { endpointSelector: { matchLabels: { role: 'restricted' } }, egress: [{}] })],
    expectations: [denied('default/restricted', 'default/peer', 80), denied('default/restricted', '8.8.8.8', 443), allowed('default/peer', 'default/restricted', 80)],
  },
  {
    name: 'l4/l4_port_range: TCP 80-444 to any layer 3 destination',
    source: `${SOURCE}: examples/policies/l4/l4_port_range.yaml`,
    objects: [namespace('default'), deployment('default', 'svc', { app: 'myService' }), deployment('default', 'other', { app: 'other' }),
      cnp('default', 'l4-port-range-rule', { endpointSelector: { matchLabels: { app: 'myService' } }, egress: [{ toPorts: [{ ports: [{ port: '80', endPort: 444, protocol: 'TCP' }] }] }] })],
    expectations: [allowed('default/svc', '8.8.8.8', 80), allowed('default/svc', '8.8.8.8', 444), denied('default/svc', '8.8.8.8', 445), denied('default/svc', '8.8.8.8', 80, 'UDP'),
      allowed('default/svc', 'default/other', 443), denied('default/svc', 'default/other', 8080)],
  },
  {
    name: 'l3/cidr: 20.1.1.1 and 10.0.0.0/8 except 10.96.0.0/12',
    source: `${SOURCE}: examples/policies/l3/cidr/cidr.yaml`,
    objects: [namespace('default'), deployment('default', 'svc', { app: 'myService' }), deployment('default', 'other', { app: 'other' }),
      cnp('default', 'cidr-rule', { endpointSelector: { matchLabels: { app: 'myService' } }, egress: [{ toCIDR: ['20.1.1.1/32'] }, { toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }] })],
    expectations: [allowed('default/svc', '20.1.1.1', 443), allowed('default/svc', '10.1.2.3', 5432), denied('default/svc', '10.96.0.1', 443), denied('default/svc', '8.8.8.8', 443),
      denied('default/svc', 'default/other', 80)],
  },
  {
    name: 'l3/entities/world: the world may reach role=public, pods may not',
    source: `${SOURCE}: examples/policies/l3/entities/world.yaml`,
    objects: [namespace('default'), deployment('default', 'public', { role: 'public' }), deployment('default', 'other', { role: 'other' }),
      cnp('default', 'from-world-to-role-public', { endpointSelector: { matchLabels: { role: 'public' } }, ingress: [{ fromEntities: ['world'] }] })],
    expectations: [allowed('8.8.8.8', 'default/public', 80), allowed('10.1.2.3', 'default/public', 443), denied('default/other', 'default/public', 80)],
  },
  {
    name: 'kubernetes/namespace: luke of ns2 may reach leia of ns1',
    source: `${SOURCE}: examples/policies/kubernetes/namespace/namespace-policy.yaml`,
    objects: [namespace('ns1'), namespace('ns2'), deployment('ns1', 'leia', { name: 'leia' }), deployment('ns2', 'luke', { name: 'luke' }), deployment('ns1', 'luke', { name: 'luke' }),
      deployment('ns2', 'vader', { name: 'vader' }),
      cnp('ns1', 'k8s-expose-across-namespace', { endpointSelector: { matchLabels: { name: 'leia' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'ns2', 'name': 'luke' } }] }] })],
    expectations: [allowed('ns2/luke', 'ns1/leia', 80), denied('ns1/luke', 'ns1/leia', 80), denied('ns2/vader', 'ns1/leia', 80)],
  },
];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  test('the oracle reproduces the documented meaning', () => {
    const oracle = NetpolOracle.fromManifests(scenario.objects);
    const got = (x: Scenario['expectations'][number]) => oracle.allowed({ src: endpointOf(oracle, x.from), dst: endpointOf(oracle, x.to), protocol: x.protocol, port: x.port });
    const wrong = scenario.expectations.filter((x) => got(x) !== x.allowed)
      .map((x) => `${x.from} -> ${x.to} ${x.protocol}/${x.port}: documented ${x.allowed}`);
    expect(wrong).toEqual([]);
  });

  test('the analyzer agrees with the oracle', () => {
    const named = scenario.expectations.flatMap((x) => [x.from, x.to]).filter(isIp);
    expect(summarize(compare(scenario.objects, [...new Set([...DEFAULT_PROBES, ...named])]))).toEqual([]);
  });
});

// --- random clusters ------------------------------------------------------------------------

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const CONTAINER_PORTS = [
  { name: 'http', port: 8080, protocol: 'TCP' as const },
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'assoc', port: 7777, protocol: 'SCTP' as const },
];
const CIDRS: Record<string, string[]> = {
  '0.0.0.0/0': ['169.254.169.254/32', '10.0.0.0/8'],
  '10.0.0.0/8': ['10.1.0.0/16'],
  '169.254.169.254/32': [],
  '8.8.8.0/24': ['8.8.8.8/32'],
  '2001:db8::/32': ['2001:db8::1/128'],
};

const prefix = fc.constantFrom('', 'k8s:', 'any:');
const appValue = fc.constantFrom('web', 'api', 'db');
const podLabels = fc.record({ app: appValue, tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] });
const nsLabels = fc.record({ team: fc.constantFrom('red', 'blue') }, { requiredKeys: [] });
const labelSelector = fc.oneof(
  fc.constant({}),
  fc.tuple(prefix, appValue).map(([p, v]) => ({ matchLabels: { [`${p}app`]: v } })),
  fc.tuple(prefix, fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), fc.subarray(['fe', 'be'], { minLength: 1 }))
    .map(([p, operator, values]) => ({ matchExpressions: [{ key: `${p}tier`, operator, ...(operator === 'In' || operator === 'NotIn' ? { values } : {}) }] })),
);
/** Peer selectors may also name a namespace, namespace labels or a ServiceAccount. */
const peerSelector = fc.oneof(
  labelSelector,
  fc.tuple(prefix, fc.constantFrom(...NAMESPACES), labelSelector).map(([p, ns, sel]: [string, string, any]) => ({ ...sel, matchLabels: { ...sel.matchLabels, [`${p}io.kubernetes.pod.namespace`]: ns } })),
  fc.tuple(prefix, fc.constantFrom('red', 'blue')).map(([p, team]) => ({ matchLabels: { [`${p}io.cilium.k8s.namespace.labels.team`]: team } })),
  fc.tuple(prefix, fc.constantFrom('default', 'sa1')).map(([p, sa]) => ({ matchLabels: { [`${p}io.cilium.k8s.policy.serviceaccount`]: sa } })),
);
const portEntry = fc.oneof(
  fc.record({ port: fc.constantFrom('0', '53', '80', '8080', '7777', 'http', 'dns', 'absent'), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'ANY') }, { requiredKeys: ['port'] }),
  fc.tuple(fc.constantFrom(53, 80, 8000), fc.constantFrom(1, 100, 8000), fc.option(fc.constantFrom('TCP', 'UDP', 'ANY'), { nil: undefined }))
    .map(([port, width, protocol]) => ({ port: String(port), endPort: port + width, ...(protocol ? { protocol } : {}) })),
);
const portRule = fc.record({ ports: fc.array(portEntry, { minLength: 1, maxLength: 2 }) });
const toPorts = fc.option(fc.array(portRule, { minLength: 1, maxLength: 2 }), { nil: undefined });
const cidrEntry = fc.constantFrom(...Object.keys(CIDRS)).chain((cidr) => fc.record({ cidr: fc.constant(cidr), except: fc.subarray(CIDRS[cidr]) }, { requiredKeys: ['cidr'] }));
const rule = (f: 'to' | 'from') => fc.tuple(fc.oneof(
  fc.constant({}),
  fc.array(peerSelector, { minLength: 1, maxLength: 2 }).map((s) => ({ [`${f}Endpoints`]: s })),
  fc.array(fc.constantFrom(...Object.keys(CIDRS)), { minLength: 1, maxLength: 2 }).map((c) => ({ [`${f}CIDR`]: c })),
  fc.array(cidrEntry, { minLength: 1, maxLength: 2 }).map((c) => ({ [`${f}CIDRSet`]: c })),
  fc.subarray(['world', 'all'], { minLength: 1 }).map((e) => ({ [`${f}Entities`]: e })),
), toPorts).map(([peers, ports]) => ({ ...peers, ...(ports ? { toPorts: ports } : {}) }));
const rules = (f: 'to' | 'from') => fc.option(fc.array(rule(f), { maxLength: 2 }), { nil: undefined });
const ciliumSpec = fc.record({
  endpointSelector: labelSelector,
  ingress: rules('from'),
  egress: rules('to'),
  enableDefaultDeny: fc.option(fc.record({ ingress: fc.boolean(), egress: fc.boolean() }, { requiredKeys: [] }), { nil: undefined }),
}, { requiredKeys: ['endpointSelector'] });

const cluster = fc.record({
  namespaces: fc.tuple(nsLabels, nsLabels, nsLabels),
  pods: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), labels: podLabels, ports: fc.subarray(CONTAINER_PORTS), sa: fc.constantFrom('default', 'sa1') }), { minLength: 1, maxLength: 4 }),
  defaultDeny: fc.subarray(NAMESPACES),
  policies: fc.array(fc.record({
    ns: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
    list: fc.boolean(),
    specs: fc.array(ciliumSpec, { minLength: 1, maxLength: 2 }),
  }), { maxLength: 3 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function manifests(c: Cluster): any[] {
  const clean = (x: any) => JSON.parse(JSON.stringify(x));
  return [
    ...NAMESPACES.map((n, i) => namespace(n, c.namespaces[i] as Record<string, string>)),
    ...c.pods.map((p, i) => {
      const d = deployment(p.ns, `w${i}`, p.labels as Record<string, string>, p.ports);
      d.spec.template.spec.serviceAccountName = p.sa;
      return d;
    }),
    ...c.defaultDeny.map((n) => netpol(n, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })),
    ...c.policies.map((p, i) => {
      const body = p.list ? { specs: clean(p.specs) } : { spec: clean(p.specs[0]) };
      return p.ns === undefined
        ? { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: `c${i}` }, ...body }
        : { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: `c${i}`, namespace: p.ns }, ...body };
    }),
  ];
}

const RUNS = 150;

test(`random clusters with Cilium policies: the analyzer agrees with the oracle (${RUNS} runs, seeded)`, () => {
  fc.assert(fc.property(cluster, (c) => {
    const ds = compare(manifests(c));
    if (ds.length > 0) throw new Error(`disagreements:\n${summarize(ds).join('\n')}\nmanifests: ${JSON.stringify(manifests(c))}`);
  }), { seed: 20250101, numRuns: RUNS });
});
