import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, findings, namespace } from '../util';

const np = (name: string, spec: any, ns = 'shop') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

describe('SB-NET-NS-DEFAULT-DENY', () => {
  test('compliant: one policy with both types, or two single-direction deny policies', () => {
    const split = [namespace('pay'), np('deny-in', { podSelector: {} }, 'pay'), np('deny-out', { podSelector: {}, policyTypes: ['Egress'] }, 'pay')];
    expect(findings(RuleIds.NET_NS_DEFAULT_DENY, [...compliantBundle(), ...split])).toEqual([]);
  });

  test('flags namespaces without deny policies, policies with rules, or with a pod selector', () => {
    const objects = [
      namespace('a'),
      namespace('b'), np('allow-dns', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }, 'b'),
      namespace('c'), np('deny-web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] }, 'c'),
    ];
    expect(findings(RuleIds.NET_NS_DEFAULT_DENY, objects)).toEqual([
      { object: 'Namespace/a', message: 'namespace has no default-deny NetworkPolicy for ingress and egress' },
      { object: 'Namespace/b', message: 'namespace has no default-deny NetworkPolicy for egress' },
      { object: 'Namespace/c', message: 'namespace has no default-deny NetworkPolicy for ingress and egress' },
    ]);
  });
});
