/** Where an emptyDir volume keeps its data. */
export enum EmptyDirMedium {
  /** The node's disk (counted against the pod's ephemeral storage). The default. */
  DISK = 'Disk',
  /** tmpfs in memory (counted against the container's memory limit). */
  MEMORY = 'Memory',
}

/** Options of a ConfigMap mounted with `mountConfigMap`. */
export interface ConfigMapMountOptions {
  /**
   * Mount only these keys (each as a file of the same name).
   * @default - every key of the ConfigMap
   */
  readonly keys?: string[];
  /**
   * Start the pod even when the ConfigMap does not exist (the directory is empty).
   * @default false - the pod waits for the ConfigMap
   */
  readonly optional?: boolean;
}

/** Options of a writable emptyDir mounted with `mountEmptyDir`. */
export interface EmptyDirMountOptions {
  /**
   * The most the volume may hold (a Kubernetes quantity). Together with the other emptyDirs of the
   * same medium (and the 64Mi `/tmp`), it must fit in the container's ephemeral-storage limit (disk)
   * or memory limit (memory): the kubelet evicts a pod whose emptyDir outgrows its limit.
   * @default "256Mi"
   */
  readonly sizeLimit?: string;
  /**
   * Where the data is kept.
   * @default EmptyDirMedium.DISK
   */
  readonly medium?: EmptyDirMedium;
}
