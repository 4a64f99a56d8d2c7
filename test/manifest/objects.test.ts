import { describeManifest, effectiveObjects, expandLists, findDuplicates, findPodSpecs, identityKey, pathText } from '../../src/manifest/objects';

const pod = (name: string, ns?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(ns ? { namespace: ns } : {}) }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });

describe('expandLists: what kubectl applies from a List', () => {
  test('kind: List items keep their own kind; nested Lists are expanded with their item paths', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a', 'x'), { apiVersion: 'v1', kind: 'List', items: [pod('b', 'x')] }] };
    expect(expandLists(list).map((i) => [i.manifest.metadata.name, i.itemPath])).toEqual([['a', [0]], ['b', [1, 0]]]);
  });

  test('typed lists as the API server writes them: items without kind/apiVersion take the list\'s', () => {
    const list = { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'a', namespace: 'x' }, spec: { hostPID: true } }] };
    const [item] = expandLists(list);
    expect(item.manifest).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x' }, spec: { hostPID: true } });
    expect(list.items[0]).not.toHaveProperty('kind'); // the input is not modified
    const np = expandLists({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [{ metadata: { name: 'p' } }] })[0].manifest;
    expect([np.apiVersion, np.kind]).toEqual(['networking.k8s.io/v1', 'NetworkPolicy']);
  });

  test('a kind ending in List without items is an object, not a list', () => {
    const cr = { apiVersion: 'example.com/v1', kind: 'AllowList', metadata: { name: 'x' }, spec: {} };
    expect(expandLists(cr)).toEqual([{ manifest: cr, itemPath: [] }]);
  });
});

describe('identities and duplicates: kubectl apply keeps the last object of each identity', () => {
  test('group, kind, namespace and name; the version does not matter; cluster-scoped kinds ignore a namespace', () => {
    expect(identityKey({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'd', namespace: 's' } }))
      .toBe(identityKey({ apiVersion: 'networking.k8s.io/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'd', namespace: 's' } }));
    expect(identityKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', namespace: 'x' } })).toBe(identityKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }));
    expect(identityKey(pod('a', 'x'))).not.toBe(identityKey(pod('a', 'y')));
    expect(identityKey({ kind: 'Pod' })).toBeUndefined();
  });

  test('findDuplicates lists every group in input order; effectiveObjects keeps the last of each', () => {
    const objs = [pod('a', 'x'), pod('b', 'x'), { ...pod('a', 'x'), spec: { hostPID: true } }, pod('a', 'y')];
    expect(findDuplicates(objs)).toEqual([{ key: '|Pod|x|a', indexes: [0, 2] }]);
    expect(effectiveObjects(objs, (o) => o).map((o: any) => `${o.metadata.namespace}/${o.metadata.name}:${o.spec.hostPID === true}`)).toEqual(['x/b:false', 'x/a:true', 'y/a:false']);
  });

  test('describeManifest', () => {
    expect(describeManifest(pod('a', 'x'))).toBe('Pod x/a');
    expect(describeManifest({ kind: 'Namespace', metadata: { name: 'n' } })).toBe('Namespace n');
    expect(describeManifest(42)).toBe('<no kind> <no name>');
  });
});

describe('findPodSpecs: pod specs by shape, wherever a custom resource keeps them', () => {
  test('built-in workloads', () => {
    expect(findPodSpecs(pod('a')).map((p) => pathText(p.path))).toEqual(['spec']);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } } };
    const [found] = findPodSpecs(cron);
    expect(pathText(found.path)).toBe('spec.jobTemplate.spec.template.spec');
    expect(found.metadata).toEqual({ labels: { a: 'b' } });
  });

  test('KEDA ScaledJob, several templates in one object, and the Pod metadata for a bare Pod', () => {
    const scaled = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: { name: 's' },
      spec: { jobTargetRef: { template: { spec: { hostPID: true, containers: [{ name: 'x', image: 'i' }] } } } },
    };
    expect(findPodSpecs(scaled).map((p) => pathText(p.path))).toEqual(['spec.jobTargetRef.template.spec']);
    const multi = { apiVersion: 'example.com/v1', kind: 'Pipeline', metadata: { name: 'p' }, spec: { stages: [{ pod: { containers: [{ image: 'a' }] } }, { pod: { containers: [{ image: 'b' }] } }] } };
    expect(findPodSpecs(multi).map((p) => pathText(p.path))).toEqual(['spec.stages[0].pod', 'spec.stages[1].pod']);
    expect(findPodSpecs({ ...pod('a'), metadata: { name: 'a', labels: { app: 'a' } } })[0].metadata).toEqual({ name: 'a', labels: { app: 'a' } });
  });

  test('policies hold patterns, not pods; metadata and status are not searched; odd keys are quoted in paths', () => {
    const kyverno = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'k' }, spec: { rules: [{ validate: { pattern: { spec: { containers: [{ image: '!*:latest' }] } } } }] } };
    expect(findPodSpecs(kyverno)).toEqual([]);
    expect(findPodSpecs({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: { containers: [] } }, status: { containers: [{ image: 'x' }] } })).toEqual([]);
    expect(findPodSpecs({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { 'odd key': { containers: [{ image: 'x' }] } } }).map((p) => pathText(p.path))).toEqual(['spec["odd key"]']);
  });
});
