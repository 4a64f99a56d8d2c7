import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ICaller, MetricsOptions } from './caller';
import type { CertificateOptions } from './certificate-options';
import type { ExternalService } from './external-service';
import { Mesh, MeshType } from './mesh';
import { PodLifecycle, WorkloadPort } from './mesh/types';
import { registerAppChecks } from './private/app-checks';
import { fail } from './private/validation';
import { WorkloadCore } from './private/workload';
import { validateMetricsPort } from './private/workload-metrics';
import type { IServiceAccount } from './service-account';
import { ConfigMapMountOptions, EmptyDirMountOptions } from './workload-mounts';
import { WorkloadContainerProps } from './workload-props';

/** The container and identity of a workload that nobody calls (SecureWorker, SecureJob, SecureCronJob). */
export interface CallingWorkloadProps extends WorkloadContainerProps {
  /**
   * The name of the workload and related objects (a DNS-1035 label).
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * The workload's identity: a LeastPrivilegeServiceAccount of the workload's namespace, or an
   * existing account (`LeastPrivilegeServiceAccount.fromServiceAccountName()`), whose pods get no
   * API token and no cloud identity egress from the library.
   * @default - a new LeastPrivilegeServiceAccount named like the workload, with no API access
   */
  readonly serviceAccount?: IServiceAccount;
  /**
   * A client certificate, for a namespace without a mesh: needed to call MtlsServices there
   * (`allowFrom` refuses a caller without one). Not allowed with a mesh, which issues workload
   * certificates itself.
   * @default - none: the workload calls no MtlsService of a namespace without a mesh
   */
  readonly certificate?: CertificateOptions;
  /**
   * Prometheus scraping of a metrics port (queue depth, batch progress, ...), as for an
   * MtlsService: a container port `metrics`, a headless Service with only that port (so that a
   * ServiceMonitor can find the pods), a prometheus-operator ServiceMonitor scraping through the
   * mesh's mTLS, and Prometheus admitted to that port only, by the NetworkPolicy's single ingress
   * rule and by the mesh's authorization. Nothing else may connect.
   * @default - no metrics scraping: no port, no Service, and a NetworkPolicy without ingress
   */
  readonly metrics?: MetricsOptions;
}

/**
 * What SecureWorker, SecureJob and SecureCronJob share: a hardened pod that nobody calls and that
 * calls out only where `MtlsService.allowFrom(thisWorkload)` opened the way. Its own
 * LeastPrivilegeServiceAccount, the namespace mesh, and a NetworkPolicy whose egress is DNS plus
 * the declared services and whose only ingress is Prometheus on the metrics port, when `metrics`
 * is set.
 */
export abstract class CallingWorkload extends Construct implements ICaller {
  /** @internal */
  protected _core!: WorkloadCore;
  private _metricsService?: ApiObject;
  private _serviceMonitor?: ApiObject;

  protected constructor(scope: Construct, id: string) {
    super(scope, id);
    registerAppChecks(this);
  }

  /** The object name. */
  public get name(): string {
    return this._core.name;
  }

  /** The namespace. */
  public get namespaceName(): string {
    return this._core.namespace.name;
  }

  /** The namespace's mesh. */
  public get mesh(): Mesh {
    return this._core.mesh;
  }

  /** The workload's identity. */
  public get serviceAccount(): IServiceAccount {
    return this._core.serviceAccount;
  }

  /** The label that selects exactly this workload's pods. */
  public get selectorLabels(): { [key: string]: string } {
    return this._core.selectorLabels;
  }

  /** @internal Builds the shared core: identity, mesh, labels, volumes (before the workload object). */
  protected _init(
    props: CallingWorkloadProps, maxNameLength: number, nameUse: string, lifecycle: PodLifecycle, preValidate?: () => void,
  ): WorkloadCore {
    let metricsPort: WorkloadPort | undefined;
    this._core = new WorkloadCore(this, props, {
      maxNameLength,
      nameUse,
      // Nobody calls it: no Service for callers (a metrics-only Service does not change that).
      serving: false,
      lifecycle,
      certificateRequired: false,
      groups: () => [],
      metricsPort: () => metricsPort,
    }, () => {
      preValidate?.();
      if (props.metrics) metricsPort = validateMetricsPort(this, props.metrics);
    });
    return this._core;
  }

  /** @internal The ports of the main container: the metrics port, when `metrics` is set. */
  protected _containerPorts(): any[] | undefined {
    return this._core.metrics ? [this._core.metrics.containerPort] : undefined;
  }

  /**
   * @internal After the workload object: the NetworkPolicy (ingress only from the scrapers), and
   * with `metrics` the metrics-only Service and the ServiceMonitor.
   */
  protected _finish(props: CallingWorkloadProps): void {
    const metrics = this._core.metrics;
    this._core.createNetworkPolicy(() => metrics?.ingressRules() ?? []);
    if (metrics) {
      this._metricsService = metrics.createMetricsService();
      this._serviceMonitor = metrics.createServiceMonitor(props.metrics!);
    }
  }

  /**
   * The workload's NetworkPolicy: egress to DNS and the services that admitted it; ingress only
   * from the scrapers on the metrics port (none without `metrics`).
   */
  public get networkPolicy(): ApiObject {
    return this._core.networkPolicy!;
  }

  /** The headless Service that lists the pods for Prometheus, when `metrics` is set. */
  public get metricsService(): ApiObject | undefined {
    return this._metricsService;
  }

  /** The ServiceMonitor, when `metrics` is set. */
  public get serviceMonitor(): ApiObject | undefined {
    return this._serviceMonitor;
  }

  /** The declared scrapers of the metrics port, sorted (namespace/serviceAccount). */
  public get declaredScrapers(): string[] {
    return this._core.metrics?.declaredScrapers ?? [];
  }

  /** Admits another scraper (a Prometheus identity) to the metrics port only. */
  public allowScraper(scraper: ICaller): void {
    if (!this._core.metrics) fail(this, 'allowScraper() needs a metrics port', 'set `metrics: { port }` on the workload');
    this._core.metrics.allowScraper(scraper);
  }

  /**
   * Opens egress from this workload's pods (not the namespace's) to a service outside the cluster,
   * named by host, as `MtlsService.allowEgressTo` does: its NetworkPolicy opens the service's port
   * (to the address ranges given, or — where the mesh restricts egress by host name, Istio in
   * sidecar mode — to public addresses, narrowed by the mesh to the host: a ServiceEntry and a
   * REGISTRY_ONLY Sidecar for this workload). Declaring the same service twice changes nothing.
   */
  public allowEgressTo(service: ExternalService): void {
    this._core.addExternalEgress(service);
  }

  /** The external services this workload calls, sorted (`host:port`). */
  public get declaredExternalEgress(): string[] {
    return this._core.externalEgress().map((e) => e.description);
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

  /**
   * Mounts a ConfigMap (by name, or a ConfigMap object of this namespace) read-only at `mountPath`,
   * one file per key, as a whole volume (no `subPath`, so updates reach the pods).
   */
  public mountConfigMap(configMap: string | ApiObject, mountPath: string, options: ConfigMapMountOptions = {}): void {
    this._core.mountConfigMap(configMap, mountPath, options);
  }

  /**
   * Mounts a writable emptyDir at `mountPath` (the root filesystem is read-only), with a size limit
   * that fits the container's ephemeral-storage (or, in memory, memory) limit.
   */
  public mountEmptyDir(mountPath: string, options: EmptyDirMountOptions = {}): void {
    this._core.mountEmptyDir(mountPath, options);
  }
}
