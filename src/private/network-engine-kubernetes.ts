/**
 * Internal: the plain Kubernetes NetworkPolicy engine (any CNI that enforces NetworkPolicy). A
 * NetworkPolicy cannot name hosts, so an external service is opened by address: the ranges given,
 * or every public address where the mesh narrows it to the host (Istio in sidecar mode).
 */
import { IConstruct } from 'constructs';
import { PUBLIC_INTERNET } from './external-egress';
import { ExternalPeers, ExternalPeersRequest, NetworkEngineImplementation } from './network-engine-types';
import { fail, show } from './validation';

export class KubernetesNetworkEngine implements NetworkEngineImplementation {
  public readonly displayName = 'Kubernetes NetworkPolicy';

  public validateNamespace(_scope: IConstruct): void {
    // Every mesh works with plain NetworkPolicies.
  }

  public externalPeers(r: ExternalPeersRequest): ExternalPeers {
    if (r.cidrs !== undefined) return { peers: r.cidrs, internetWide: false };
    if (r.meshRestrictsByHost) return { peers: [...PUBLIC_INTERNET], internetWide: true };
    const call = r.port === 443 ? `https(${show(r.host)}, { cidrs: [...] })` : `tls(${show(r.host)}, ${r.port}, { cidrs: [...] })`;
    return fail(r.scope, `${r.what} gives no cidrs, and ${r.meshName} cannot restrict egress by host name while a NetworkPolicy cannot name hosts`,
      `give the address ranges ${r.host} resolves to, ExternalService.${call}, which the NetworkPolicy opens exactly; `
      + 'or enrol the namespace in Mesh.istio() (sidecar mode), which narrows egress to the host; '
      + 'or, on a Cilium cluster, give the namespace networkEngine: NetworkEngine.cilium(), which allows the host by name (CiliumNetworkPolicy toFQDNs)');
  }

  public allowExternalHost(): void {
    // The NetworkPolicy rule is all there is.
  }
}
