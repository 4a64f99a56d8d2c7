/**
 * Internal: the identity layer — Istio AuthorizationPolicy / PeerAuthentication and Linkerd
 * Server / AuthorizationPolicy / MeshTLSAuthentication / NetworkAuthentication (and the legacy
 * ServerAuthorization), per destination workload and TCP port.
 *
 * Matching is three-valued: a condition we cannot evaluate from manifests (JWT principals, L7
 * methods/paths, `when` conditions, pod IPs) is MAYBE. ALLOW rules admit on MAYBE (we would rather
 * report a path that may exist), DENY rules only deny on YES.
 */
import { apiVersionPrefix, K8s, Model, Node, parseSelector, Selector, SelectorIndex, selectorMatches } from './model';
import { PortSet } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

const NO = 0;
const MAYBE = 1;
const YES = 2;
type Tri = 0 | 1 | 2;

const min = (a: Tri, b: Tri): Tri => (a < b ? a : b);
const max = (a: Tri, b: Tri): Tri => (a > b ? a : b);

export interface MeshOptions {
  readonly trustDomain: string;
  readonly istioRootNamespace: string;
  readonly linkerdClusterDefaultPolicy: string;
  readonly linkerdTrustDomain: string;
}

export interface MeshDenial {
  /** The TCP ports this reason refuses. */
  readonly ports: PortSet;
  readonly message: string;
}

export interface MeshVerdict {
  /** Ports the identity layer admits (UDP/SCTP are never intercepted, so always admitted). */
  readonly ports: PortSet;
  /** Why TCP ports are refused (for missing-path messages). */
  readonly denials: MeshDenial[];
}

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

interface LinkerdServer {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly selector: Selector;
  readonly port: number | string;
  readonly accessPolicy: string;
}

const TCP_ALL = PortSet.allOf('TCP');
const NON_TCP = PortSet.ALL.without('TCP');

function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
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

export class MeshLayer {
  private readonly istioByNs = new Map<string, IstioPolicy[]>();
  private readonly peerAuthByNs = new Map<string, Array<{ selector?: Selector; mode?: string }>>();
  private readonly serversByNs = new Map<string, LinkerdServer[]>();
  private readonly linkerdAuthz = new Map<string, Array<{ id: string; refs: any[]; namespace: string }>>();
  private readonly meshTlsAuthn = new Map<string, K8s>();
  private readonly networkAuthn = new Map<string, K8s>();
  private readonly serverAuthz: Array<{ id: string; namespace: string; server: any; client: any }> = [];
  /** Per target node index: the policies that apply to it (evaluated once, not per sender). */
  private readonly istioPolicyCache = new Map<number, IstioPolicy[]>();
  private readonly mtlsCache = new Map<number, string>();
  private readonly serverCache = new Map<number, LinkerdServer[]>();
  private readonly wildcardCache = new WeakMap<object, Map<string, Node[]>>();
  private readonly istioToCache = new Map<IstioRule, { tri: Tri; ports: PortSet }>();
  private readonly istioIndex = new Map<string, SelectorIndex<IstioPolicy>>();
  private readonly peerAuthIndex = new Map<string, SelectorIndex<{ selector?: Selector; mode?: string }>>();
  private readonly serverIndex = new Map<string, SelectorIndex<LinkerdServer>>();

  constructor(private readonly model: Model, private readonly options: MeshOptions) {
    for (const o of model.objects) {
      const group = apiVersionPrefix(o);
      if (group !== 'security.istio.io' && group !== 'policy.linkerd.io') continue;
      const ns = o?.metadata?.namespace ?? 'default';
      const id = `${ns}/${o?.metadata?.name}`;
      if (group === 'security.istio.io' && o.kind === 'AuthorizationPolicy') {
        const spec = o.spec ?? {};
        if (spec.targetRef || spec.targetRefs) continue; // waypoints and gateways: not modelled
        push(this.istioByNs, ns, {
          id,
          namespace: ns,
          selector: spec.selector ? parseSelector(spec.selector) : undefined,
          action: String(spec.action ?? 'ALLOW'),
          rules: Array.isArray(spec.rules) ? spec.rules.filter((r: any) => r && typeof r === 'object') : [],
        });
      } else if (group === 'security.istio.io' && o.kind === 'PeerAuthentication') {
        push(this.peerAuthByNs, ns, { selector: o.spec?.selector ? parseSelector(o.spec.selector) : undefined, mode: o.spec?.mtls?.mode });
      } else if (group === 'policy.linkerd.io') {
        if (o.kind === 'Server') {
          const spec = o.spec ?? {};
          if (!spec.podSelector) continue;
          push(this.serversByNs, ns, { id, name: o.metadata.name, namespace: ns, selector: parseSelector(spec.podSelector), port: spec.port, accessPolicy: String(spec.accessPolicy ?? 'deny') });
        } else if (o.kind === 'AuthorizationPolicy') {
          const t = o.spec?.targetRef ?? {};
          const key = t.kind === 'Namespace' ? `${ns}/Namespace` : t.kind === 'Server' ? `${ns}/Server/${t.name}` : undefined;
          const refs = Array.isArray(o.spec?.requiredAuthenticationRefs) ? o.spec.requiredAuthenticationRefs : [];
          if (key) push(this.linkerdAuthz, key, { id, refs, namespace: ns });
        } else if (o.kind === 'MeshTLSAuthentication') {
          this.meshTlsAuthn.set(id, o);
        } else if (o.kind === 'NetworkAuthentication') {
          this.networkAuthn.set(id, o);
        } else if (o.kind === 'ServerAuthorization') {
          this.serverAuthz.push({ id, namespace: ns, server: o.spec?.server ?? {}, client: o.spec?.client ?? {} });
        }
      }
    }
  }

  private indexOf<T>(cache: Map<string, SelectorIndex<T>>, byNs: Map<string, T[]>, ns: string,
    selectorOf: (t: T) => Selector | undefined): SelectorIndex<T> {
    let index = cache.get(ns);
    if (!index) {
      index = new SelectorIndex(byNs.get(ns) ?? [], selectorOf);
      cache.set(ns, index);
    }
    return index;
  }

  /** Whether an identity layer decides who reaches `target`. */
  public governs(target: Node): boolean {
    return target.mesh === 'istio-sidecar' || target.mesh === 'istio-ambient' || target.mesh === 'istio-gateway' || target.mesh === 'linkerd';
  }

  /** The port meshed traffic from `sender` arrives on at L4 (Linkerd's inbound proxy, ambient's HBONE). */
  public transportPort(sender: Node, target: Node): number | undefined {
    if (target.mesh === 'linkerd' && (sender.mesh === 'linkerd' || sender.mesh === 'unknown')) return 4143;
    if (target.mesh === 'istio-ambient' && (sender.mesh === 'istio-ambient' || sender.mesh === 'istio-sidecar' || sender.mesh === 'istio-gateway' || sender.mesh === 'unknown')) return 15008;
    return undefined;
  }

  public evaluate(sender: Node, target: Node): MeshVerdict {
    if (target.mesh === 'istio-sidecar' || target.mesh === 'istio-ambient' || target.mesh === 'istio-gateway') return this.istio(sender, target);
    if (target.mesh === 'linkerd') return this.linkerd(sender, target);
    return { ports: PortSet.ALL, denials: [] };
  }

  /**
   * Senders that the mesh policies of `target` admit by naming them: principals, namespaces and
   * identityRefs, exact or wildcard (`*`, prefix `cluster.local/ns/shop/*`, suffix patterns, `notPrincipals`,
   * `identities: ["*"]`, a ServiceAccount ref named `*` or without a name, a Namespace ref), so
   * that what a wildcard opens is reported like what a name opens. Rules open to every source
   * (`rules: [{}]`) name nobody: what they open is every path the NetworkPolicies leave.
   */
  public namedSenders(target: Node): Node[] {
    const out: Node[] = [];
    const principal = (p: string) => {
      const m = /^[^/]+\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(p);
      if (m) out.push(...this.model.withIdentity(m[1], m[2]));
    };
    const wildcard: Node[][] = [];
    if (target.mesh === 'istio-sidecar' || target.mesh === 'istio-ambient' || target.mesh === 'istio-gateway') {
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
            if (wild) wildcard.push(this.matchingNodes(src, '', (n) => this.istioSource(src, n, this.istioIdentity(n)) >= MAYBE));
          }
        }
      }
    } else if (target.mesh === 'linkerd') {
      for (const s of this.linkerdServers(target)) {
        for (const a of this.linkerdPolicies(s)) {
          for (const ref of a.refs) {
            if (ref?.kind === 'ServiceAccount') out.push(...this.model.withIdentity(ref.namespace ?? a.namespace, ref.name));
            if (ref?.kind !== 'MeshTLSAuthentication') continue;
            const mta = this.meshTlsAuthn.get(`${ref.namespace ?? a.namespace}/${ref.name}`);
            if (!mta) continue;
            for (const i of mta.spec?.identityRefs ?? []) {
              const ns = i?.namespace ?? mta.metadata.namespace;
              if (i?.kind === 'ServiceAccount' && !anyName(i.name)) out.push(...this.model.withIdentity(ns, i.name));
              if (i?.kind === 'ServiceAccount' && anyName(i.name)) out.push(...this.model.inNamespace(ns).filter((n) => this.linkerdIdentity(n)));
              if (i?.kind === 'Namespace' && !anyName(i.name)) out.push(...this.model.inNamespace(i.name));
            }
            const wild = (mta.spec?.identityRefs ?? []).some((i: any) => i?.kind === 'Namespace' && anyName(i.name)) || (mta.spec?.identities ?? []).length > 0;
            if (wild) wildcard.push(this.matchingNodes(ref, a.namespace, (n) => this.linkerdAuthorizes([ref], a.namespace, n) >= MAYBE));
          }
        }
      }
    }
    if (wildcard.length > 0) {
      const have = new Set(out);
      for (const list of wildcard) for (const n of list) if (!have.has(n) && n !== target) { have.add(n); out.push(n); }
    }
    return out;
  }

  /** The nodes a wildcard source (the same JSON object for every target a policy applies to) matches, computed once. */
  private matchingNodes(source: unknown, context: string, matches: (n: Node) => boolean): Node[] {
    if (!source || typeof source !== 'object') return this.model.nodes.filter(matches);
    let byContext = this.wildcardCache.get(source);
    if (!byContext) {
      byContext = new Map();
      this.wildcardCache.set(source, byContext);
    }
    let list = byContext.get(context);
    if (!list) {
      list = this.model.nodes.filter(matches);
      byContext.set(context, list);
    }
    return list;
  }

  // --- Istio -----------------------------------------------------------------------------------

  private istioPolicies(target: Node): IstioPolicy[] {
    const cached = this.istioPolicyCache.get(target.index);
    if (cached) return cached;
    const root = this.options.istioRootNamespace;
    const own = this.indexOf(this.istioIndex, this.istioByNs, target.namespace!, (p) => p.selector).matching(target.labels);
    const rootPolicies = target.namespace === root
      ? []
      : this.indexOf(this.istioIndex, this.istioByNs, root, (p) => p.selector).matching(target.labels);
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
      ? this.indexOf(this.peerAuthIndex, this.peerAuthByNs, ns, (p) => p.selector).matching(target.labels, false)
      : (this.peerAuthByNs.get(ns) ?? []).filter((p) => !p.selector))
      .map((p) => p.mode).find((m) => m && m !== 'UNSET');
    return find(target.namespace!, true) ?? find(target.namespace!, false) ?? find(this.options.istioRootNamespace, false) ?? 'PERMISSIVE';
  }

  private istioIdentity(node: Node): { ns: string; sa?: string } | undefined {
    if ((node.mesh === 'istio-sidecar' || node.mesh === 'istio-ambient' || node.mesh === 'istio-gateway' || node.mesh === 'unknown') && node.namespace) {
      return { ns: node.namespace, sa: node.serviceAccount };
    }
    return undefined;
  }

  private istio(sender: Node, target: Node): MeshVerdict {
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

  private istioRule(r: IstioRule, sender: Node, id: { ns: string; sa?: string } | undefined): { tri: Tri; ports: PortSet } {
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

  private istioSource(src: K8s, sender: Node, id: { ns: string; sa?: string } | undefined): Tri {
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
  private principalMatch(patterns: any[], sender: Node, id: { ns: string; sa?: string } | undefined): Tri {
    if (!id) return NO;
    let t: Tri = NO;
    const principal = `${this.options.trustDomain}/ns/${id.ns}/sa/${id.sa !== undefined ? id.sa : ''}`;
    for (const pattern of patterns) {
      const p = String(pattern);
      t = max(t, id.sa !== undefined ? (glob(p, principal) ? YES : NO) : globWithUnknownTail(p, principal));
    }
    return sender.mesh === 'unknown' && t === YES && id.sa === undefined ? MAYBE : t;
  }

  // --- Linkerd ---------------------------------------------------------------------------------

  private linkerdServers(target: Node): LinkerdServer[] {
    const cached = this.serverCache.get(target.index);
    if (cached) return cached;
    const out = this.indexOf(this.serverIndex, this.serversByNs, target.namespace!, (s) => s.selector).matching(target.labels);
    this.serverCache.set(target.index, out);
    return out;
  }

  private linkerdPolicies(s: LinkerdServer) {
    return [...(this.linkerdAuthz.get(`${s.namespace}/Server/${s.name}`) ?? []), ...(this.linkerdAuthz.get(`${s.namespace}/Namespace`) ?? [])];
  }

  private serverPorts(s: LinkerdServer, target: Node): PortSet {
    if (typeof s.port === 'number' || /^\d+$/.test(String(s.port))) return PortSet.range('TCP', Number(s.port));
    let out = PortSet.EMPTY;
    for (const cp of target.ports) if (cp.name === s.port && cp.protocol === 'TCP') out = out.union(PortSet.range('TCP', cp.port));
    return out;
  }

  private linkerdIdentity(node: Node): { ns: string; sa?: string } | undefined {
    if ((node.mesh === 'linkerd' || node.mesh === 'unknown') && node.namespace) return { ns: node.namespace, sa: node.serviceAccount };
    return undefined;
  }

  private defaultPolicy(policy: string, sender: Node): Tri {
    const id = this.linkerdIdentity(sender);
    switch (policy) {
      case 'deny': return NO;
      case 'all-authenticated':
      case 'cluster-authenticated': return id ? (sender.mesh === 'unknown' ? MAYBE : YES) : NO;
      case 'cluster-unauthenticated': return sender.kind === 'Cidr' || sender.kind === 'ApiServer' || sender.kind === 'Internet' ? NO : YES;
      default: return YES; // all-unauthenticated, audit
    }
  }

  private linkerd(sender: Node, target: Node): MeshVerdict {
    const servers = this.linkerdServers(target);
    let covered = PortSet.EMPTY;
    let allowed = PortSet.EMPTY;
    const denials: MeshDenial[] = [];
    for (const s of servers) {
      const ports = this.serverPorts(s, target);
      covered = covered.union(ports);
      let tri: Tri = NO;
      const policies = this.linkerdPolicies(s);
      for (const a of policies) tri = max(tri, this.linkerdAuthorizes(a.refs, a.namespace, sender));
      for (const sa of this.serverAuthz) {
        if (sa.namespace !== s.namespace) continue;
        const sel = sa.server.selector ? parseSelector(sa.server.selector) : undefined;
        if (sa.server.name === s.name || (sel && selectorMatches(sel, { ...target.labels }))) {
          tri = max(tri, this.serverAuthorization(sa.client, sender));
        }
      }
      if (tri === NO && policies.length === 0) tri = this.defaultPolicy(s.accessPolicy, sender);
      if (tri >= MAYBE) allowed = allowed.union(ports);
      else denials.push({ ports, message: `the Linkerd Server ${s.id} on ${target.id} (${ports}) has no AuthorizationPolicy admitting ${sender.id}` });
    }
    const policy = target.annotations['config.linkerd.io/default-inbound-policy']
      ?? this.model.namespaces.get(target.namespace!)?.annotations['config.linkerd.io/default-inbound-policy']
      ?? this.options.linkerdClusterDefaultPolicy;
    if (this.defaultPolicy(policy, sender) >= MAYBE) allowed = allowed.union(TCP_ALL.subtract(covered));
    else denials.push({ ports: TCP_ALL.subtract(covered), message: `the Linkerd default inbound policy "${policy}" of ${target.id} refuses ${sender.id} on ports without a Server` });
    return { ports: allowed.union(NON_TCP), denials };
  }

  private linkerdAuthorizes(refs: any[], ns: string, sender: Node): Tri {
    let tri: Tri = YES;
    const id = this.linkerdIdentity(sender);
    const sure = (t: Tri): Tri => (t === YES && sender.mesh === 'unknown' && id?.sa === undefined ? MAYBE : t);
    for (const ref of refs) {
      const refNs = ref?.namespace ?? ns;
      if (ref?.kind === 'ServiceAccount') {
        tri = min(tri, id && id.ns === refNs ? sure(id.sa === undefined ? MAYBE : id.sa === ref.name ? YES : NO) : NO);
      } else if (ref?.kind === 'MeshTLSAuthentication') {
        const mta = this.meshTlsAuthn.get(`${refNs}/${ref.name}`);
        if (!mta || !id) { tri = NO; continue; }
        let t: Tri = NO;
        for (const i of mta.spec?.identityRefs ?? []) {
          const ins = i?.namespace ?? mta.metadata.namespace;
          // A ServiceAccount ref named "*" or without a name is every ServiceAccount of its
          // namespace; a Namespace ref is every ServiceAccount of that namespace (of every
          // namespace without a name).
          if (i?.kind === 'ServiceAccount' && ins === id.ns) t = max(t, anyName(i.name) ? YES : id.sa === undefined ? MAYBE : i.name === id.sa ? YES : NO);
          if (i?.kind === 'Namespace' && (anyName(i.name) || i.name === id.ns)) t = max(t, YES);
        }
        for (const pattern of mta.spec?.identities ?? []) {
          const suffix = `.${id.ns}.serviceaccount.identity.linkerd.${this.options.linkerdTrustDomain}`;
          t = max(t, id.sa !== undefined ? (glob(String(pattern), `${id.sa}${suffix}`) ? YES : NO) : (String(pattern) === '*' ? YES : String(pattern).endsWith(suffix) ? MAYBE : NO));
        }
        tri = min(tri, sure(t));
      } else if (ref?.kind === 'NetworkAuthentication') {
        const na = this.networkAuthn.get(`${refNs}/${ref.name}`);
        tri = min(tri, na ? networkMatch(na.spec?.networks ?? [], sender) : NO);
      } else {
        tri = min(tri, MAYBE);
      }
    }
    return tri;
  }

  private serverAuthorization(client: K8s, sender: Node): Tri {
    if (client.unauthenticated) return YES;
    const id = this.linkerdIdentity(sender);
    if (!id || !client.meshTLS) return NO;
    if (client.meshTLS.unauthenticatedTLS) return YES;
    let t: Tri = NO;
    for (const sa of client.meshTLS.serviceAccounts ?? []) {
      if ((sa.namespace ?? id.ns) === id.ns) t = max(t, id.sa === undefined ? MAYBE : sa.name === id.sa ? YES : NO);
    }
    for (const p of client.meshTLS.identities ?? []) if (String(p) === '*') t = YES;
    return t;
  }
}

/** Source fields that depend on what manifests do not say (JWTs, client addresses). */
const UNKNOWABLE_SOURCE_FIELDS = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'];

function not(t: Tri): Tri {
  return t === YES ? NO : t === NO ? YES : MAYBE;
}

/** Whether Istio namespace patterns match the sender's namespace. */
function namespaceMatch(patterns: any[], id: { ns: string; sa?: string } | undefined): Tri {
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

/**
 * Whether a sender's address is in `set`: exact for address nodes (the partition makes each either
 * inside or outside every mesh IP condition), MAYBE for pods (their IPs are not in the manifests).
 */
function addressMatch(set: IpRangeSet, sender: Node): Tri {
  if (!sender.ranges) return set.isEmpty ? NO : set.equals(IpRangeSet.ALL) ? YES : MAYBE;
  if (set.containsSet(sender.ranges)) return YES;
  return set.overlaps(sender.ranges) ? MAYBE : NO;
}

/** A reference name that stands for every object of its kind: `*`, absent or empty. */
function anyName(name: unknown): boolean {
  return name === undefined || name === null || name === '' || name === '*';
}

function networkMatch(networks: any[], sender: Node): Tri {
  let set = IpRangeSet.EMPTY;
  for (const n of Array.isArray(networks) ? networks : []) {
    const b = IpRangeSet.fromIpBlock(String(n?.cidr), Array.isArray(n?.except) ? n.except.map(String) : []);
    if (b) set = set.union(b);
  }
  return addressMatch(set, sender);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
