import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ICaller, MetricsOptions } from './caller';
import { CertificateOptions } from './certificate-options';
import { ExternalService } from './external-service';
import { HealthCheck } from './health-check';
import { Mesh, MeshType } from './mesh';
import { PodLifecycle, WorkloadPort } from './mesh/types';
import { registerAppChecks } from './private/app-checks';
import { callerIdentities, callerPeers } from './private/callers';
import { exposeService } from './private/gateway-route';
import { IngressRuleJson, PortJson } from './private/json';
import {
  createService, createServiceWorkload, serviceContainer, ServicePortSpec, servicePortsOf, validateServicePorts,
} from './private/mtls-service-objects';
import { createPodDisruptionBudget } from './private/pod-scheduling';
import { fail, show } from './private/validation';
import { WorkloadCore, workloadCoreOf } from './private/workload';
import { validateMetricsPort, WorkloadMetrics } from './private/workload-metrics';
import type { ExposeViaOptions, ISecureGateway } from './secure-gateway';
import { SecureNamespace } from './secure-namespace';
import type { IServiceAccount } from './service-account';
import { ServiceExposure, ServicePortOptions, WorkloadKind } from './service-options';
import { ConfigMapMountOptions, EmptyDirMountOptions } from './workload-mounts';
import { WorkloadContainerProps } from './workload-props';

/** Props of an MtlsService. */
export interface MtlsServiceProps extends WorkloadContainerProps {
  /**
   * The name of the Deployment, Service and related objects (a DNS-1035 label).
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * The main container port (shortcut for `ports: [{ port }]`).
   * @default - use `ports`
   */
  readonly port?: number;
  /**
   * All ports the service serves.
   * @default - the single `port`
   */
  readonly ports?: ServicePortOptions[];
  /**
   * Number of replicas (at least 1).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The controller that runs the pods.
   * @default WorkloadKind.DEPLOYMENT
   */
  readonly workloadKind?: WorkloadKind;
  /**
   * Readiness probe.
   * @default HealthCheck.tcp() on the first port, every 5s
   */
  readonly readiness?: HealthCheck;
  /**
   * Liveness probe (kept distinct from readiness).
   * @default HealthCheck.tcp() on the first port, after 10s, every 15s
   */
  readonly liveness?: HealthCheck;
  /**
   * The workload's identity: a LeastPrivilegeServiceAccount of the service's namespace, or an
   * existing account (`LeastPrivilegeServiceAccount.fromServiceAccountName()`), whose pods get no
   * API token and no cloud identity egress from the library.
   * @default - a new LeastPrivilegeServiceAccount named like the service, with no API access
   */
  readonly serviceAccount?: IServiceAccount;
  /**
   * Callers admitted from the start (more with `allowFrom`).
   * @default - nobody
   */
  readonly allowFrom?: ICaller[];
  /**
   * How the Service is reachable.
   * @default ServiceExposure.clusterIp()
   */
  readonly exposure?: ServiceExposure;
  /**
   * The workload certificate. Required when the namespace has no mesh; not allowed with a mesh
   * (the mesh issues workload certificates).
   * @default - none
   */
  readonly certificate?: CertificateOptions;
  /**
   * Emit a ServiceMonitor (`monitoring.coreos.com/v1`) for a metrics port and admit Prometheus to
   * that port only, through the mesh's mTLS.
   * @default - no metrics scraping
   */
  readonly metrics?: MetricsOptions;
}


/**
 * A hardened workload whose traffic is mutually authenticated and admitted only from declared
 * callers: a Deployment (Pod Security "restricted"), its own LeastPrivilegeServiceAccount, a
 * ClusterIP Service, a PodDisruptionBudget, a NetworkPolicy for exactly its callers and
 * dependencies, and the namespace mesh's policy objects (Istio PeerAuthentication,
 * DestinationRule and AuthorizationPolicy; Linkerd Server, MeshTLSAuthentication and
 * AuthorizationPolicy; or a cert-manager Certificate without a mesh).
 *
 * @example
 * const payments = new MtlsService(ns, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443 });
 * payments.allowFrom(checkout);
 */
export class MtlsService extends Construct implements ICaller {
  /** The object name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespaceName: string;
  /** The namespace's mesh. */
  public readonly mesh: Mesh;
  /** The workload's identity. */
  public readonly serviceAccount: IServiceAccount;
  /**
   * The Deployment, or StatefulSet with `workloadKind: STATEFUL_SET` (escape hatch:
   * `addJsonPatch`; the pod hardening is re-applied after patches).
   */
  public readonly workload: ApiObject;
  /** The Service. */
  public readonly service: ApiObject;
  /** The workload's NetworkPolicy. */
  public readonly networkPolicy: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: ApiObject;
  /** The label that selects exactly this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };

  private readonly ports: WorkloadPort[];
  private readonly servicePorts: ServicePortSpec[];
  private readonly callers = new Map<string, ICaller>();
  private readonly core: WorkloadCore;
  private readonly onFirstCaller?: (groupId: string) => void;
  private readonly metrics?: WorkloadMetrics;
  /** The ServiceMonitor, when `metrics` is set. */
  public readonly serviceMonitor?: ApiObject;
  private readonly secureNamespace: SecureNamespace;

  constructor(scope: Construct, id: string, props: MtlsServiceProps) {
    super(scope, id);
    registerAppChecks(this);
    let ports!: WorkloadPort[];
    let metricsPort: WorkloadPort | undefined;
    let replicas!: number;
    const core = new WorkloadCore(this, props, {
      maxNameLength: 63,
      nameUse: 'it names the Service',
      serving: true,
      lifecycle: PodLifecycle.LONG_RUNNING,
      certificateRequired: true,
      groups: () => [{ id: 'callers', ports, callers: () => callerIdentities(this.callers) }],
      metricsPort: () => metricsPort,
    }, () => {
      ports = validateServicePorts(this, props);
      if (props.metrics) metricsPort = validateMetricsPort(this, props.metrics, ports);
      replicas = props.replicas ?? 2;
      if (!Number.isInteger(replicas) || replicas < 1) {
        fail(this, `replicas ${show(replicas)} is below 1`, 'run at least 1 replica (2 or more for availability)');
      }
    });
    this.core = core;
    const ns = core.namespace;
    this.secureNamespace = ns;
    this.namespaceName = ns.name;
    this.mesh = core.mesh;
    const name = core.name;
    this.name = name;
    this.selectorLabels = core.selectorLabels;
    this.ports = ports;
    this.metrics = core.metrics;
    this.servicePorts = servicePortsOf(this, props, this.ports);
    this.serviceAccount = core.serviceAccount;
    this.onFirstCaller = core.meshResult.onFirstCaller;

    const container = serviceContainer(this, core, props, this.ports);
    this.workload = createServiceWorkload(this, core, props, props.workloadKind ?? WorkloadKind.DEPLOYMENT, replicas, container);
    this.service = createService(this, core, props.exposure ?? ServiceExposure.clusterIp(), this.servicePorts);
    this.podDisruptionBudget = createPodDisruptionBudget(this, core, replicas);

    // NetworkPolicy: ingress from callers, egress to DNS and dependencies (the mesh control plane is
    // opened at the namespace level).
    this.networkPolicy = core.createNetworkPolicy(() => this.ingressRules());

    // Metrics: the ServiceMonitor selects the Service above; Prometheus is admitted to the metrics port.
    if (props.metrics) this.serviceMonitor = this.metrics!.createServiceMonitor(props.metrics);

    for (const caller of props.allowFrom ?? []) this.allowFrom(caller);
  }

  /**
   * Admits another scraper (a Prometheus identity) to the metrics port only.
   */
  public allowScraper(scraper: ICaller): void {
    if (!this.metrics) fail(this, 'allowScraper() needs a metrics port', 'set `metrics: { port }` on the service');
    this.metrics.allowScraper(scraper);
  }

  /** ICaller: the namespace. */
  public get callerNamespace(): string {
    return this.namespaceName;
  }

  /** ICaller: the ServiceAccount. */
  public get callerServiceAccount(): string {
    return this.serviceAccount.name;
  }

  /** ICaller: the pod selector labels. */
  public get callerPodLabels(): { [key: string]: string } | undefined {
    return this.selectorLabels;
  }

  /** ICaller: the mesh. */
  public get callerMeshType(): MeshType | undefined {
    return this.mesh.type;
  }

  /** The Service's cluster DNS name. */
  public get fqdn(): string {
    return `${this.name}.${this.namespaceName}.svc.${this.secureNamespace.clusterDomain}`;
  }

  /**
   * Admits `caller` on both sides at once: this workload's mesh authorization and ingress
   * NetworkPolicy name it, and — when the caller is an MtlsService — the caller's egress
   * NetworkPolicy opens the path to this workload. Works across namespaces; declaring the same
   * caller twice changes nothing.
   */
  public allowFrom(caller: ICaller): void {
    if (this.core.admit(this.callers, caller)) {
      if (this.callers.size === 1) this.onFirstCaller?.('callers');
      workloadCoreOf(caller)?.addEgressTo(this.namespaceName, this.name, this.selectorLabels, this._inboundPorts());
    }
  }

  /**
   * Exposes the service through a Gateway API gateway: an `HTTPRoute` (a `GRPCRoute` for a gRPC
   * port) in this namespace from the gateway's HTTPS listener for `hostname` to the Service, and
   * the gateway's pods admitted like `allowFrom(gateway)`; a `SecureGateway` of the app also lets
   * the route attach and opens its egress to this service only. Declaring it twice changes nothing.
   */
  public exposeVia(gateway: ISecureGateway, options: ExposeViaOptions): ApiObject {
    return exposeService(this, gateway, options, this.servicePorts, this.mesh._impl.inboundPorts());
  }

  /**
   * Opens egress from this workload's pods (not the namespace's) to a service outside the cluster,
   * named by host: its NetworkPolicy opens the service's port (to the address ranges given, or —
   * where the mesh restricts egress by host name, Istio in sidecar mode — to public addresses,
   * narrowed by the mesh to the host: a ServiceEntry and a REGISTRY_ONLY Sidecar for this
   * workload). Declaring the same service twice changes nothing.
   */
  public allowEgressTo(service: ExternalService): void {
    this.core.addExternalEgress(service);
  }

  /** The external services this workload calls, sorted (`host:port`). */
  public get declaredExternalEgress(): string[] {
    return this.core.externalEgress().map((e) => e.description);
  }

  /**
   * Mounts a ConfigMap (by name, or a ConfigMap object of this namespace) read-only at `mountPath`,
   * one file per key, as a whole volume (no `subPath`, so updates reach the pods).
   */
  public mountConfigMap(configMap: string | ApiObject, mountPath: string, options: ConfigMapMountOptions = {}): void {
    this.core.mountConfigMap(configMap, mountPath, options);
  }

  /**
   * Mounts a writable emptyDir at `mountPath` (the root filesystem is read-only), with a size limit
   * that fits the container's ephemeral-storage (or, in memory, memory) limit.
   */
  public mountEmptyDir(mountPath: string, options: EmptyDirMountOptions = {}): void {
    this.core.mountEmptyDir(mountPath, options);
  }

  /** @internal */
  public _inboundPorts(): PortJson[] {
    const ports: PortJson[] = [...new Set(this.ports.map((p) => p.containerPort))].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
    for (const p of this.mesh._impl.inboundPorts()) {
      if (!ports.some((q) => q.port === p.port && q.protocol === p.protocol)) ports.push(p);
    }
    return ports;
  }

  /** The declared callers, sorted (namespace/serviceAccount). */
  public get declaredCallers(): string[] {
    return callerIdentities(this.callers).map((c) => `${c.namespace}/${c.serviceAccount}`);
  }

  /** The declared scrapers of the metrics port, sorted (namespace/serviceAccount). */
  public get declaredScrapers(): string[] {
    return this.metrics?.declaredScrapers ?? [];
  }

  private ingressRules(): IngressRuleJson[] {
    const rules: IngressRuleJson[] = [];
    if (this.callers.size > 0) rules.push({ from: callerPeers(this.callers), ports: this._inboundPorts() });
    rules.push(...(this.metrics?.ingressRules() ?? []));
    return rules;
  }
}
