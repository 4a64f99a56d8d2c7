/** The application protocol of a service port (Service `appProtocol`, mesh protocol selection). */
export enum AppProtocol {
  /** HTTP/1.1 */
  HTTP = 'http',
  /** HTTP/2 (cleartext inside the mesh) */
  HTTP2 = 'http2',
  /** gRPC */
  GRPC = 'grpc',
  /** Opaque TCP */
  TCP = 'tcp',
  /** TLS terminated by the application */
  TLS = 'tls',
}

/** The controller that runs the pods. */
export enum WorkloadKind {
  /** A Deployment: stateless replicas. The default. */
  DEPLOYMENT = 'Deployment',
  /**
   * A StatefulSet with stable pod identity, for a single-writer workload such as a database
   * whose `ReadWriteOncePod` volume cannot be shared by replicas.
   */
  STATEFUL_SET = 'StatefulSet',
}

/** A port the service serves. */
export interface ServicePortOptions {
  /** The container port. */
  readonly port: number;
  /**
   * The Service port callers use.
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * The application protocol.
   * @default AppProtocol.HTTP
   */
  readonly appProtocol?: AppProtocol;
  /**
   * The port name (a DNS-1123 label of at most 15 characters).
   * @default - the protocol, suffixed with the port when several ports share a protocol
   */
  readonly name?: string;
}

/** How the Service is reachable. */
export class ServiceExposure {
  /** Inside the cluster only (ClusterIP). The default. */
  public static clusterIp(): ServiceExposure {
    return new ServiceExposure('ClusterIP');
  }

  /** A NodePort Service. Needs a reason, recorded in the output and the audit report. */
  public static nodePort(reason: string): ServiceExposure {
    return new ServiceExposure('NodePort', reason);
  }

  /** A LoadBalancer Service. Needs a reason, recorded in the output and the audit report. */
  public static loadBalancer(reason: string, sourceRanges?: string[]): ServiceExposure {
    return new ServiceExposure('LoadBalancer', reason, sourceRanges);
  }

  private constructor(
    /** The Service type. */
    public readonly type: string,
    /** Why the Service is exposed outside the cluster. */
    public readonly reason?: string,
    /** For LoadBalancer: the client ranges allowed. */
    public readonly sourceRanges?: string[],
  ) {}
}
