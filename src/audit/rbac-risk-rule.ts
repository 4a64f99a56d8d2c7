/**
 * Audit rules that come from the RBAC risk model (src/rbac/risk-model.ts): each reports the rows
 * of its rule ID wherever the effective RBAC holds them, on the object a reviewer would change.
 *
 * - A rule of a Role or ClusterRole in the manifests: on that role, at `rules[i]`.
 * - An aggregated ClusterRole of the manifests: what its selectors pull in from the API server's
 *   built-in roles, on that ClusterRole at `aggregationRule` (roles of the manifests it selects
 *   report for themselves).
 * - A binding: what only its scope makes dangerous (rows limited to namespaces, such as writes in
 *   kube-system through a ClusterRoleBinding), and everything a built-in role it references
 *   grants (`edit`, `admin`, `system:*`: not in the manifests, so nowhere else to report it).
 *   Bindings of cluster-admin are SB-RBAC-CLUSTER-ADMIN's alone.
 */
import { AuditContext } from './context';
import { Issue, RuleDefinition, rbacRules } from './rule';
import { RuleInfo, RuleStandards } from './types';
import { rbacRiskTwin } from '../admission/rbac';
import { bindsClusterAdmin } from '../rbac/capabilities';
import { BindingGrant, RBAC_GROUP, RbacGraph } from '../rbac/graph';
import { describeAccess } from '../rbac/policy-rule';
import { RiskHit, riskHits, risksOfRule } from '../rbac/risk-model';

/** `get, list on secrets; create on pods/exec in namespace "kube-system"`, each access once. */
export function describeHits(hits: RiskHit[], namespace: string | undefined): string {
  const parts: string[] = [];
  for (const hit of hits) {
    for (const a of hit.access) {
      let text = describeAccess(a.verbs, a.group, a.resource);
      if (hit.risk.unlessNamed) text += ' without resourceNames';
      if (hit.risk.names !== undefined) text += ` (which includes ${hit.risk.names.map((n) => `"${n}"`).join(', ')})`;
      if (hit.risk.namespaces !== undefined) {
        text += namespace !== undefined ? ` in namespace "${namespace}"` : ` in every namespace, ${hit.risk.namespaces.join(', ')} included`;
      }
      if (!parts.includes(text)) parts.push(text);
    }
  }
  return parts.join('; ');
}

function scopeText(g: BindingGrant): string {
  return g.namespace !== undefined ? `in namespace "${g.namespace}"` : 'cluster-wide';
}

/** The standards of a rule: those of its rows, merged (sorted, without repeats). */
export function standardsOfRule(ruleId: string): RuleStandards {
  const merged: Record<string, string[]> = {};
  for (const risk of risksOfRule(ruleId)) {
    for (const [k, ids] of Object.entries(risk.standards)) {
      merged[k] = [...new Set([...(merged[k] ?? []), ...(ids as string[])])].sort();
    }
  }
  return merged as RuleStandards;
}

/** A rule reporting the risk model's rows for `info.id` (its standards are the rows'). */
export function rbacRiskRule(info: Omit<RuleInfo, 'standards'>): RuleDefinition {
  if (risksOfRule(info.id).length === 0) throw new Error(`no RBAC risk row reports ${info.id}`);
  return {
    ...info,
    standards: standardsOfRule(info.id),
    admission: rbacRiskTwin(info.id),
    check: (ctx: AuditContext) => {
      const out: Issue[] = [];
      // The roles' own rules (a ClusterRole's namespace is not known until it is bound).
      for (const r of rbacRules(ctx)) {
        const namespace = r.obj.kind === 'Role' ? r.obj.namespace : undefined;
        const hits = riskHits(r.rule, namespace, false, info.id);
        if (hits.length > 0) out.push({ obj: r.obj, jsonPath: r.path, message: `${r.path} grants ${describeHits(hits, namespace)}` });
      }
      const graph = RbacGraph.of(ctx);
      // Aggregated ClusterRoles: what they take from built-in roles.
      for (const obj of ctx.ofKind('ClusterRole', RBAC_GROUP)) {
        if (!graph.isAggregated(obj.name)) continue;
        const parts: string[] = [];
        for (const rr of graph.clusterRoleRules(obj.name) ?? []) {
          if (rr.source.obj !== undefined) continue;
          const hits = riskHits(rr.rule, undefined, false, info.id);
          if (hits.length > 0) parts.push(`built-in ClusterRole "${rr.source.name}" rules[${rr.index}] grants ${describeHits(hits, undefined)}`);
        }
        if (parts.length > 0) out.push({ obj, jsonPath: 'aggregationRule', message: `aggregationRule selects ${parts.join('; ')}` });
      }
      // Bindings: scope-bound rows, and built-in roles.
      for (const g of graph.bindings) {
        if (g.role === undefined || bindsClusterAdmin(g)) continue;
        const parts: string[] = [];
        for (const rr of g.rules) {
          if (rr.source.kind === 'Role') continue;
          const everyRow = rr.source.obj === undefined && g.role.obj === undefined;
          const hits = riskHits(rr.rule, g.namespace, g.namespace === undefined, info.id)
            .filter((h) => everyRow || h.risk.namespaces !== undefined);
          if (hits.length === 0) continue;
          const via = rr.source.name === g.roleRef.name ? `rules[${rr.index}]` : `ClusterRole "${rr.source.name}" rules[${rr.index}]`;
          parts.push(`${via} grants ${describeHits(hits, g.namespace)}`);
        }
        if (parts.length > 0) {
          const builtIn = g.role.obj === undefined ? 'built-in ' : '';
          out.push({ obj: g.binding, jsonPath: 'roleRef', message: `${g.binding.kind} grants ${builtIn}${g.roleRef.kind} "${g.roleRef.name}" ${scopeText(g)}: ${parts.join('; ')}` });
        }
      }
      return out;
    },
  };
}
