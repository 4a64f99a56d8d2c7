/**
 * CEL twins of the RBAC risk model's rows, for namespaced Roles (ClusterRoles and
 * ClusterRoleBindings are cluster-scoped: a policy on them would judge every chart's roles in
 * the cluster, so they are left to the synth-time audit). The expressions follow `riskHit` in
 * src/rbac/risk-model.ts clause by clause: the authorizer's matching (`*`, `*\/sub`), verbs
 * that never name an object, rows limited to names or namespaces, and "any namespaced resource".
 */
import { AdmissionTwin, celList, celString } from './twin';
import { clusterScopedResources } from '../manifest/cluster-scoped';
import { ANY, RbacRisk, RiskTarget, risksOfRule } from '../rbac/risk-model';

const list = (field: string) => `(has(r.${field}) ? r.${field} : [])`;
/** Restricted by resourceNames: an entry "" lets every unnamed request through (see `hasResourceNames`). */
const NAMED = `(size(${list('resourceNames')}) > 0 && !${list('resourceNames')}.exists(n, n == ''))`;
const UNNAMED_VERBS = ['create', 'list', 'watch', 'deletecollection'];

function verbsClause(verbs: readonly string[]): string {
  return verbs.length === 0 ? 'false' : `${list('verbs')}.exists(v, v == '*' || v in ${celList(verbs)})`;
}

function targetClause(t: RiskTarget): string {
  const namedVerbs = t.resource.includes('/') ? [...t.verbs] : t.verbs.filter((v) => !UNNAMED_VERBS.includes(v));
  const verbs = `(${NAMED} ? ${verbsClause(namedVerbs)} : ${verbsClause(t.verbs)})`;
  if (t.resource === ANY) {
    // Any namespaced resource of the rule's groups.
    const scoped = celList(clusterScopedResources());
    const namespaced = `${list('resources')}.exists(x, x == '*' || ${list('apiGroups')}.exists(g, g == '*' || !${scoped}.exists(k, g + '|' + x == k || (g + '|' + x).startsWith(k + '/'))))`;
    return `(${verbs} && size(${list('apiGroups')}) > 0 && ${namespaced})`;
  }
  const slash = t.resource.indexOf('/');
  const resource = slash >= 0
    ? `${list('resources')}.exists(x, x == '*' || x == ${celString(t.resource)} || x == ${celString(`*${t.resource.slice(slash)}`)})`
    : `${list('resources')}.exists(x, x == '*' || x == ${celString(t.resource)})`;
  return `(${verbs} && ${list('apiGroups')}.exists(g, g == '*' || g == ${celString(t.group)}) && ${resource})`;
}

function riskClause(risk: RbacRisk): string {
  const parts: string[] = [];
  if (risk.namespaces !== undefined) parts.push(`(has(object.metadata.namespace) ? object.metadata.namespace : '') in ${celList(risk.namespaces)}`);
  if (risk.unlessNamed) parts.push(`!(${NAMED})`);
  if (risk.names !== undefined) parts.push(`(!(${NAMED}) || ${list('resourceNames')}.exists(n, n in ${celList(risk.names)}))`);
  parts.push(`(${risk.targets.map(targetClause).join(' || ')})`);
  return `(${parts.join(' && ')})`;
}

/** The twin of an RBAC rule built from the risk model: no rule of a Role holds one of its rows. */
export function rbacRiskTwin(ruleId: string): AdmissionTwin {
  const rows = risksOfRule(ruleId);
  return {
    match: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }],
    validations: [{
      expression: `!has(object.rules) || !object.rules.exists(r, ${rows.map(riskClause).join(' || ')})`,
      message: `a rule of the Role grants ${[...new Set(rows.map((r) => r.title))].join('; ')}`,
    }],
  };
}
