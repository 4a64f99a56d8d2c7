import { analyze, authz, denyAll, deploy, ns, ports } from './fixtures';
import { Reachability } from '../../src';

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

describe('mesh-wide and wildcard authorization', () => {
  const base = [istioNs('a'), istioNs('b'), ns('plain'), deploy('a', 'api'), deploy('b', 'client'), deploy('b', 'other'), deploy('plain', 'legacy')];
  const allowFrom = (source: any) => authz('a', 'api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source }] }] });
  const NONE = ['UDP/*', 'SCTP/*'];

  test('an ALLOW policy without selector in the root namespace applies to every workload: it voids a namespace allow-nothing', () => {
    const denied = [...base, authz('a', 'deny-all', {})];
    expect(ports(analyze(denied), 'b/client', 'a/api')).toEqual(NONE);
    const r = analyze([...denied, authz('istio-system', 'allow-all', { rules: [{}] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['*']);
    // Another root namespace, by option.
    const other = Reachability.fromManifests([...denied, authz('mesh-root', 'allow-all', { rules: [{}] })], { istioRootNamespace: 'mesh-root' });
    expect(ports(other, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(analyze([...denied, authz('mesh-root', 'allow-all', { rules: [{}] })]), 'b/client', 'a/api')).toEqual(NONE);
  });

  test('a DENY policy in the root namespace applies everywhere', () => {
    const r = analyze([...base, authz('istio-system', 'deny-b', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['b'] } }] }] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(NONE);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['*']);
    expect(ports(r, 'a/api', 'b/other')).toEqual(['*']);
    expect(ports(r, 'b/client', 'b/other')).toEqual(NONE);
  });

  test('an empty ALLOW rule allows everything', () => {
    const r = analyze([...base, authz('a', 'deny-all', {}), authz('a', 'allow', { rules: [{}] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['*']);
  });

  test('principals/namespaces "*" are presence matches: every caller with an mTLS identity, no plaintext caller', () => {
    for (const source of [{ principals: ['*'] }, { namespaces: ['*'] }]) {
      const r = analyze([...base, allowFrom(source)]);
      expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
      expect(ports(r, 'b/other', 'a/api')).toEqual(['*']);
      expect(ports(r, 'plain/legacy', 'a/api')).toEqual(NONE);
    }
  });

  test('prefix and suffix principals; "*/ns/b/*" is a suffix match on "/ns/b/*", which no principal ends with', () => {
    const prefix = analyze([...base, allowFrom({ principals: ['cluster.local/ns/b/*'] })]);
    expect(ports(prefix, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(prefix, 'plain/legacy', 'a/api')).toEqual(NONE);
    const domain = analyze([...base, allowFrom({ principals: ['cluster.local/*'] })]);
    expect(ports(domain, 'b/other', 'a/api')).toEqual(['*']);
    const suffix = analyze([...base, allowFrom({ principals: ['*/sa/client'] })]);
    expect(ports(suffix, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(suffix, 'b/other', 'a/api')).toEqual(NONE);
    const both = analyze([...base, allowFrom({ principals: ['*/ns/b/*'] })]);
    expect(ports(both, 'b/client', 'a/api')).toEqual(NONE);
    // So a DENY written that way denies nothing.
    const deny = analyze([...base, authz('a', 'deny-b', { action: 'DENY', rules: [{ from: [{ source: { principals: ['*/ns/b/*'] } }] }] })]);
    expect(ports(deny, 'b/client', 'a/api')).toEqual(['*']);
    const nsPrefix = analyze([...base, allowFrom({ namespaces: ['b*'] })]);
    expect(ports(nsPrefix, 'b/client', 'a/api')).toEqual(['*']);
  });

  test('notPrincipals and notNamespaces', () => {
    const r = analyze([...base, allowFrom({ notPrincipals: ['cluster.local/ns/b/sa/other'] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(['*']);
    expect(ports(r, 'b/other', 'a/api')).toEqual(NONE);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(['*']); // no principal is not the excluded one
    const deny = analyze([...base, authz('a', 'deny-foreign', { action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['a'] } }] }] })]);
    expect(ports(deny, 'b/client', 'a/api')).toEqual(NONE);
    expect(ports(deny, 'plain/legacy', 'a/api')).toEqual(NONE);
  });

  test('what a wildcard admits shows up as extra paths, at the mesh layer too when only the NetworkPolicies stop it', () => {
    const open = analyze([...base, allowFrom({ principals: ['cluster.local/ns/b/*'] })]);
    expect(open.extraPaths.filter((e) => e.to === 'a/api' && e.layer === 'effective').map((e) => e.from)).toEqual(expect.arrayContaining(['b/client', 'b/other']));
    const closed = analyze([...base, denyAll('a'),
      authz('a', 'api', { selector: { matchLabels: { app: 'api' } }, rules: [{ from: [{ source: { principals: ['cluster.local/ns/b/*'] } }], to: [{ operation: { ports: ['8080'] } }] }] })]);
    expect(closed.extraPaths.filter((e) => e.to === 'a/api').map((e) => [e.from, e.layer, e.ports.join(',')])).toEqual([
      ['b/client', 'mesh', 'TCP/8080'],
      ['b/other', 'mesh', 'TCP/8080'],
    ]);
  });
});

describe('Linkerd wildcard authentication', () => {
  const linkerdNs = (name: string, policy?: string) => ns(name, {}, { 'linkerd.io/inject': 'enabled', ...(policy ? { 'config.linkerd.io/default-inbound-policy': policy } : {}) });
  const server = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'api-http', namespace: 'a' }, spec: { podSelector: { matchLabels: { app: 'api' } }, port: 8080 } };
  const policy = {
    apiVersion: 'policy.linkerd.io/v1alpha1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'api-http', namespace: 'a' },
    spec: { targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: 'api-http' }, requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: 'callers' }] },
  };
  const mtls = (spec: any) => ({ apiVersion: 'policy.linkerd.io/v1alpha1', kind: 'MeshTLSAuthentication', metadata: { name: 'callers', namespace: 'a' }, spec });
  const base = [linkerdNs('a', 'deny'), linkerdNs('b'), linkerdNs('c'), ns('plain'), deploy('a', 'api'), deploy('b', 'client'), deploy('b', 'other'), deploy('c', 'client'), deploy('plain', 'legacy'), server, policy];
  const OK = ['TCP/8080', 'UDP/*', 'SCTP/*'];
  const NONE = ['UDP/*', 'SCTP/*'];

  test('identities ["*"]: every authenticated (meshed) client, no plaintext one', () => {
    const r = analyze([...base, mtls({ identities: ['*'] })]);
    expect(ports(r, 'b/client', 'a/api')).toEqual(OK);
    expect(ports(r, 'c/client', 'a/api')).toEqual(OK);
    expect(ports(r, 'plain/legacy', 'a/api')).toEqual(NONE);
  });

  test('identityRefs: a ServiceAccount named "*" or without a name is every ServiceAccount of its namespace; a Namespace every one of that namespace', () => {
    for (const ref of [{ kind: 'ServiceAccount', name: '*', namespace: 'b' }, { kind: 'ServiceAccount', namespace: 'b' }, { kind: 'Namespace', name: 'b' }]) {
      const r = analyze([...base, mtls({ identityRefs: [ref] })]);
      expect(ports(r, 'b/client', 'a/api')).toEqual(OK);
      expect(ports(r, 'b/other', 'a/api')).toEqual(OK);
      expect(ports(r, 'c/client', 'a/api')).toEqual(NONE);
    }
  });

  test('what they admit shows up as mesh-layer extra paths when only the NetworkPolicies stop it', () => {
    const r = analyze([...base, denyAll('a'), mtls({ identities: ['*.b.serviceaccount.identity.linkerd.cluster.local'] })]);
    expect(r.extraPaths.filter((e) => e.to === 'a/api').map((e) => [e.from, e.layer, e.ports.join(',')])).toEqual([
      ['b/client', 'mesh', 'TCP/8080'],
      ['b/other', 'mesh', 'TCP/8080'],
    ]);
  });
});
