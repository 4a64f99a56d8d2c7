import { Construct, IConstruct } from 'constructs';
import { EgressRuleJson, IngressRuleJson, PortJson } from '../private/json';

/** What a mesh needs to know about a namespace it enrols. */
export interface NamespaceMeshContext {
  /** Where the namespace-level mesh objects are created. */
  readonly scope: Construct;
  /** The namespace name. */
  readonly namespace: string;
  /** The cluster's DNS domain. */
  readonly clusterDomain: string;
  /**
   * Why the mesh may pass traffic from the namespace's pods to any destination outside the cluster
   * (validated); undefined: only to the destinations registered with the mesh, where the mesh
   * restricts egress by host name (`restrictsEgressByHost`).
   */
  readonly egressAllowAnyReason?: string;
}

/**
 * Destinations outside the cluster that the NetworkPolicies open by address only (a namespace's
 * CIDR egress, a cloud identity's token exchange endpoint): a mesh that restricts egress to the
 * destinations it knows must register them, or it drops what the NetworkPolicies let through.
 */
export interface ExternalAddresses {
  /** Unique in the namespace: names the mesh objects (a DNS subdomain whose labels are DNS labels). */
  readonly name: string;
  /** The address ranges. */
  readonly cidrs: string[];
  /** The ports, as rendered into the NetworkPolicy. */
  readonly ports: PortJson[];
}

/** An identity that may call a workload. */
export interface CallerIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** A port a workload serves. */
export interface WorkloadPort {
  /** Service port name. */
  readonly name: string;
  /** Container (target) port. */
  readonly containerPort: number;
  /** Kubernetes appProtocol (http, http2, grpc, tcp, ...). */
  readonly appProtocol: string;
}

/** Whether a workload's pods run forever or until they complete. */
export enum PodLifecycle {
  /** Deployments and StatefulSets. */
  LONG_RUNNING = 'long-running',
  /** Jobs and CronJobs: a sidecar proxy must not keep the pod running after the main container exits. */
  RUN_TO_COMPLETION = 'run-to-completion',
}

/** A volume plus its mount that the mesh adds to the workload's pods. */
export interface MeshVolume {
  readonly volume: any;
  readonly mount: any;
}

/**
 * Ports of a workload that the same callers may reach: the service ports (group `callers`), or
 * a metrics port only the scraper may reach (group `metrics`).
 */
export interface PortGroup {
  /** Group id, used in object names (`<workload>-<id>`). */
  readonly id: string;
  readonly ports: WorkloadPort[];
  /** The callers admitted to these ports, sorted and de-duplicated; read lazily at synth time. */
  readonly callers: () => CallerIdentity[];
}

/** Certificate options the no-mesh implementation needs. */
export interface WorkloadCertificate {
  readonly issuerRef: { name: string; kind: string; group: string };
  readonly duration: string;
  readonly renewBefore: string;
  readonly mountPath: string;
  readonly caBundleConfigMap?: string;
  readonly caBundleKey?: string;
}

/** What a mesh needs to know about one workload. */
export interface WorkloadMeshContext {
  /** Where the workload's mesh objects are created. */
  readonly scope: Construct;
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** The single label that selects exactly this workload's pods. */
  readonly selectorLabels: Record<string, string>;
  /**
   * Every port the workload serves, each in exactly one group (for a workload nobody calls, at
   * most the `metrics` group).
   */
  readonly groups: PortGroup[];
  /**
   * Whether callers reach the pods through a Service (false: a worker or a Job that only calls
   * out, even when a metrics-only Service lists its pods for Prometheus).
   */
  readonly serving: boolean;
  readonly clusterDomain: string;
  /** Present when the mesh is none: the workload's own certificate. */
  readonly certificate?: WorkloadCertificate;
}

/** The result of securing a workload. */
export interface WorkloadMeshResult {
  /** Annotations on the pod template. */
  readonly podAnnotations: Record<string, string>;
  /** Volumes (and their mounts in the main container) to add. */
  readonly volumes: MeshVolume[];
  /** Called once per port group, when its first caller is declared (objects that need a caller). */
  readonly onFirstCaller?: (groupId: string) => void;
  /** ServiceMonitor endpoint fields (scheme, TLS) for scraping a metrics port through the mesh. */
  readonly scrapeEndpoint: Record<string, any>;
}

/** A host outside the cluster that a workload calls (`allowEgressTo(ExternalService...)`). */
export interface ExternalHost {
  /** The host name, e.g. `api.stripe.com`. */
  readonly host: string;
  readonly port: number;
  /**
   * How the workload talks to it (`TLS`: it starts TLS itself, the mesh routes by SNI;
   * `HTTP_ORIGINATE_TLS`: it sends plain HTTP to `appPort` and the mesh originates TLS to `port`).
   */
  readonly protocol: string;
  /** With `HTTP_ORIGINATE_TLS`: the port the workload sends plain HTTP to. */
  readonly appPort?: number;
  /** The egress gateway the workload's traffic to the host goes through. */
  readonly egressGateway?: ExternalHostGateway;
}

/** An egress gateway, as a mesh routes to it. */
export interface ExternalHostGateway {
  readonly namespace: string;
  /** `<service>.<namespace>.svc.<cluster-domain>`. */
  readonly serviceHost: string;
  readonly podLabels: Record<string, string>;
  /** The Service port that takes the TLS. */
  readonly port: number;
}

/** What a mesh needs to know about a workload that calls hosts outside the cluster. */
export interface ExternalEgressContext {
  /** Where the namespace's shared objects (one per external host) are created: the SecureNamespace. */
  readonly namespaceScope: Construct;
  /** Where the workload's own objects are created. */
  readonly scope: Construct;
  readonly name: string;
  readonly namespace: string;
  /** The single label that selects exactly this workload's pods. */
  readonly selectorLabels: Record<string, string>;
  readonly clusterDomain: string;
  /** Every external host of the workload, sorted; read lazily at synth time. */
  readonly hosts: () => ExternalHost[];
}

/**
 * What a mesh needs to know about the pods of a Gateway API gateway that the app deploys into one
 * of its namespaces (`SecureGateway`): they take traffic from clients anywhere (the internet) on
 * the listener ports, where the gateway, not the mesh, terminates TLS.
 */
export interface GatewayMeshContext {
  /** Where the gateway's mesh objects are created. */
  readonly scope: Construct;
  /** The name of those objects. */
  readonly name: string;
  readonly namespace: string;
  /** The labels that select exactly the gateway's pods. */
  readonly podLabels: Record<string, string>;
  /** The listener ports (the pods listen on them), sorted. */
  readonly ports: number[];
  /** Why the gateway is open to every client, recorded with the objects that open it. */
  readonly reason: string;
}

/**
 * One service mesh (or no mesh): everything that differs between Istio, Linkerd and plain
 * cert-manager TLS lives behind this interface, so the constructs never branch on the mesh.
 */
export interface MeshImplementation {
  /** Human-readable name for errors and reports, e.g. `Istio (sidecar)`. */
  readonly displayName: string;
  /** Whether the mesh provides workload mTLS itself (when false, cert-manager certificates do). */
  readonly providesMtls: boolean;
  /**
   * Whether the mesh restricts a workload's egress to the external hosts it declares (by name),
   * so that its NetworkPolicy may open every public address on their ports: true for Istio in
   * sidecar mode (ServiceEntry + REGISTRY_ONLY), false where only the NetworkPolicy's address
   * ranges hold traffic in (Linkerd, Istio ambient, no mesh).
   */
  readonly restrictsEgressByHost: boolean;
  /**
   * Whether the mesh can originate TLS for a workload that speaks plain HTTP to an external host
   * (`ExternalService.httpsOriginatedByMesh`): true for Istio in sidecar mode only.
   */
  readonly originatesTls: boolean;
  /** Fails with a precise error when the mesh options conflict. */
  validate(scope: IConstruct): void;
  /** Labels on the Namespace. */
  namespaceLabels(): Record<string, string>;
  /** Annotations on the Namespace. */
  namespaceAnnotations(): Record<string, string>;
  /**
   * Creates the namespace-wide mesh objects (PeerAuthentication, deny-all policy, ...), and where
   * the mesh restricts egress by destination, the namespace's default egress policy: only
   * registered destinations (unless `ctx.egressAllowAnyReason`).
   */
  enrolNamespace(ctx: NamespaceMeshContext): void;
  /** Egress every pod of the namespace needs to reach the mesh control plane. */
  controlPlaneEgress(): EgressRuleJson[];
  /** Ingress every pod of the namespace needs from the data plane (e.g. ambient's probe SNAT address). */
  dataPlaneIngress(): IngressRuleJson[];
  /** Ports, besides the service ports, that callers reach a workload on (Linkerd 4143, ambient HBONE 15008). */
  inboundPorts(): PortJson[];
  /**
   * Pod annotations that depend on how long the pods run: sidecar meshes inject their proxy as a
   * Kubernetes native sidecar into run-to-completion pods, so that it stops when the Job's
   * container exits.
   */
  lifecycleAnnotations(lifecycle: PodLifecycle): Record<string, string>;
  /**
   * Pod annotations that keep the proxy out of the way of traffic to node-local cloud identity
   * endpoints (the GKE metadata server, the EKS Pod Identity Agent): the pod reaches them directly,
   * as the node expects, whatever the mesh's outbound policy and whether or not the proxy is ready.
   */
  identityEndpointAnnotations(cidrs: string[]): Record<string, string>;
  /** Secures one workload: mesh policy objects, pod annotations, certificate volumes. */
  secureWorkload(ctx: WorkloadMeshContext): WorkloadMeshResult;
  /**
   * Registers one more external host of a workload (called once per host and workload; `ctx` is
   * the same object on every call for a workload): the mesh objects that name it.
   */
  allowExternalHost(ctx: ExternalEgressContext, host: ExternalHost): void;
  /**
   * Registers destinations outside the cluster known by address only, for the pods of a namespace
   * enrolled with `ctx` whose egress the mesh restricts to registered destinations: nothing where
   * the mesh does not (or where `ctx.egressAllowAnyReason` opted out). Fails on what the mesh
   * cannot register.
   */
  allowExternalAddresses(ctx: NamespaceMeshContext, addresses: ExternalAddresses): void;
  /**
   * Admits clients from anywhere to a gateway's pods on its listener ports, past the namespace's
   * deny-by-default mesh policy (or fails when the mesh cannot run such a gateway in the namespace).
   */
  admitGatewayClients(ctx: GatewayMeshContext): void;
}
