import { asArray, isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Ingresses without TLS serve plain HTTP: every request and response, session cookies and
 * credentials included, crosses the network readable and forgeable. Read for both groups an
 * Ingress has been served from (`networking.k8s.io`, and the removed `extensions/v1beta1` that
 * old charts still carry).
 */
export const rule = kindRule({
  id: RuleIds.NET_INGRESS_TLS,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Ingresses must terminate TLS: an Ingress without spec.tls (or with an empty list) serves plain HTTP.',
  fix: 'Add spec.tls with the hosts and a certificate Secret (e.g. from cert-manager), or serve through a SecureGateway (HTTPS listeners, port 80 redirecting); acknowledge the rule on the Ingress when plain HTTP is intended.',
  standards: {
    kubescape: ['C-0263'],
  },
  admission: {
    match: [{ apiGroups: ['networking.k8s.io', 'extensions'], resources: ['ingresses'] }],
    validations: [{
      expression: 'has(object.spec) && has(object.spec.tls) && size(object.spec.tls) > 0',
      message: 'Ingresses terminate TLS (spec.tls)',
    }],
  },
}, ['Ingress'], undefined, (obj, out) => {
  if (obj.group !== 'networking.k8s.io' && obj.group !== 'extensions') return;
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  if (asArray(spec.tls).length === 0) {
    out.push({ obj, jsonPath: 'spec.tls', message: 'Ingress has no TLS (spec.tls): it serves plain HTTP' });
  }
});
