import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings, serviceAccount } from '../util';

describe('SB-SA-POD-AUTOMOUNT', () => {
  test('compliant: pod false, or pod unset with its ServiceAccount false in the output', () => {
    const spec = compliantPodSpec();
    delete spec.automountServiceAccountToken;
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags explicit true, and unset with an unknown or automounting ServiceAccount', () => {
    const explicit = compliantPodSpec();
    explicit.automountServiceAccountToken = true;
    const unknown = compliantPodSpec('ghost');
    delete unknown.automountServiceAccountToken;
    const mounting = compliantPodSpec('legacy');
    delete mounting.automountServiceAccountToken;
    const legacy = { ...serviceAccount('legacy'), automountServiceAccountToken: undefined };
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [deployment('a', 'shop', explicit), deployment('b', 'shop', unknown), deployment('c', 'shop', mounting), legacy])).toEqual([
      { object: 'Deployment/shop/a', jsonPath: 'spec.template.spec.automountServiceAccountToken', message: 'pod mounts the token of ServiceAccount "web" (automountServiceAccountToken: true)' },
      { object: 'Deployment/shop/b', jsonPath: 'spec.template.spec.automountServiceAccountToken', message: 'pod automounts the token of ServiceAccount "ghost" (the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the output)' },
      { object: 'Deployment/shop/c', jsonPath: 'spec.template.spec.automountServiceAccountToken', message: 'pod automounts the token of ServiceAccount "legacy" (neither the pod nor the ServiceAccount sets automountServiceAccountToken: false)' },
    ]);
  });
});

describe('SB-SA-POD-AUTOMOUNT projected API tokens', () => {
  const withToken = (name: string, token: any, automount = false) => {
    const spec = compliantPodSpec();
    spec.automountServiceAccountToken = automount;
    spec.volumes = [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'kube-api', projected: { sources: [{ configMap: { name: 'ca' } }, { serviceAccountToken: token }] } }];
    return deployment(name, 'shop', spec);
  };

  test('tokens for another receiver pass (what LeastPrivilegeServiceAccount.addApiToken emits for "vault")', () => {
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [...compliantBundle(), withToken('vault', { audience: 'vault', expirationSeconds: 3600, path: 'token' }), withToken('sts', { audience: 'sts.amazonaws.com', path: 'token' })])).toEqual([]);
  });

  test('flags a token without audience even with automountServiceAccountToken: false (the exact case)', () => {
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [withToken('a', { path: 'token', expirationSeconds: 600 })])).toEqual([{
      object: 'Deployment/shop/a',
      jsonPath: 'spec.template.spec.volumes[1].projected.sources[1].serviceAccountToken',
      message: 'pod projects a Kubernetes API token of ServiceAccount "web" (volume "kube-api", no audience (the API server\'s)), whatever automountServiceAccountToken says',
    }]);
  });

  test('flags every spelling of the API server audience, in any pod spec', () => {
    const audiences = ['https://kubernetes.default.svc', 'https://kubernetes.default.svc.cluster.local', 'kubernetes.default.svc', 'https://kubernetes.default.svc.cluster.local/',
      'https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789', 'https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c', ''];
    const objects = audiences.map((audience, i) => withToken(`d${i}`, { audience, path: 'token' }));
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: withToken('x', { audience: 'https://kubernetes.default.svc' }).spec.template.spec };
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [...objects, pod]).map(f => `${f.object} ${f.jsonPath}`)).toEqual([
      ...audiences.map((_, i) => `Deployment/shop/d${i} spec.template.spec.volumes[1].projected.sources[1].serviceAccountToken`),
      'Pod/shop/p spec.volumes[1].projected.sources[1].serviceAccountToken',
    ]);
  });

  test('an acknowledgement on the workload accepts the API token', () => {
    const d = withToken('operator', { audience: 'https://kubernetes.default.svc' });
    d.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-SA-POD-AUTOMOUNT': 'the operator reconciles ConfigMaps through the API' };
    expect(findings(RuleIds.SA_POD_AUTOMOUNT, [d]).map(f => f.acknowledged)).toEqual(['the operator reconciles ConfigMaps through the API']);
  });
});
