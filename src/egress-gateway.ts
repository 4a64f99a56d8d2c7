/** Options of an Istio egress gateway the platform runs. */
export interface IstioEgressGatewayOptions {
  /** The namespace of the gateway's pods and Service, e.g. `istio-egress` or `istio-system`. */
  readonly namespace: string;
  /**
   * The gateway's Service, in `namespace`.
   * @default 'istio-egressgateway'
   */
  readonly serviceName?: string;
  /**
   * The labels of the gateway's pods: the Istio `Gateway`'s selector, and the peer the calling
   * workloads' NetworkPolicy opens.
   * @default { istio: 'egressgateway' }
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The Service port that takes TLS (passed through, routed by SNI).
   * @default 443
   */
  readonly port?: number;
  /**
   * The container port behind `port` (what a NetworkPolicy sees).
   * @default 8443 (the Istio charts' egress gateway)
   */
  readonly targetPort?: number;
}

/**
 * A dedicated exit for traffic to external services: the calling workload's sidecar sends the
 * host's TLS to the gateway (SNI-routed, passed through, so the workload still verifies the
 * server end to end), and only the gateway's pods reach the internet. The workload's
 * NetworkPolicy opens the gateway's pods only, never public addresses. The platform runs the
 * gateway and owns its network policy and its nodes; the library writes the routing for each
 * host: an Istio `Gateway` and a `VirtualService` in the workload's namespace, exported to the
 * gateway's namespace with the host's `ServiceEntry`.
 *
 * @example
 * const egress = EgressGateway.istio({ namespace: 'istio-egress' });
 * payments.allowEgressTo(ExternalService.https('api.stripe.com', { egressGateway: egress }));
 */
export class EgressGateway {
  /** An Istio egress gateway (istio.io "Egress Gateways", TLS passthrough). */
  public static istio(options: IstioEgressGatewayOptions): EgressGateway {
    return new EgressGateway(options.namespace, options.serviceName ?? 'istio-egressgateway', { ...(options.podLabels ?? { istio: 'egressgateway' }) },
      options.port ?? 443, options.targetPort ?? 8443);
  }

  private constructor(
    /** The namespace of the gateway's pods and Service. */
    public readonly namespace: string,
    /** The gateway's Service. */
    public readonly serviceName: string,
    /** The labels of the gateway's pods. */
    public readonly podLabels: { [key: string]: string },
    /** The Service port that takes TLS. */
    public readonly port: number,
    /** The container port behind `port`. */
    public readonly targetPort: number,
  ) {}
}
