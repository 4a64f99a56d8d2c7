import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

describe('SB-META-CLUSTER-SCOPED-NAMESPACE', () => {
  test('cluster-scoped objects without namespace and namespaced objects with one pass', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com' },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' } },
    ];
    expect(findings(RuleIds.META_CLUSTER_SCOPED_NAMESPACE, objects)).toEqual([]);
  });

  test('flags built-in cluster-scoped kinds and cluster-scoped CRDs in the output', () => {
    const objects = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'shop' } },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high', namespace: 'shop' }, value: 1000 },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget' } } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } },
    ];
    expect(findings(RuleIds.META_CLUSTER_SCOPED_NAMESPACE, objects)).toEqual([
      { object: 'ClusterRole/shop/reader', jsonPath: 'metadata.namespace', message: 'cluster-scoped ClusterRole sets metadata.namespace "shop"' },
      { object: 'PriorityClass/shop/high', jsonPath: 'metadata.namespace', message: 'cluster-scoped PriorityClass sets metadata.namespace "shop"' },
      { object: 'Widget/shop/w', jsonPath: 'metadata.namespace', message: 'cluster-scoped Widget sets metadata.namespace "shop"' },
    ]);
  });
});
