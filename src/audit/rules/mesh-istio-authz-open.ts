import { AuditContext, asArray, isObject } from '../context';
import { Issue, RuleDefinition, q, strings } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const GROUP = 'security.istio.io';

/**
 * Whether an Istio principal pattern pins one namespace. Istio matches `*` (any), `prefix*` and
 * `*suffix`; principals read `<trust-domain>/ns/<namespace>/sa/<account>`. A pattern pins a
 * namespace only when its literal part holds a whole `ns/<namespace>/` segment and it has no
 * other `*` (one in the middle is not a wildcard to Istio, but it is not a deliberate identity).
 */
function principalPinsNamespace(p: string): boolean {
  if (!p.includes('*')) return true;
  const literal = p.startsWith('*') ? p.slice(1) : p.endsWith('*') ? p.slice(0, -1) : p;
  if (literal.includes('*')) return false;
  return /(^|\/)ns\/[^/]+\//.test(literal);
}

function isWildPrincipal(p: unknown): boolean {
  return typeof p === 'string' && !principalPinsNamespace(p);
}

function isWildNamespace(n: unknown): boolean {
  return typeof n === 'string' && n.includes('*');
}

/** How many strings a list holds (`strings(x).length` without the copy). */
function stringCount(x: any): number {
  let n = 0;
  for (const s of asArray(x)) if (typeof s === 'string') n++;
  return n;
}

/** Why one `from` entry admits any caller (the text after its path), or undefined. */
function openSource(from: any): string | undefined {
  const source = isObject(from) && isObject(from.source) ? from.source : undefined;
  if (!source) return ' has no source (any caller)';
  if (asArray(source.principals).some(isWildPrincipal)) {
    const wildPrincipals = strings(source.principals).filter(isWildPrincipal);
    return `.source.principals ${q(wildPrincipals)} match${wildPrincipals.length === 1 ? 'es' : ''} workloads of any namespace`;
  }
  if (asArray(source.namespaces).some(isWildNamespace)) {
    const wildNamespaces = strings(source.namespaces).filter(isWildNamespace);
    const what = wildNamespaces.includes('*') ? 'every namespace' : 'namespaces by pattern, including ones created later';
    return `.source.namespaces ${q(wildNamespaces)} match${wildNamespaces.length === 1 ? 'es' : ''} ${what}`;
  }
  const identities = stringCount(source.principals) + stringCount(source.namespaces) + stringCount(source.requestPrincipals);
  if (identities > 0) return undefined;
  if (stringCount(source.ipBlocks) + stringCount(source.remoteIpBlocks) === 0) {
    const negatives = ['notPrincipals', 'notNamespaces', 'notRequestPrincipals', 'notIpBlocks', 'notRemoteIpBlocks'].filter((k) => strings(source[k]).length > 0);
    return negatives.length > 0 ? `.source only excludes callers (${negatives.join(', ')}): every other caller is admitted` : '.source names no caller (any caller)';
  }
  const world = [...strings(source.ipBlocks), ...strings(source.remoteIpBlocks)].filter((b) => /\/0$/.test(b.trim()));
  return world.length > 0 ? `.source admits every address (${world.join(', ')})` : undefined;
}

/**
 * Istio ALLOW policies that admit any caller. ALLOW policies are ORed: one that matches everything
 * overrides the namespace's allow-nothing policy (which is itself an ALLOW policy with no rules),
 * and in the root namespace without a selector it does so for every namespace of the mesh.
 */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_ISTIO_AUTHZ_OPEN,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Istio AuthorizationPolicies with action ALLOW (the default) must name their callers: a rule without from (rules: [{}]), a from without source or with only not* fields, principals or namespaces with wildcards that match any namespace ("*", "cluster.local/*", "*/sa/default", "prod-*"), or ipBlocks /0 admit everyone; without a selector in the Istio root namespace this voids every namespace\'s deny.',
  fix: 'Name the callers in from.source.principals as "<trust-domain>/ns/<namespace>/sa/<account>" (or exact namespaces), and give a root-namespace policy a selector; acknowledge the rule on the policy when an open endpoint is intended.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const root = ctx.options.istioRootNamespace ?? 'istio-system';
    for (const ap of ctx.ofKind('AuthorizationPolicy', GROUP)) {
      const spec = isObject(ap.manifest.spec) ? ap.manifest.spec : {};
      if (spec.action !== undefined && spec.action !== 'ALLOW') continue;
      const scoped = isObject(spec.selector) || isObject(spec.targetRef) || asArray(spec.targetRefs).length > 0;
      const scope = scoped
        ? 'the workloads it selects'
        : ap.namespace === root
          ? `every workload in the mesh (no selector in the Istio root namespace ${q(root)}): this voids the allow-nothing policy of every namespace`
          : `every workload in namespace ${q(ap.namespace)} (no selector): this voids the namespace's allow-nothing policy`;
      const rules = asArray(spec.rules);
      for (let i = 0; i < rules.length; i++) {
        const entry = isObject(rules[i]) ? rules[i] : {};
        const from = asArray(entry.from);
        let why: string | undefined;
        let at: string | undefined;
        if (from.length === 0) {
          at = `spec.rules[${i}]`;
          why = `${at} has no from (any caller${entry.to !== undefined || entry.when !== undefined ? ', for the operations and conditions it lists' : ''})`;
        } else {
          for (let j = 0; j < from.length && why === undefined; j++) {
            const open = openSource(from[j]);
            if (open !== undefined) {
              at = `spec.rules[${i}].from[${j}]`;
              why = `${at}${open}`;
            }
          }
        }
        if (why !== undefined) out.push({ obj: ap, jsonPath: at, message: `ALLOW AuthorizationPolicy admits any caller to ${scope}: ${why}` });
      }
    }
    return out;
  },
};
