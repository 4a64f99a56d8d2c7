import { CLUSTER_SCOPED_KINDS } from '../../manifest/cluster-scoped';
import { AuditContext, isObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

export { CLUSTER_SCOPED_KINDS } from '../../manifest/cluster-scoped';

/** Cluster-scoped objects must not carry a namespace. */
export const rule: RuleDefinition = {
  id: RuleIds.META_CLUSTER_SCOPED_NAMESPACE,
  severity: Severity.ERROR,
  area: 'Metadata',
  description: 'Cluster-scoped objects (Namespace, StorageClass, ClusterRole, ClusterRoleBinding, PriorityClass, CRDs with scope Cluster, ...) must not set metadata.namespace.',
  fix: 'Remove metadata.namespace from the object (define it in a Chart without a namespace, or delete the field with a JSON patch).',
  standards: {},
  check: (ctx: AuditContext) => {
    const kinds = new Set(CLUSTER_SCOPED_KINDS);
    for (const crd of ctx.ofKind('CustomResourceDefinition', 'apiextensions.k8s.io')) {
      const spec = crd.manifest.spec;
      if (isObject(spec) && spec.scope === 'Cluster' && isObject(spec.names)) kinds.add(`${spec.group}|${spec.names.kind}`);
    }
    const out: Issue[] = [];
    // The answer per kind and group, so that not every object builds its `group|kind`.
    const answers = new Map<string, Map<string, boolean>>();
    const clusterScoped = (group: string, kind: string): boolean => {
      let groups = answers.get(kind);
      if (groups === undefined) {
        groups = new Map();
        answers.set(kind, groups);
      }
      let answer = groups.get(group);
      if (answer === undefined) {
        answer = kinds.has(`${group}|${kind}`);
        groups.set(group, answer);
      }
      return answer;
    };
    const objects = ctx.objects;
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      if (obj.namespace !== '' && clusterScoped(obj.group, obj.kind)) {
        out.push({ obj, jsonPath: 'metadata.namespace', message: `cluster-scoped ${obj.kind} sets metadata.namespace "${obj.namespace}"` });
      }
    }
    return out;
  },
};
