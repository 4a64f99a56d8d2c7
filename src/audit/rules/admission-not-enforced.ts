import { asArray, isObject } from '../context';
import { kindRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** In-process admission policies enforce (Deny), not only warn or audit. */
export const rule = kindRule({
  id: RuleIds.ADMISSION_NOT_ENFORCED,
  severity: Severity.ERROR,
  area: 'Admission',
  description: 'ValidatingAdmissionPolicyBindings must include "Deny" in validationActions (Warn/Audit alone only report).',
  fix: 'Add "Deny" to spec.validationActions once the policy has been observed in Warn/Audit mode; acknowledge the rule with the reason while rolling out.',
  standards: {
    cis: ['5.2.1'],
  },
}, ['ValidatingAdmissionPolicyBinding'], 'admissionregistration.k8s.io', (obj, out) => {
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  const actions = asArray(spec.validationActions);
  if (!actions.includes('Deny')) {
    out.push({
      obj,
      jsonPath: 'spec.validationActions',
      message: actions.length === 0
        ? 'ValidatingAdmissionPolicyBinding sets no validationActions'
        : `ValidatingAdmissionPolicyBinding sets validationActions ${q(actions)} without "Deny"`,
    });
  }
});
