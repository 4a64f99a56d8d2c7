import { AuditContext, K8sObject, describeObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

function describe(o: K8sObject): string {
  return describeObject(o.kind, o.namespace, o.name);
}

/**
 * Objects with one identity (group, kind, namespace, name): `kubectl apply` keeps only the last, so
 * an earlier, reviewed definition can be silently replaced by a later one (and Helm or `kubectl
 * create` keep the first). The other rules audit every copy, each in the world where it is the one
 * kept (engine.ts); this rule reports every object that repeats an earlier one.
 */
export const rule: RuleDefinition = {
  id: RuleIds.META_DUPLICATE,
  severity: Severity.ERROR,
  area: 'Metadata',
  description: 'No two objects may share group, kind, namespace and name: kubectl apply keeps only the last one, Helm and kubectl create the first, so which definition the cluster runs depends on the tool.',
  fix: 'Remove or rename the duplicate object so that each identity is defined once (merge the intended settings into one definition).',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const { objects } of ctx.duplicates) {
      const last = objects[objects.length - 1];
      for (let i = 1; i < objects.length; i++) {
        const o = objects[i];
        const earlier = objects.slice(0, i).map((e) => e.location).join(', ');
        const message = o === last
          ? `kubectl apply keeps only the last: ${describe(o)} at ${o.location} shadows the ${i === 1 ? 'definition' : `${i} definitions`} at ${earlier}`
          : `kubectl apply keeps only the last: ${describe(o)} at ${o.location} repeats the definition at ${earlier} and is itself shadowed by the one at ${last.location}`;
        out.push({ obj: o, message });
      }
    }
    return out;
  },
};
