import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  ApiServerEndpoint, Caller, DnsPolicy, ExternalNamespaces, LeastPrivilegeServiceAccount, Mesh, MtlsService, NetworkPeer, NetworkPort,
  SecureNamespace, Verb,
} from '../../src';
import { closestNamespace } from '../../src/private/namespace-references';
import { synthError } from '../util/errors';

const IMAGE = 'ghcr.io/acme/api:1.2.3';
const NOT_KNOWN = 'is not a namespace of this app, a declared external namespace or a well-known system namespace';

function shop(app: App = Testing.app()) {
  const chart = new Chart(app, 'test');
  const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh: Mesh.istio(), apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 443) });
  return { app, chart, ns };
}

describe('namespace references are checked against the app', () => {
  test('Caller.identity in a misspelt namespace', () => {
    const { app, ns } = shop();
    const api = new MtlsService(ns, 'api', { image: IMAGE, port: 8080 });
    api.allowFrom(Caller.identity({ namespace: 'istio-ingres', serviceAccount: 'istio-ingressgateway' }));
    expect(synthError(app)).toContain(
      `test/shop/api: caller namespace "istio-ingres" ${NOT_KNOWN}. `
      + 'Fix: did you mean "istio-ingress"? If "istio-ingres" exists outside this app, declare it with ExternalNamespaces.of(app).add("istio-ingres")');
  });

  test('a LeastPrivilegeServiceAccount grant and a ConfigMap reference in a misspelt namespace', () => {
    const { app, ns } = shop();
    const sa = new LeastPrivilegeServiceAccount(ns, 'api');
    sa.grant({ resources: ['configmaps'], verbs: [Verb.GET], namespace: 'shpo' });
    sa.grantReadConfigMap('flags', { namespace: 'shpo' });
    const message = synthError(app);
    expect(message).toContain(
      `test/shop/api: grant namespace "shpo" ${NOT_KNOWN}. `
      + 'Fix: did you mean "shop"? If "shpo" exists outside this app, declare it with ExternalNamespaces.of(app).add("shpo")');
    // One error per construct, namespace and use, however often it is referred to.
    expect(message.split('grant namespace "shpo"').length - 1).toBe(1);
  });

  test('NetworkPeer.namespace and NetworkPeer.pods in a misspelt namespace', () => {
    const { app, ns } = shop();
    ns.allowIngressFrom(NetworkPeer.namespace('monitorin'), [NetworkPort.tcp(9090)]);
    ns.allowEgressTo(NetworkPeer.pods('kube-sytem', { app: 'x' }), [NetworkPort.tcp(443)]);
    const message = synthError(app);
    expect(message).toContain(
      `test/shop: allowIngressFrom(namespace monitorin) namespace "monitorin" ${NOT_KNOWN}. `
      + 'Fix: did you mean "monitoring"? If "monitorin" exists outside this app, declare it with ExternalNamespaces.of(app).add("monitorin")');
    expect(message).toContain('test/shop: allowEgressTo(pods app=x in kube-sytem) namespace "kube-sytem"');
    expect(message).toContain('Fix: did you mean "kube-system"?');
  });

  test('a mesh control plane and a DNS namespace that exist nowhere', () => {
    const app = Testing.app();
    new SecureNamespace(new Chart(app, 'test'), 'shop', {
      name: 'shop',
      mesh: Mesh.istio({ controlPlaneNamespace: 'istio-sytem' }),
      dns: DnsPolicy.cluster({ namespace: 'dns' }),
    });
    const message = synthError(app);
    expect(message).toContain(`test/shop: Istio control plane namespace "istio-sytem" ${NOT_KNOWN}. Fix: did you mean "istio-system"?`);
    expect(message).toContain(
      `test/shop: dns peer 0 namespace "dns" ${NOT_KNOWN}. `
      + 'Fix: use a namespace of this app ("shop"), or, if "dns" exists outside this app, declare it with ExternalNamespaces.of(app).add("dns")');
  });

  test('declared external, well-known, other SecureNamespaces and plain Namespace objects pass', () => {
    const { app, chart, ns } = shop();
    ExternalNamespaces.of(app).add('platform', 'ingress-nginx').add('platform');
    expect(ExternalNamespaces.of(chart).names).toEqual(['ingress-nginx', 'platform']);
    new SecureNamespace(new Chart(app, 'payments'), 'ns', { name: 'payments', mesh: Mesh.istio() });
    new ApiObject(chart, 'legacy', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } });
    const api = new MtlsService(ns, 'api', { image: IMAGE, port: 8080, metrics: { port: 9090 } });
    api.allowFrom(Caller.identity({ namespace: 'istio-ingress', serviceAccount: 'istio-ingressgateway' }));
    api.allowFrom(Caller.identity({ namespace: 'payments', serviceAccount: 'payments' }));
    api.allowFrom(Caller.identity({ namespace: 'legacy', serviceAccount: 'worker' }));
    api.allowFrom(Caller.identity({ namespace: 'ingress-nginx', serviceAccount: 'ingress-nginx' }));
    api.serviceAccount.grantReadConfigMap('flags', { namespace: 'platform' });
    ns.allowIngressFrom(NetworkPeer.namespace('kube-system'), [NetworkPort.tcp(8080)]);
    expect(() => app.synth()).not.toThrow();
    expect(ExternalNamespaces.WELL_KNOWN).toEqual(['default', 'istio-ingress', 'istio-system', 'kube-node-lease', 'kube-public', 'kube-system', 'linkerd', 'linkerd-viz', 'monitoring']);
  });

  test('external namespaces belong to one app and must be valid names', () => {
    const a = shop();
    const b = shop();
    ExternalNamespaces.of(a.app).add('platform');
    expect(ExternalNamespaces.of(b.chart).names).toEqual([]);
    b.ns.allowEgressTo(NetworkPeer.namespace('platform'), [NetworkPort.tcp(443)]);
    expect(synthError(b.app)).toContain(`test/shop: allowEgressTo(namespace platform) namespace "platform" ${NOT_KNOWN}`);
    expect(() => ExternalNamespaces.of(a.chart).add('Platform')).toThrow(
      'test: external namespace "Platform" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters, digits and \'-\'');
  });

  test('suggestions only for near misses (one edit per three letters, a swap counts one)', () => {
    const known = ['shop', 'payments', 'monitoring', 'istio-ingress'];
    expect(closestNamespace('shpo', known)).toBe('shop');
    expect(closestNamespace('paymnets', known)).toBe('payments');
    expect(closestNamespace('monitorin', known)).toBe('monitoring');
    expect(closestNamespace('shops', known)).toBe('shop');
    expect(closestNamespace('ci', known)).toBeUndefined();
    expect(closestNamespace('billing', known)).toBeUndefined();
  });
});
