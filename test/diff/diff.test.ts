import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { DiffChange, SecurityDiff, SecurityDiffResult } from '../../src';
import { durationHours, registryOf } from '../../src/diff/data';
import { canonicalJson } from '../../src/diff/side';
import { readManifestFiles } from '../../src/manifest/reader';

const FIXTURES = path.join(__dirname, 'fixtures');

function fixture(category: string): SecurityDiffResult {
  return SecurityDiff.betweenFiles([path.join(FIXTURES, category, 'base')], [path.join(FIXTURES, category, 'head')]);
}

/** [category, change, severity, subject, before, after] of every item, in report order. */
function rows(r: SecurityDiffResult, category?: string) {
  return r.items.filter((i) => category === undefined || i.category === category)
    .map((i) => [i.category, i.change, i.severity, i.subject, i.before ?? null, i.after ?? null]);
}

describe('fixture pairs (raw YAML edited)', () => {
  test('connectivity: a new undeclared path checkout → db, nothing else', () => {
    const r = fixture('connectivity');
    expect(rows(r)).toEqual([['connectivity', 'path-added', 'high', 'apps/checkout → apps/db', null, 'TCP/8080']]);
    expect(r.items[0].objects).toEqual(['Deployment apps/checkout', 'Deployment apps/db']);
    expect(r.items[0].locations).toEqual(['apps.yaml:8', 'apps.yaml:39']);
    expect(r.items[0].message).toBe('apps/checkout can now reach apps/db on TCP/8080 (not declared; NetworkPolicy and mesh both let it through)');
  });

  test('rbac: the CI deployer gains pods/exec (effective capability), and the audit finds it', () => {
    const r = fixture('rbac');
    expect(rows(r)).toEqual([
      ['rbac', 'capability-gained', 'high', 'ServiceAccount apps/ci', null, 'exec-into-pods in namespace apps'],
      ['audit', 'finding-introduced', 'high', 'Role apps/deployer rules[1]', null, null],
    ]);
    expect(r.items[0].objects).toEqual(['Role apps/deployer', 'RoleBinding apps/deployer']);
    expect(r.items[0].ruleId).toBe('SB-RBAC-POD-EXEC');
    expect(r.itemsOf(DiffChange.CAPABILITY_GAINED)).toHaveLength(1);
  });

  test('pod security: privilege, capabilities, root, host network and host path, per field', () => {
    const r = fixture('pod-security');
    expect(r.items.filter((i) => i.category === 'pod-security').map((i) => [i.severity, i.message])).toEqual([
      ['high', 'Deployment apps/api: hostPath volume root unset → /'],
      ['high', 'Deployment apps/api container "app": capability NET_ADMIN unset → added'],
      ['high', 'Deployment apps/api container "app": privileged false → true'],
      ['high', 'Deployment apps/api container "app": runAsUser 1000 → 0'],
      ['medium', 'Deployment apps/api: hostNetwork false → true'],
      ['medium', 'Deployment apps/api container "app": capabilities.drop ALL dropped → not dropped'],
      ['medium', 'Deployment apps/api container "app": runAsNonRoot true → unset'],
    ]);
    expect(r.itemsOf(DiffChange.FINDING_INTRODUCED).map((i) => i.ruleId)).toEqual([
      'SB-PSS-CAPABILITIES-ADD', 'SB-PSS-CAPABILITIES-DROP', 'SB-PSS-PRIVILEGED', 'SB-PSS-RUN-AS-NON-ROOT', 'SB-PSS-RUN-AS-ROOT-USER', 'SB-PSS-HOST-NAMESPACES', 'SB-PSS-HOST-PATH',
    ]);
  });

  test('data: encryption and retention dropped, backup dropped, digest and registry lost', () => {
    expect(rows(fixture('data'), 'data')).toEqual([
      ['data', 'data-weakened', 'high', 'Schedule velero/apps-nightly', '0 2 * * *', null],
      ['data', 'data-weakened', 'high', 'StorageClass fast', 'encrypted with key arn:aws:kms:eu-west-1:111122223333:key/k1', 'not encrypted'],
      ['data', 'image-digest-dropped', 'medium', 'Deployment apps/api container "app"', `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`, 'docker.io/acme/app:latest'],
      ['data', 'image-registry-changed', 'medium', 'Deployment apps/api container "app"', `ghcr.io/acme/app@sha256:${'a'.repeat(64)}`, 'docker.io/acme/app:latest'],
      ['data', 'data-weakened', 'medium', 'StorageClass fast', 'Retain', 'Delete'],
    ]);
  });

  test('enforcement: Pod Security level, STRICT → PERMISSIVE, Deny → Warn', () => {
    const r = fixture('enforcement');
    expect(rows(r, 'enforcement')).toEqual([
      ['enforcement', 'enforcement-weakened', 'high', 'Namespace apps', 'restricted', 'baseline'],
      ['enforcement', 'enforcement-weakened', 'high', 'PeerAuthentication apps/default', 'STRICT', 'PERMISSIVE'],
      ['enforcement', 'enforcement-weakened', 'high', 'ValidatingAdmissionPolicyBinding baseline', 'Deny', 'Audit, Warn'],
    ]);
    expect(r.itemsOf(DiffChange.FINDING_INTRODUCED).map((i) => i.ruleId)).toEqual(['SB-NS-PSS', 'SB-MESH-ISTIO-PEER-AUTH', 'SB-ADMISSION-NOT-ENFORCED']);
  });

  test('the reverse of a change is its strengthening: every item is info and none weakens', () => {
    for (const category of ['connectivity', 'rbac', 'pod-security', 'enforcement']) {
      const d = path.join(FIXTURES, category);
      const r = SecurityDiff.betweenFiles([path.join(d, 'head')], [path.join(d, 'base')]);
      expect(r.items.length).toBeGreaterThan(0);
      expect(r.items.filter((i) => i.weakens)).toEqual([]);
    }
  });
});

describe('no change', () => {
  const base = path.join(FIXTURES, 'connectivity', 'base');

  test('the same folder twice: an empty diff', () => {
    const r = SecurityDiff.betweenFiles([base], [base]);
    expect(r.items).toEqual([]);
    expect(r.changedObjects).toBe(0);
    expect(r.summary).toBe('Security diff: no security change (objects: 0 added, 0 removed, 0 changed)');
  });

  test('reordering documents, splitting files and reordering keys is no change', () => {
    const docs = yaml.parseAllDocuments(fs.readFileSync(path.join(base, 'apps.yaml'), 'utf-8')).map((d) => d.toJS());
    const reversedKeys = (x: any): any => Array.isArray(x) ? x.map(reversedKeys)
      : x !== null && typeof x === 'object' ? Object.fromEntries(Object.keys(x).reverse().map((k) => [k, reversedKeys(x[k])])) : x;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-reorder-'));
    fs.mkdirSync(path.join(dir, 'nested'));
    const shuffled = docs.reverse().map(reversedKeys);
    fs.writeFileSync(path.join(dir, 'z.yaml'), shuffled.slice(0, 3).map((d) => yaml.stringify(d)).join('---\n'));
    fs.writeFileSync(path.join(dir, 'nested', 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: shuffled.slice(3) }));
    expect(canonicalJson(shuffled[0])).toBe(canonicalJson(docs[0]));
    const r = SecurityDiff.betweenFiles([base], [dir]);
    expect(r.items).toEqual([]);
    expect(r.changedObjects).toBe(0);
  });

  test('betweenManifests: the later copy of an identity is the object (as kubectl apply leaves it); a new earlier copy is still a change', () => {
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'a' }, data: { v } });
    expect(SecurityDiff.betweenManifests([cm('1')], [cm('1'), cm('0')]).changedObjects).toBe(1);
    // Helm and kubectl create keep the first copy: the audit judges it (test/diff/duplicates.test.ts).
    const shadowed = SecurityDiff.betweenManifests([cm('1')], [cm('0'), cm('1')]);
    expect(shadowed.changedObjects).toBe(1);
    expect(shadowed.items.map((i) => [i.change, i.ruleId])).toEqual([[DiffChange.FINDING_INTRODUCED, 'SB-META-DUPLICATE']]);
    expect(SecurityDiff.betweenManifests([cm('0'), cm('1')], [cm('0'), cm('1')]).changedObjects).toBe(0);
  });
});

describe('address classes cut differently on the two sides', () => {
  const deploy = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'apps' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `r.example/${name}:1` }] } } },
  });
  const policy = (name: string, spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'apps' }, spec });
  const edge = policy('edge', { podSelector: { matchLabels: { app: 'edge' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }] });
  const base = [deploy('edge'), deploy('worker'), edge];

  test('a CIDR mentioned elsewhere re-cuts the addresses that already reached a workload: no change', () => {
    // The worker's new egress splits 203.0.113.0/24 out of the internet; the edge is reached as before.
    const head = [...base, policy('worker', { podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }] })];
    const r = SecurityDiff.betweenManifests(base, head);
    expect(rows(r, 'connectivity').filter((x) => String(x[3]).endsWith('→ apps/edge'))).toEqual([]);
    expect(rows(r, 'connectivity').map((x) => x[3])).toContain('apps/worker → cidr 203.0.113.0/24');
  });

  test('addresses that did not reach the workload before are a change, however the classes are cut', () => {
    const wider = policy('edge', { ...edge.spec, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }] });
    const r = SecurityDiff.betweenManifests(base, [deploy('edge'), deploy('worker'), wider]);
    const added = rows(r, 'connectivity').filter((x) => String(x[3]).endsWith('→ apps/edge'));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((x) => x[5] === 'TCP/443')).toBe(true);
    // And the other way round: they are reported as no longer reaching it.
    const back = rows(SecurityDiff.betweenManifests([deploy('edge'), deploy('worker'), wider], base), 'connectivity').filter((x) => String(x[3]).endsWith('→ apps/edge'));
    expect(back.length).toBeGreaterThan(0);
  });
});

describe('reports', () => {
  test('markdown: the summary line, then sections most severe first', () => {
    const md = fixture('rbac').toMarkdown();
    expect(md.split('\n').slice(0, 6)).toEqual([
      '## Security diff',
      '',
      '**2 high, 0 medium, 0 low, 0 info; 2 of 2 changes weaken the posture (objects: 0 added, 0 removed, 1 changed)**',
      '',
      '### Identity and RBAC (1)',
      '',
    ]);
    expect(md).toContain('- **HIGH** capability-gained: ServiceAccount apps/ci can now run commands in running pods in namespace apps (not declared)');
  });

  test('json and sarif: the items, and the new findings only', () => {
    const r = fixture('rbac');
    const json = r.toJson();
    expect(json.counts).toEqual({ high: 2, medium: 0, low: 0, info: 0 });
    expect(json.items).toHaveLength(2);
    const sarif = JSON.parse(r.toSarif());
    expect(sarif.runs[0].results.map((x: any) => x.ruleId)).toEqual(['SB-RBAC-POD-EXEC']);
  });

  test('helpers: durations and registries', () => {
    expect(durationHours('720h')).toBe(720);
    expect(durationHours('1h30m')).toBe(1.5);
    expect(durationHours('soon')).toBeUndefined();
    expect(registryOf('nginx:1')).toBe('docker.io');
    expect(registryOf('ghcr.io/a/b:1')).toBe('ghcr.io');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
  });
});

describe('betweenFiles reads a document both sides hold once (one document cache)', () => {
  const strip = (r: SecurityDiffResult) => r.items.map((i) => ({ ...i, locations: [] }));
  const objectsOf = (dir: string) => readManifestFiles([dir]).objects.map((o) => o.manifest);

  test.each(fs.readdirSync(FIXTURES).sort())('%s: the same items as the two sides read apart', (category) => {
    const [base, head] = ['base', 'head'].map((s) => path.join(FIXTURES, category, s));
    const shared = SecurityDiff.betweenFiles([base], [head]);
    const apart = SecurityDiff.betweenManifests(objectsOf(base), objectsOf(head));
    expect(shared.items.length).toBeGreaterThan(0);
    expect(strip(shared)).toEqual(strip(apart));
    expect(shared.changedObjects).toBe(apart.changedObjects);
  });

  test('an edit inside one document of an otherwise identical file is the one change; moving documents is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-shared-'));
    const doc = (name: string, privileged: boolean) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: a\nspec:\n  containers:\n  - name: c\n    image: r.example/i@sha256:${'a'.repeat(64)}\n    securityContext: {privileged: ${privileged ? 'yes' : 'no'}}\n`;
    fs.mkdirSync(path.join(dir, 'base'));
    fs.mkdirSync(path.join(dir, 'head'));
    fs.writeFileSync(path.join(dir, 'base', 'pods.yaml'), [doc('p1', false), doc('p2', false), doc('p3', false)].join('---\n'));
    fs.writeFileSync(path.join(dir, 'head', 'pods.yaml'), [doc('p3', false), doc('p2', true), doc('p1', false)].join('---\n'));
    const r = SecurityDiff.betweenFiles([path.join(dir, 'base')], [path.join(dir, 'head')]);
    expect(r.changedObjects).toBe(1);
    expect(r.itemsOf(DiffChange.PRIVILEGE_RAISED).map((i) => [i.subject, i.locations])).toEqual([['Pod a/p2 container "c"', ['pods.yaml:12']]]);
  });
});
