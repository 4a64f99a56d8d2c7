import { AuditContext, K8sObject, isObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Whether a Namespace is enrolled in Istio (sidecar injection, revision label or ambient). */
export function isIstioNamespace(ns: K8sObject): boolean {
  return ns.labels['istio-injection'] === 'enabled'
    || (typeof ns.labels['istio.io/rev'] === 'string' && ns.labels['istio.io/rev'] !== '')
    || ns.labels['istio.io/dataplane-mode'] === 'ambient';
}

function isAllowNothing(p: K8sObject): boolean {
  const spec = p.manifest.spec;
  return spec === undefined || spec === null || (isObject(spec) && Object.keys(spec).length === 0);
}

/** Istio namespaces deny by default. */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_ISTIO_NS_AUTHZ,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Every Istio-enabled Namespace must contain an allow-nothing AuthorizationPolicy (empty spec), or the Istio root namespace must.',
  fix: 'Add an AuthorizationPolicy with spec: {} to the namespace, then allow the required callers explicitly.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const root = ctx.options.istioRootNamespace ?? 'istio-system';
    const meshWide = ctx.inNamespace('AuthorizationPolicy', root, 'security.istio.io').some(isAllowNothing);
    if (meshWide) return out;
    for (const ns of ctx.ofKind('Namespace', '')) {
      if (!isIstioNamespace(ns)) continue;
      if (ctx.inNamespace('AuthorizationPolicy', ns.name, 'security.istio.io').some(isAllowNothing)) continue;
      out.push({ obj: ns, message: 'Istio-enabled namespace has no allow-nothing AuthorizationPolicy (spec: {})' });
    }
    return out;
  },
};
