import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { analyze, denyAll, deploy, np, ns, ports } from './fixtures';
import { Reachability } from '../../src';
import { runReachabilityCli } from '../../src/reachability/cli';

const pod = (namespace: string, name: string, labels: Record<string, string>, owner?: { kind: string; name: string; apiVersion?: string }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels, ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] } : {}) },
  spec: { serviceAccountName: 'web', containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] },
});
const workloads = (r: ReturnType<typeof analyze>) => r.endpoints.filter((e) => e.kind === 'workload').map((e) => `${e.id} ${e.workloadKind}`);

describe('every pod is an endpoint', () => {
  test('pods whose owner is not in the input (kubectl get pods -o yaml) are endpoints', () => {
    const r = analyze([ns('a'), pod('a', 'web-7d9f8-abcde', { app: 'web' }, { kind: 'ReplicaSet', name: 'web-7d9f8' })]);
    expect(workloads(r)).toEqual(['a/web-7d9f8-abcde Pod']);
    expect(ports(r, 'a/web-7d9f8-abcde', 'internet')).toEqual(['*']);
  });

  test('a Pod or ReplicaSet whose owner is in the input is the owner\'s workload, not a second node', () => {
    const d = deploy('a', 'web');
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9f8', namespace: 'a', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd' }] }, spec: d.spec };
    const p = pod('a', 'web-7d9f8-abcde', { app: 'web' }, { kind: 'ReplicaSet', name: 'web-7d9f8' });
    expect(workloads(analyze([ns('a'), d, rs, p]))).toEqual(['a/web Deployment']);
    // Without the Deployment, the ReplicaSet is the workload (and its pod merges into it).
    expect(workloads(analyze([ns('a'), rs, p]))).toEqual(['a/web-7d9f8 ReplicaSet']);
    // An owner in the input that holds no pod spec does not swallow its pods.
    const owner = { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'web', namespace: 'a' }, spec: {} };
    expect(workloads(analyze([ns('a'), owner, pod('a', 'web-1', { app: 'web' }, { kind: 'Thing', name: 'web', apiVersion: 'example.com/v1' })]))).toEqual(['a/web-1 Pod']);
  });

  test('custom resources embedding pod specs are workloads (labels, ports and ServiceAccount from the template)', () => {
    const scaledJob = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: { name: 'worker', namespace: 'a' },
      spec: { jobTargetRef: { template: { metadata: { labels: { app: 'worker' } }, spec: { serviceAccountName: 'worker', containers: [{ name: 'w', image: 'ghcr.io/acme/w:1', ports: [{ name: 'metrics', containerPort: 9090 }] }] } } } },
    };
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'api', namespace: 'a' },
      spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/api:1', ports: [{ name: 'http', containerPort: 8443 }] }] } } },
    };
    const policy = np('a', 'api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'worker' } } }], ports: [{ port: 'http' }] }] });
    const r = analyze([ns('a'), scaledJob, rollout, policy]);
    expect(workloads(r)).toEqual(['a/api Rollout', 'a/worker ScaledJob']);
    expect(ports(r, 'a/worker', 'a/api')).toEqual(['TCP/8443']);
    expect(r.endpoints.find((e) => e.id === 'a/worker')!.serviceAccount).toBe('worker');
    // A PodTemplate runs nothing; a Kyverno policy's pod pattern is not a pod.
    const template = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't', namespace: 'a' }, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } };
    expect(workloads(analyze([ns('a'), template]))).toEqual([]);
  });
});

describe('lists and duplicates', () => {
  test('List and typed lists are expanded', () => {
    const r = Reachability.fromManifests([
      { apiVersion: 'v1', kind: 'List', items: [ns('a'), deploy('a', 'x')] },
      { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'a', labels: { app: 'p' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }] },
    ]);
    expect(workloads(r)).toEqual(['a/p Pod', 'a/x Deployment']);
  });

  test('of several objects with one identity only the last counts, and it is reported', () => {
    const isolated = [ns('a'), deploy('a', 'x'), deploy('a', 'y'), denyAll('a')];
    expect(ports(analyze(isolated), 'a/x', 'a/y')).toEqual([]);
    // A later default-deny redeclared with a selector matching nothing replaces the first: nothing is isolated.
    const redeclared = np('a', 'default-deny', { podSelector: { matchLabels: { app: 'nothing' } }, policyTypes: ['Ingress', 'Egress'] });
    const r = analyze([...isolated, redeclared]);
    expect(ports(r, 'a/x', 'a/y')).toEqual(['*']);
    expect(r.duplicates).toEqual([{
      object: 'NetworkPolicy a/default-deny',
      positions: ['#4', '#5'],
      differs: true,
      message: 'NetworkPolicy a/default-deny is in the input 2 times (objects #4, #5) with different content: the proof reads the last '
        + '(kubectl apply keeps it), but Helm and kubectl create keep the first, so it cannot vouch for the paths. Fix: define the object once',
    }]);
    expect(r.warnings).toContain(r.duplicates[0].message);
    expect(r.toJson().duplicates).toEqual(r.duplicates);
    // Inside lists, positions name the item.
    const listed = Reachability.fromManifests([{ apiVersion: 'v1', kind: 'List', items: isolated }, { apiVersion: 'v1', kind: 'List', items: [redeclared] }]);
    expect(listed.duplicates[0].positions).toEqual(['#1 items[3]', '#2 items[0]']);
    expect(ports(listed, 'a/x', 'a/y')).toEqual(['*']);
    // The same copy twice decides nothing: not ambiguous.
    const same = analyze([...isolated, denyAll('a')]);
    expect(same.duplicates.map((d) => [d.differs, d.message])).toEqual([[false,
      'NetworkPolicy a/default-deny is in the input 2 times (objects #4, #5), each the same; the last one counts, as kubectl apply leaves the last']]);
  });

  test('copies that differ make the CLI fail (fail closed), whichever copy is open', () => {
    const open = np('a', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-dup-'));
    // The open copy first: Helm and kubectl create keep it; the proof reads the deny-all.
    fs.writeFileSync(path.join(dir, 'a.yaml'), [ns('a'), deploy('a', 'x'), open, denyAll('a')].map((o) => yaml.stringify(o)).join('---\n'));
    const out: string[] = [];
    const code = runReachabilityCli([dir], { out: (s) => out.push(s), err: (s) => out.push(s) });
    expect(code).toBe(1);
    expect(out.join('')).toContain('Objects defined more than once, differently (1): the proof cannot vouch for the paths:\n  NetworkPolicy a/default-deny is in the input 2 times');
    fs.writeFileSync(path.join(dir, 'a.yaml'), [ns('a'), deploy('a', 'x'), denyAll('a'), denyAll('a')].map((o) => yaml.stringify(o)).join('---\n'));
    expect(runReachabilityCli([dir], { out: () => undefined, err: () => undefined })).toBe(0);
  });
});
