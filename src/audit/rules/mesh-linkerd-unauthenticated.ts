import { AuditContext, asArray, isObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const GROUP = 'policy.linkerd.io';
const OPEN_ACCESS = ['all-unauthenticated', 'cluster-unauthenticated', 'audit'];

/** Linkerd Servers accept only authenticated (mTLS) clients. */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_LINKERD_UNAUTHENTICATED,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Linkerd Servers must not admit unauthenticated clients (accessPolicy all-unauthenticated/cluster-unauthenticated/audit, an AuthorizationPolicy requiring only NetworkAuthentications, or a ServerAuthorization with client.unauthenticated).',
  fix: 'Require a MeshTLSAuthentication (or ServiceAccount identities) in the AuthorizationPolicy and set the Server accessPolicy to deny.',
  standards: {},
  admission: {
    match: [{ apiGroups: [GROUP], resources: ['servers', 'authorizationpolicies', 'serverauthorizations'] }],
    validations: [{
      expression: "object.kind == 'Server' ? !(has(object.spec) && has(object.spec.accessPolicy) && object.spec.accessPolicy in ['all-unauthenticated', 'cluster-unauthenticated', 'audit'])"
        + " : object.kind == 'AuthorizationPolicy' ? (has(object.spec) && has(object.spec.requiredAuthenticationRefs) && object.spec.requiredAuthenticationRefs.exists(r, has(r.kind) && r.kind in ['MeshTLSAuthentication', 'ServiceAccount']))"
        + " : object.kind == 'ServerAuthorization' ? !(has(object.spec) && has(object.spec.client) && has(object.spec.client.unauthenticated) && object.spec.client.unauthenticated == true)"
        + ' : true',
      message: 'Linkerd Servers, AuthorizationPolicies and ServerAuthorizations admit only authenticated (mTLS) clients',
    }],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const server of ctx.ofKind('Server', GROUP)) {
      const spec = isObject(server.manifest.spec) ? server.manifest.spec : {};
      if (OPEN_ACCESS.includes(spec.accessPolicy)) {
        out.push({ obj: server, jsonPath: 'spec.accessPolicy', message: `Server sets accessPolicy ${spec.accessPolicy}` });
      }
    }
    for (const ap of ctx.ofKind('AuthorizationPolicy', GROUP)) {
      const spec = isObject(ap.manifest.spec) ? ap.manifest.spec : {};
      const target = isObject(spec.targetRef) ? spec.targetRef : {};
      const refs = asArray(spec.requiredAuthenticationRefs).filter(isObject);
      const authenticated = refs.some((r: any) => r.kind === 'MeshTLSAuthentication' || r.kind === 'ServiceAccount');
      if (!authenticated) {
        const what = refs.length === 0 ? 'requires no authentication' : 'requires only NetworkAuthentication (no mTLS identity)';
        out.push({ obj: ap, jsonPath: 'spec.requiredAuthenticationRefs', message: `AuthorizationPolicy for ${target.kind ?? 'target'} "${target.name ?? ''}" ${what}` });
      }
    }
    for (const sa of ctx.ofKind('ServerAuthorization', GROUP)) {
      const spec = isObject(sa.manifest.spec) ? sa.manifest.spec : {};
      if (isObject(spec.client) && spec.client.unauthenticated === true) {
        out.push({ obj: sa, jsonPath: 'spec.client.unauthenticated', message: 'ServerAuthorization admits unauthenticated clients (client.unauthenticated: true)' });
      }
    }
    return out;
  },
};
