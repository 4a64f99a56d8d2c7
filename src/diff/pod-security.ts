/**
 * Internal: pod security changes per workload — privilege, privilege escalation, Linux
 * capabilities, user, read-only root filesystem, seccomp, host namespaces and ports, host paths,
 * volume types and the API token — compared field by field (effective values: a container's
 * securityContext over its pod's) on the pod views of the audit (`ctx.pods`) of the changed
 * workloads only.
 */
import { ItemSpec } from './items';
import { ChangeSet, SideObject, contextOf } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { ContainerView, PodView } from '../audit/context';
import { findPodSpecs, identityKey } from '../manifest/objects';

/** One facet of a pod's privilege: its value and how much privilege it gives (higher is more). */
interface Facet {
  readonly value: string;
  readonly risk: number;
}

const rec = (x: any): any => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {});
const list = (x: any): any[] => (Array.isArray(x) ? x : []);
const yes = (b: boolean, v: string): Facet => ({ value: v, risk: b ? 1 : 0 });

function containerFacets(pod: PodView, c: ContainerView): Map<string, Facet> {
  const sc = rec(c.container.securityContext);
  const psc = rec(pod.spec.securityContext);
  const out = new Map<string, Facet>();
  out.set('privileged', yes(sc.privileged === true, String(sc.privileged === true)));
  const ape = sc.allowPrivilegeEscalation;
  out.set('allowPrivilegeEscalation', { value: ape === false ? 'false' : ape === true ? 'true' : 'unset (true)', risk: ape === false ? 0 : 1 });
  const caps = rec(sc.capabilities);
  const drop = list(caps.drop).map(String);
  out.set('capabilities.drop ALL', yes(!drop.includes('ALL'), drop.includes('ALL') ? 'dropped' : 'not dropped'));
  for (const cap of list(caps.add).map(String)) out.set(`capability ${cap}`, { value: 'added', risk: 1 });
  const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
  const user = sc.runAsUser ?? psc.runAsUser;
  out.set('runAsNonRoot', yes(nonRoot !== true, nonRoot === true ? 'true' : String(nonRoot ?? 'unset')));
  out.set('runAsUser', { value: user === undefined ? 'unset' : String(user), risk: user === 0 ? 2 : user === undefined ? 1 : 0 });
  out.set('readOnlyRootFilesystem', yes(sc.readOnlyRootFilesystem !== true, String(sc.readOnlyRootFilesystem === true)));
  const seccomp = rec(sc.seccompProfile).type ?? rec(psc.seccompProfile).type;
  out.set('seccompProfile', { value: String(seccomp ?? 'unset'), risk: seccomp === 'RuntimeDefault' || seccomp === 'Localhost' ? 0 : seccomp === 'Unconfined' ? 2 : 1 });
  for (const p of list(c.container.ports)) {
    if (rec(p).hostPort !== undefined) out.set(`hostPort ${p.hostPort}`, { value: `${p.protocol ?? 'TCP'}/${p.hostPort}`, risk: 1 });
  }
  return out;
}

function podFacets(pod: PodView): Map<string, Facet> {
  const s = pod.spec;
  const out = new Map<string, Facet>();
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) out.set(f, yes(s[f] === true, String(s[f] === true)));
  out.set('hostUsers', yes(s.hostUsers !== false, s.hostUsers === false ? 'false' : 'unset (true)'));
  out.set('automountServiceAccountToken', yes(s.automountServiceAccountToken !== false, s.automountServiceAccountToken === false ? 'false' : 'unset (true)'));
  for (const v of list(s.volumes)) {
    const vol = rec(v);
    if (vol.hostPath !== undefined) {out.set(`hostPath volume ${vol.name}`, { value: String(rec(vol.hostPath).path), risk: 2 });} else {
      const type = Object.keys(vol).filter((k) => k !== 'name').sort().join(',') || 'emptyDir';
      out.set(`volume ${vol.name}`, { value: type, risk: 0 });
    }
  }
  return out;
}

function podsByKey(objs: SideObject[]): Map<string, { obj: SideObject; pod: PodView }> {
  const withPods = objs.filter((o) => findPodSpecs(o.manifest).length > 0);
  const out = new Map<string, { obj: SideObject; pod: PodView }>();
  if (withPods.length === 0) return out;
  const ctx = contextOf(withPods);
  for (const pod of ctx.pods) {
    const obj = withPods.find((o) => o.manifest === pod.obj.manifest);
    if (obj) out.set(`${identityKey(pod.obj.manifest)}\u0000${pod.specPath}`, { obj, pod });
  }
  return out;
}

function compare(label: string, before: Map<string, Facet>, after: Map<string, Facet>, objs: SideObject[], out: ItemSpec[]): void {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (b?.value === a?.value) continue;
    const rb = b?.risk ?? 0;
    const ra = a?.risk ?? 0;
    // The same privilege with another value (a user ID, a host path) matters only when it is a privilege.
    if (ra === rb && ra === 0) continue;
    const raised = ra >= rb;
    out.push({
      category: DiffCategory.POD_SECURITY,
      change: raised ? DiffChange.PRIVILEGE_RAISED : DiffChange.PRIVILEGE_LOWERED,
      severity: ra > rb ? (ra >= 2 || name === 'privileged' || name.startsWith('capability ') ? DiffSeverity.HIGH : DiffSeverity.MEDIUM) : raised ? DiffSeverity.LOW : DiffSeverity.INFO,
      weakens: raised,
      subject: label,
      message: `${label}: ${name} ${b?.value ?? 'unset'} → ${a?.value ?? 'unset'}`,
      before: b?.value,
      after: a?.value,
      objects: objs,
    });
  }
}

/** Privilege changes of the workloads that changed. */
export function podSecurityItems(c: ChangeSet): ItemSpec[] {
  const before = podsByKey(c.changed.map((x) => x.base));
  const after = podsByKey(c.changed.map((x) => x.head));
  const out: ItemSpec[] = [];
  for (const [key, h] of after) {
    const b = before.get(key);
    if (b === undefined) continue;
    const where = `${h.obj.label}${h.pod.specPath.split('.').length > 3 ? ` ${h.pod.specPath}` : ''}`;
    const objs = [h.obj, b.obj];
    compare(where, podFacets(b.pod), podFacets(h.pod), objs, out);
    const bc = new Map(b.pod.containers.map((x) => [`${x.type}/${x.name}`, x]));
    for (const hc of h.pod.containers) {
      const old = bc.get(`${hc.type}/${hc.name}`);
      // A new container: its privileges (facets giving any) are new.
      const was = old === undefined ? new Map<string, Facet>() : containerFacets(b.pod, old);
      compare(`${where} ${hc.label}`, was, containerFacets(h.pod, hc), objs, out);
    }
  }
  return out;
}
