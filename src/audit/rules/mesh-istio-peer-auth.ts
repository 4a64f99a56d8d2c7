import { AuditContext, K8sObject, isObject, selectorIsEmpty } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

export const ISTIO_SECURITY_GROUP = 'security.istio.io';

function mode(obj: K8sObject): string | undefined {
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  return isObject(spec.mtls) && typeof spec.mtls.mode === 'string' ? spec.mtls.mode : undefined;
}

function namespaceWide(obj: K8sObject): boolean {
  const spec = isObject(obj.manifest.spec) ? obj.manifest.spec : {};
  return selectorIsEmpty(spec.selector);
}

/** Istio mutual TLS stays STRICT. */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_ISTIO_PEER_AUTH,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Istio PeerAuthentications must use mtls.mode STRICT (a workload policy may inherit a STRICT namespace policy) and no portLevelMtls PERMISSIVE/DISABLE.',
  fix: 'Set spec.mtls.mode: STRICT and remove PERMISSIVE/DISABLE port-level overrides.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const all = ctx.ofKind('PeerAuthentication', ISTIO_SECURITY_GROUP);
    const strictNamespaces = new Set(all.filter(p => namespaceWide(p) && mode(p) === 'STRICT').map(p => p.namespace));
    for (const pa of all) {
      const spec = isObject(pa.manifest.spec) ? pa.manifest.spec : {};
      const m = mode(pa);
      if (m === undefined || m === 'UNSET') {
        // A workload-level policy that inherits from a STRICT namespace-wide policy is STRICT.
        const inheritsStrict = !namespaceWide(pa) && strictNamespaces.has(pa.namespace);
        if (!inheritsStrict) {
          out.push({ obj: pa, jsonPath: 'spec.mtls.mode', message: `PeerAuthentication does not set mtls.mode STRICT (${m === undefined ? 'unset' : 'UNSET'}, inheriting a possibly PERMISSIVE parent)` });
        }
      } else if (m !== 'STRICT') {
        out.push({ obj: pa, jsonPath: 'spec.mtls.mode', message: `PeerAuthentication sets mtls.mode ${m}` });
      }
      if (isObject(spec.portLevelMtls)) {
        for (const port of Object.keys(spec.portLevelMtls).sort()) {
          const pm = isObject(spec.portLevelMtls[port]) ? spec.portLevelMtls[port].mode : undefined;
          if (pm === 'PERMISSIVE' || pm === 'DISABLE') {
            out.push({ obj: pa, jsonPath: `spec.portLevelMtls.${port}.mode`, message: `PeerAuthentication downgrades port ${port} to ${pm}` });
          }
        }
      }
    }
    return out;
  },
};
