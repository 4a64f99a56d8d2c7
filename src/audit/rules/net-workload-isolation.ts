import { AuditContext } from '../context';
import { PolicySelectionIndex } from '../network-index';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Every workload is isolated by NetworkPolicies in both directions. */
export const rule: RuleDefinition = {
  id: RuleIds.NET_WORKLOAD_ISOLATION,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Every workload must be selected by a NetworkPolicy for ingress and by one for egress (a namespace default-deny counts).',
  fix: 'Add a default-deny NetworkPolicy to the namespace, or a NetworkPolicy whose podSelector matches the pod labels with policyTypes Ingress and Egress.',
  standards: {
    kubescape: ['C-0030', 'C-0260'],
    kubeScore: ['pod-networkpolicy'],
    kubeLinter: ['non-isolated-pod'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const index = new PolicySelectionIndex(ctx);
    for (const pod of ctx.pods) {
      if (pod.templateOnly) continue;
      const d = index.coverage(pod.obj.namespace, pod.labels);
      if (d.ingress && d.egress) continue;
      const missing = [d.ingress ? undefined : 'ingress', d.egress ? undefined : 'egress'].filter(x => x !== undefined);
      if (missing.length > 0) {
        out.push({ obj: pod.obj, jsonPath: `${pod.metadataPath}.labels`, message: `pods are not selected by any NetworkPolicy for ${missing.join(' and ')}` });
      }
    }
    return out;
  },
};
