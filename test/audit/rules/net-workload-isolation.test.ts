import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, deployment, findings, serviceAccount } from '../util';

const np = (name: string, spec: any, ns = 'shop') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

describe('SB-NET-WORKLOAD-ISOLATION', () => {
  test('compliant: namespace default-deny, or matching label / expression selectors per direction', () => {
    const objects = [
      ...compliantBundle(),
      serviceAccount('web', 'pay'), deployment('web', 'pay'),
      np('web-in', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] }, 'pay'),
      np('web-out', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, policyTypes: ['Egress'] }, 'pay'),
    ];
    expect(findings(RuleIds.NET_WORKLOAD_ISOLATION, objects)).toEqual([]);
  });

  test('flags workloads missing a direction, non-matching selectors and other namespaces', () => {
    const objects = [
      deployment('web', 'pay'),
      deployment('api', 'pay'),
      deployment('db', 'other'),
      np('web-in', { podSelector: { matchLabels: { app: 'web' } } }, 'pay'),
      np('api-out', { podSelector: { matchLabels: { app: 'api', tier: 'backend' } }, policyTypes: ['Egress'] }, 'pay'),
      np('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'elsewhere'),
    ];
    expect(findings(RuleIds.NET_WORKLOAD_ISOLATION, objects)).toEqual([
      { object: 'Deployment/other/db', jsonPath: 'spec.template.metadata.labels', message: 'pods are not selected by any NetworkPolicy for ingress and egress' },
      { object: 'Deployment/pay/api', jsonPath: 'spec.template.metadata.labels', message: 'pods are not selected by any NetworkPolicy for ingress and egress' },
      { object: 'Deployment/pay/web', jsonPath: 'spec.template.metadata.labels', message: 'pods are not selected by any NetworkPolicy for egress' },
    ]);
  });

  test('bare Pods are checked by metadata.labels', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x', labels: { app: 'p' } }, spec: { containers: [] } };
    expect(findings(RuleIds.NET_WORKLOAD_ISOLATION, [pod, np('p', { podSelector: { matchLabels: { app: 'p' } }, policyTypes: ['Ingress', 'Egress'] }, 'x')])).toEqual([]);
    expect(findings(RuleIds.NET_WORKLOAD_ISOLATION, [pod])).toEqual([
      { object: 'Pod/x/p', jsonPath: 'metadata.labels', message: 'pods are not selected by any NetworkPolicy for ingress and egress' },
    ]);
  });
});
