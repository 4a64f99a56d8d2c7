/**
 * Internal: the Istio half of the identity layer — AuthorizationPolicy (ALLOW / DENY) and
 * PeerAuthentication, per destination workload and TCP port (see mesh-authorization.ts).
 */
import {
  addressMatch, glob, indexFor, max, MAYBE, MeshDenial, MeshIdentity, MeshOptions, MeshVerdict, min, NO, NON_TCP, not, push,
  TCP_ALL, Tri, WildcardMatches, YES,
} from './mesh-match';
import { K8s, Model, Node, parseSelector, Selector, SelectorIndex } from './model';
import { PortSet } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

interface IstioRule {
  readonly from?: any[];
  readonly to?: any[];
  readonly when?: any[];
}

interface IstioPolicy {
  readonly id: string;
  readonly namespace: string;
  readonly selector?: Selector;
  readonly action: string;
  readonly rules: IstioRule[];
}

interface PeerAuthentication {
  readonly selector?: Selector;
  readonly mode?: string;
}

/** Source fields that depend on what manifests do not say (JWTs, client addresses). */
const UNKNOWABLE_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'];

/** Istio's AuthorizationPolicies and PeerAuthentications, by namespace, and their evaluation. */
export class IstioAuthorization {
  private readonly istioByNs = new Map<string, IstioPolicy[]>();
  private readonly peerAuthByNs = new Map<string, PeerAuthentication[]>();
  /** Per target node index: the policies that apply to it (evaluated once, not per sender). */
  private readonly istioPolicyCache = new Map<number, IstioPolicy[]>();
  private readonly mtlsCache = new Map<number, string>();
  private readonly istioToCache = new Map<IstioRule, { tri: Tri; ports: PortSet }>();
  private readonly istioIndex = new Map<string, SelectorIndex<IstioPolicy>>();
  private readonly peerAuthIndex = new Map<string, SelectorIndex<PeerAuthentication>>();

  constructor(private readonly model: Model, private readonly options: MeshOptions, private readonly wildcards: WildcardMatches) {}

  /** Takes in an object of `security.istio.io` (`id`: `namespace/name`); kinds other than the two modelled are ignored. */
  public add(o: K8s, ns: string, id: string): void {
    if (o.kind === 'AuthorizationPolicy') {
      const spec = o.spec ?? {};
      if (spec.targetRef || spec.targetRefs) return; // waypoints and gateways: not modelled
      push(this.istioByNs, ns, {
        id,
        namespace: ns,
        selector: spec.selector ? parseSelector(spec.selector) : undefined,
        action: String(spec.action ?? 'ALLOW'),
        rules: Array.isArray(spec.rules) ? spec.rules.filter((r: any) => r && typeof r === 'object') : [],
      });
    } else if (o.kind === 'PeerAuthentication') {
      push(this.peerAuthByNs, ns, { selector: o.spec?.selector ? parseSelector(o.spec.selector) : undefined, mode: o.spec?.mtls?.mode });
    }
  }

  /** The senders the ALLOW policies of `target` name (into `out`), and what their wildcard sources match (into `wildcard`). */
  public namedSenders(target: Node, out: Node[], wildcard: Node[][]): void {
    const principal = (p: string) => {
      const m = /^[^/]+\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(p);
      if (m) out.push(...this.model.withIdentity(m[1], m[2]));
    };
    for (const p of this.istioPolicies(target)) {
      if (p.action !== 'ALLOW') continue;
      for (const r of p.rules) {
        for (const f of r.from ?? []) {
          const src = f?.source ?? {};
          const principals = Array.isArray(src.principals) ? src.principals.map(String) : [];
          const namespaces = Array.isArray(src.namespaces) ? src.namespaces.map(String) : [];
          for (const pr of principals) if (!pr.includes('*')) principal(pr);
          for (const ns of namespaces) if (!ns.includes('*')) out.push(...this.model.inNamespace(ns));
          const wild = principals.some((x: string) => x.includes('*')) || namespaces.some((x: string) => x.includes('*'))
            || (principals.length === 0 && namespaces.length === 0 && (Array.isArray(src.notPrincipals) || Array.isArray(src.notNamespaces)));
          if (wild) wildcard.push(this.wildcards.nodes(src, '', (n) => this.istioSource(src, n, this.istioIdentity(n)) >= MAYBE));
        }
      }
    }
  }

  public evaluate(sender: Node, target: Node): MeshVerdict {
    const id = this.istioIdentity(sender);
    const mode = this.mtlsMode(target);
    // A gateway proxy terminates its clients' TLS: PeerAuthentication does not apply to its listeners.
    if (mode === 'STRICT' && !id && target.mesh !== 'istio-gateway') {
      return { ports: NON_TCP, denials: [{ ports: TCP_ALL, message: `the STRICT Istio PeerAuthentication of ${target.id} refuses plaintext from ${sender.id}, which has no Istio identity` }] };
    }
    const policies = this.istioPolicies(target);
    let deny = PortSet.EMPTY;
    const denyBy: string[] = [];
    let allow = PortSet.EMPTY;
    const allowPolicies = policies.filter((p) => p.action === 'ALLOW');
    for (const p of policies) {
      if (p.action !== 'DENY' && p.action !== 'ALLOW') continue; // AUDIT, CUSTOM: not modelled
      for (const r of p.rules) {
        const m = this.istioRule(r, sender, id);
        if (p.action === 'DENY' && m.tri === YES && !m.ports.isEmpty) {
          deny = deny.union(m.ports);
          denyBy.push(p.id);
        }
        if (p.action === 'ALLOW' && m.tri >= MAYBE) allow = allow.union(m.ports);
      }
    }
    if (allowPolicies.length === 0) allow = TCP_ALL;
    const tcp = allow.subtract(deny);
    // The reasons are only read for missing paths: built on demand, not for every pair.
    const denials = (): MeshDenial[] => {
      const out: MeshDenial[] = [];
      if (denyBy.length > 0) out.push({ ports: deny, message: `the Istio DENY AuthorizationPolicy ${[...new Set(denyBy)].join(', ')} on ${target.id} matches ${sender.id}` });
      if (allowPolicies.length > 0) {
        out.push({ ports: TCP_ALL.subtract(allow), message: `the Istio AuthorizationPolicy on ${target.id} does not admit ${sender.id} (ALLOW policies: ${allowPolicies.map((p) => p.id).join(', ')})` });
      }
      return out;
    };
    return { ports: tcp.union(NON_TCP), get denials() { return denials(); } };
  }

  private istioPolicies(target: Node): IstioPolicy[] {
    const cached = this.istioPolicyCache.get(target.index);
    if (cached) return cached;
    const root = this.options.istioRootNamespace;
    const own = indexFor(this.istioIndex, this.istioByNs, target.namespace!, (p) => p.selector).matching(target.labels);
    const rootPolicies = target.namespace === root
      ? []
      : indexFor(this.istioIndex, this.istioByNs, root, (p) => p.selector).matching(target.labels);
    const out = [...own, ...rootPolicies];
    this.istioPolicyCache.set(target.index, out);
    return out;
  }

  private mtlsMode(target: Node): string {
    const cached = this.mtlsCache.get(target.index);
    if (cached !== undefined) return cached;
    const mode = this.computeMtlsMode(target);
    this.mtlsCache.set(target.index, mode);
    return mode;
  }

  private computeMtlsMode(target: Node): string {
    const find = (ns: string, withSelector: boolean) => (withSelector
      ? indexFor(this.peerAuthIndex, this.peerAuthByNs, ns, (p) => p.selector).matching(target.labels, false)
      : (this.peerAuthByNs.get(ns) ?? []).filter((p) => !p.selector))
      .map((p) => p.mode).find((m) => m && m !== 'UNSET');
    return find(target.namespace!, true) ?? find(target.namespace!, false) ?? find(this.options.istioRootNamespace, false) ?? 'PERMISSIVE';
  }

  private istioIdentity(node: Node): MeshIdentity {
    if ((node.mesh === 'istio-sidecar' || node.mesh === 'istio-ambient' || node.mesh === 'istio-gateway' || node.mesh === 'unknown') && node.namespace) {
      return { ns: node.namespace, sa: node.serviceAccount };
    }
    return undefined;
  }

  private istioRule(r: IstioRule, sender: Node, id: MeshIdentity): { tri: Tri; ports: PortSet } {
    let fromTri: Tri = YES;
    if (Array.isArray(r.from) && r.from.length > 0) {
      fromTri = NO;
      for (const f of r.from) fromTri = max(fromTri, this.istioSource(f?.source ?? {}, sender, id));
    }
    if (fromTri === NO) return { tri: NO, ports: PortSet.EMPTY };
    const to = this.istioTo(r);
    return { tri: min(fromTri, to.tri), ports: to.ports };
  }

  /** What a rule's `to` and `when` admit, whoever the sender: worked out once per rule. */
  private istioTo(r: IstioRule): { tri: Tri; ports: PortSet } {
    const cached = this.istioToCache.get(r);
    if (cached) return cached;
    let ports = TCP_ALL;
    let toTri: Tri = YES;
    if (Array.isArray(r.to) && r.to.length > 0) {
      ports = PortSet.EMPTY;
      toTri = NO;
      for (const t of r.to) {
        const op = t?.operation ?? {};
        let p = Array.isArray(op.ports) && op.ports.length > 0 ? tcpPorts(op.ports) : TCP_ALL;
        p = p.subtract(tcpPorts(op.notPorts));
        if (p.isEmpty) continue;
        const l7 = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'].some((k) => op[k] !== undefined);
        ports = ports.union(p);
        toTri = max(toTri, l7 ? MAYBE : YES);
      }
    }
    const whenTri: Tri = Array.isArray(r.when) && r.when.length > 0 ? MAYBE : YES;
    const out = { tri: min(toTri, whenTri), ports };
    this.istioToCache.set(r, out);
    return out;
  }

  private istioSource(src: K8s, sender: Node, id: MeshIdentity): Tri {
    let tri: Tri = YES;
    if (Array.isArray(src.principals)) tri = min(tri, this.principalMatch(src.principals, sender, id));
    if (Array.isArray(src.notPrincipals)) tri = min(tri, id ? not(this.principalMatch(src.notPrincipals, sender, id)) : YES);
    if (Array.isArray(src.namespaces)) tri = min(tri, namespaceMatch(src.namespaces, id));
    if (Array.isArray(src.notNamespaces)) tri = min(tri, id ? not(namespaceMatch(src.notNamespaces, id)) : YES);
    if (Array.isArray(src.ipBlocks)) tri = min(tri, ipMatch(src.ipBlocks, sender));
    if (Array.isArray(src.notIpBlocks)) tri = min(tri, not(ipMatch(src.notIpBlocks, sender)));
    for (const k of UNKNOWABLE_SOURCE_FIELDS) {
      if (src[k] !== undefined) tri = min(tri, MAYBE);
    }
    return tri;
  }

  /** Whether Istio principal patterns match the sender's identity (`<trust domain>/ns/<ns>/sa/<sa>`). */
  private principalMatch(patterns: any[], sender: Node, id: MeshIdentity): Tri {
    if (!id) return NO;
    let t: Tri = NO;
    const principal = `${this.options.trustDomain}/ns/${id.ns}/sa/${id.sa !== undefined ? id.sa : ''}`;
    for (const pattern of patterns) {
      const p = String(pattern);
      t = max(t, id.sa !== undefined ? (glob(p, principal) ? YES : NO) : globWithUnknownTail(p, principal));
    }
    return sender.mesh === 'unknown' && t === YES && id.sa === undefined ? MAYBE : t;
  }
}

/** Whether `pattern` can match some value that starts with `prefix` (the rest unknown). */
function globWithUnknownTail(pattern: string, prefix: string): Tri {
  if (pattern === '*') return YES;
  if (pattern.startsWith('*')) return MAYBE;
  const fixed = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return fixed.startsWith(prefix) || prefix.startsWith(fixed) ? MAYBE : NO;
}

function tcpPorts(values: any[] | undefined): PortSet {
  let out = PortSet.EMPTY;
  for (const v of values ?? []) {
    const m = /^(\d+)$/.exec(String(v));
    if (m) out = out.union(PortSet.range('TCP', Number(m[1])));
  }
  return out;
}

/** Whether Istio namespace patterns match the sender's namespace. */
function namespaceMatch(patterns: any[], id: MeshIdentity): Tri {
  if (!id) return NO;
  for (const p of patterns) if (glob(String(p), id.ns)) return YES;
  return NO;
}

/** Whether Istio ipBlocks hold the sender's addresses. */
function ipMatch(blocks: any[], sender: Node): Tri {
  let set = IpRangeSet.EMPTY;
  for (const b of blocks) set = set.union(IpRangeSet.fromCidrOrAddress(String(b)) ?? IpRangeSet.EMPTY);
  return addressMatch(set, sender);
}
