import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const binding = (name: string, validationActions?: string[]) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName: 'baseline', ...(validationActions ? { validationActions } : {}) },
});

describe('SB-ADMISSION-NOT-ENFORCED', () => {
  test('bindings that deny pass', () => {
    expect(findings(RuleIds.ADMISSION_NOT_ENFORCED, [binding('a', ['Deny']), binding('b', ['Deny', 'Audit'])])).toEqual([]);
  });

  test('flags Warn/Audit-only and empty bindings; the construct annotation acknowledges them', () => {
    const acked = binding('c', ['Audit']);
    (acked.metadata as any).annotations = { 'ack.cdk8s-secure-baseline.io/SB-ADMISSION-NOT-ENFORCED': 'observing the policy in audit mode during the rollout' };
    expect(findings(RuleIds.ADMISSION_NOT_ENFORCED, [binding('a', ['Warn', 'Audit']), binding('b'), acked])).toEqual([
      { object: 'ValidatingAdmissionPolicyBinding/a', jsonPath: 'spec.validationActions', message: 'ValidatingAdmissionPolicyBinding sets validationActions ["Warn","Audit"] without "Deny"' },
      { object: 'ValidatingAdmissionPolicyBinding/b', jsonPath: 'spec.validationActions', message: 'ValidatingAdmissionPolicyBinding sets no validationActions' },
      { object: 'ValidatingAdmissionPolicyBinding/c', jsonPath: 'spec.validationActions', message: 'ValidatingAdmissionPolicyBinding sets validationActions ["Audit"] without "Deny"', acknowledged: 'observing the policy in audit mode during the rollout' },
    ]);
  });
});
