import { asArray, isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CEL: the TLS settings of a traffic policy at `p` verify the server, also in its port-level settings. */
function verifies(p: string): string {
  return `(!has(${p}.tls) || !has(${p}.tls.insecureSkipVerify) || ${p}.tls.insecureSkipVerify != true)`
    + ` && (!has(${p}.portLevelSettings) || ${p}.portLevelSettings.all(x, !has(x.tls) || !has(x.tls.insecureSkipVerify) || x.tls.insecureSkipVerify != true))`;
}

/** DestinationRules that originate TLS verify the server's certificate. */
export const rule = kindRule({
  id: RuleIds.MESH_ISTIO_DR_VERIFY,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Istio DestinationRules must not set tls.insecureSkipVerify: the proxy would originate TLS to any server that answers, so the traffic can be read and changed by whoever sits on the path (for any host, in the mesh or outside it).',
  fix: 'Remove insecureSkipVerify; give caCertificates (or rely on the proxy\'s system CAs) and subjectAltNames for the host.',
  standards: {},
  admission: {
    match: [{ apiGroups: ['networking.istio.io'], resources: ['destinationrules'] }],
    validations: [{
      expression: `!has(object.spec) || ((!has(object.spec.trafficPolicy) || ${verifies('object.spec.trafficPolicy')}) && (!has(object.spec.subsets) || object.spec.subsets.all(s, !has(s.trafficPolicy) || ${verifies('s.trafficPolicy')})))`,
      message: 'DestinationRules do not set tls.insecureSkipVerify (also per port and subset)',
    }],
  },
}, ['DestinationRule'], 'networking.istio.io', (obj, out) => {
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  const host = typeof spec.host === 'string' ? spec.host : '';
  const flag = (tls: any, path: string) => {
    if (isObject(tls) && tls.insecureSkipVerify === true) {
      out.push({ obj, jsonPath: `${path}.insecureSkipVerify`, message: `DestinationRule for host "${host}" sets ${path}.insecureSkipVerify: true` });
    }
  };
  const check = (policy: any, path: string) => {
    if (!isObject(policy)) return;
    flag(policy.tls, `${path}.tls`);
    asArray(policy.portLevelSettings).forEach((p: any, i: number) => {
      if (isObject(p)) flag(p.tls, `${path}.portLevelSettings[${i}].tls`);
    });
  };
  check(spec.trafficPolicy, 'spec.trafficPolicy');
  asArray(spec.subsets).forEach((s: any, i: number) => {
    if (isObject(s)) check(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`);
  });
});
