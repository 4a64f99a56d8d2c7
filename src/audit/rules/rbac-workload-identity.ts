import { acknowledges, bindsClusterAdmin, grantLabel, isAcknowledged, risksOfIdentity } from '../../rbac/capabilities';
import { Identity, RbacGraph, serviceAccountIdentity } from '../../rbac/graph';
import { RBAC_RISKS } from '../../rbac/risk-model';
import { AuditContext } from '../context';
import { Issue, RuleDefinition, podServiceAccount } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** What an identity can do that no acknowledgement declares: `through <binding → role>: <powers>`, sorted. */
function undeclaredPower(graph: RbacGraph, identity: Identity): string[] {
  // Per binding → role, the powers in the risk model's order.
  const powers = new Map<string, Set<number>>();
  const add = (via: string, rank: number) => {
    const set = powers.get(via) ?? new Set<number>();
    set.add(rank);
    powers.set(via, set);
  };
  for (const g of graph.grantsTo(identity)) {
    if (bindsClusterAdmin(g) && !acknowledges(g.binding, RuleIds.RBAC_CLUSTER_ADMIN)) add(grantLabel(g), -1);
  }
  for (const held of risksOfIdentity(graph, identity)) {
    if (bindsClusterAdmin(held.grant) || isAcknowledged(held)) continue;
    add(grantLabel(held.grant), RBAC_RISKS.indexOf(held.risk));
  }
  return [...powers.keys()].sort().map((via) => {
    const titles = [...new Set([...powers.get(via)!].sort((x, y) => x - y).map((i) => (i < 0 ? 'do everything (cluster-admin)' : RBAC_RISKS[i].title)))];
    return `through ${via}: ${titles.join(', ')}`;
  });
}

/**
 * The workload → identity chain: what a workload's ServiceAccount can do through every binding of
 * the manifests (in any file or chart, through groups such as system:serviceaccounts too), so a
 * grant made far from the workload is seen where it runs. Power declared with a reason (the rule's
 * acknowledgement on the role or binding it comes from) is not repeated here.
 */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_WORKLOAD_IDENTITY,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'A workload must not run as a ServiceAccount that holds dangerous RBAC power (the risk model\'s capabilities, or cluster-admin) that no acknowledgement on the granting role or binding declares.',
  fix: 'Remove the binding that gives the power, or give the workload its own LeastPrivilegeServiceAccount with exactly the grants it needs (each dangerous one with a reason).',
  standards: { kubescape: ['C-0053'] },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const graph = RbacGraph.of(ctx);
    if (graph.bindings.length === 0) return out;
    const seen = new Set<unknown>();
    const undeclared = new Map<string, string[]>();
    for (const pod of ctx.pods) {
      if (seen.has(pod.obj)) continue;
      seen.add(pod.obj);
      const namespace = pod.obj.namespace !== '' ? pod.obj.namespace : 'default';
      const sa = podServiceAccount(pod.spec);
      const key = `${namespace}/${sa}`;
      if (!undeclared.has(key)) undeclared.set(key, undeclaredPower(graph, serviceAccountIdentity(namespace, sa)));
      const list = undeclared.get(key)!;
      if (list.length === 0) continue;
      out.push({
        obj: pod.obj,
        jsonPath: `${pod.specPath}.serviceAccountName`,
        message: `runs as ServiceAccount "${namespace}/${sa}", which can, ${list.join('; ')}`,
      });
    }
    return out;
  },
};
