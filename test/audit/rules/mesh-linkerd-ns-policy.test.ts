import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, namespace } from '../util';

const ns = (name: string, annotations: any) => namespace(name, { 'pod-security.kubernetes.io/enforce': 'restricted' }, annotations);

describe('SB-MESH-LINKERD-NS-POLICY', () => {
  test('deny / authenticated policies and non-injected namespaces pass', () => {
    expect(findings(RuleIds.MESH_LINKERD_NS_POLICY, [
      ns('a', { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'deny' }),
      ns('b', { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'all-authenticated' }),
      ns('c', { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'cluster-authenticated' }),
      ns('d', { 'linkerd.io/inject': 'disabled' }),
    ])).toEqual([]);
  });

  test('flags missing and unauthenticated default policies', () => {
    expect(findings(RuleIds.MESH_LINKERD_NS_POLICY, [
      ns('a', { 'linkerd.io/inject': 'enabled' }),
      ns('b', { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/default-inbound-policy': 'all-unauthenticated' }),
    ])).toEqual([
      { object: 'Namespace/a', jsonPath: 'metadata.annotations', message: 'Linkerd-injected namespace has no config.linkerd.io/default-inbound-policy annotation (the cluster default, usually all-unauthenticated, applies)' },
      { object: 'Namespace/b', jsonPath: 'metadata.annotations', message: 'Linkerd-injected namespace sets config.linkerd.io/default-inbound-policy: all-unauthenticated' },
    ]);
  });
});
