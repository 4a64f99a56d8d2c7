import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const POLICY = 'config.linkerd.io/default-inbound-policy';
const ACCEPTED = ['deny', 'all-authenticated', 'cluster-authenticated'];

/** Linkerd namespaces deny unauthenticated traffic by default. */
export const rule = kindRule({
  id: RuleIds.MESH_LINKERD_NS_POLICY,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: `Namespaces annotated linkerd.io/inject: enabled must set ${POLICY} to ${ACCEPTED.join(', ')}.`,
  fix: `Annotate the namespace ${POLICY}: deny and authorize callers with Server + AuthorizationPolicy objects.`,
  standards: {},
}, ['Namespace'], '', (obj, out) => {
  if (obj.annotations['linkerd.io/inject'] !== 'enabled') return;
  const policy = obj.annotations[POLICY];
  if (policy === undefined) {
    out.push({ obj, jsonPath: 'metadata.annotations', message: `Linkerd-injected namespace has no ${POLICY} annotation (the cluster default, usually all-unauthenticated, applies)` });
  } else if (!ACCEPTED.includes(policy)) {
    out.push({ obj, jsonPath: 'metadata.annotations', message: `Linkerd-injected namespace sets ${POLICY}: ${policy}` });
  }
});
