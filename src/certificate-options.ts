import { Duration } from 'cdk8s';

/** The cert-manager issuer that signs a workload's certificate. */
export class CertificateIssuer {
  /** A namespaced `Issuer` in the workload's namespace. */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer(name, 'Issuer', 'cert-manager.io');
  }

  /** A `ClusterIssuer`. */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer(name, 'ClusterIssuer', 'cert-manager.io');
  }

  /** An external issuer (e.g. `awspca.cert-manager.io` / `AWSPCAClusterIssuer`). */
  public static external(group: string, kind: string, name: string): CertificateIssuer {
    return new CertificateIssuer(name, kind, group);
  }

  private constructor(
    /** Issuer name. */
    public readonly name: string,
    /** Issuer kind. */
    public readonly kind: string,
    /** Issuer API group. */
    public readonly group: string,
  ) {}
}

/** The workload certificate used when the namespace has no mesh. */
export interface CertificateOptions {
  /** The cert-manager issuer. Required: there is no safe default CA. */
  readonly issuer: CertificateIssuer;
  /**
   * Certificate lifetime (cert-manager's minimum is one hour).
   * @default Duration.hours(24)
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews (must be shorter than `duration`).
   * @default Duration.hours(8)
   */
  readonly renewBefore?: Duration;
  /**
   * Where the certificate volume (tls.crt, tls.key, ca.crt) is mounted, read-only.
   * @default "/etc/tls"
   */
  readonly mountPath?: string;
  /**
   * A ConfigMap with the CA bundle peers are verified against (e.g. from trust-manager), mounted
   * read-only at `<mountPath>-ca`.
   * @default - the issuing CA in the certificate Secret's `ca.crt`
   */
  readonly caBundleConfigMap?: string;
}
