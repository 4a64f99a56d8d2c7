/**
 * Internal: the external services a workload calls by name (`allowEgressTo(ExternalService.https(
 * host, { cidrs }))`) whose addresses the NetworkPolicy opens, so that the address classes inside
 * them are named after the host (`api.stripe.com (203.0.113.0/24)`) instead of `cidr ...`.
 *
 * In process they come from the constructs. From YAML they are read back only where the manifests
 * say it without doubt: Istio in sidecar mode registers each host as a `ServiceEntry` of the
 * workload's namespace (MESH_EXTERNAL, its ports) and lists it in the workload's `Sidecar`
 * (`./<host>`, `workloadSelector` = the workload's pod labels), while the workload's NetworkPolicy
 * opens the host's addresses as one egress rule per port (ipBlocks only, that one TCP port). A rule
 * is named after a host when it is the only such rule of the policy on the ports of the host's
 * ServiceEntry and no other host of the Sidecar uses one of those ports. Meshes that write no
 * ServiceEntry (Linkerd, Istio ambient, none) name the hosts in the policy's
 * `cdk8s-secure-baseline.io/external-hosts` annotation, used only where the policy has exactly that
 * rule. Anything else (several candidates, a port shared with the API server's or a cloud
 * identity's rule) stays `cidr ...`: a name is never a guess. Internet-wide services (no `cidrs`: the
 * NetworkPolicy opens every public address and the mesh narrows it to the host) are not named:
 * those addresses are not the host's.
 */
import { IConstruct } from 'constructs';
import { ExternalHost } from './build';
import { K8s, namespaceOf } from './model';
import { isNetworkPolicy } from './network-policy';
import { groupOf } from '../manifest/objects';
import { EXTERNAL_HOSTS_ANNOTATION, parseExternalHosts } from '../private/external-egress';
import { IpRangeSet } from '../private/ip-ranges';
import { workloadCoreOf } from '../private/workload';

const MANAGED_BY = 'cdk8s-secure-baseline';

/** The external services with addresses that the library's workloads under `root` call. */
export function externalHostsFromConstructs(root: IConstruct): ExternalHost[] {
  const out: ExternalHost[] = [];
  for (const c of root.node.findAll()) {
    for (const e of workloadCoreOf(c)?.externalEgress() ?? []) {
      const ranges = !e.internetWide && !e.peers.some(isWholeFamily) ? rangesOf(e.peers) : undefined;
      if (ranges) out.push({ host: e.host, ranges });
    }
  }
  return out;
}

/** The external services with addresses that the manifests name without doubt (see the file comment). */
export function externalHostsFromManifests(objects: readonly K8s[]): ExternalHost[] {
  const istio = (o: K8s, kind: string) => o?.kind === kind && groupOf(o.apiVersion) === 'networking.istio.io';
  // ServiceEntry ports per namespace and host.
  const entryPorts = new Map<string, number[]>();
  for (const se of objects.filter((o) => istio(o, 'ServiceEntry') && o.spec?.location === 'MESH_EXTERNAL')) {
    // The port on the wire: `targetPort` where the sidecar sends there (TLS origination), else `number`.
    const ports = arr(se.spec.ports).map((p) => (Number.isInteger(p?.targetPort) ? p.targetPort : p?.number))
      .filter((n): n is number => Number.isInteger(n));
    for (const h of arr(se.spec.hosts)) if (typeof h === 'string') entryPorts.set(`${namespaceOf(se)}/${h}`, [...(entryPorts.get(`${namespaceOf(se)}/${h}`) ?? []), ...ports]);
  }
  const out: ExternalHost[] = fromAnnotations(objects);
  for (const sidecar of objects.filter((o) => istio(o, 'Sidecar'))) {
    const ns = namespaceOf(sidecar);
    const labels = sidecar.spec?.workloadSelector?.labels;
    if (!labels || typeof labels !== 'object') continue;
    const policies = objects.filter((o) => isNetworkPolicy(o) && namespaceOf(o) === ns && o.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY
      && sameLabels(o.spec?.podSelector, labels));
    if (policies.length !== 1) continue;
    const rules = arr(policies[0].spec?.egress).map(addressRule).filter((r): r is { port: number; peers: K8s[] } => r !== undefined);
    // The Sidecar's own hosts (`./host`) and their ServiceEntry ports (of every workload of the
    // namespace: this one calls the host on one of them or more, each port a rule of its policy).
    const hosts = new Map<string, Set<number>>();
    for (const e of arr(sidecar.spec?.egress)) {
      for (const h of arr(e?.hosts)) {
        const host = typeof h === 'string' && h.startsWith('./') ? h.slice(2) : undefined;
        const ports = host === undefined ? undefined : entryPorts.get(`${ns}/${host}`);
        if (host && ports) hosts.set(host, new Set(ports));
      }
    }
    for (const [host, ports] of hosts) {
      // The host's own rule is among the rules on its ports: named when it is the only one there
      // and no other host of the workload shares one of those ports.
      const candidates = rules.filter((r) => ports.has(r.port));
      const shared = [...hosts].some(([other, p]) => other !== host && [...p].some((n) => ports.has(n)));
      if (candidates.length !== 1 || shared || candidates[0].peers.some(isWholeFamily)) continue;
      const ranges = rangesOf(candidates[0].peers);
      if (ranges) out.push({ host, ranges });
    }
  }
  return out;
}

/**
 * Meshes that write no ServiceEntry: the library's NetworkPolicy names the hosts of its address
 * rules in an annotation. An entry names a rule only when the policy has exactly one egress rule on
 * that port to exactly those addresses, and no other entry claims the same rule.
 */
function fromAnnotations(objects: readonly K8s[]): ExternalHost[] {
  const out: ExternalHost[] = [];
  for (const policy of objects) {
    if (!isNetworkPolicy(policy) || policy.metadata?.labels?.['app.kubernetes.io/managed-by'] !== MANAGED_BY) continue;
    const entries = parseExternalHosts(policy.metadata?.annotations?.[EXTERNAL_HOSTS_ANNOTATION]);
    if (entries.length === 0) continue;
    const rules = arr(policy.spec?.egress).map(addressRule).filter((r): r is { port: number; peers: K8s[] } => r !== undefined);
    const key = (port: number, cidrs: readonly string[]) => `${port} ${[...cidrs].sort().join(',')}`;
    const claims = new Map<string, number>();
    for (const e of entries) claims.set(key(e.port, e.cidrs), (claims.get(key(e.port, e.cidrs)) ?? 0) + 1);
    for (const e of entries) {
      const k = key(e.port, e.cidrs);
      const matching = rules.filter((r) => !r.peers.some((p) => p.ipBlock.except !== undefined || isWholeFamily(p))
        && key(r.port, r.peers.map((p) => String(p.ipBlock.cidr))) === k);
      if (matching.length !== 1 || claims.get(k) !== 1) continue;
      const ranges = rangesOf(matching[0].peers);
      if (ranges) out.push({ host: e.host, ranges });
    }
  }
  return out;
}

/** An egress rule to addresses only, on one TCP port: its port and peers. */
function addressRule(r: K8s): { port: number; peers: K8s[] } | undefined {
  const to = arr(r?.to);
  const ports = arr(r?.ports);
  if (to.length === 0 || !to.every((p) => p && typeof p === 'object' && Object.keys(p).length === 1 && p.ipBlock)) return undefined;
  if (ports.length !== 1 || (ports[0]?.protocol ?? 'TCP') !== 'TCP' || !Number.isInteger(ports[0]?.port) || ports[0]?.endPort !== undefined) return undefined;
  return { port: ports[0].port, peers: to };
}

/** An ipBlock of a whole address family (`0.0.0.0/0`, `::/0`, with or without except): not a host's addresses. */
function isWholeFamily(p: K8s): boolean {
  return /\/0$/.test(String(p?.ipBlock?.cidr));
}

/** The addresses of ipBlock peers; undefined when one cannot be read. */
function rangesOf(peers: readonly K8s[]): IpRangeSet | undefined {
  let set = IpRangeSet.EMPTY;
  for (const p of peers) {
    const b = p?.ipBlock ? IpRangeSet.fromIpBlock(String(p.ipBlock.cidr), arr(p.ipBlock.except).map(String)) : undefined;
    if (!b) return undefined;
    set = set.union(b);
  }
  return set.isEmpty ? undefined : set;
}

/** Whether a pod selector is exactly these matchLabels. */
function sameLabels(sel: K8s | undefined, labels: Record<string, unknown>): boolean {
  if (!sel || typeof sel !== 'object' || arr(sel.matchExpressions).length > 0) return false;
  const a = sel.matchLabels ?? {};
  const keys = Object.keys(labels);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === labels[k]);
}

function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}
