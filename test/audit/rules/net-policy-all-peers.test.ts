import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, findings } from '../util';

const np = (name: string, spec: any, ns = 'shop') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });
const ns = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });

describe('SB-NET-POLICY-ALL-PEERS', () => {
  test('compliant: named namespaces and pods, own-namespace pods, labelled pods in any namespace, ipBlocks, ignored directions', () => {
    const objects = [
      ...compliantBundle(),
      np('named', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: ns('edge'), podSelector: { matchLabels: { app: 'gw' } } }, { podSelector: {} }], ports: [{ port: 8080 }] }],
        egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, { ipBlock: { cidr: '10.0.0.0/8' } }] }],
      }),
      // Egress rules of an Ingress-only policy are ignored by the API server.
      np('ingress-only', { podSelector: {}, policyTypes: ['Ingress'], egress: [{}] }),
      // A namespace selector that requires a label is not "every namespace".
      np('labelled-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } }] }] }),
    ];
    expect(findings(RuleIds.NET_POLICY_ALL_PEERS, objects)).toEqual([]);
  });

  test('flags the allow-all ingress rule (ingress: [{}]) and empty from, also when limited to ports', () => {
    const objects = [
      np('allow-all', { podSelector: {}, ingress: [{}] }),
      np('empty-from', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [], ports: [{ port: 443, protocol: 'TCP' }] }] }),
    ];
    expect(findings(RuleIds.NET_POLICY_ALL_PEERS, objects)).toEqual([
      { object: 'NetworkPolicy/shop/allow-all', jsonPath: 'spec.ingress[0]', message: 'spec.ingress[0] admits ingress from every source on every port (no from), including every pod of every namespace and every external client' },
      { object: 'NetworkPolicy/shop/empty-from', jsonPath: 'spec.ingress[0]', message: 'spec.ingress[0] admits ingress from every source on TCP 443 (an empty from list), including every pod of every namespace and every external client' },
    ]);
  });

  test('flags every spelling of "every pod in every namespace", in both directions', () => {
    const objects = [
      np('p', {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [
            {},
            { podSelector: {}, namespaceSelector: {} },
            { namespaceSelector: {} },
            { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } },
            { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] }, podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] } },
          ],
        }],
        egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 5432, protocol: 'TCP' }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
      }, 'other'),
    ];
    expect(findings(RuleIds.NET_POLICY_ALL_PEERS, objects).map(f => `${f.jsonPath}: ${f.message}`)).toEqual([
      'spec.egress[0].to[0]: spec.egress[0] admits egress to every pod in the cluster on TCP 5432: the peer selects every pod in every namespace',
      'spec.egress[1]: spec.egress[1] admits egress to every destination on UDP 53 (no to), including every pod of every namespace and the internet',
      'spec.ingress[0].from[0]: spec.ingress[0] admits ingress from every pod in the cluster on every port: an empty peer ({}) selects every pod in every namespace',
      'spec.ingress[0].from[1]: spec.ingress[0] admits ingress from every pod in the cluster on every port: the peer selects every pod in every namespace',
      'spec.ingress[0].from[2]: spec.ingress[0] admits ingress from every pod in the cluster on every port: the peer selects every pod in every namespace',
      'spec.ingress[0].from[3]: spec.ingress[0] admits ingress from every pod in the cluster on every port: the peer selects every pod in every namespace',
      'spec.ingress[0].from[4]: spec.ingress[0] admits ingress from every pod in the cluster on every port: the peer selects every pod not excluded by its NotIn/DoesNotExist expressions in every namespace not excluded by its NotIn/DoesNotExist expressions',
    ]);
  });

  test('a policy without policyTypes enforces ingress (and egress when it has egress rules); an acknowledgement accepts a public ingress', () => {
    const pub = np('public-gateway', { podSelector: { matchLabels: { app: 'gateway' } }, ingress: [{ ports: [{ port: 443 }] }] }, 'edge');
    (pub.metadata as any).annotations = { 'ack.cdk8s-secure-baseline.io/SB-NET-POLICY-ALL-PEERS': 'public TLS ingress gateway behind the cloud load balancer' };
    expect(findings(RuleIds.NET_POLICY_ALL_PEERS, [pub, np('implicit', { podSelector: {}, egress: [{}] })]).map(f => [f.object, f.jsonPath, f.acknowledged ?? '-'])).toEqual([
      ['NetworkPolicy/edge/public-gateway', 'spec.ingress[0]', 'public TLS ingress gateway behind the cloud load balancer'],
      ['NetworkPolicy/shop/implicit', 'spec.egress[0]', '-'],
    ]);
  });

  test('other API groups are not NetworkPolicies', () => {
    expect(findings(RuleIds.NET_POLICY_ALL_PEERS, [{ ...np('x', { podSelector: {}, ingress: [{}] }), apiVersion: 'crd.projectcalico.org/v1' }])).toEqual([]);
  });
});
