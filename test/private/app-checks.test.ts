import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Mesh, MtlsService, SecureNamespace } from '../../src';

const IMAGE = 'ghcr.io/acme/api:1.2.3';

describe('duplicate objects fail synth, naming every construct path', () => {
  test('two SecureNamespace("shop") with different meshes in two charts', () => {
    const app = Testing.app();
    new SecureNamespace(new Chart(app, 'a'), 'shop', { name: 'shop', mesh: Mesh.istio() });
    new SecureNamespace(new Chart(app, 'b'), 'shop', { name: 'shop', mesh: Mesh.linkerd() });
    expect(() => app.synth()).toThrow(
      'Namespace shop is declared 2 times, by "a/shop/Namespace" and "b/shop/Namespace": kubectl apply keeps only the last one, so the others never reach the cluster. '
      + 'Fix: give each object its own name or namespace (for constructs: a distinct name, namespace or id), or declare it once and share it.',
    );
  });

  test('two MtlsServices named alike in one namespace (construct ids differ, Kubernetes names do not)', () => {
    const app = Testing.app();
    const ns1 = new SecureNamespace(new Chart(app, 'a'), 'shop', { name: 'shop', mesh: Mesh.istio() });
    new MtlsService(ns1, 'api', { image: IMAGE, port: 8080 });
    const other = new Chart(app, 'b');
    const raw = new ApiObject(other, 'api-deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } });
    expect(raw).toBeDefined();
    expect(() => app.synth()).toThrow(/Deployment shop\/api is declared 2 times, by "a\/shop\/api\/Deployment" and "b\/api-deployment"/);
  });

  test('a later chart redeclaring default-deny with a selector that matches nothing (another spelling of the apiVersion)', () => {
    const app = Testing.app();
    new SecureNamespace(new Chart(app, 'base'), 'shop', { name: 'shop' });
    new ApiObject(new Chart(app, 'later'), 'deny', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { nothing: 'here' } } },
    });
    expect(() => app.synth()).toThrow(/NetworkPolicy shop\/default-deny is declared 2 times, by "base\/shop\/[^"]+" and "later\/deny"/);
  });

  test('a name changed by a JSON patch, and an item of a kind: List object, are seen too', () => {
    const app = Testing.app();
    new SecureNamespace(new Chart(app, 'base'), 'shop', { name: 'shop' });
    const c = new Chart(app, 'later');
    const patched = new ApiObject(c, 'innocent', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'innocent', namespace: 'shop' } });
    patched.addJsonPatch(JsonPatch.replace('/kind', 'ServiceAccount'), JsonPatch.replace('/metadata/name', 'default'));
    new ApiObject(c, 'list', {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: { matchLabels: { x: 'y' } } } }],
    } as any);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/NetworkPolicy shop\/default-deny is declared 2 times, by "base\/shop\/[^"]+" and "later\/list \(items\[0\]\)"/);
    expect(message).toMatch(/ServiceAccount shop\/default is declared 2 times, by "base\/shop\/[^"]+" and "later\/innocent"/);
  });

  test('Testing.synth of one chart checks the whole app; distinct namespaces and cluster-scoped objects with a stray namespace', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    new SecureNamespace(a, 'shop', { name: 'shop' });
    new SecureNamespace(a, 'pay', { name: 'pay' });
    expect(() => Testing.synth(a)).not.toThrow();
    new ApiObject(new Chart(app, 'b'), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pay', namespace: 'whatever' } });
    expect(() => Testing.synth(a)).toThrow(/Namespace pay is declared 2 times/);
  });

  test('an app without duplicates synthesizes', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const ns = new SecureNamespace(new Chart(app, 'a'), 'shop', { name: 'shop', mesh: Mesh.istio() });
    new MtlsService(ns, 'api', { image: IMAGE, port: 8080 });
    new MtlsService(ns, 'web', { image: IMAGE, port: 8080 });
    expect(() => app.synth()).not.toThrow();
  });
});
