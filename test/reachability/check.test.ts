import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { Mesh, MtlsService, NetworkPeer, NetworkPort, Reachability, ReachabilityCheck, SecureNamespace } from '../../src';

function app(): App {
  const a = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'reach-')), yamlOutputType: YamlOutputType.FILE_PER_CHART });
  for (const name of ['a', 'b', 'c']) {
    const ns = new SecureNamespace(new Chart(a, name), 'ns', { name, mesh: Mesh.istio() });
    const api = new MtlsService(ns, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
    api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 }));
  }
  return a;
}

describe('ReachabilityCheck', () => {
  test('analyzes once per app synth, not once per chart, and writes its reports', () => {
    const a = app();
    new ReachabilityCheck(a, 'reachability');
    const spy = jest.spyOn(Reachability, 'analyze');
    a.synth();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(fs.readdirSync(`${a.outdir}-reports`).sort()).toEqual(['reachability.dot', 'reachability.md', 'reachability.mmd']);
  });

  test('a path declared through a namespace helper is not extra', () => {
    const a = app();
    new ReachabilityCheck(a, 'reachability', { writeReports: false });
    // Opens every pod of namespace "a" to namespace "b": nobody declared b -> a.
    const nsA = a.node.findAll().find((c) => c instanceof SecureNamespace && c.name === 'a') as SecureNamespace;
    nsA.allowIngressFrom(NetworkPeer.namespace('b'), [NetworkPort.tcp(8080)]);
    expect(() => a.synth()).not.toThrow();
  });

  test('an over-broad raw NetworkPolicy fails the synth with the fix', () => {
    const a = app();
    new ReachabilityCheck(a, 'reachability', { writeReports: false });
    const chartA = a.node.findChild('a') as Chart;
    new ApiObject(chartA, 'open', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all-ingress', namespace: 'a' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] },
    });
    expect(() => a.synth()).toThrow(/reachability: extra path \[[A-Za-z]+\] .*Fix: declare it \(MtlsService.allowFrom/);
  });
});
