import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const obj = (kind: string, name: string, spec: any, apiVersion = 'policy.linkerd.io/v1alpha1') => ({ apiVersion, kind, metadata: { name, namespace: 'shop' }, spec });
const mtls = (name: string, spec: any) => obj('MeshTLSAuthentication', name, spec);
const net = (name: string, networks: any[]) => obj('NetworkAuthentication', name, { networks });

describe('SB-MESH-LINKERD-AUTHN-OPEN', () => {
  test('compliant: ServiceAccount refs (what MtlsService emits), exact identities, a namespace-pinned wildcard, private networks', () => {
    expect(findings(RuleIds.MESH_LINKERD_AUTHN_OPEN, [
      mtls('callers', { identityRefs: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] }),
      mtls('ids', { identities: ['web.shop.serviceaccount.identity.linkerd.cluster.local', '*.edge.serviceaccount.identity.linkerd.cluster.local'] }),
      net('probes', [{ cidr: '10.0.0.0/8' }, { cidr: 'fd00::/8' }]),
    ])).toEqual([]);
  });

  test('flags identities "*" and wildcards across namespaces', () => {
    expect(findings(RuleIds.MESH_LINKERD_AUTHN_OPEN, [
      mtls('all', { identities: ['*'] }),
      mtls('domain', { identities: ['*.serviceaccount.identity.linkerd.cluster.local', '*.cluster.local', 'web.*.serviceaccount.identity.linkerd.cluster.local'] }),
    ])).toEqual([
      { object: 'MeshTLSAuthentication/shop/all', jsonPath: 'spec.identities[0]', message: 'MeshTLSAuthentication identity "*" matches every authenticated client' },
      { object: 'MeshTLSAuthentication/shop/domain', jsonPath: 'spec.identities[0]', message: 'MeshTLSAuthentication identity "*.serviceaccount.identity.linkerd.cluster.local" matches workloads of any namespace' },
      { object: 'MeshTLSAuthentication/shop/domain', jsonPath: 'spec.identities[1]', message: 'MeshTLSAuthentication identity "*.cluster.local" matches workloads of any namespace' },
      { object: 'MeshTLSAuthentication/shop/domain', jsonPath: 'spec.identities[2]', message: 'MeshTLSAuthentication identity "web.*.serviceaccount.identity.linkerd.cluster.local" matches workloads of any namespace' },
    ]);
  });

  test('flags identityRefs naming every ServiceAccount or a whole Namespace', () => {
    expect(findings(RuleIds.MESH_LINKERD_AUTHN_OPEN, [mtls('refs', {
      identityRefs: [{ kind: 'ServiceAccount', name: '*' }, { kind: 'Namespace', name: 'edge' }, { kind: 'Namespace', name: '*' }, { kind: 'ServiceAccount' }],
    })]).map(f => `${f.jsonPath}: ${f.message}`)).toEqual([
      'spec.identityRefs[0]: MeshTLSAuthentication identityRef {"kind":"ServiceAccount","name":"*"} names every ServiceAccount',
      'spec.identityRefs[1]: MeshTLSAuthentication identityRef of kind Namespace "edge" admits every ServiceAccount of that namespace, including ones created later',
      'spec.identityRefs[2]: MeshTLSAuthentication identityRef {"kind":"Namespace","name":"*"} names every namespace',
      'spec.identityRefs[3]: MeshTLSAuthentication identityRef {"kind":"ServiceAccount"} names every ServiceAccount',
    ]);
  });

  test('flags NetworkAuthentications for every address, in any spelling', () => {
    expect(findings(RuleIds.MESH_LINKERD_AUTHN_OPEN, [
      net('all-networks', [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }]),
      net('halves', [{ cidr: '0.0.0.0/1' }, { cidr: '128.0.0.0/1', except: ['192.168.0.0/16'] }]),
      net('mapped', [{ cidr: '::ffff:0:0/96' }]),
    ]).map(f => `${f.object} ${f.message}`)).toEqual([
      'NetworkAuthentication/shop/all-networks NetworkAuthentication covers the IPv4 and IPv6 internet (0.0.0.0/0; ::/0): any client address authenticates',
      expect.stringMatching(/^NetworkAuthentication\/shop\/halves NetworkAuthentication covers the IPv4 internet \(0\.0\.0\.0\/0 except 192\.168\.0\.0\/16\)/),
      'NetworkAuthentication/shop/mapped NetworkAuthentication covers the IPv4 internet (0.0.0.0/0): any client address authenticates',
    ]);
  });
});
