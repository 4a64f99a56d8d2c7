/**
 * Internal: RBAC changes — the dangerous capabilities (of the RBAC risk model) each subject gained
 * or lost, where (a namespace or cluster-wide), through which binding and role: effective
 * permissions from the RBAC proof of both sides, not rule text.
 */
import { ItemSpec } from './items';
import { ChangeSet, DiffSide, SideObject } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { findPodSpecs, groupOf } from '../manifest/objects';
import { CLUSTER_ADMIN_CAPABILITY, CapabilityGrant, RbacProof } from '../rbac/proof';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The ServiceAccounts an object's pods run as (`default` when unset), sorted. */
function serviceAccountsOf(o: SideObject): string {
  return findPodSpecs(o.manifest).map((l) => String(l.spec.serviceAccountName ?? l.spec.serviceAccount ?? 'default')).sort().join(',');
}

/**
 * Whether a change can change RBAC capabilities: RBAC objects, ServiceAccounts, and workloads
 * added, removed or running as another ServiceAccount (the subjects of the proof).
 */
export function affectsRbac(c: ChangeSet): boolean {
  const rbacKind = (o: SideObject) => groupOf(o.manifest.apiVersion) === RBAC_GROUP || (groupOf(o.manifest.apiVersion) === '' && o.manifest.kind === 'ServiceAccount');
  const workload = (o: SideObject) => findPodSpecs(o.manifest).length > 0;
  if (c.added.some((o) => rbacKind(o) || workload(o)) || c.removed.some((o) => rbacKind(o) || workload(o))) return true;
  return c.changed.some((x) => rbacKind(x.head) || rbacKind(x.base) || serviceAccountsOf(x.base) !== serviceAccountsOf(x.head));
}

interface Held {
  readonly subject: string;
  readonly capability: string;
  readonly title: string;
  readonly where: string;
  readonly grants: CapabilityGrant[];
}

function heldOf(p: RbacProof): Map<string, Held> {
  const out = new Map<string, Held>();
  for (const s of p.subjects) {
    for (const c of s.capabilities) {
      for (const g of c.grants) {
        const where = g.namespace === undefined ? 'cluster-wide' : `in namespace ${g.namespace}`;
        const key = `${s.label}\u0000${c.capability}\u0000${where}`;
        const cur = out.get(key);
        if (cur) cur.grants.push(g);
        else out.set(key, { subject: s.label, capability: c.capability, title: c.title, where, grants: [g] });
      }
    }
  }
  return out;
}

/** `RoleBinding "shop/x"` → the object of the side, if any. */
function objectOfLabel(side: DiffSide, label: string): SideObject | undefined {
  const m = /^(\w+) "(?:([^"/]*)\/)?([^"]*)"/.exec(label);
  if (!m) return undefined;
  return side.objects.get(`${RBAC_GROUP}|${m[1]}|${m[2] ?? ''}|${m[3]}`);
}

function via(g: CapabilityGrant): string {
  return `${g.binding} → ${g.role}${g.rulesFrom ? ` (rules of ${g.rulesFrom})` : ''}${g.via ? ` as ${g.via}` : ''}: ${g.access.join('; ')}`;
}

/** Capabilities gained and lost, per subject and scope. */
export function rbacItems(base: DiffSide, head: DiffSide): ItemSpec[] {
  const hb = heldOf(base.rbac());
  const hh = heldOf(head.rbac());
  const out: ItemSpec[] = [];
  const objects = (side: DiffSide, grants: CapabilityGrant[]) => grants.flatMap((g) => [objectOfLabel(side, g.binding), objectOfLabel(side, g.role)]);
  for (const [key, x] of hh) {
    if (hb.has(key)) continue;
    const declared = x.grants.every((g) => g.declared);
    const admin = x.capability === CLUSTER_ADMIN_CAPABILITY;
    out.push({
      category: DiffCategory.RBAC,
      change: DiffChange.CAPABILITY_GAINED,
      severity: admin || !declared ? DiffSeverity.HIGH : DiffSeverity.MEDIUM,
      weakens: true,
      subject: x.subject,
      message: `${x.subject} can now ${x.title} ${x.where} (${declared ? 'declared' : 'not declared'}) through ${x.grants.map(via).join('; ')}`,
      after: `${x.capability} ${x.where}`,
      ruleId: x.grants.flatMap((g) => g.ruleIds)[0],
      objects: objects(head, x.grants),
      extraObjects: x.grants.flatMap((g) => [g.binding, g.role]).filter((l) => objectOfLabel(head, l) === undefined),
    });
  }
  for (const [key, x] of hb) {
    if (hh.has(key)) continue;
    out.push({
      category: DiffCategory.RBAC,
      change: DiffChange.CAPABILITY_LOST,
      severity: DiffSeverity.INFO,
      weakens: false,
      subject: x.subject,
      message: `${x.subject} can no longer ${x.title} ${x.where} (was through ${x.grants.map((g) => g.binding).join(', ')})`,
      before: `${x.capability} ${x.where}`,
      objects: objects(base, x.grants),
      extraObjects: x.grants.flatMap((g) => [g.binding, g.role]).filter((l) => objectOfLabel(base, l) === undefined),
    });
  }
  return out;
}
