/** Requests and limits of the main container. Limits must not be below requests. */
export interface ResourceOptions {
  /** CPU request. @default "100m" */
  readonly cpuRequest?: string;
  /** CPU limit. @default "500m" */
  readonly cpuLimit?: string;
  /** Memory request. @default "128Mi" */
  readonly memoryRequest?: string;
  /** Memory limit. @default "256Mi" */
  readonly memoryLimit?: string;
  /** Ephemeral-storage request. @default "64Mi" */
  readonly ephemeralStorageRequest?: string;
  /** Ephemeral-storage limit. @default "1Gi" */
  readonly ephemeralStorageLimit?: string;
}
