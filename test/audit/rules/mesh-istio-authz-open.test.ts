import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const ap = (name: string, ns: string, spec?: any, apiVersion = 'security.istio.io/v1') => ({ apiVersion, kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, ...(spec !== undefined ? { spec } : {}) });
const selector = { matchLabels: { app: 'api' } };
const from = (source: any) => ({ rules: [{ from: [{ source }] }], selector });

describe('SB-MESH-ISTIO-AUTHZ-OPEN', () => {
  test('compliant: allow-nothing, exact or namespace-pinned principals, exact namespaces, JWT-authenticated callers, DENY/CUSTOM policies', () => {
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, [
      ap('deny-all', 'shop', {}), ap('no-spec', 'shop'),
      ap('exact', 'shop', from({ principals: ['cluster.local/ns/edge/sa/gateway'] })),
      ap('suffix', 'shop', from({ principals: ['*/ns/edge/sa/gateway'] })),
      ap('any-sa-of-edge', 'shop', from({ principals: ['cluster.local/ns/edge/*'] })),
      ap('ns', 'shop', from({ namespaces: ['edge'] })),
      ap('jwt', 'shop', from({ requestPrincipals: ['*'] })),
      ap('deny', 'shop', { action: 'DENY', rules: [{}] }),
      ap('custom', 'shop', { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] }),
    ])).toEqual([]);
  });

  test('flags rules: [{}] in the root namespace without selector: it voids every namespace\'s deny', () => {
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, [ap('allow-all', 'istio-system', { rules: [{}] })])).toEqual([{
      object: 'AuthorizationPolicy/istio-system/allow-all',
      jsonPath: 'spec.rules[0]',
      message: 'ALLOW AuthorizationPolicy admits any caller to every workload in the mesh (no selector in the Istio root namespace "istio-system"): this voids the allow-nothing policy of every namespace: spec.rules[0] has no from (any caller)',
    }]);
    // The root namespace is an option; the same policy elsewhere voids its own namespace's deny.
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, [ap('allow-all', 'mesh-root', { action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, 'security.istio.io/v1beta1')], { istioRootNamespace: 'mesh-root' }).map(f => f.message)).toEqual([
      'ALLOW AuthorizationPolicy admits any caller to every workload in the mesh (no selector in the Istio root namespace "mesh-root"): this voids the allow-nothing policy of every namespace: spec.rules[0] has no from (any caller, for the operations and conditions it lists)',
    ]);
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, [ap('allow-all', 'shop', { rules: [{}] })]).map(f => f.message)).toEqual([
      'ALLOW AuthorizationPolicy admits any caller to every workload in namespace "shop" (no selector): this voids the namespace\'s allow-nothing policy: spec.rules[0] has no from (any caller)',
    ]);
  });

  test('flags every wildcard spelling of "any namespace" and sources that name no caller', () => {
    const objects = [
      ap('star', 'shop', from({ principals: ['*'] })),
      ap('trust-domain', 'shop', from({ principals: ['cluster.local/ns/edge/sa/gw', 'cluster.local/*'] })),
      ap('ns-star', 'shop', from({ principals: ['*/ns/*'] })),
      ap('any-default-sa', 'shop', from({ principals: ['*/sa/default'] })),
      ap('middle', 'shop', from({ principals: ['cluster.local/ns/*/sa/web'] })),
      ap('namespaces', 'shop', from({ namespaces: ['*'] })),
      ap('ns-prefix', 'shop', from({ namespaces: ['prod-*'] })),
      ap('not-only', 'shop', from({ notNamespaces: ['untrusted'] })),
      ap('empty-source', 'shop', { rules: [{ from: [{}] }], targetRefs: [{ kind: 'Service', name: 'api' }] }),
      ap('world', 'shop', from({ ipBlocks: ['0.0.0.0/0'] })),
    ];
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, objects).map(f => `${f.object.split('/')[2]} ${f.jsonPath}: ${f.message.replace('ALLOW AuthorizationPolicy admits any caller to the workloads it selects: ', '')}`)).toEqual([
      'any-default-sa spec.rules[0].from[0]: spec.rules[0].from[0].source.principals ["*/sa/default"] matches workloads of any namespace',
      'empty-source spec.rules[0].from[0]: spec.rules[0].from[0] has no source (any caller)',
      'middle spec.rules[0].from[0]: spec.rules[0].from[0].source.principals ["cluster.local/ns/*/sa/web"] matches workloads of any namespace',
      'namespaces spec.rules[0].from[0]: spec.rules[0].from[0].source.namespaces ["*"] matches every namespace',
      'not-only spec.rules[0].from[0]: spec.rules[0].from[0].source only excludes callers (notNamespaces): every other caller is admitted',
      'ns-prefix spec.rules[0].from[0]: spec.rules[0].from[0].source.namespaces ["prod-*"] matches namespaces by pattern, including ones created later',
      'ns-star spec.rules[0].from[0]: spec.rules[0].from[0].source.principals ["*/ns/*"] matches workloads of any namespace',
      'star spec.rules[0].from[0]: spec.rules[0].from[0].source.principals ["*"] matches workloads of any namespace',
      'trust-domain spec.rules[0].from[0]: spec.rules[0].from[0].source.principals ["cluster.local/*"] matches workloads of any namespace',
      'world spec.rules[0].from[0]: spec.rules[0].from[0].source admits every address (0.0.0.0/0)',
    ]);
  });

  test('AuthorizationPolicies of other groups (Linkerd) are not Istio\'s', () => {
    expect(findings(RuleIds.MESH_ISTIO_AUTHZ_OPEN, [ap('linkerd', 'shop', { rules: [{}] }, 'policy.linkerd.io/v1alpha1')])).toEqual([]);
  });
});
