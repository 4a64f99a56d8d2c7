import { AuditContext } from '../context';
import { Issue, RuleDefinition, podServiceAccount, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Pods mount an API token only when they opt in explicitly. */
export const rule: RuleDefinition = {
  id: RuleIds.SA_POD_AUTOMOUNT,
  severity: Severity.ERROR,
  area: 'Service accounts',
  description: 'Pods must not automount a ServiceAccount token unless they opt in explicitly (acknowledged).',
  fix: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount); if the pod calls the Kubernetes API, acknowledge this rule with the reason.',
  standards: {
    cis: ['5.1.6'],
    kubescape: ['C-0034', 'C-0190', 'C-0261'],
    polaris: ['automountServiceAccountToken'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const pod of ctx.pods) {
      const saName = podServiceAccount(pod.spec);
      const podValue = pod.spec.automountServiceAccountToken;
      if (podValue === false) continue;
      if (podValue === true) {
        out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.automountServiceAccountToken`, message: `pod mounts the token of ServiceAccount ${q(saName)} (automountServiceAccountToken: true)` });
        continue;
      }
      const sa = ctx.find('', 'ServiceAccount', pod.obj.namespace, saName);
      if (sa && sa.manifest.automountServiceAccountToken === false) continue;
      out.push({
        obj: pod.obj,
        jsonPath: `${pod.specPath}.automountServiceAccountToken`,
        message: sa
          ? `pod automounts the token of ServiceAccount ${q(saName)} (neither the pod nor the ServiceAccount sets automountServiceAccountToken: false)`
          : `pod automounts the token of ServiceAccount ${q(saName)} (the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the output)`,
      });
    }
    return out;
  },
};
