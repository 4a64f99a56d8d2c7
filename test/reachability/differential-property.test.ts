/**
 * Differential tests, part 2: random clusters and random policies (fast-check, fixed seeds), the
 * analyzer against the independent oracle on every workload pair, probe address and sampled port.
 * Only valid policies are generated (what the API server accepts: endPort >= port and only with a
 * numeric port, excepts strictly inside their cidr, no empty peer).
 */
import * as fc from 'fast-check';
import { compare, DEFAULT_PROBES, summarize } from './oracle/compare';
import { deployment, namespace, netpol } from './oracle/k8s';

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];
const CONTAINER_PORTS = [
  { name: 'http', port: 8080, protocol: 'TCP' as const },
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'metrics', port: 9090, protocol: 'TCP' as const },
  { name: 'assoc', port: 7777, protocol: 'SCTP' as const },
];
const CIDRS: Record<string, string[]> = {
  '0.0.0.0/0': ['169.254.169.254/32', '10.0.0.0/8', '169.254.0.0/16', '8.8.8.0/24'],
  '10.0.0.0/8': ['10.1.0.0/16', '10.200.0.0/16'],
  '169.254.0.0/16': ['169.254.169.254/32'],
  '169.254.169.254/32': [],
  '8.8.8.0/24': ['8.8.8.8/32'],
  '2001:db8::/32': ['2001:db8::1/128'],
  'fd00::/8': ['fd00::/16'],
  // '::/0' is left out here: the analyzer deliberately lets it admit IPv4 (see the pinned repro below).
};

const labelValue = fc.constantFrom('web', 'api', 'db');
const podLabels = fc.record({ app: labelValue, tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] });
const nsLabels = fc.record({ team: fc.constantFrom('red', 'blue'), env: fc.constantFrom('prod', 'dev') }, { requiredKeys: [] });

const expression = (keys: string[], values: string[]) => fc.oneof(
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(values, { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const podSelector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: podLabels }),
  fc.record({ matchExpressions: fc.array(expression(['app', 'tier'], ['web', 'api', 'db', 'fe', 'be']), { minLength: 1, maxLength: 2 }) }),
);
const namespaceSelector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: nsLabels }),
  fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES) }) }),
  fc.record({ matchExpressions: fc.array(expression(['team', 'env', 'kubernetes.io/metadata.name'], ['red', 'blue', 'prod', 'dev', ...NAMESPACES]), { minLength: 1, maxLength: 2 }) }),
);
const ipBlock = fc.constantFrom(...Object.keys(CIDRS)).chain((cidr) => fc.record({
  cidr: fc.constant(cidr),
  except: fc.subarray(CIDRS[cidr]),
}, { requiredKeys: ['cidr'] }));
const peer = fc.oneof(
  fc.record({ podSelector }),
  fc.record({ namespaceSelector }),
  fc.record({ namespaceSelector, podSelector }),
  fc.record({ ipBlock }),
);
const protocol = fc.option(fc.constantFrom('TCP', 'UDP', 'SCTP'), { nil: undefined });
const port = fc.oneof(
  fc.record({ protocol }, { requiredKeys: [] }),
  fc.record({ protocol, port: fc.constantFrom(53, 80, 443, 8080, 9090, 7777) }, { requiredKeys: ['port'] }),
  fc.tuple(protocol, fc.constantFrom(53, 80, 8000, 9000), fc.constantFrom(0, 1, 100, 1000))
    .map(([p, from, width]) => ({ ...(p ? { protocol: p } : {}), port: from, endPort: from + width })),
  fc.record({ protocol, port: fc.constantFrom('http', 'dns', 'metrics', 'assoc', 'absent') }, { requiredKeys: ['port'] }),
);
const list = <T>(arb: fc.Arbitrary<T>, max: number) => fc.option(fc.array(arb, { maxLength: max }), { nil: undefined });
const rule = (key: 'from' | 'to') => fc.record({ [key]: list(peer, 3), ports: list(port, 2) } as Record<string, fc.Arbitrary<any>>, { requiredKeys: [] });
const policySpec = fc.record({
  podSelector,
  policyTypes: fc.option(fc.constantFrom([], ['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress']), { nil: undefined }),
  ingress: list(rule('from'), 2),
  egress: list(rule('to'), 2),
}, { requiredKeys: ['podSelector'] });

const cluster = fc.record({
  namespaces: fc.tuple(nsLabels, nsLabels, nsLabels),
  pods: fc.array(
    fc.record({ ns: fc.constantFrom(...NAMESPACES), labels: podLabels, ports: fc.subarray(CONTAINER_PORTS) }),
    { minLength: 1, maxLength: 5 },
  ),
  policies: fc.array(fc.record({ ns: fc.constantFrom(...NAMESPACES), spec: policySpec }), { maxLength: 4 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function manifests(c: Cluster): any[] {
  return [
    ...NAMESPACES.map((n, i) => namespace(n, c.namespaces[i] as Record<string, string>)),
    ...c.pods.map((p, i) => deployment(p.ns, `w${i}`, p.labels as Record<string, string>, p.ports)),
    ...c.policies.map((p, i) => netpol(p.ns, `p${i}`, JSON.parse(JSON.stringify(p.spec)))),
  ];
}

const RUNS = 100;
const PROBES = [...DEFAULT_PROBES, '2001:db8::5', '::ffff:169.254.169.254'];

test(`random clusters and policies: the analyzer agrees with the oracle (${RUNS} runs, seeded)`, () => {
  fc.assert(fc.property(cluster, (c) => {
    const ds = compare(manifests(c), PROBES);
    if (ds.length > 0) throw new Error(`disagreements:\n${summarize(ds).join('\n')}\nmanifests: ${JSON.stringify(manifests(c))}`);
  }), { seed: 20240611, numRuns: RUNS });
});

test('a second seed (100 more runs)', () => {
  fc.assert(fc.property(cluster, (c) => {
    const ds = compare(manifests(c), PROBES);
    if (ds.length > 0) throw new Error(`disagreements:\n${summarize(ds).join('\n')}\nmanifests: ${JSON.stringify(manifests(c))}`);
  }), { seed: 7, numRuns: RUNS });
});

// --- pinned disagreements (test.failing: green while the disagreement exists; flip to test() once fixed) ---

/**
 * Class 1: an IPv6 ipBlock that contains ::ffff:0:0/96 (e.g. `::/0`) — the analyzer treats it as
 * admitting every IPv4 address, by a deliberate choice documented in src/private/ip-ranges.ts
 * ("`::/0` is every address, IPv4 included"). The spec's IPBlock is "a particular CIDR"; an IPv4
 * packet to 8.8.8.8 is not in the IPv6 range ::/0, and a socket sending to ::ffff:8.8.8.8 emits an
 * IPv4 packet that IPv4 rules see, so the oracle says: not admitted. Minimal repro: one pod whose
 * only egress rule is `to: [{ipBlock: {cidr: '::/0'}}]`; analyzer: reaches 8.8.8.8 and
 * 169.254.169.254 on every port; oracle: reaches neither. Decide which side changes (the analyzer,
 * or the oracle if the over-approximation is kept on purpose).
 */
test('an IPv6 ipBlock ::/0 does not admit IPv4 addresses (analyzer and oracle agree)', () => {
  const objects = [
    namespace('ns-a'),
    deployment('ns-a', 'w0', { app: 'w0' }),
    netpol('ns-a', 'p0', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }] }),
  ];
  expect(summarize(compare(objects, ['8.8.8.8', '169.254.169.254', '2001:db8::1']))).toEqual([]);
});
