/**
 * Internal: the Cilium engine. Cilium enforces Kubernetes NetworkPolicies and its own
 * `CiliumNetworkPolicy` (cilium.io/v2) side by side, and traffic passes when any policy that
 * selects the pod allows it. So the namespace's default-deny NetworkPolicies stay as they are, an
 * external service gets no NetworkPolicy rule at all, and a CiliumNetworkPolicy per calling
 * workload allows its hosts by name (`toFQDNs`) on their ports, for that workload's pods only.
 *
 * How Cilium learns what a name resolves to (docs.cilium.io, Network Policy, Layer 3 "DNS based"
 * and "Obtaining DNS Data for use by toFQDNs"): its DNS proxy intercepts the pod's DNS responses
 * and inserts the addresses of matching names into the `toFQDNs` rule. The interception is a
 * separate L7 rule, `rules.dns` on the egress to the DNS server, which must be in a policy that
 * selects the pod, and the agent must run with `--enable-l7-proxy=true` (Cilium's default).
 * Without that rule the `toFQDNs` rule never receives an address and the calls are dropped.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EgressRuleJson } from './json';
import { lazy } from './lazy';
import { EngineEgressContext, ExternalPeers, ExternalPeersRequest, NetworkEngineImplementation } from './network-engine-types';
import { fail, show } from './validation';
import { Mesh, MeshType } from '../mesh';
import type { ExternalHost } from '../mesh/types';

/** The label Cilium gives every pod with the name of its namespace (for selectors across namespaces). */
const NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

export class CiliumNetworkEngine implements NetworkEngineImplementation {
  public readonly displayName = 'Cilium';

  /**
   * Istio is refused: it names external hosts itself (ServiceEntry + a REGISTRY_ONLY Sidecar, or
   * nothing in ambient mode), and its DNS proxy (sidecar DNS capture, ztunnel's in ambient mode)
   * answers lookups inside the pod, so Cilium's DNS proxy may never see the answers `toFQDNs`
   * needs. Two mechanisms deciding the same egress is what this choice is meant to avoid.
   */
  public validateNamespace(scope: IConstruct, mesh: Mesh): void {
    if (mesh.type === MeshType.ISTIO) {
      fail(scope, `networkEngine NetworkEngine.cilium() cannot be combined with ${mesh.displayName}: Istio names external hosts itself, and its DNS proxy answers lookups that Cilium's DNS proxy must see for toFQDNs`,
        'keep the default NetworkEngine.kubernetes() with Mesh.istio() (ServiceEntry + REGISTRY_ONLY Sidecar name the hosts), or use NetworkEngine.cilium() with Mesh.linkerd() or Mesh.none()');
    }
  }

  /**
   * No NetworkPolicy rule: the CiliumNetworkPolicy allows the host. Address ranges are refused:
   * policies add up, so a NetworkPolicy rule to them would let the pods reach every other host
   * there too, which the name was meant to prevent.
   */
  public externalPeers(r: ExternalPeersRequest): ExternalPeers {
    if (r.cidrs !== undefined) {
      fail(r.scope, `${r.what} gives cidrs, but the namespace's network engine is Cilium, which allows ${r.host} by name (CiliumNetworkPolicy toFQDNs)`,
        `remove cidrs: ExternalService.${r.port === 443 ? `https(${show(r.host)})` : `tls(${show(r.host)}, ${r.port})`}. Policies add up, so a NetworkPolicy rule to those ranges would open every other host on them too`);
    }
    return { peers: [], internetWide: false };
  }

  public allowExternalHost(ctx: EngineEgressContext, host: ExternalHost): void {
    const what = `allowEgressTo(ExternalService ${show(host.host)})`;
    const dns = dnsInterception(ctx.scope, what, ctx.namespace, ctx.dns);
    if (ctx.scope.node.tryFindChild('CiliumNetworkPolicy')) return;
    new ApiObject(ctx.scope, 'CiliumNetworkPolicy', {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: ctx.name, namespace: ctx.namespace, labels: { ...ctx.labels } },
      spec: {
        description: lazy(() => `${ctx.namespace}/${ctx.name} calls ${ctx.hosts().map((h) => `${h.host}:${h.port}`).join(', ')} by name`),
        endpointSelector: { matchLabels: { ...ctx.selectorLabels } },
        egress: lazy(() => [dns, ...fqdnRules(ctx.hosts())]),
      },
    });
  }
}

/**
 * The egress rule that routes the pods' DNS through Cilium's DNS proxy: to the namespace's DNS
 * pods on their DNS ports, with `rules.dns: [{ matchPattern: "*" }]`.
 *
 * Why every name and not only the declared hosts: the rule decides which lookups the proxy
 * answers, and the pods resolve more than their external hosts: the cluster's Services
 * (`<svc>.<ns>.svc.<cluster-domain>`) and, for every name with fewer dots than `ndots: 5`, each
 * search-list expansion first (`api.stripe.com.<ns>.svc.cluster.local.`, ...). Cilium's docs note
 * that these must be allowed in their entirety once a DNS rule applies; a list of `matchName`s
 * would make the proxy refuse them and break calls inside the cluster. Which names a pod may look
 * up is not what this declares either: the namespace's DNS NetworkPolicy already lets every pod
 * resolve any name. What the pods may connect to stays the declared hosts (`toFQDNs`).
 */
function dnsInterception(scope: IConstruct, what: string, namespace: string, dns: EgressRuleJson | undefined): Record<string, unknown> {
  const fix = 'Cilium learns the addresses of a host from the DNS answers its DNS proxy intercepts on the way to the DNS pods: '
    + 'give the namespace dns: DnsPolicy.kubeDns() (the default) or DnsPolicy.cluster({ namespace, podLabels })';
  const peers = dns?.to ?? [];
  if (peers.length === 0) {
    fail(scope, `${what} is allowed by name with Cilium, but namespace ${show(namespace)} resolves no names (DnsPolicy.none())`, fix);
  }
  const address = peers.find((p) => p.ipBlock);
  if (address) {
    fail(scope, `${what} is allowed by name with Cilium, but namespace ${show(namespace)} resolves names at ${address.ipBlock!.cidr} (DnsPolicy.nodeLocal()), which a CiliumNetworkPolicy cannot select as DNS pods`, fix);
  }
  return {
    toEndpoints: peers.map((p) => ({
      matchLabels: {
        [NAMESPACE_LABEL]: p.namespaceSelector!.matchLabels!['kubernetes.io/metadata.name'],
        ...p.podSelector?.matchLabels,
      },
    })),
    toPorts: [{
      ports: (dns!.ports ?? []).map((p) => ({ port: String(p.port), protocol: p.protocol })),
      rules: { dns: [{ matchPattern: '*' }] },
    }],
  };
}

/**
 * One egress rule per port, naming exactly the hosts declared on that port (`toFQDNs` may not be
 * combined with other peers in a rule, and one rule for all hosts and ports would open each host
 * on every port).
 */
function fqdnRules(hosts: ExternalHost[]): Array<Record<string, unknown>> {
  const byPort = new Map<number, Set<string>>();
  for (const h of hosts) {
    if (!byPort.has(h.port)) byPort.set(h.port, new Set());
    byPort.get(h.port)!.add(h.host);
  }
  return [...byPort.keys()].sort((a, b) => a - b).map((port) => ({
    toFQDNs: [...byPort.get(port)!].sort().map((matchName) => ({ matchName })),
    toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }],
  }));
}
