import { isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Secret values committed with the manifests. */
export const rule = kindRule({
  id: RuleIds.SECRET_IN_MANIFEST,
  severity: Severity.ERROR,
  area: 'Secrets',
  description: 'Secret objects must not carry data or stringData in the synthesized manifests.',
  fix: 'Deliver the value from an external secret store (External Secrets Operator, Sealed Secrets, CSI secrets store) instead of the manifest.',
  standards: {
    cis: ['5.4.2'],
    kubescape: ['C-0208'],
  },
}, ['Secret'], '', (obj, out) => {
  const fields = ['data', 'stringData'].filter(f => isObject(obj.manifest[f]) && Object.keys(obj.manifest[f]).length > 0);
  if (fields.length > 0) {
    const keys = fields.flatMap(f => Object.keys(obj.manifest[f])).sort();
    out.push({ obj, jsonPath: fields[0], message: `Secret carries ${fields.join(' and ')} in the manifest (keys: ${keys.join(', ')})` });
  }
});
