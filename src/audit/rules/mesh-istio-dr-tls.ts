import { asArray, isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Whether a DestinationRule host is a mesh-internal (Kubernetes service) host. */
export function isMeshHost(host: string): boolean {
  if (host === '' || host === '*') return true;
  const h = host.replace(/^\*\./, '');
  return !h.includes('.') || h.endsWith('.svc') || h.includes('.svc.') || h.endsWith('.cluster.local');
}

const WEAK = ['DISABLE', 'SIMPLE'];

/** CEL: a traffic policy at `p` keeps mTLS, also in its port-level settings. */
function tlsOk(p: string): string {
  return `(!has(${p}.tls) || !has(${p}.tls.mode) || !(${p}.tls.mode in ['DISABLE', 'SIMPLE']))`
    + ` && (!has(${p}.portLevelSettings) || ${p}.portLevelSettings.all(x, !has(x.tls) || !has(x.tls.mode) || !(x.tls.mode in ['DISABLE', 'SIMPLE'])))`;
}

/** DestinationRules do not turn off mesh mTLS. */
export const rule = kindRule({
  id: RuleIds.MESH_ISTIO_DR_TLS,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Istio DestinationRules for mesh hosts (short names, *.svc, *.svc.cluster.local) must not set tls.mode DISABLE or SIMPLE.',
  fix: 'Remove the tls block (auto mTLS) or set tls.mode: ISTIO_MUTUAL.',
  standards: {},
  admission: {
    match: [{ apiGroups: ['networking.istio.io'], resources: ['destinationrules'] }],
    variables: [
      { name: 'host', expression: "has(object.spec) && has(object.spec.host) && type(object.spec.host) == string ? object.spec.host : ''" },
      {
        // isMeshHost: '', '*', a name without a dot (after an optional '*.'), *.svc, *.svc.*, *.cluster.local.
        name: 'mesh',
        expression: "variables.host == '' || variables.host == '*' || variables.host.matches('^([*][.])?[^.]*$') || variables.host.endsWith('.svc') || variables.host.contains('.svc.') || variables.host.endsWith('.cluster.local')",
      },
    ],
    validations: [{
      expression: `!variables.mesh || !has(object.spec) || ((!has(object.spec.trafficPolicy) || ${tlsOk('object.spec.trafficPolicy')}) && (!has(object.spec.subsets) || object.spec.subsets.all(s, !has(s.trafficPolicy) || ${tlsOk('s.trafficPolicy')})))`,
      message: 'DestinationRules for mesh hosts do not set tls.mode DISABLE or SIMPLE (also per port and subset)',
    }],
  },
}, ['DestinationRule'], 'networking.istio.io', (obj, out) => {
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  const host = typeof spec.host === 'string' ? spec.host : '';
  if (!isMeshHost(host)) return;
  const check = (policy: any, path: string) => {
    if (!isObject(policy)) return;
    if (isObject(policy.tls) && WEAK.includes(policy.tls.mode)) {
      out.push({ obj, jsonPath: `${path}.tls.mode`, message: `DestinationRule for mesh host "${host}" sets ${path}.tls.mode ${policy.tls.mode}` });
    }
    asArray(policy.portLevelSettings).forEach((p: any, i: number) => {
      if (isObject(p) && isObject(p.tls) && WEAK.includes(p.tls.mode)) {
        out.push({ obj, jsonPath: `${path}.portLevelSettings[${i}].tls.mode`, message: `DestinationRule for mesh host "${host}" sets ${path}.portLevelSettings[${i}].tls.mode ${p.tls.mode}` });
      }
    });
  };
  check(spec.trafficPolicy, 'spec.trafficPolicy');
  asArray(spec.subsets).forEach((s: any, i: number) => {
    if (isObject(s)) check(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`);
  });
});
