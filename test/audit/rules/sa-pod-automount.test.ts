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
