import { IstioMesh } from './mesh/istio';
import { LinkerdMesh } from './mesh/linkerd';
import { NoMesh } from './mesh/no-mesh';
import { MeshImplementation } from './mesh/types';

/** Which service mesh a namespace is enrolled in. */
export enum MeshType {
  /** Istio (sidecar or ambient). */
  ISTIO = 'istio',
  /** Linkerd. */
  LINKERD = 'linkerd',
  /** No mesh: cert-manager certificates and NetworkPolicies secure traffic. */
  NONE = 'none',
}

/**
 * What Linkerd does with traffic to a port that no Server and AuthorizationPolicy cover.
 */
export enum LinkerdInboundPolicy {
  /**
   * Deny it. The default: nothing is reachable that was not asked for, and every port a
   * workload serves gets its own Server with an AuthorizationPolicy naming its callers.
   */
  DENY = 'deny',
  /**
   * Allow any meshed (mTLS-authenticated) client from anywhere in the multi-cluster mesh.
   * Weaker: every meshed workload can reach every port not covered by a Server.
   */
  ALL_AUTHENTICATED = 'all-authenticated',
  /** Allow meshed clients of this cluster only. */
  CLUSTER_AUTHENTICATED = 'cluster-authenticated',
}

/** Options for Istio enrolment. */
export interface IstioMeshOptions {
  /**
   * Istio control-plane revision. Labels the namespace `istio.io/rev: <revision>` instead of
   * `istio-injection: enabled` (never both). Cannot be combined with `ambient`.
   * @default - the default revision (`istio-injection: enabled`)
   */
  readonly revision?: string;
  /**
   * Use ambient mode (`istio.io/dataplane-mode: ambient`) instead of sidecars.
   * @default false
   */
  readonly ambient?: boolean;
  /**
   * The mesh trust domain, used in caller principals `<trustDomain>/ns/<ns>/sa/<sa>`.
   * @default "cluster.local"
   */
  readonly trustDomain?: string;
  /**
   * The namespace istiod runs in.
   * @default "istio-system"
   */
  readonly controlPlaneNamespace?: string;
}

/** Options for Linkerd enrolment. */
export interface LinkerdMeshOptions {
  /**
   * The namespace's default inbound policy (`config.linkerd.io/default-inbound-policy`).
   * @default LinkerdInboundPolicy.DENY
   */
  readonly defaultInboundPolicy?: LinkerdInboundPolicy;
  /**
   * The namespace the Linkerd control plane runs in.
   * @default "linkerd"
   */
  readonly controlPlaneNamespace?: string;
}

/**
 * The service mesh a SecureNamespace enrols in. Istio, Linkerd and no mesh are implementations
 * of one interface; the constructs in the namespace read it and never branch on it.
 *
 * @example
 * new SecureNamespace(chart, 'payments', { name: 'payments', mesh: Mesh.istio() });
 */
export class Mesh {
  /**
   * Istio (≥ 1.22, `security.istio.io/v1`): sidecar injection (or a revision, or ambient mode),
   * namespace-wide STRICT PeerAuthentication and a deny-all AuthorizationPolicy.
   */
  public static istio(options: IstioMeshOptions = {}): Mesh {
    return new Mesh(MeshType.ISTIO, new IstioMesh({
      revision: options.revision,
      ambient: options.ambient ?? false,
      trustDomain: options.trustDomain ?? 'cluster.local',
      controlPlaneNamespace: options.controlPlaneNamespace ?? 'istio-system',
    }));
  }

  /** Linkerd: proxy injection with a deny-by-default inbound policy. */
  public static linkerd(options: LinkerdMeshOptions = {}): Mesh {
    return new Mesh(MeshType.LINKERD, new LinkerdMesh({
      defaultInboundPolicy: options.defaultInboundPolicy ?? LinkerdInboundPolicy.DENY,
      controlPlaneNamespace: options.controlPlaneNamespace ?? 'linkerd',
    }));
  }

  /** No mesh: workloads get cert-manager certificates for mutual TLS. */
  public static none(): Mesh {
    return new Mesh(MeshType.NONE, new NoMesh());
  }

  /** @internal */
  public readonly _impl: MeshImplementation;

  private constructor(
    /** The kind of mesh. */
    public readonly type: MeshType,
    impl: MeshImplementation,
  ) {
    this._impl = impl;
  }

  /** Human-readable name, e.g. "Istio (ambient)". */
  public get displayName(): string {
    return this._impl.displayName;
  }
}
