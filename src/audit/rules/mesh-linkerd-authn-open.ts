import { IpRangeSet } from '../../private/ip-ranges';
import { AuditContext, asArray, isObject } from '../context';
import { Issue, RuleDefinition, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const GROUP = 'policy.linkerd.io';
const HALF_IPV4 = 2n ** 31n;
const HALF_IPV6 = IpRangeSet.ALL.subtract(IpRangeSet.IPV4).size / 2n;

/**
 * Whether a Linkerd identity pattern pins one namespace. Identities read
 * `<account>.<namespace>.serviceaccount.identity.linkerd.<trust-domain>`; `*` is every
 * authenticated client and a leading `*.` matches any prefix.
 */
function identityPinsNamespace(id: string): boolean {
  if (!id.includes('*')) return true;
  if (!id.startsWith('*.')) return false;
  const rest = id.slice(2);
  return !rest.includes('*') && /^[^.]+\.serviceaccount\.identity\./.test(rest);
}

/**
 * Linkerd authentications that authenticate everyone: a MeshTLSAuthentication whose identities or
 * identityRefs cover every workload (of any namespace, or of a whole namespace), and a
 * NetworkAuthentication for every address. An AuthorizationPolicy requiring them admits any
 * meshed client (or any client at all). AuthorizationPolicies that require no mTLS identity are
 * SB-MESH-LINKERD-UNAUTHENTICATED's.
 */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_LINKERD_AUTHN_OPEN,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Linkerd MeshTLSAuthentications must name ServiceAccounts: identities "*" or wildcards that match any namespace, identityRefs with name "*" or of kind Namespace admit every (or every namespace\'s) workload; NetworkAuthentications must not cover the whole IPv4 or IPv6 space (0.0.0.0/0, ::/0, or half of it or more).',
  fix: 'List the calling ServiceAccounts in identityRefs (kind ServiceAccount, name and namespace), and give NetworkAuthentications the exact client ranges; acknowledge the rule on the object when an open authentication is intended.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const a of ctx.ofKind('MeshTLSAuthentication', GROUP)) {
      const spec = isObject(a.manifest.spec) ? a.manifest.spec : {};
      asArray(spec.identities).forEach((id: any, i: number) => {
        if (typeof id !== 'string' || identityPinsNamespace(id)) return;
        out.push({ obj: a, jsonPath: `spec.identities[${i}]`, message: `MeshTLSAuthentication identity ${q(id)} ${id === '*' ? 'matches every authenticated client' : 'matches workloads of any namespace'}` });
      });
      asArray(spec.identityRefs).forEach((ref: any, i: number) => {
        if (!isObject(ref)) return;
        if (ref.name === '*' || (ref.kind === 'ServiceAccount' && (ref.name === undefined || ref.name === ''))) {
          out.push({ obj: a, jsonPath: `spec.identityRefs[${i}]`, message: `MeshTLSAuthentication identityRef ${q(ref)} names every ${ref.kind === 'Namespace' ? 'namespace' : 'ServiceAccount'}` });
        } else if (ref.kind === 'Namespace') {
          out.push({ obj: a, jsonPath: `spec.identityRefs[${i}]`, message: `MeshTLSAuthentication identityRef of kind Namespace ${q(ref.name)} admits every ServiceAccount of that namespace, including ones created later` });
        }
      });
    }
    for (const n of ctx.ofKind('NetworkAuthentication', GROUP)) {
      const spec = isObject(n.manifest.spec) ? n.manifest.spec : {};
      let union = IpRangeSet.EMPTY;
      for (const net of asArray(spec.networks)) {
        if (!isObject(net) || typeof net.cidr !== 'string') continue;
        const set = IpRangeSet.fromIpBlock(net.cidr, asArray(net.except).filter((e: any) => typeof e === 'string'))
          ?? IpRangeSet.fromCidrOrAddress(net.cidr);
        if (set) union = union.union(set);
      }
      const v4 = union.intersect(IpRangeSet.IPV4).size >= HALF_IPV4;
      const v6 = union.subtract(IpRangeSet.IPV4).size >= HALF_IPV6;
      if (v4 || v6) {
        out.push({ obj: n, jsonPath: 'spec.networks', message: `NetworkAuthentication covers the ${v4 && v6 ? 'IPv4 and IPv6' : v4 ? 'IPv4' : 'IPv6'} internet (${union.toString()}): any client address authenticates` });
      }
    }
    return out;
  },
};
