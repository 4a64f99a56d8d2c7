/**
 * The incremental diff (only what a change can touch is analyzed: src/diff/scope-*.ts) gives the
 * very items of the full diff (both sides analyzed whole), for many generated before/after pairs:
 * every kind of edit of test/diff/edits.ts, alone and mixed, on three bases (the library's output
 * for a small topology with gateways and external services, the example shop, the raw YAML of
 * the fixtures plus workloads of other kinds).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EDIT_KINDS, edited, random } from './edits';
import { baseShop } from './risky-change';
import { libraryApp } from '../../bench/library';
import { ApiServerEndpoint, Reachability, SecurityDiffOptions } from '../../src';
import { DiffSide, canonicalJson, incrementalStats, sameJson } from '../../src/diff/side';
import { diffSides } from '../../src/security-diff';

function side(manifests: any[], options: SecurityDiffOptions = {}): DiffSide {
  const s: DiffSide = new DiffSide(manifests.map((manifest) => ({ manifest })), options, {
    reachability: () => Reachability.fromManifests(s.manifests(), { ...options.reachability, foldInternet: false }),
    reachabilityOf: (m) => Reachability.fromManifests(m, { ...options.reachability, foldInternet: false }),
  });
  return s;
}

/** Pairs whose diff has connectivity / audit items (so that the test is known to compare something). */
const seen = { pairs: 0, connectivity: 0, audit: 0 };

/** Both diffs of a pair, as plain JSON (items, counts, introduced findings). */
function both(base: any[], head: any[], options: SecurityDiffOptions = {}) {
  const incremental = diffSides(side(base, options), side(head, options)).toJson();
  const full = diffSides(side(base, options), side(head, options), { incremental: false }).toJson();
  seen.pairs++;
  if (full.items.some((i: any) => i.category === 'connectivity')) seen.connectivity++;
  if (full.items.some((i: any) => i.category === 'audit')) seen.audit++;
  return { incremental, full };
}

function libraryBase(): any[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-incremental-'));
  try {
    const topology = { services: 12, namespaces: 3, exposedFraction: 0.25, externalFraction: 0.25 };
    return libraryApp(topology, outdir, false).charts.flatMap((c) => c.toJson());
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function fixturesBase(): any[] {
  const dir = path.join(__dirname, 'fixtures');
  const objects = fs.readdirSync(dir).flatMap((c) => Reachability.loadManifests([path.join(dir, c, 'base')]));
  const pod = (spec: any) => ({ serviceAccountName: 'batch', containers: [{ name: 'main', image: 'registry.example.com/batch:1.0', ports: [{ containerPort: 9000 }] }], ...spec });
  return [
    ...objects,
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'apps' },
      spec: {
        selector: { matchLabels: { app: 'db2' } },
        template: { metadata: { labels: { app: 'db2' } }, spec: pod({}) },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'fast' } }],
      },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'apps' },
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'report' } }, spec: pod({ restartPolicy: 'Never' }) } } } },
    },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'tools', labels: { app: 'debug' } }, spec: pod({}) },
    // A namespace without NetworkPolicies: its pods reach anything that admits them.
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tools' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'runner', namespace: 'tools' },
      spec: { selector: { matchLabels: { app: 'runner' } }, template: { metadata: { labels: { app: 'runner' } }, spec: pod({ serviceAccountName: 'runner' }) } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'batch', namespace: 'apps' }, automountServiceAccountToken: false },
  ];
}

function shopBase(): any[] {
  return baseShop().charts.flatMap((c) => c.toJson());
}

const BASES: Array<[string, () => any[]]> = [['library', libraryBase], ['shop', shopBase], ['fixtures', fixturesBase]];

describe.each(BASES)('incremental diff = full diff on the %s base', (name, make) => {
  const base = make();

  test.each(EDIT_KINDS)('one %s edit (three pairs)', (kind) => {
    const rng = random(kind.length * 7919 + name.length);
    for (let i = 0; i < 3; i++) {
      const { head, edits } = edited(base, rng, 1, [kind]);
      const { incremental, full } = both(base, head);
      expect({ edits, ...incremental }).toEqual({ edits, ...full });
    }
  });

  test('mixed edits (1 to 4 per pair)', () => {
    const rng = random(4242 + name.length);
    for (let i = 0; i < 10; i++) {
      const { head, edits } = edited(base, rng, 1 + (i % 4));
      const { incremental, full } = both(base, head);
      expect({ edits, ...incremental }).toEqual({ edits, ...full });
    }
  });
});

test('options reach the scoped analyses: another Istio root namespace, an API server', () => {
  const base = libraryBase();
  const rng = random(99);
  const options: SecurityDiffOptions = { istioRootNamespace: 'team-00', reachability: { istioRootNamespace: 'team-01', apiServer: ApiServerEndpoint.cidrs(['10.0.0.1/32'], 443) } };
  for (let i = 0; i < 4; i++) {
    const { head, edits } = edited(base, rng, 2, ['addNetworkPolicy', 'authorizationPolicy']);
    const { incremental, full } = both(base, head, options);
    expect({ edits, ...incremental }).toEqual({ edits, ...full });
  }
});

test('the generated pairs exercise the scoped analyses (not only the full fallback) and have items to compare', () => {
  expect(incrementalStats.auditScoped).toBeGreaterThan(incrementalStats.auditFull);
  expect(incrementalStats.reachabilityScoped).toBeGreaterThan(40);
  expect(seen.connectivity).toBeGreaterThan(seen.pairs / 5);
  expect(seen.audit).toBeGreaterThan(seen.pairs / 2);
});

describe('hand-made pairs whose paths the bounds of reach-index.ts must find', () => {
  const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const deploy = (name: string, namespace: string, sa = name) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { serviceAccountName: sa, containers: [{ name: 'app', image: 'registry.example.com/app:1.0', ports: [{ containerPort: 8080 }] }] },
      },
    },
  });
  const np = (name: string, namespace: string, spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
  const base = [
    ns('a'), ns('b'), ns('c', { team: 'c' }),
    deploy('web', 'a'), deploy('db', 'a'), deploy('runner', 'b'), deploy('batch', 'c'),
    np('default-deny', 'a', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    np('c-egress', 'c', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }] }),
  ];
  const cases: Array<[string, any[]]> = [
    ['a receiver newly admits every namespace: senders without egress policies reach it', [
      np('web-in', 'a', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ]],
    ['a receiver newly admits one namespace by label', [
      np('web-in', 'a', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'c' } } }] }] }),
    ]],
    ['a sender newly limited to one receiver', [
      np('runner-out', 'b', { podSelector: { matchLabels: { app: 'runner' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }] }] }),
    ]],
    ['a namespace opened both ways', [np('open', 'a', { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] })]],
  ];
  test.each(cases)('%s', (_name, added) => {
    const head = [...JSON.parse(JSON.stringify(base)), ...added];
    const { incremental, full } = both(base, head);
    expect(full.items.some((i: any) => i.category === 'connectivity')).toBe(true);
    expect(incremental).toEqual(full);
  });

  test('the base reads the head\'s view of unchanged objects: a group whose first object in the head is new still counts in the base (Istio here)', () => {
    // RequestAuthentication: an object of security.istio.io the analysis reads nothing of but its
    // group (the analyzer adds istiod when an Istio group is used).
    const ra = (name: string) => ({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace: 'a' }, spec: {} });
    const istioBase = [...base, ra('ra-b')];
    const webOut = np('web-out', 'a', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] });
    const head = [ra('ra-a'), ...JSON.parse(JSON.stringify(istioBase)), webOut];
    const before = incrementalStats.reachabilityScoped;
    const { incremental, full } = both(istioBase, head);
    expect(incrementalStats.reachabilityScoped).toBe(before + 1);
    expect(full.items.filter((i: any) => i.category === 'connectivity').length).toBeGreaterThan(0);
    expect(full.items.some((i: any) => JSON.stringify(i).includes('istiod'))).toBe(false);
    expect(incremental).toEqual(full);
  });
});

describe('sides', () => {
  test('sameJson: equal only when the canonical JSON is equal (key order does not count)', () => {
    const proto = JSON.parse('{"__proto__": {}, "a": 1}');
    const pairs: Array<[unknown, unknown]> = [
      [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }],
      [{ a: undefined, z: 1 }, { b: 1, z: 1 }],
      [proto, { a: 1, b: 2 }],
      [{ toString: 1 }, {}],
      [[1, 2], [2, 1]],
      [{ a: null }, { a: {} }],
      [{}, []],
    ];
    for (const [a, b] of pairs) {
      if (sameJson(a, b)) expect(canonicalJson(a)).toBe(canonicalJson(b));
    }
    expect(sameJson(pairs[0][0], pairs[0][1])).toBe(true);
  });

  test('of several objects with one identity the last counts, where it stands', () => {
    const o = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'a' }, data: { v } });
    const s = side([o('x', '1'), o('y', '1'), o('x', '2'), o('z', '1')]);
    expect([...s.objects.values()].map((x) => `${x.manifest.metadata.name}=${x.manifest.data.v}`)).toEqual(['y=1', 'x=2', 'z=1']);
    expect([...s.objects.values()].map((x) => x.position)).toEqual([...s.objects.values()].map((x) => x.position).sort((a, b) => a - b));
  });
});
