/**
 * The example's admission policies, evaluated as the API server would (test/util/admission.ts):
 * they admit every object of the example and deny each drift of issue #21 when applied with
 * kubectl (CREATE, UPDATE or DELETE as relevant), in the protected namespaces.
 */
import { Testing } from 'cdk8s';
import { buildShop } from '../../examples/shop/app';
import { admit } from '../util/admission';

const objs = Object.values(buildShop(Testing.app())).flatMap((chart) => Testing.synth(chart));
const policies = objs.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const bindings = objs.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');

/** The namespaces a binding selects (by the immutable kubernetes.io/metadata.name label). */
function protectedNamespaces(): string[] {
  const sel = bindings[0].spec.matchResources.namespaceSelector.matchExpressions[0];
  expect(sel.key).toBe('kubernetes.io/metadata.name');
  return sel.values;
}

/** Every policy's decision on one request; `denied` lists the policies that refuse it. */
function review(object: any, operation = 'CREATE', oldObject: any = null, username = 'alice@example.com'): string[] {
  const ns = (object ?? oldObject).kind === 'Namespace' ? (object ?? oldObject).metadata.name : (object ?? oldObject).metadata.namespace;
  if (ns !== undefined && !protectedNamespaces().includes(ns)) return [];
  return policies.filter((p) => !admit(p.spec, object, operation, oldObject, username).allowed).map((p) => p.metadata.name);
}

const workload = () => structuredClone(objs.find((o) => o.kind === 'Deployment' && protectedNamespaces().includes(o.metadata.namespace)));

describe('the example\'s admission policies', () => {
  test('guard the example\'s namespaces, with one policy per twin and the BASELINE_OBJECTS guard', () => {
    expect(protectedNamespaces().length).toBeGreaterThan(0);
    expect(policies.map((p) => p.metadata.name)).toEqual(expect.arrayContaining(['shop-baseline-sb-ctr-image-tag', 'shop-baseline-baseline-objects']));
  });

  test('admit every object of the example (CREATE, and UPDATE to itself)', () => {
    const refused = objs.flatMap((o) => [...review(o), ...review(o, 'UPDATE', o)].map((p) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}: ${p}`));
    expect(refused).toEqual([]);
  });

  test.each([
    ['automountServiceAccountToken: true', (d: any) => { d.spec.template.spec.automountServiceAccountToken = true; }, 'shop-baseline-sb-sa-pod-automount'],
    ['an untagged image', (d: any) => { d.spec.template.spec.containers[0].image = 'nginx'; }, 'shop-baseline-sb-ctr-image-tag'],
    ['a writable root filesystem', (d: any) => { d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; }, 'shop-baseline-sb-ctr-readonly-rootfs'],
    ['no memory limit', (d: any) => { delete d.spec.template.spec.containers[0].resources.limits.memory; }, 'shop-baseline-sb-ctr-resource-limits'],
  ])('deny a Deployment edited with kubectl: %s', (_what, edit, policy) => {
    const d = workload();
    const old = structuredClone(d);
    edit(d);
    expect(review(d, 'UPDATE', old)).toEqual([policy]);
  });

  test('deny the drifts of other kinds', () => {
    const ns = protectedNamespaces()[0];
    const pa = objs.find((o) => o.kind === 'PeerAuthentication' && o.metadata.namespace === ns);
    expect(review({ ...pa, spec: { ...pa.spec, mtls: { mode: 'PERMISSIVE' } } }, 'UPDATE', pa)).toEqual(expect.arrayContaining(['shop-baseline-peer-authentication-strict']));
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'plain', namespace: ns }, spec: { host: 'web', trafficPolicy: { tls: { mode: 'DISABLE' } } } };
    expect(review(dr)).toEqual(['shop-baseline-sb-mesh-istio-dr-tls']);
    const server = { apiVersion: 'policy.linkerd.io/v1beta3', kind: 'Server', metadata: { name: 'open', namespace: ns }, spec: { podSelector: {}, port: 8080, accessPolicy: 'all-unauthenticated' } };
    expect(review(server)).toEqual(['shop-baseline-sb-mesh-linkerd-unauthenticated']);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: ns }, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate', '*'] }] };
    expect(review(role)).toEqual(expect.arrayContaining(['shop-baseline-sb-rbac-escalate', 'shop-baseline-sb-rbac-wildcard']));
    const lb = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: ns }, spec: { type: 'LoadBalancer', ports: [{ port: 443 }] } };
    expect(review(lb)).toEqual(['shop-baseline-sb-svc-exposed']);
    const namespace = objs.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    const lowered = structuredClone(namespace);
    lowered.metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'v1.0';
    expect(review(lowered, 'UPDATE', namespace)).toEqual(['shop-baseline-pod-security']);
  });

  test('deny deleting or widening the default-deny NetworkPolicy, except by Argo CD', () => {
    const ns = protectedNamespaces()[0];
    const deny = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns);
    expect(review(null, 'DELETE', deny)).toEqual(['shop-baseline-baseline-objects']);
    expect(review({ ...deny, spec: { ...deny.spec, ingress: [{}] } }, 'UPDATE', deny)).toEqual(['shop-baseline-baseline-objects']);
    expect(review(null, 'DELETE', deny, 'system:serviceaccount:argocd:argocd-application-controller')).toEqual([]);
  });
});
