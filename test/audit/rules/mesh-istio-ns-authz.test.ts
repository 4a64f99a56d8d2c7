import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, namespace } from '../util';

const ap = (name: string, ns: string, spec?: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, ...(spec !== undefined ? { spec } : {}) });
const istioNs = (name: string, labels: any) => namespace(name, { 'pod-security.kubernetes.io/enforce': 'restricted', ...labels });

describe('SB-MESH-ISTIO-NS-AUTHZ', () => {
  test('namespaces with an allow-nothing policy (spec {} or no spec), non-Istio namespaces and a mesh-wide root policy pass', () => {
    expect(findings(RuleIds.MESH_ISTIO_NS_AUTHZ, [
      istioNs('a', { 'istio-injection': 'enabled' }), ap('deny', 'a', {}),
      istioNs('b', { 'istio.io/rev': 'stable' }), ap('deny', 'b'),
      istioNs('c', { 'istio-injection': 'disabled' }),
    ])).toEqual([]);
    expect(findings(RuleIds.MESH_ISTIO_NS_AUTHZ, [istioNs('a', { 'istio-injection': 'enabled' }), ap('deny', 'mesh-root', {})], { istioRootNamespace: 'mesh-root' })).toEqual([]);
  });

  test('flags injected, revision-labelled and ambient namespaces without one', () => {
    const objects = [
      istioNs('a', { 'istio-injection': 'enabled' }), ap('allow-web', 'a', { rules: [{}] }),
      istioNs('b', { 'istio.io/rev': 'canary' }),
      istioNs('c', { 'istio.io/dataplane-mode': 'ambient' }),
      { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'AuthorizationPolicy', metadata: { name: 'linkerd', namespace: 'c' }, spec: {} },
    ];
    expect(findings(RuleIds.MESH_ISTIO_NS_AUTHZ, objects)).toEqual([
      { object: 'Namespace/a', message: 'Istio-enabled namespace has no allow-nothing AuthorizationPolicy (spec: {})' },
      { object: 'Namespace/b', message: 'Istio-enabled namespace has no allow-nothing AuthorizationPolicy (spec: {})' },
      { object: 'Namespace/c', message: 'Istio-enabled namespace has no allow-nothing AuthorizationPolicy (spec: {})' },
    ]);
  });
});
