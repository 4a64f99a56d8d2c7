import { CiliumNetworkEngine } from './private/network-engine-cilium';
import { KubernetesNetworkEngine } from './private/network-engine-kubernetes';
import { NetworkEngineImplementation } from './private/network-engine-types';

/** Which policy engine enforces a namespace's network. */
export enum NetworkEngineType {
  /** Kubernetes NetworkPolicy only (any CNI that enforces it). */
  KUBERNETES = 'kubernetes',
  /** Cilium: Kubernetes NetworkPolicy plus CiliumNetworkPolicy (`cilium.io/v2`). */
  CILIUM = 'cilium',
}

/**
 * The policy engine that enforces a SecureNamespace's network, chosen once per namespace
 * (`SecureNamespaceProps.networkEngine`); the constructs in the namespace read it and never
 * branch on it. Today it decides how a workload's egress to a named external service
 * (`allowEgressTo(ExternalService...)`) is enforced.
 *
 * @example
 * new SecureNamespace(chart, 'payments', { name: 'payments', networkEngine: NetworkEngine.cilium() });
 */
export class NetworkEngine {
  /**
   * Kubernetes NetworkPolicy only, the default. A NetworkPolicy cannot name hosts: an external
   * service is opened to the address ranges given (`cidrs`), or to every public address on its
   * port where the mesh narrows it to the host (Istio in sidecar mode).
   */
  public static kubernetes(): NetworkEngine {
    return new NetworkEngine(NetworkEngineType.KUBERNETES, new KubernetesNetworkEngine());
  }

  /**
   * Cilium (with its L7 proxy enabled, the default): an external service is allowed by name for
   * the calling workload's pods, with a `CiliumNetworkPolicy` per workload (`toFQDNs` on the
   * service's port, and the DNS rule through which Cilium learns the addresses); the NetworkPolicy
   * gets no rule for it, and no `cidrs` are needed (they are refused). Cannot be combined with
   * `Mesh.istio()`.
   */
  public static cilium(): NetworkEngine {
    return new NetworkEngine(NetworkEngineType.CILIUM, new CiliumNetworkEngine());
  }

  /** @internal */
  public readonly _impl: NetworkEngineImplementation;

  private constructor(
    /** The kind of engine. */
    public readonly type: NetworkEngineType,
    impl: NetworkEngineImplementation,
  ) {
    this._impl = impl;
  }

  /** Human-readable name, e.g. "Cilium". */
  public get displayName(): string {
    return this._impl.displayName;
  }
}
