/** A Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  /** Heavily restricted, current pod hardening best practice. The default. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations. Needs a reason. */
  BASELINE = 'baseline',
  /** Unrestricted. Needs a reason. */
  PRIVILEGED = 'privileged',
}

/** Size of the namespace's ResourceQuota. */
export interface ResourceQuotaOptions {
  /** Total CPU requests. @default "8" */
  readonly requestsCpu?: string;
  /** Total CPU limits. @default "16" */
  readonly limitsCpu?: string;
  /** Total memory requests. @default "16Gi" */
  readonly requestsMemory?: string;
  /** Total memory limits. @default "32Gi" */
  readonly limitsMemory?: string;
  /** Total ephemeral-storage requests. @default "20Gi" */
  readonly requestsEphemeralStorage?: string;
  /** Total ephemeral-storage limits. @default "40Gi" */
  readonly limitsEphemeralStorage?: string;
  /** Total storage requested by PersistentVolumeClaims. @default "500Gi" */
  readonly requestsStorage?: string;
  /** Number of pods. @default 100 */
  readonly pods?: number;
  /** Number of Services. @default 50 */
  readonly services?: number;
  /** Number of PersistentVolumeClaims. @default 20 */
  readonly persistentVolumeClaims?: number;
  /**
   * Number of LoadBalancer Services. Anything above 0 needs `serviceExposureReason`.
   * @default 0
   */
  readonly loadBalancers?: number;
  /**
   * Number of NodePort Services. Anything above 0 needs `serviceExposureReason`.
   * @default 0
   */
  readonly nodePorts?: number;
  /**
   * Why this namespace may expose Services outside the cluster (LoadBalancer / NodePort).
   * Recorded as an annotation on the ResourceQuota.
   * @default - none; required when loadBalancers or nodePorts is above 0
   */
  readonly serviceExposureReason?: string;
}

/** Defaults and bounds that the namespace's LimitRange gives every container. */
export interface LimitRangeOptions {
  /** Default CPU request. @default "100m" */
  readonly defaultCpuRequest?: string;
  /** Default CPU limit. @default "500m" */
  readonly defaultCpuLimit?: string;
  /** Default memory request. @default "128Mi" */
  readonly defaultMemoryRequest?: string;
  /** Default memory limit. @default "256Mi" */
  readonly defaultMemoryLimit?: string;
  /** Default ephemeral-storage request. @default "64Mi" */
  readonly defaultEphemeralStorageRequest?: string;
  /** Default ephemeral-storage limit. @default "1Gi" */
  readonly defaultEphemeralStorageLimit?: string;
  /** Largest CPU limit of one container. @default "4" */
  readonly maxCpu?: string;
  /** Largest memory limit of one container. @default "8Gi" */
  readonly maxMemory?: string;
}

/** A path opened for every pod of a namespace with `allowIngressFrom` or `allowEgressTo`. */
export interface DeclaredNamespacePath {
  /** The peer, as `NetworkPeer.description` puts it (e.g. `cidr 203.0.113.0/24`). */
  readonly peer: string;
  /** The peer as rendered into the NetworkPolicy (namespaceSelector, podSelector or ipBlock). */
  readonly peerSpec: { [key: string]: any };
  /** The ports as rendered into the NetworkPolicy (protocol, port, endPort). */
  readonly ports: { [key: string]: any }[];
}
