/** A Secret mounted into the main container as read-only files. */
export interface SecretMountOptions {
  /** The Secret name (a reference: the value never appears in the manifests). */
  readonly secretName: string;
  /** Where it is mounted (a directory; no `subPath`, so rotation keeps working). */
  readonly mountPath: string;
}

/** A persistent volume a workload can mount (for example an `EncryptedVolume`). */
export interface IClaimVolume {
  /** The PersistentVolumeClaim name. */
  readonly claimName: string;
  /** The namespace of the claim. */
  readonly namespaceName: string;
}

/** A persistent volume mounted into the main container. */
export interface VolumeMountOptions {
  /** The volume (e.g. an EncryptedVolume). */
  readonly volume: IClaimVolume;
  /** Where it is mounted. */
  readonly mountPath: string;
  /**
   * Mount it read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}
