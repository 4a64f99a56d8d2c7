import { defaultDeny } from '../network-index';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Every Namespace denies ingress and egress by default. */
export const rule = kindRule({
  id: RuleIds.NET_NS_DEFAULT_DENY,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Every Namespace in the output must contain a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules).',
  fix: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the required flows explicitly.',
  standards: {
    cis: ['5.3.2'],
    kubescape: ['C-0206'],
  },
}, ['Namespace'], '', (obj, out, ctx) => {
  const d = defaultDeny(ctx, obj.name);
  const missing = [d.ingress ? undefined : 'ingress', d.egress ? undefined : 'egress'].filter(x => x !== undefined);
  if (missing.length > 0) {
    out.push({ obj, message: `namespace has no default-deny NetworkPolicy for ${missing.join(' and ')}` });
  }
});
