import type { ResourceOptions } from './resource-options';
import type { SecretMountOptions, VolumeMountOptions } from './workload-volumes';

/**
 * The container, security context and labels every workload of this library takes (MtlsService,
 * SecureWorker, SecureJob, SecureCronJob): one definition, so the workloads cannot drift apart.
 */
export interface WorkloadContainerProps {
  /** The container image: pinned with a tag other than `latest`, or a digest. */
  readonly image: string;
  /**
   * Require the image to be pinned by digest (`@sha256:...`).
   * @default false
   */
  readonly requireDigest?: boolean;
  /**
   * Container command.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Container arguments.
   * @default - the image's cmd
   */
  readonly args?: string[];
  /**
   * Plain, non-secret environment variables. Names that look like secrets are refused: mount
   * secrets with `secretMounts`.
   * @default - none
   */
  readonly env?: { [key: string]: string };
  /**
   * Environment variables of `env` whose names look secret to the detector although their values
   * are not secrets, each with the reason (written onto the workload as the annotation
   * `not-secret.cdk8s-secure-baseline.io/<NAME>`, which the audit accepts too). Only names the
   * detector flags may be listed; values in a credential format are refused whatever the reason.
   * @default - none
   */
  readonly notSecretEnv?: { [name: string]: string };
  /**
   * Secrets mounted as read-only files.
   * @default - none
   */
  readonly secretMounts?: SecretMountOptions[];
  /**
   * Persistent volumes mounted into the main container.
   * @default - none
   */
  readonly volumes?: VolumeMountOptions[];
  /**
   * Requests and limits of the main container.
   * @default - see ResourceOptions
   */
  readonly resources?: ResourceOptions;
  /**
   * UID the containers run as (≥ 10000).
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID the containers run as and that owns mounted volumes (≥ 10000).
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * PriorityClass of the pods.
   * @default - a shared PriorityClass `secure-baseline-workload` (value 1000) is emitted
   */
  readonly priorityClassName?: string;
  /**
   * `app.kubernetes.io/component` label.
   * @default - none
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of` label.
   * @default - none
   */
  readonly partOf?: string;
}
