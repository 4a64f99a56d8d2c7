/**
 * Internal: the identity layer — Istio AuthorizationPolicy / PeerAuthentication and Linkerd
 * Server / AuthorizationPolicy / MeshTLSAuthentication / NetworkAuthentication (and the legacy
 * ServerAuthorization), per destination workload and TCP port.
 *
 * Matching is three-valued: a condition we cannot evaluate from manifests (JWT principals, L7
 * methods/paths, `when` conditions, pod IPs) is MAYBE. ALLOW rules admit on MAYBE (we would rather
 * report a path that may exist), DENY rules only deny on YES.
 */
import { IstioAuthorization } from './mesh-istio';
import { LinkerdAuthorization } from './mesh-linkerd';
import { MeshVerdict, MeshOptions, WildcardMatches } from './mesh-match';
import { apiVersionPrefix, Model, Node } from './model';
import { PortSet } from './ports';

export type { MeshDenial, MeshOptions, MeshVerdict } from './mesh-match';

export class MeshLayer {
  private readonly istio: IstioAuthorization;
  private readonly linkerd: LinkerdAuthorization;

  constructor(model: Model, options: MeshOptions) {
    const wildcards = new WildcardMatches(model);
    this.istio = new IstioAuthorization(model, options, wildcards);
    this.linkerd = new LinkerdAuthorization(model, options, wildcards);
    for (const o of model.objects) {
      const group = apiVersionPrefix(o);
      if (group !== 'security.istio.io' && group !== 'policy.linkerd.io') continue;
      const ns = o?.metadata?.namespace ?? 'default';
      const id = `${ns}/${o?.metadata?.name}`;
      if (group === 'security.istio.io') this.istio.add(o, ns, id);
      else this.linkerd.add(o, ns, id);
    }
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
    if (target.mesh === 'istio-sidecar' || target.mesh === 'istio-ambient' || target.mesh === 'istio-gateway') return this.istio.evaluate(sender, target);
    if (target.mesh === 'linkerd') return this.linkerd.evaluate(sender, target);
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
    const wildcard: Node[][] = [];
    if (target.mesh === 'istio-sidecar' || target.mesh === 'istio-ambient' || target.mesh === 'istio-gateway') {
      this.istio.namedSenders(target, out, wildcard);
    } else if (target.mesh === 'linkerd') {
      this.linkerd.namedSenders(target, out, wildcard);
    }
    if (wildcard.length > 0) {
      const have = new Set(out);
      for (const list of wildcard) for (const n of list) if (!have.has(n) && n !== target) { have.add(n); out.push(n); }
    }
    return out;
  }
}
