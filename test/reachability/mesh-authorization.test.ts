import { analyze, authz, deploy, ns, ports } from './fixtures';

const istioNs = (name: string) => ns(name, { 'istio-injection': 'enabled' });
const principal = (n: string, sa: string) => `cluster.local/ns/${n}/sa/${sa}`;

describe('Istio authorization', () => {
  const base = [istioNs('a'), istioNs('b'), deploy('a', 'api'), deploy('b', 'client'), deploy('b', 'other')];

  test('no AuthorizationPolicy: every caller is admitted', () => {
    expect(ports(analyze(base), 'b/client', 'a/api')).toEqual(['*']);
  });

  test('an ALLOW policy on a workload admits what it matches and denies the rest (TCP; UDP is not intercepted)', () => {
    const r = analyze([...base, authz('a', 'api', { selector: { matchLabels: { app: 'api' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [principal('b', 'client')] } }], to: [{ operation: { ports: ['8080'] } }] }] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['TCP/8080', 'UDP/*', 'SCTP/*']);
    expect(ports(r, 'b/other', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
  });

  test('DENY overrides ALLOW', () => {
    const r = analyze([...base,
      authz('a', 'allow-all', { rules: [{}] }),
      authz('a', 'deny-client', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['b'], principals: [principal('b', 'client')] } }], to: [{ operation: { ports: ['8080'] } }] }] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['TCP/1-8079', 'TCP/8081-65535', 'UDP/*', 'SCTP/*']);
    expect(ports(r, 'b/other', 'a/api')).toEqual(['*']);
  });

  test('an empty spec is a namespace-wide deny-all; a workload ALLOW policy opens it again', () => {
    const denied = analyze([...base, authz('a', 'deny-all', {})]);
    expect(ports(denied, 'b/client', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
    const opened = analyze([...base, authz('a', 'deny-all', {}),
      authz('a', 'api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/b/*'] } }] }] })]);
    expect(ports(opened, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(opened, 'b/other', 'a/api')).toEqual(['*']);
  });

  test('a policy with a selector that does not match the workload does not apply', () => {
    const r = analyze([...base, authz('a', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
  });

  test('STRICT PeerAuthentication refuses callers outside the mesh', () => {
    const r = analyze([...base, ns('plain'), deploy('plain', 'legacy'),
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } }]);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
  });
});

describe('Linkerd authorization', () => {
  const linkerdNs = (name: string, policy?: string) => ns(name, {}, { 'linkerd.io/inject': 'enabled', ...(policy ? { 'config.linkerd.io/default-inbound-policy': policy } : {}) });
  const server = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'api-http', namespace: 'a' }, spec: { podSelector: { matchLabels: { app: 'api' } }, port: 'http', proxyProtocol: 'HTTP/1' } };
  const mtls = { apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { name: 'api-callers', namespace: 'a' }, spec: { identityRefs: [{ kind: 'ServiceAccount', name: 'client', namespace: 'b' }] } };
  const policy = {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'api-http', namespace: 'a' },
    spec: { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'api-callers' }] },
  };

  test('Server + AuthorizationPolicy + MeshTLSAuthentication admit exactly the named ServiceAccount on the Server port', () => {
    const r = analyze([linkerdNs('a', 'deny'), linkerdNs('b'), deploy('a', 'api'), deploy('b', 'client'), deploy('b', 'other'), server, mtls, policy]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['TCP/8080', 'UDP/*', 'SCTP/*']);
    expect(ports(r, 'b/other', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
  });

  test('default-inbound-policy deny: a Server without an AuthorizationPolicy admits nobody, nor do ports without a Server', () => {
    const r = analyze([linkerdNs('a', 'deny'), linkerdNs('b'), deploy('a', 'api'), deploy('b', 'client'), server]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
  });

  test('ports without a Server fall back to the default policy (all-authenticated admits meshed callers only)', () => {
    const r = analyze([linkerdNs('a', 'all-authenticated'), linkerdNs('b'), ns('plain'), deploy('a', 'api'), deploy('b', 'client'), deploy('plain', 'legacy'), server, mtls, policy]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['UDP/*', 'SCTP/*']);
  });
});
