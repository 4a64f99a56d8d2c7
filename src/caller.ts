import { Duration } from 'cdk8s';
import type { MeshType } from './mesh';

/**
 * An identity that may call an MtlsService: another MtlsService, or a bare identity such as an
 * ingress gateway (`Caller.identity(...)`).
 */
export interface ICaller {
  /** The caller's namespace. */
  readonly callerNamespace: string;
  /** The caller's ServiceAccount. */
  readonly callerServiceAccount: string;
  /**
   * Labels that select the caller's pods, for NetworkPolicies.
   * @default - every pod of the caller's namespace
   */
  readonly callerPodLabels?: { [key: string]: string };
  /**
   * The mesh of the caller's namespace, when known (a caller must be in the same mesh).
   * @default - unknown: not checked
   */
  readonly callerMeshType?: MeshType;
}

/** A bare caller identity. */
export interface CallerIdentityOptions {
  /** The caller's namespace. */
  readonly namespace: string;
  /** The caller's ServiceAccount. */
  readonly serviceAccount: string;
  /**
   * Labels that select the caller's pods (e.g. `{ istio: 'ingressgateway' }`).
   * @default - every pod of the caller's namespace may connect at the network layer; the mesh
   * identity still restricts it to the ServiceAccount
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The caller's mesh, when known.
   * @default - not checked
   */
  readonly mesh?: MeshType;
}

/** Factories for callers that are not MtlsServices. */
export class Caller {
  /** A bare identity: namespace + ServiceAccount (e.g. an ingress gateway). */
  public static identity(options: CallerIdentityOptions): ICaller {
    return {
      callerNamespace: options.namespace,
      callerServiceAccount: options.serviceAccount,
      callerPodLabels: options.podLabels,
      callerMeshType: options.mesh,
    };
  }

  private constructor() {}
}

/**
 * Metrics scraping of a workload (MtlsService, SecureWorker, SecureJob, SecureCronJob) by
 * Prometheus (prometheus-operator), through the mesh.
 */
export interface MetricsOptions {
  /** The container port that serves metrics (not one of the service ports), named `metrics`. */
  readonly port: number;
  /**
   * The metrics path.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Prometheus' identity: admitted on the metrics port only, by the NetworkPolicy and the mesh.
   * @default - kube-prometheus: ServiceAccount `prometheus-k8s` in namespace `monitoring`, pods
   * labelled `app.kubernetes.io/name: prometheus`
   */
  readonly scraper?: ICaller;
}
