import { isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Services reachable from outside the cluster network. */
export const rule = kindRule({
  id: RuleIds.SVC_EXPOSED,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Services must not be of type NodePort or LoadBalancer.',
  fix: 'Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.',
  standards: {
    kubescape: ['C-0256'],
    kubeScore: ['service-type'],
    kubeLinter: ['exposed-services'],
  },
  admission: {
    match: [{ apiGroups: [''], resources: ['services'] }],
    validations: [{
      expression: "!has(object.spec) || !has(object.spec.type) || !(object.spec.type in ['NodePort', 'LoadBalancer'])",
      message: 'Services are not of type NodePort or LoadBalancer',
    }],
  },
}, ['Service'], '', (obj, out) => {
  const type = isObject(obj.manifest.spec) ? obj.manifest.spec.type : undefined;
  if (type === 'NodePort' || type === 'LoadBalancer') {
    out.push({ obj, jsonPath: 'spec.type', message: `Service is of type ${type}` });
  }
});
