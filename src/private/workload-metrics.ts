/**
 * Internal: metrics scraping of a workload by Prometheus (prometheus-operator) — the metrics port,
 * its mesh port group, the ServiceMonitor (and a headless Service for workloads without one) and
 * the scrapers admitted by the NetworkPolicy and the mesh.
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { callerIdentities, callerPeers } from './callers';
import { IngressRuleJson } from './json';
import { fail, goDuration, show, validatePort } from './validation';
import type { WorkloadCore } from './workload';
import type { ICaller, MetricsOptions } from '../caller';
import type { PortGroup, WorkloadPort } from '../mesh/types';

/** kube-prometheus' Prometheus, the default scraper (what `Caller.identity` would build). */
const DEFAULT_SCRAPER: ICaller = {
  callerNamespace: 'monitoring',
  callerServiceAccount: 'prometheus-k8s',
  callerPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  callerMeshType: undefined,
};

/**
 * Validates `metrics.port` against the ports callers use (`servicePorts`; none for a workload
 * nobody calls) and returns the `metrics` port. Runs in `preValidate`: the mesh needs the port.
 */
export function validateMetricsPort(scope: IConstruct, metrics: MetricsOptions, servicePorts: WorkloadPort[] = []): WorkloadPort {
  const port = validatePort(scope, 'metrics.port', metrics.port);
  if (servicePorts.some((p) => p.containerPort === port)) {
    fail(scope, `metrics.port ${show(port)} is also a service port`, 'serve metrics on a port of their own, so that only Prometheus is admitted to it');
  }
  if (servicePorts.some((p) => p.name === 'metrics')) fail(scope, 'a service port is named "metrics"', 'rename that port; "metrics" names the metrics port');
  return { name: 'metrics', containerPort: port, appProtocol: 'http' };
}

/**
 * Metrics scraping of a workload by Prometheus (prometheus-operator), the same for MtlsService,
 * SecureWorker, SecureJob and SecureCronJob: a `metrics` container port in a port group of its own,
 * so that the mesh admits only the scrapers to it (Istio: an AuthorizationPolicy rule for their
 * principals on that port; Linkerd: a Server with its own MeshTLSAuthentication); an ingress rule
 * of the workload's NetworkPolicy for the scrapers' pods on that port only; and a ServiceMonitor
 * whose endpoint scrapes through the mesh (`scrapeEndpoint`: Istio's mTLS certificate files,
 * plain HTTP to Linkerd's proxy or without a mesh).
 */
export class WorkloadMetrics {
  private readonly scrapers = new Map<string, ICaller>();

  constructor(private readonly scope: Construct, private readonly core: WorkloadCore, public readonly port: WorkloadPort) {}

  /** The mesh port group of the metrics port: only the declared scrapers may reach it. */
  public get group(): PortGroup {
    return { id: 'metrics', ports: [this.port], callers: () => callerIdentities(this.scrapers) };
  }

  /** The port of the main container. */
  public get containerPort(): { name: string; containerPort: number; protocol: string } {
    return { name: this.port.name, containerPort: this.port.containerPort, protocol: 'TCP' };
  }

  /** The Service port the ServiceMonitor's endpoint names. */
  public get servicePort(): { name: string; port: number; targetPort: number; appProtocol: string } {
    return { name: 'metrics', port: this.port.containerPort, targetPort: this.port.containerPort, appProtocol: 'http' };
  }

  /** The declared scrapers, sorted (namespace/serviceAccount). */
  public get declaredScrapers(): string[] {
    return callerIdentities(this.scrapers).map((c) => `${c.namespace}/${c.serviceAccount}`);
  }

  /**
   * A Service for a workload that has none (nobody calls it), only so that Prometheus finds the
   * pods: headless (`clusterIP: None`: no virtual IP that anything could call; prometheus-operator
   * discovers the pods through its EndpointSlices), with the metrics port only.
   *
   * Why not a PodMonitor, which needs no Service: under Istio STRICT mTLS Prometheus scrapes with
   * the workload certificate its istio-proxy sidecar writes as *files* (`/etc/prom-certs/`), and
   * only a ServiceMonitor endpoint's `tlsConfig` takes files (`caFile`, `certFile`, `keyFile`); a
   * PodMonitor's `podMetricsEndpoints[].tlsConfig` (monitoring.coreos.com/v1 `SafeTLSConfig`)
   * takes Secret and ConfigMap references only, and there is no Secret of Prometheus' mesh
   * certificate to refer to. One kind of monitor for every mesh keeps the workloads alike.
   */
  public createMetricsService(): ApiObject {
    const core = this.core;
    const p = this.servicePort;
    return new ApiObject(this.scope, 'MetricsService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: core.selectorLabels,
        ports: [{ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP', appProtocol: p.appProtocol }],
      },
    });
  }

  /**
   * The ServiceMonitor (selecting the workload's Service by its instance label, endpoint `metrics`
   * through the mesh), and the scraper of `options` (default: kube-prometheus) admitted. Call it
   * after the NetworkPolicy.
   */
  public createServiceMonitor(options: MetricsOptions): ApiObject {
    const scope = this.scope;
    const core = this.core;
    const path = options.path ?? '/metrics';
    if (!path.startsWith('/')) fail(scope, `metrics.path ${show(path)} is not absolute`, 'give an absolute path such as "/metrics"');
    const interval = options.interval ?? Duration.seconds(30);
    const intervalText = goDuration(interval);
    if (intervalText === undefined || interval.toSeconds() < 5) {
      fail(scope, `metrics.interval ${show(intervalText ?? `${interval.toMilliseconds()}ms`)} is shorter than 5s or not whole seconds`, 'scrape at most every 5 seconds, in whole seconds');
    }
    const serviceMonitor = new ApiObject(scope, 'ServiceMonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        selector: { matchLabels: core.selectorLabels },
        endpoints: [{ port: 'metrics', path, interval: intervalText, ...core.meshResult.scrapeEndpoint }],
      },
    });
    this.allowScraper(options.scraper ?? DEFAULT_SCRAPER);
    return serviceMonitor;
  }

  /** Admits a scraper to the metrics port only (NetworkPolicy and mesh); idempotent. */
  public allowScraper(scraper: ICaller): void {
    if (this.core.admit(this.scrapers, scraper) && this.scrapers.size === 1) this.core.meshResult.onFirstCaller?.('metrics');
  }

  /** The NetworkPolicy ingress rule of the scrapers: the metrics port (and the mesh's inbound ports). */
  public ingressRules(): IngressRuleJson[] {
    if (this.scrapers.size === 0) return [];
    return [{ from: callerPeers(this.scrapers), ports: [{ protocol: 'TCP', port: this.port.containerPort }, ...this.core.mesh._impl.inboundPorts()] }];
  }
}
