/**
 * Internal: network policies the reachability proof does not model (AdminNetworkPolicy, Calico,
 * other `*NetworkPolicy` kinds: src/reachability/unmodelled.ts) that a change adds, edits or
 * removes. The connectivity items come from the proof, which cannot see what such a policy allows
 * or denies, so an empty connectivity section would be a false clean: each such change is an item
 * of its own, weakening whatever its direction (removing a Deny opens what it closed).
 */
import { ItemSpec } from './items';
import { ChangeSet, SideObject } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { findUnmodelledPolicies } from '../reachability/unmodelled';

function reasonOf(o: SideObject | undefined): string | undefined {
  return o ? findUnmodelledPolicies([o.manifest])[0]?.reason : undefined;
}

/** One item per added, changed or removed network policy the proof does not model. */
export function unmodelledPolicyItems(c: ChangeSet): ItemSpec[] {
  const out: ItemSpec[] = [];
  const pairs: Array<[SideObject | undefined, SideObject | undefined, string]> = [
    ...c.added.map((h): [undefined, SideObject, string] => [undefined, h, 'added']),
    ...c.removed.map((b): [SideObject, undefined, string] => [b, undefined, 'removed']),
    ...c.changed.map((x): [SideObject, SideObject, string] => [x.base, x.head, 'changed']),
  ];
  for (const [b, h, verb] of pairs) {
    const reason = reasonOf(h) ?? reasonOf(b);
    if (reason === undefined) continue;
    const label = (h ?? b)!.label;
    out.push({
      category: DiffCategory.CONNECTIVITY,
      change: DiffChange.UNMODELLED_POLICY_CHANGED,
      severity: DiffSeverity.HIGH,
      weakens: true,
      subject: label,
      message: `${label} is ${verb}: a network policy the reachability proof does not model (${reason}), so the connectivity items `
        + 'do not show what this change opens or closes. Review it by hand, or express it as NetworkPolicies or Cilium policies the proof reads',
      objects: [h, b],
    });
  }
  return out;
}
