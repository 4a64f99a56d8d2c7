/**
 * Host-network pods: NetworkPolicies do not select them, and their traffic carries a node address
 * (kubernetes.io "Network Policies"; the plugins treat it as the node's). A default-deny namespace
 * does not isolate them: the proof must not say it does.
 */
import { analyze, denyAll, deploy, np, ns, ports } from './fixtures';

function hostNetwork(d: any): any {
  d.spec.template.spec.hostNetwork = true;
  return d;
}

describe('host-network pods', () => {
  test('a default-deny namespace does not isolate them: they reach the internet and every pod that is not isolated, and are reached', () => {
    const r = analyze([ns('a'), denyAll('a'), hostNetwork(deploy('a', 'agent')), deploy('a', 'web'), ns('b'), deploy('b', 'open')]);
    expect(ports(r, 'a/agent', 'internet')).toEqual(['*']);
    expect(ports(r, 'a/agent', 'b/open')).toEqual(['*']);
    expect(ports(r, 'b/open', 'a/agent')).toEqual(['*']);
    // The regular pod beside it stays isolated.
    expect(ports(r, 'a/web', 'internet')).toEqual([]);
    expect(ports(r, 'b/open', 'a/web')).toEqual([]);
    // And every such path is extra (nothing declares it): the proof is not clean.
    expect(r.extraPaths.some((e) => e.from === 'a/agent' && e.to === 'internet')).toBe(true);
  });

  test('as a peer: an ipBlock may hold its node address, so a rule naming one admits it where it admits no plain pod', () => {
    const receiver = np('b', 'web-ingress', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
      ],
    });
    const r = analyze([ns('a'), hostNetwork(deploy('a', 'agent')), deploy('a', 'plain'), ns('b'), deploy('b', 'web'), receiver]);
    expect(ports(r, 'a/agent', 'b/web')).toEqual(['TCP/8080']);
    expect(ports(r, 'a/plain', 'b/web')).toEqual([]);
  });

  test('an egress-isolated sender reaches a host-network pod through a rule naming an ipBlock; a rule naming other pods does not', () => {
    const egress = (name: string, to: any[]) => np('a', name, { podSelector: { matchLabels: { app: name } }, policyTypes: ['Egress'], egress: [{ to, ports: [{ protocol: 'TCP', port: 9100 }] }] });
    const r = analyze([
      ns('a'), deploy('a', 'scraper'), deploy('a', 'other'), ns('b'), hostNetwork(deploy('b', 'node-exporter')),
      egress('scraper', [{ ipBlock: { cidr: '0.0.0.0/0' } }]),
      egress('other', [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }]),
    ]);
    expect(ports(r, 'a/scraper', 'b/node-exporter')).toEqual(['TCP/9100']);
    expect(ports(r, 'a/other', 'b/node-exporter')).toEqual([]);
  });

  test('Cilium: a rule admitting the host or remote-node entity admits host-network pods; one naming pods does not', () => {
    const cnp = (name: string, ingress: any[]) => ({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name, namespace: 'b' },
      spec: { endpointSelector: { matchLabels: { app: name } }, ingress },
    });
    const r = analyze([
      ns('a'), hostNetwork(deploy('a', 'agent')), deploy('a', 'plain'), ns('b'), deploy('b', 'web'), deploy('b', 'api'),
      cnp('web', [{ fromEntities: ['remote-node'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }]),
      cnp('api', [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'a', 'app': 'plain' } }] }]),
    ]);
    expect(ports(r, 'a/agent', 'b/web')).toEqual(['TCP/8080']);
    expect(ports(r, 'a/plain', 'b/web')).toEqual([]);
    expect(ports(r, 'a/plain', 'b/api')).not.toEqual([]);
  });

  test('no mesh injects them: a STRICT mTLS receiver refuses their plaintext, as it refuses any pod outside the mesh', () => {
    const strict = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'a' }, spec: { mtls: { mode: 'STRICT' } } };
    const r = analyze([ns('a', { 'istio-injection': 'enabled' }), strict, hostNetwork(deploy('a', 'agent')), deploy('a', 'web'), deploy('a', 'api')]);
    expect(ports(r, 'a/api', 'a/web')).not.toEqual([]);
    // (Istio's proxy captures TCP only: UDP and SCTP pass whatever the mode.)
    expect(ports(r, 'a/agent', 'a/web')).toEqual(['UDP/*', 'SCTP/*']);
    // Its own inbound has no proxy to enforce STRICT: the meshed pods reach it in plaintext.
    expect(ports(r, 'a/api', 'a/agent')).not.toEqual([]);
  });
});
