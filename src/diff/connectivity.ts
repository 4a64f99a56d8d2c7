/**
 * Internal: connectivity changes — paths added, removed, widened or narrowed (from the
 * reachability analysis of both sides), layers that newly let an undeclared path through, and
 * exposure to the internet (paths from the internet, and Services / Ingresses that expose).
 */
import { ItemSpec } from './items';
import { ChangeSet, DiffSide, SideObject, canonicalJson } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { findPodSpecs, groupOf } from '../manifest/objects';
import { IpRangeSet } from '../private/ip-ranges';
import { EndpointKind, ReachabilityEdge, ReachabilityLayer, ReachabilityResult } from '../reachability/analyzer';

/** Kinds whose changes cannot change who connects to whom (so the analysis is skipped when only they change). */
const NOT_NETWORK = new Set([
  '|ConfigMap', '|Secret', '|PersistentVolumeClaim', '|LimitRange', '|ResourceQuota', '|Event',
  'storage.k8s.io|StorageClass', 'snapshot.storage.k8s.io|VolumeSnapshotClass', 'velero.io|Schedule', 'policy|PodDisruptionBudget',
  'scheduling.k8s.io|PriorityClass', 'monitoring.coreos.com|PrometheusRule', 'monitoring.coreos.com|ServiceMonitor',
  'monitoring.coreos.com|PodMonitor', 'external-secrets.io|ExternalSecret', 'bitnami.com|SealedSecret', 'autoscaling|HorizontalPodAutoscaler',
  'admissionregistration.k8s.io|ValidatingAdmissionPolicy', 'admissionregistration.k8s.io|ValidatingAdmissionPolicyBinding',
]);
/** Container fields the reachability analysis does not read. */
const NOT_NETWORK_CONTAINER_FIELDS = ['image', 'imagePullPolicy', 'resources', 'env', 'envFrom', 'command', 'args', 'workingDir', 'livenessProbe', 'readinessProbe', 'startupProbe', 'volumeMounts'];

/** An object with the container fields the analysis does not read removed (the analysis reads the rest). */
function networkFace(o: SideObject): string {
  const specs = findPodSpecs(o.manifest);
  if (specs.length === 0) return o.fingerprint();
  const copy = JSON.parse(JSON.stringify(o.manifest));
  for (const loc of findPodSpecs(copy)) {
    for (const type of ['containers', 'initContainers', 'ephemeralContainers']) {
      for (const c of Array.isArray(loc.spec[type]) ? loc.spec[type] : []) {
        if (c !== null && typeof c === 'object') for (const f of NOT_NETWORK_CONTAINER_FIELDS) delete c[f];
      }
    }
  }
  return canonicalJson(copy);
}

function kindOf(o: SideObject): string {
  return `${groupOf(o.manifest.apiVersion)}|${o.manifest.kind}`;
}

/**
 * Whether a change can change who connects to whom. Only kinds that cannot (ConfigMaps, storage,
 * backups, monitoring, admission policies, ...) and container fields the analysis does not read
 * (images, resources, env, probes) are left out; everything else counts.
 */
export function affectsConnectivity(c: ChangeSet): boolean {
  if (c.added.some(countsForNetwork) || c.removed.some(countsForNetwork)) return true;
  return c.changed.some(networkChange);
}

/** Whether an object can matter to who connects to whom (not a kind of `NOT_NETWORK`, not RBAC). */
export function countsForNetwork(o: SideObject): boolean {
  return !NOT_NETWORK.has(kindOf(o)) && !groupOf(o.manifest.apiVersion).startsWith('rbac.authorization.k8s.io');
}

/** Whether a changed object changed in what the reachability analysis reads (see `affectsConnectivity`). */
export function networkChange(x: { readonly base: SideObject; readonly head: SideObject }): boolean {
  return countsForNetwork(x.head) && networkFace(x.base) !== networkFace(x.head);
}

/** Workload objects by endpoint id (`namespace/name`), built on demand. */
class EndpointIndex {
  private index?: Map<string, SideObject>;
  constructor(private readonly side: DiffSide) {}
  public find(id: string): SideObject | undefined {
    if (this.index === undefined) {
      this.index = new Map();
      for (const o of this.side.objects.values()) {
        const md = o.manifest.metadata;
        if (typeof md?.name !== 'string' || NOT_NETWORK.has(kindOf(o))) continue;
        const key = `${typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default'}/${md.name}`;
        if (!this.index.has(key) && findPodSpecs(o.manifest).length > 0) this.index.set(key, o);
      }
    }
    return this.index.get(id.split(':')[0]);
  }
}

function portList(ports: readonly string[]): string {
  return ports.length === 0 ? 'no port' : ports.join(', ');
}

function kinds(r: ReachabilityResult): Map<string, EndpointKind> {
  return new Map(r.endpoints.map((e) => [e.id, e.kind]));
}

/**
 * Connectivity items from two reachability analyses (by default each side's whole analysis; the
 * incremental diff passes the pairs a change can touch).
 */
export function connectivityItems(base: DiffSide, head: DiffSide, b: ReachabilityResult = base.reachability(),
  h: ReachabilityResult = head.reachability()): ItemSpec[] {
  const baseIx = new EndpointIndex(base);
  const headIx = new EndpointIndex(head);
  const kindsB = kinds(b);
  const kindsH = kinds(h);
  const objectsOf = (from: string, to: string) => [headIx.find(from), headIx.find(to), baseIx.find(from), baseIx.find(to)];
  const fromInternet = (from: string) => kindsH.get(from) === EndpointKind.INTERNET || kindsB.get(from) === EndpointKind.INTERNET;
  const out: ItemSpec[] = [];
  const edgesOf = (r: ReachabilityResult) => new Map(r.edges.filter((e) => !e.infrastructure).map((e) => [`${e.from}\u0000${e.to}`, e]));
  const eb = edgesOf(b);
  const eh = edgesOf(h);
  const opened = (e: ReachabilityEdge, ports: string[], widened: boolean, before?: ReachabilityEdge) => {
    const subject = `${e.from} → ${e.to}`;
    const internet = fromInternet(e.from);
    const decl = e.declared && !e.extra ? 'declared' : 'not declared';
    out.push({
      category: DiffCategory.CONNECTIVITY,
      change: internet ? DiffChange.EXPOSURE_ADDED : widened ? DiffChange.PATH_WIDENED : DiffChange.PATH_ADDED,
      severity: internet || e.extra ? DiffSeverity.HIGH : DiffSeverity.MEDIUM,
      weakens: true,
      subject,
      message: internet
        ? `${e.to} is now reachable from the internet on ${portList(ports)} (${decl})`
        : widened
          ? `${e.from} now also reaches ${e.to} on ${portList(ports)} (${decl}; NetworkPolicy and mesh both let it through)`
          : `${e.from} can now reach ${e.to} on ${portList(ports)} (${decl}; NetworkPolicy and mesh both let it through)`,
      before: before ? portList(before.ports) : undefined,
      after: portList(e.ports),
      objects: objectsOf(e.from, e.to),
    });
  };
  const closed = (e: ReachabilityEdge, ports: string[], narrowed: boolean, after?: ReachabilityEdge) => {
    const internet = fromInternet(e.from);
    out.push({
      category: DiffCategory.CONNECTIVITY,
      change: internet ? DiffChange.EXPOSURE_REMOVED : narrowed ? DiffChange.PATH_NARROWED : DiffChange.PATH_REMOVED,
      severity: DiffSeverity.INFO,
      weakens: false,
      subject: `${e.from} → ${e.to}`,
      message: internet
        ? `${e.to} is no longer reachable from the internet on ${portList(ports)}`
        : narrowed ? `${e.from} no longer reaches ${e.to} on ${portList(ports)}` : `${e.from} can no longer reach ${e.to} (was ${portList(ports)})`,
      before: portList(e.ports),
      after: after ? portList(after.ports) : undefined,
      objects: objectsOf(e.from, e.to),
    });
  };
  // Address classes are cut by every CIDR a side mentions, so the two sides may cut the same
  // addresses differently: a path of an address class is new only on ports and addresses that the
  // other side's classes did not already have with the same workload.
  const coveredB = addressCoverage(b);
  const coveredH = addressCoverage(h);
  const classesB = addressClasses(b);
  const classesH = addressClasses(h);
  for (const [key, e] of eh) {
    const old = eb.get(key);
    if (old === undefined) {
      const ports = coveredB.uncoveredPorts(e, classesH);
      if (ports.length > 0) opened(e, ports, false);
      continue;
    }
    const more = e.ports.filter((p) => !old.ports.includes(p));
    const fewer = old.ports.filter((p) => !e.ports.includes(p));
    if (more.length > 0) opened(e, more, true, old);
    if (fewer.length > 0) closed(old, fewer, true, e);
  }
  for (const [key, e] of eb) {
    if (eh.has(key)) continue;
    const ports = coveredH.uncoveredPorts(e, classesB);
    if (ports.length > 0) closed(e, ports, false);
  }

  // One layer alone now admits an undeclared path (defence in depth lost at that layer).
  const layered = (r: ReachabilityResult) => new Map(r.extraPaths.filter((x) => x.layer !== ReachabilityLayer.EFFECTIVE)
    .map((x) => [`${x.from}\u0000${x.to}\u0000${x.layer}`, x]));
  const lb = layered(b);
  const lh = layered(h);
  for (const [key, x] of lh) {
    const old = lb.get(key);
    if (old !== undefined && canonicalJson(old.ports) === canonicalJson(x.ports)) continue;
    out.push({
      category: DiffCategory.CONNECTIVITY,
      change: DiffChange.LAYER_OPENED,
      severity: DiffSeverity.MEDIUM,
      weakens: true,
      subject: `${x.from} → ${x.to}`,
      message: x.message,
      before: old ? portList(old.ports) : undefined,
      after: portList(x.ports),
      objects: objectsOf(x.from, x.to),
    });
  }
  for (const [key, x] of lb) {
    if (lh.has(key)) continue;
    out.push({
      category: DiffCategory.CONNECTIVITY,
      change: DiffChange.LAYER_CLOSED,
      severity: DiffSeverity.INFO,
      weakens: false,
      subject: `${x.from} → ${x.to}`,
      message: `the ${x.layer === ReachabilityLayer.MESH ? 'mesh' : 'NetworkPolicy'} layer no longer lets ${x.from} through to ${x.to} on ${portList(x.ports)}`,
      before: portList(x.ports),
      objects: objectsOf(x.from, x.to),
    });
  }
  return out;
}

/** The addresses of an endpoint's `ranges` (`ReachabilityEndpoint.ranges`, one description per family). */
function rangesOf(descriptions: readonly string[]): IpRangeSet | undefined {
  let set = IpRangeSet.EMPTY;
  for (const d of descriptions) {
    const [head, rest] = d.split(' except ');
    const part = rest !== undefined
      ? IpRangeSet.fromIpBlock(head, rest.split(', '))
      : head.split(', ').reduce<IpRangeSet | undefined>((acc, c) => { const r = IpRangeSet.fromCidr(c); return acc && r ? acc.union(r) : undefined; }, IpRangeSet.EMPTY);
    if (!part) return undefined;
    // An IPv6 description never counts the IPv4 addresses (see IpRangeSet.describe).
    set = set.union(head.includes(':') ? part.subtract(IpRangeSet.IPV4) : part);
  }
  return set;
}

/** The addresses of each address-class endpoint (CIDRs, the internet) of an analysis. */
function addressClasses(r: ReachabilityResult): Map<string, IpRangeSet> {
  const ranges = new Map<string, IpRangeSet>();
  for (const e of r.endpoints) {
    const set = e.ranges ? rangesOf(e.ranges) : undefined;
    if (set) ranges.set(e.id, set);
  }
  return ranges;
}

/** Per workload and direction: the addresses that reach it (or that it reaches), per port. */
function addressCoverage(r: ReachabilityResult) {
  const ranges = addressClasses(r);
  const covered = new Map<string, IpRangeSet>();
  const add = (key: string, set: IpRangeSet) => covered.set(key, (covered.get(key) ?? IpRangeSet.EMPTY).union(set));
  for (const e of r.edges) {
    if (e.infrastructure) continue;
    for (const port of e.ports) {
      const from = ranges.get(e.from);
      const to = ranges.get(e.to);
      if (from) add(`in\u0000${e.to}\u0000${port}`, from);
      if (to) add(`out\u0000${e.from}\u0000${port}`, to);
    }
  }
  return {
    /** The ports of an edge of the other side (`other`) not covered here by the same addresses (all ports unless one end is an address class). */
    uncoveredPorts(e: ReachabilityEdge, other: Map<string, IpRangeSet>): string[] {
      const from = other.get(e.from);
      const to = other.get(e.to);
      if (!from && !to) return [...e.ports];
      return e.ports.filter((port) => {
        const have = from ? covered.get(`in\u0000${e.to}\u0000${port}`) : covered.get(`out\u0000${e.from}\u0000${port}`);
        return !have || !have.containsSet((from ?? to)!);
      });
    },
  };
}

/** How a Service or Ingress exposes pods outside the cluster, or undefined. */
function exposureOf(o: SideObject): string | undefined {
  const m = o.manifest;
  const group = groupOf(m.apiVersion);
  const ports = (xs: any) => (Array.isArray(xs) ? xs : []).map((p: any) => `${p?.protocol ?? 'TCP'}/${p?.port}${p?.nodePort ? ` (node port ${p.nodePort})` : ''}`).sort().join(', ');
  if (group === '' && m.kind === 'Service') {
    const type = m.spec?.type;
    const ext = Array.isArray(m.spec?.externalIPs) && m.spec.externalIPs.length > 0 ? ` external IPs ${m.spec.externalIPs.join(', ')}` : '';
    if (type === 'LoadBalancer' || type === 'NodePort' || ext !== '') return `${type ?? 'ClusterIP'}${ext} on ${ports(m.spec?.ports)}`;
    return undefined;
  }
  if ((group === 'networking.k8s.io' || group === 'extensions') && m.kind === 'Ingress') {
    const hosts = (Array.isArray(m.spec?.rules) ? m.spec.rules : []).map((r: any) => r?.host ?? '*');
    return `Ingress for ${hosts.length > 0 ? [...new Set(hosts)].sort().join(', ') : 'every host (default backend)'}`;
  }
  return undefined;
}

/** Services (LoadBalancer, NodePort, external IPs) and Ingresses that newly expose, or no longer do. */
export function exposureItems(c: ChangeSet): ItemSpec[] {
  const out: ItemSpec[] = [];
  const pairs: Array<[SideObject | undefined, SideObject | undefined]> = [
    ...c.added.map((h): [undefined, SideObject] => [undefined, h]),
    ...c.removed.map((b): [SideObject, undefined] => [b, undefined]),
    ...c.changed.map((x): [SideObject, SideObject] => [x.base, x.head]),
  ];
  for (const [b, h] of pairs) {
    const before = b ? exposureOf(b) : undefined;
    const after = h ? exposureOf(h) : undefined;
    if (before === after) continue;
    const label = (h ?? b)!.label;
    if (after !== undefined) {
      out.push({
        category: DiffCategory.CONNECTIVITY,
        change: DiffChange.EXPOSURE_ADDED,
        severity: DiffSeverity.HIGH,
        weakens: true,
        subject: label,
        message: `${label} exposes pods outside the cluster: ${after}`,
        before,
        after,
        objects: [h, b],
      });
    } else {
      out.push({
        category: DiffCategory.CONNECTIVITY,
        change: DiffChange.EXPOSURE_REMOVED,
        severity: DiffSeverity.INFO,
        weakens: false,
        subject: label,
        message: `${label} no longer exposes pods outside the cluster (was ${before})`,
        before,
        objects: [h, b],
      });
    }
  }
  return out;
}
