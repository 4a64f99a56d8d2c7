import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const obj = (kind: string, name: string, spec: any, v = 'v1beta3') => ({ apiVersion: `policy.linkerd.io/${v}`, kind, metadata: { name, namespace: 'shop' }, spec });

describe('SB-MESH-LINKERD-UNAUTHENTICATED', () => {
  test('Servers with deny access and mTLS-authenticated AuthorizationPolicies pass', () => {
    expect(findings(RuleIds.MESH_LINKERD_UNAUTHENTICATED, [
      obj('Server', 'web', { podSelector: { matchLabels: { app: 'web' } }, port: 'http', accessPolicy: 'deny' }),
      obj('AuthorizationPolicy', 'web', { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web' }, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'frontend' }] }, 'v1alpha1'),
      obj('AuthorizationPolicy', 'sa', { targetRef: { kind: 'Server', name: 'web' }, requiredAuthenticationRefs: [{ kind: 'ServiceAccount', name: 'frontend' }] }, 'v1alpha1'),
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'istio', namespace: 'shop' }, spec: {} },
    ])).toEqual([]);
  });

  test('flags open Servers, network-only or empty authentication, and unauthenticated ServerAuthorizations', () => {
    expect(findings(RuleIds.MESH_LINKERD_UNAUTHENTICATED, [
      obj('Server', 'open', { podSelector: {}, port: 8080, accessPolicy: 'all-unauthenticated' }),
      obj('AuthorizationPolicy', 'net', { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'web' }, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'NetworkAuthentication', name: 'cluster-nets' }] }, 'v1alpha1'),
      obj('AuthorizationPolicy', 'none', { targetRef: { kind: 'Server', name: 'web' }, requiredAuthenticationRefs: [] }, 'v1alpha1'),
      obj('ServerAuthorization', 'legacy', { server: { name: 'web' }, client: { unauthenticated: true } }, 'v1beta1'),
    ])).toEqual([
      { object: 'AuthorizationPolicy/shop/net', jsonPath: 'spec.requiredAuthenticationRefs', message: 'AuthorizationPolicy for Server "web" requires only NetworkAuthentication (no mTLS identity)' },
      { object: 'AuthorizationPolicy/shop/none', jsonPath: 'spec.requiredAuthenticationRefs', message: 'AuthorizationPolicy for Server "web" requires no authentication' },
      { object: 'Server/shop/open', jsonPath: 'spec.accessPolicy', message: 'Server sets accessPolicy all-unauthenticated' },
      { object: 'ServerAuthorization/shop/legacy', jsonPath: 'spec.client.unauthenticated', message: 'ServerAuthorization admits unauthenticated clients (client.unauthenticated: true)' },
    ]);
  });
});
