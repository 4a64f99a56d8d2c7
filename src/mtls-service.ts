import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalService } from './external-service';
import { LeastPrivilegeServiceAccount } from './least-privilege-service-account';
import { Mesh, MeshType } from './mesh';
import { PodLifecycle, WorkloadPort } from './mesh/types';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { registerAppChecks } from './private/app-checks';
import { IngressRuleJson, PortJson } from './private/json';
import { fail, show, validatePort, validateReason } from './private/validation';
import {
  callerIdentities, callerPeers, spreadAndAntiAffinity, validateMetricsPort, WorkloadCore, workloadCoreOf, WorkloadMetrics,
} from './private/workload';
import { SecureNamespace } from './secure-namespace';
import { ConfigMapMountOptions, EmptyDirMountOptions } from './workload-mounts';
import { WorkloadContainerProps } from './workload-props';

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

/** A health check of the main container. */
export class HealthCheck {
  /** An HTTP GET of `path` on a container port. */
  public static http(path: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ httpGet: { path } }, options);
  }

  /** A TCP connect to a container port. */
  public static tcp(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ tcpSocket: {} }, options);
  }

  /** A gRPC health check (grpc.health.v1) on a container port. */
  public static grpc(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ grpc: {} }, options);
  }

  /**
   * A command run inside the main container (healthy when it exits 0): the probe of workers and
   * other workloads without a port. The image must contain the command.
   */
  public static exec(command: string[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ exec: { command } }, options);
  }

  private constructor(private readonly handler: any, private readonly options: HealthCheckOptions) {}

  /** @internal Whether the check runs a command (no port). */
  public get _isExec(): boolean {
    return this.handler.exec !== undefined;
  }

  /** @internal */
  public _render(
    scope: Construct, what: string, defaultPort: number,
    defaults: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number },
  ): any {
    if (this.handler.exec) {
      const command = this.handler.exec.command;
      if (!Array.isArray(command) || command.length === 0 || command.some((c: unknown) => typeof c !== 'string' || c === '')) {
        fail(scope, `${what} command ${show(command)} is empty`, 'give the command and its arguments, e.g. ["/app/healthcheck", "--liveness"]');
      }
      if (this.options.port !== undefined) fail(scope, `${what} is a command but sets port ${show(this.options.port)}`, 'remove `port`: an exec probe runs inside the container');
    }
    const port = this.handler.exec ? 0 : validatePort(scope, `${what} port`, this.options.port ?? defaultPort);
    if (this.handler.httpGet && !String(this.handler.httpGet.path).startsWith('/')) {
      fail(scope, `${what} path ${show(this.handler.httpGet.path)} is not absolute`, 'give an absolute path such as "/healthz"');
    }
    const threshold = this.options.failureThreshold ?? defaults.failureThreshold;
    if (!Number.isInteger(threshold) || threshold < 1) fail(scope, `${what} failureThreshold ${show(threshold)} is below 1`, 'use a whole number of at least 1');
    const handler = this.handler.exec ? { exec: { command: [...this.handler.exec.command] } }
      : this.handler.httpGet ? { httpGet: { ...this.handler.httpGet, port } }
        : this.handler.grpc ? { grpc: { port } } : { tcpSocket: { port } };
    return {
      ...handler,
      initialDelaySeconds: this.options.initialDelay?.toSeconds() ?? defaults.initialDelaySeconds,
      periodSeconds: this.options.period?.toSeconds() ?? defaults.periodSeconds,
      timeoutSeconds: this.options.timeout?.toSeconds() ?? 2,
      failureThreshold: threshold,
    };
  }
}

/** Options of a health check. */
export interface HealthCheckOptions {
  /**
   * The container port probed (not for `HealthCheck.exec`).
   * @default - the first service port
   */
  readonly port?: number;
  /**
   * Delay before the first probe.
   * @default - 0s for readiness, 10s for liveness
   */
  readonly initialDelay?: Duration;
  /**
   * How often to probe.
   * @default - 5s for readiness, 15s for liveness
   */
  readonly period?: Duration;
  /**
   * Probe timeout.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the probe fails.
   * @default - 3 for readiness, 4 for liveness
   */
  readonly failureThreshold?: number;
}

/** Requests and limits of the main container. Limits must not be below requests. */
export interface ResourceOptions {
  /** CPU request. @default "100m" */
  readonly cpuRequest?: string;
  /** CPU limit. @default "500m" */
  readonly cpuLimit?: string;
  /** Memory request. @default "128Mi" */
  readonly memoryRequest?: string;
  /** Memory limit. @default "256Mi" */
  readonly memoryLimit?: string;
  /** Ephemeral-storage request. @default "64Mi" */
  readonly ephemeralStorageRequest?: string;
  /** Ephemeral-storage limit. @default "1Gi" */
  readonly ephemeralStorageLimit?: string;
}

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

/**
 * An identity that may call an MtlsService: another MtlsService, or a bare identity such as an
 * ingress gateway (`Caller.identity(...)`).
 */
export interface ICaller {
  /** The caller's namespace. */
  readonly callerNamespace: string;
  /** The caller's ServiceAccount. */
  readonly callerServiceAccount: string;
  /**
   * Labels that select the caller's pods, for NetworkPolicies.
   * @default - every pod of the caller's namespace
   */
  readonly callerPodLabels?: { [key: string]: string };
  /**
   * The mesh of the caller's namespace, when known (a caller must be in the same mesh).
   * @default - unknown: not checked
   */
  readonly callerMeshType?: MeshType;
}

/** A bare caller identity. */
export interface CallerIdentityOptions {
  /** The caller's namespace. */
  readonly namespace: string;
  /** The caller's ServiceAccount. */
  readonly serviceAccount: string;
  /**
   * Labels that select the caller's pods (e.g. `{ istio: 'ingressgateway' }`).
   * @default - every pod of the caller's namespace may connect at the network layer; the mesh
   * identity still restricts it to the ServiceAccount
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The caller's mesh, when known.
   * @default - not checked
   */
  readonly mesh?: MeshType;
}

/** Factories for callers that are not MtlsServices. */
export class Caller {
  /** A bare identity: namespace + ServiceAccount (e.g. an ingress gateway). */
  public static identity(options: CallerIdentityOptions): ICaller {
    return {
      callerNamespace: options.namespace,
      callerServiceAccount: options.serviceAccount,
      callerPodLabels: options.podLabels,
      callerMeshType: options.mesh,
    };
  }

  private constructor() {}
}

/**
 * Metrics scraping of a workload (MtlsService, SecureWorker, SecureJob, SecureCronJob) by
 * Prometheus (prometheus-operator), through the mesh.
 */
export interface MetricsOptions {
  /** The container port that serves metrics (not one of the service ports), named `metrics`. */
  readonly port: number;
  /**
   * The metrics path.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Prometheus' identity: admitted on the metrics port only, by the NetworkPolicy and the mesh.
   * @default - kube-prometheus: ServiceAccount `prometheus-k8s` in namespace `monitoring`, pods
   * labelled `app.kubernetes.io/name: prometheus`
   */
  readonly scraper?: ICaller;
}

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
   * The workload's identity.
   * @default - a new LeastPrivilegeServiceAccount named like the service, with no API access
   */
  readonly serviceAccount?: LeastPrivilegeServiceAccount;
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
  public readonly serviceAccount: LeastPrivilegeServiceAccount;
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
  private readonly servicePorts: Array<{ name: string; port: number; targetPort: number; appProtocol: string }>;
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
      ports = this.validatePorts(props);
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
    this.servicePorts = this.ports.map((p, i) => ({
      name: p.name,
      port: (props.ports?.[i]?.servicePort !== undefined ? validatePort(this, `ports[${i}].servicePort`, props.ports[i].servicePort!) : p.containerPort),
      targetPort: p.containerPort,
      appProtocol: p.appProtocol,
    }));
    this.serviceAccount = core.serviceAccount;
    const meshResult = core.meshResult;
    this.onFirstCaller = meshResult.onFirstCaller;
    const labels = core.labels;

    // Pod
    const firstPort = this.ports[0].containerPort;
    const container = core.container(props, {
      ports: [
        ...this.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
        ...(this.metrics ? [this.metrics.containerPort] : []),
      ],
      probes: {
        readinessProbe: (props.readiness ?? HealthCheck.tcp())._render(this, 'readiness probe', firstPort, { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 3 }),
        livenessProbe: (props.liveness ?? HealthCheck.tcp())._render(this, 'liveness probe', firstPort, { initialDelaySeconds: 10, periodSeconds: 15, failureThreshold: 4 }),
      },
    });
    if (JSON.stringify(container.readinessProbe) === JSON.stringify(container.livenessProbe)) {
      fail(this, 'the readiness and liveness probes are identical', 'make them differ (e.g. a /ready and a /healthz path, or different timings): a failing identical liveness probe restarts pods that are merely busy');
    }
    const kind = props.workloadKind ?? WorkloadKind.DEPLOYMENT;
    this.workload = new ApiObject(this, kind, {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace: ns.name, labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        ...(kind === WorkloadKind.DEPLOYMENT
          ? { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }
          : { serviceName: name, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } }),
        template: core.podTemplate(props, container, { tail: spreadAndAntiAffinity(this.selectorLabels) }),
      },
    });
    core.harden(this.workload, props);

    // Service
    const exposure = props.exposure ?? ServiceExposure.clusterIp();
    const serviceAnnotations: Record<string, string> = {};
    if (exposure.type !== 'ClusterIP') {
      serviceAnnotations[acknowledgementAnnotation(RuleIds.SVC_EXPOSED)] = validateReason(this, `a ${exposure.type} Service`, exposure.reason);
    }
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns.name, labels, ...(Object.keys(serviceAnnotations).length ? { annotations: serviceAnnotations } : {}) },
      spec: {
        type: exposure.type,
        selector: this.selectorLabels,
        ports: [
          ...this.servicePorts,
          ...(this.metrics ? [this.metrics.servicePort] : []),
        ].map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP', appProtocol: p.appProtocol })),
        ...(exposure.sourceRanges ? { loadBalancerSourceRanges: exposure.sourceRanges } : {}),
      },
    });

    // PodDisruptionBudget
    this.podDisruptionBudget = new ApiObject(this, 'PodDisruptionBudget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns.name, labels },
      spec: {
        ...(replicas > 1 ? { maxUnavailable: 1 } : { minAvailable: 0 }),
        selector: { matchLabels: this.selectorLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

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

  private validatePorts(props: MtlsServiceProps): WorkloadPort[] {
    if (props.port !== undefined && props.ports !== undefined) {
      fail(this, 'both port and ports are set', 'use `port` for a single port or `ports` for several, not both');
    }
    const specs: ServicePortOptions[] = props.ports ?? (props.port !== undefined ? [{ port: props.port }] : []);
    if (specs.length === 0) fail(this, 'no port is set', 'give the container port with `port: 8080` (or `ports`)');
    const protocolCount = new Map<string, number>();
    for (const s of specs) protocolCount.set(s.appProtocol ?? AppProtocol.HTTP, (protocolCount.get(s.appProtocol ?? AppProtocol.HTTP) ?? 0) + 1);
    const seenPorts = new Set<number>();
    const seenNames = new Set<string>();
    const seenServicePorts = new Set<number>();
    return specs.map((s, i) => {
      const port = validatePort(this, `ports[${i}].port`, s.port);
      if (seenPorts.has(port)) fail(this, `port ${show(port)} is declared twice`, 'declare each container port once');
      seenPorts.add(port);
      const servicePort = s.servicePort ?? port;
      if (seenServicePorts.has(servicePort)) fail(this, `service port ${show(servicePort)} is declared twice`, 'give each port its own servicePort');
      seenServicePorts.add(servicePort);
      const appProtocol = s.appProtocol ?? AppProtocol.HTTP;
      const name = s.name ?? ((protocolCount.get(appProtocol) ?? 0) > 1 ? `${appProtocol}-${port}` : appProtocol);
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15 || !/[a-z]/.test(name)) {
        fail(this, `port name ${show(name)} is not a valid port name`, 'use at most 15 lowercase letters, digits and "-", with at least one letter');
      }
      if (seenNames.has(name)) fail(this, `port name ${show(name)} is used twice`, 'give each port its own name');
      seenNames.add(name);
      return { name, containerPort: port, appProtocol };
    });
  }
}
