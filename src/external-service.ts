import type { EgressGateway } from './egress-gateway';

/** How a workload talks to an external service. */
export enum ExternalProtocol {
  /**
   * TLS that the workload itself starts (HTTPS, or any TLS protocol): the mesh routes it by the
   * SNI of the ClientHello and passes it through, so the workload verifies the server's
   * certificate end to end.
   */
  TLS = 'TLS',
  /**
   * Plain HTTP from the workload to its own sidecar, which originates TLS to the service (Istio in
   * sidecar mode: the ServiceEntry's HTTP port targets the TLS port, and a DestinationRule sets
   * `tls.mode: SIMPLE` with the host as SNI and subject alt name, so the proxy verifies the
   * server's certificate against its system CAs). The clear text never leaves the pod; the mesh
   * sees the requests (paths, methods) for telemetry and policy.
   */
  HTTP_ORIGINATE_TLS = 'HTTP_ORIGINATE_TLS',
}

/** The addresses a NetworkPolicy opens for an external service. */
export interface ExternalServiceAddressOptions {
  /**
   * The address ranges the host resolves to, opened by the workload's NetworkPolicy (a
   * NetworkPolicy cannot name hosts). The cloud metadata and node-local identity endpoints are
   * never opened.
   *
   * @default - with a mesh that restricts egress by host name (Istio in sidecar mode): every
   * public address on the service's port, for this workload's pods only, narrowed to the host by
   * the mesh; with any other mesh (Linkerd, Istio ambient, no mesh) there is no default and the
   * ranges must be given
   */
  readonly cidrs?: string[];

  /**
   * Send the traffic through this egress gateway (Istio in sidecar mode, TLS started by the
   * workload): the workload's NetworkPolicy opens the gateway's pods instead of any address, and
   * the gateway alone leaves the cluster. Cannot be combined with `cidrs` (the gateway's own
   * policy holds the addresses) or with TLS originated by the mesh.
   *
   * @default - no egress gateway: the workload's pods connect to the host themselves
   */
  readonly egressGateway?: EgressGateway;
}

/** Options of an HTTPS service. */
export interface ExternalServiceOptions extends ExternalServiceAddressOptions {
  /**
   * The port.
   * @default 443
   */
  readonly port?: number;
}

/** Options of an HTTPS service whose TLS the mesh originates. */
export interface ExternalServiceOriginationOptions extends ExternalServiceOptions {
  /**
   * The port the workload sends plain HTTP to (`http://<host>:<appPort>`); its sidecar takes the
   * request there and opens TLS to `port`. Must differ from `port`.
   * @default 80
   */
  readonly appPort?: number;
}

/**
 * A service outside the cluster that a workload calls by name, e.g. a SaaS API.
 * `MtlsService.allowEgressTo(ExternalService.https('api.stripe.com'))` opens it for that
 * workload's pods only: the NetworkPolicy opens the port (to the given CIDRs), and a mesh that can
 * name hosts (Istio in sidecar mode) registers the host (ServiceEntry) and switches the workload's
 * outbound policy to REGISTRY_ONLY, so that nothing but the declared hosts gets out.
 *
 * @example
 * payments.allowEgressTo(ExternalService.https('api.stripe.com'));
 */
export class ExternalService {
  /** An HTTPS API (TLS started by the workload) on port 443 or `options.port`. */
  public static https(host: string, options: ExternalServiceOptions = {}): ExternalService {
    return new ExternalService(host, options.port ?? 443, ExternalProtocol.TLS, options.cidrs, undefined, options.egressGateway);
  }

  /**
   * An HTTPS API whose TLS the mesh originates: the workload calls `http://<host>` (port
   * `options.appPort`, 80 by default) and its sidecar connects to the host with TLS on
   * `options.port` (443), verifying the server's certificate for the host name. Only a mesh with
   * sidecars can do this (Istio in sidecar mode); elsewhere the synth fails. Use it for clients
   * that cannot be given a TLS trust store, or to let the mesh see and authorize the requests; the
   * request leaves the pod encrypted either way.
   */
  public static httpsOriginatedByMesh(host: string, options: ExternalServiceOriginationOptions = {}): ExternalService {
    const port = options.port ?? 443;
    return new ExternalService(host, port, ExternalProtocol.HTTP_ORIGINATE_TLS, options.cidrs, options.appPort ?? 80, options.egressGateway);
  }

  /** Any TLS service (TLS started by the workload, routed by SNI) on `port`. */
  public static tls(host: string, port: number, options: ExternalServiceAddressOptions = {}): ExternalService {
    return new ExternalService(host, port, ExternalProtocol.TLS, options.cidrs, undefined, options.egressGateway);
  }

  private constructor(
    /** The host name the workload connects to. */
    public readonly host: string,
    /** The port. */
    public readonly port: number,
    /** The protocol. */
    public readonly protocol: ExternalProtocol,
    /** The address ranges given for the NetworkPolicy, if any. */
    public readonly cidrs?: string[],
    /** The port the workload speaks plain HTTP to, when the mesh originates TLS. */
    public readonly appPort?: number,
    /** The egress gateway the traffic goes through, if any. */
    public readonly egressGateway?: EgressGateway,
  ) {}

  /** `host:port`, e.g. `api.stripe.com:443`. */
  public get description(): string {
    return `${this.host}:${this.port}`;
  }
}
