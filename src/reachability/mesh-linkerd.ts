/**
 * Internal: the Linkerd half of the identity layer — Server, AuthorizationPolicy,
 * MeshTLSAuthentication, NetworkAuthentication, the legacy ServerAuthorization and the default
 * inbound policy, per destination workload and TCP port (see mesh-authorization.ts).
 */
import {
  addressMatch, glob, indexFor, max, MAYBE, MeshDenial, MeshIdentity, MeshOptions, MeshVerdict, min, NO, NON_TCP, push, TCP_ALL, Tri,
  WildcardMatches, YES,
} from './mesh-match';
import { K8s, Model, Node, parseSelector, Selector, SelectorIndex, selectorMatches } from './model';
import { PortSet } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

interface LinkerdServer {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly selector: Selector;
  readonly port: number | string;
  readonly accessPolicy: string;
}

/** Linkerd's policy objects, by namespace or target, and their evaluation. */
export class LinkerdAuthorization {
  private readonly serversByNs = new Map<string, LinkerdServer[]>();
  private readonly linkerdAuthz = new Map<string, Array<{ id: string; refs: any[]; namespace: string }>>();
  private readonly meshTlsAuthn = new Map<string, K8s>();
  private readonly networkAuthn = new Map<string, K8s>();
  private readonly serverAuthz: Array<{ id: string; namespace: string; server: any; client: any }> = [];
  /** Per target node index: the Servers that select it. */
  private readonly serverCache = new Map<number, LinkerdServer[]>();
  private readonly serverIndex = new Map<string, SelectorIndex<LinkerdServer>>();

  constructor(private readonly model: Model, private readonly options: MeshOptions, private readonly wildcards: WildcardMatches) {}

  /** Takes in an object of `policy.linkerd.io` (`id`: `namespace/name`); kinds not modelled are ignored. */
  public add(o: K8s, ns: string, id: string): void {
    if (o.kind === 'Server') {
      const spec = o.spec ?? {};
      if (!spec.podSelector) return;
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

  /** The senders the AuthorizationPolicies of `target`'s Servers name (into `out`), and what their wildcards match (into `wildcard`). */
  public namedSenders(target: Node, out: Node[], wildcard: Node[][]): void {
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
          if (wild) wildcard.push(this.wildcards.nodes(ref, a.namespace, (n) => this.linkerdAuthorizes([ref], a.namespace, n) >= MAYBE));
        }
      }
    }
  }

  public evaluate(sender: Node, target: Node): MeshVerdict {
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

  private linkerdServers(target: Node): LinkerdServer[] {
    const cached = this.serverCache.get(target.index);
    if (cached) return cached;
    const out = indexFor(this.serverIndex, this.serversByNs, target.namespace!, (s) => s.selector).matching(target.labels);
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

  private linkerdIdentity(node: Node): MeshIdentity {
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
