/**
 * Internal: one path from or to `internet` for the addresses outside the cluster that a rule
 * treats alike.
 *
 * The analysis splits the address space into classes along every ipBlock of the input (build.ts),
 * and decides each class on its own: that is what makes it exact, but a rule that admits every
 * address (a gateway's `0.0.0.0/0` and `::/0`) then shows as one path per class that some other
 * policy carves out (`cidr 203.0.113.0/24`, `cidr ::/0 except fd00:ec2::254/128`, ...). This step
 * reports those classes as one path from or to `internet` — after the analysis, so that no
 * verdict changes — when
 * - the internet class has paths with the other end, and the classes folded into it have exactly
 *   the same ones (edge ports at both layers, declared, infrastructure, extra; the same extra
 *   paths per layer and ports; the same missing paths): a class that differs in any of these (an
 *   undeclared opening to one CIDR next to a declared internet-wide rule) keeps its own paths, so
 *   nothing undeclared hides in a declared aggregate; and
 * - whatever reaches the internet class reaches every address outside the cluster: every class
 *   that is not folded reaches at least the internet's ports (at both layers), so that `internet`
 *   on a folded path never stands for fewer addresses than a reader takes it for. A rule for
 *   `0.0.0.0/0 except 10.0.0.0/8` leaves `10.0.0.0/8` unreached and folds nothing.
 * The cloud metadata endpoints are never folded as destinations: reaching one is always a path of
 * its own. As senders (admitted with everyone else) they fold like any other class.
 *
 * The Kubernetes API server's endpoints (the `api-server` endpoints) never fold: they are inside
 * the cluster (the control plane), not "outside", and a path to them is what the API server
 * findings (reachable but ungranted) are about; a path from them is the control plane reaching a
 * pod, which a reviewer must see apart from internet clients.
 *
 * A folded path carries `addresses`: the exact addresses it stands for (the internet endpoint's
 * `ranges` name only its own class), and its messages say them.
 */
import type { ExtraPath, MissingPath, ReachabilityEdge } from './analyzer';
import { Model, Node } from './model';
import { PortSet } from './ports';
import { IpRangeSet, METADATA_ENDPOINTS } from '../private/ip-ranges';

/** The paths of a result. */
export interface Paths {
  readonly edges: ReachabilityEdge[];
  readonly extra: ExtraPath[];
  readonly missing: MissingPath[];
}

/** The paths between one address class and one other endpoint. */
interface ClassPaths {
  edge?: ReachabilityEdge;
  readonly extra: ExtraPath[];
  readonly missing: MissingPath[];
}

/** The paths with the address classes that fold into `internet` folded (see the file comment). */
export function foldInternet(model: Model, paths: Paths): Paths {
  const internet = model.internet;
  const classes = model.nodes.filter((n) => n.kind === 'Cidr' || n.kind === 'Internet');
  if (!internet || classes.length < 2) return paths;
  const metadata = new Set(classes.filter(isMetadata).map((n) => n.id));
  const classIds = new Set(classes.map((n) => n.id));
  const removed = new Set<object>();
  const added: Paths = { edges: [], extra: [], missing: [] };
  for (const egress of [false, true]) {
    // Per other end: the paths of each address class with it.
    const byEnd = new Map<string, Map<string, ClassPaths>>();
    const slot = (p: { from: string; to: string }): ClassPaths | undefined => {
      const cls = egress ? p.to : p.from;
      if (!classIds.has(cls)) return undefined;
      const end = egress ? p.from : p.to;
      let byClass = byEnd.get(end);
      if (!byClass) byEnd.set(end, byClass = new Map());
      let cp = byClass.get(cls);
      if (!cp) byClass.set(cls, cp = { extra: [], missing: [] });
      return cp;
    };
    for (const e of paths.edges) { const s = slot(e); if (s) s.edge = e; }
    for (const x of paths.extra) slot(x)?.extra.push(x);
    for (const m of paths.missing) slot(m)?.missing.push(m);
    for (const byClass of byEnd.values()) {
      const mine = byClass.get(internet.id);
      if (!mine) continue;
      const signature = signatureOf(mine);
      const destinationOnly = (id: string) => egress && metadata.has(id);
      const group = [...byClass.entries()].filter(([id, cp]) => !destinationOnly(id) && signatureOf(cp) === signature).map(([id]) => id);
      if (group.length < 2) continue;
      const covered = classes.every((n) => destinationOnly(n.id) || group.includes(n.id) || reachesAtLeast(byClass.get(n.id), mine));
      if (!covered) continue;
      const ranges = group.reduce((u, id) => u.union(model.node(id)!.ranges!), IpRangeSet.EMPTY);
      for (const id of group) {
        const cp = byClass.get(id)!;
        for (const p of [...(cp.edge ? [cp.edge] : []), ...cp.extra, ...cp.missing]) removed.add(p);
      }
      const addresses = ranges.describe();
      if (mine.edge) added.edges.push({ ...mine.edge, addresses });
      added.extra.push(...mine.extra.map((x) => ({ ...x, addresses, message: renote(x.message, internet, ranges) })));
      added.missing.push(...mine.missing.map((m) => ({ ...m, addresses, message: renote(m.message, internet, ranges) })));
    }
  }
  if (removed.size === 0) return paths;
  return {
    edges: [...paths.edges.filter((p) => !removed.has(p)), ...added.edges],
    extra: [...paths.extra.filter((p) => !removed.has(p)), ...added.extra],
    missing: [...paths.missing.filter((p) => !removed.has(p)), ...added.missing],
  };
}

function isMetadata(n: Node): boolean {
  return METADATA_ENDPOINTS.some((m) => n.ranges!.overlapsCidr(m));
}

/** Everything about a class's paths with one end but the class itself. */
function signatureOf(cp: ClassPaths): string {
  const e = cp.edge;
  return JSON.stringify([
    e ? [e.ports, e.networkPolicyPorts, e.declared, e.infrastructure, e.extra] : null,
    cp.extra.map((x) => `${x.layer} ${x.ports.join(',')}`).sort(),
    cp.missing.map((m) => `${m.ports.join(',')} ${m.blockedBy.join(',')} ${m.declaredBy}`).sort(),
  ]);
}

/** Whether a class's edge carries at least the ports of the internet's edge, at both layers. */
function reachesAtLeast(cp: ClassPaths | undefined, internet: ClassPaths): boolean {
  const a = cp?.edge;
  const b = internet.edge;
  if (!a || !b) return false;
  const within = (x: string[], y: string[]) => PortSet.parse(x.join(',')).subtract(PortSet.parse(y.join(','))).isEmpty;
  return within(b.ports, a.ports) && within(b.networkPolicyPorts, a.networkPolicyPorts);
}

/** A message about the internet class, saying which addresses `internet` stands for in it. */
function renote(message: string, internet: Node, ranges: IpRangeSet): string {
  const own = `; internet here is ${internet.ranges}`;
  const base = message.endsWith(own) ? message.slice(0, -own.length) : message;
  return `${base}; internet here is ${ranges}`;
}
