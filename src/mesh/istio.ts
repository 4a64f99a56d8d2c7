import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { registerExternalHost } from './istio-external';
import { namespaceEgressSidecar, registerExternalAddresses } from './istio-namespace-egress';
import { ExternalAddresses, ExternalEgressContext, ExternalHost, GatewayMeshContext, MeshImplementation, NamespaceMeshContext, PodLifecycle, WorkloadMeshContext, WorkloadMeshResult } from './types';
import { acknowledgementAnnotation, RuleIds } from '../private/acknowledge';
import { EgressRuleJson, IngressRuleJson, PortJson, podsPeer } from '../private/json';
import { lazy } from '../private/lazy';
import { referenceNamespace } from '../private/namespace-references';
import { fail, show, validateDnsLabel } from '../private/validation';

/** Settings of the Istio implementation. */
export interface IstioSettings {
  readonly revision?: string;
  readonly ambient: boolean;
  readonly trustDomain: string;
  readonly controlPlaneNamespace: string;
}

/**
 * Istio ≥ 1.22 (security.istio.io/v1 and networking.istio.io/v1), sidecar or ambient.
 *
 * Ports (istio.io "Ports used by Istio", docs/ops/deployment/application-requirements):
 * - 15012/TCP on istiod: xDS and CA over mTLS. Sidecars (istio-proxy) connect to it, so every pod
 *   of a sidecar namespace needs egress to istiod:15012.
 * - 15008/TCP: HBONE mTLS tunnel. In ambient mode ztunnel delivers meshed traffic to the
 *   destination pod on 15008, so callers need it next to the service ports.
 * - In ambient mode kubelet health probes are SNATed to 169.254.7.127 (istio.io "Ambient and
 *   Kubernetes NetworkPolicy"), which must be allowed to reach the pods.
 */
export class IstioMesh implements MeshImplementation {
  public readonly providesMtls = true;

  constructor(private readonly settings: IstioSettings) {}

  /**
   * Sidecar mode names hosts (the Sidecar resource's outbound policy); ambient mode does not:
   * Sidecar resources do not apply to ztunnel, which passes traffic to unknown destinations
   * through (istio.io "Sidecar" reference: workloads in ambient mode are not configured by it).
   */
  public get restrictsEgressByHost(): boolean {
    return !this.settings.ambient;
  }

  /** Sidecar mode: the sidecar takes the workload's HTTP and opens TLS (ServiceEntry targetPort + DestinationRule). */
  public get originatesTls(): boolean {
    return !this.settings.ambient;
  }

  public get displayName(): string {
    return this.settings.ambient ? 'Istio (ambient)' : `Istio (sidecar${this.settings.revision ? `, revision ${this.settings.revision}` : ''})`;
  }

  public validate(scope: IConstruct): void {
    if (this.settings.revision !== undefined && this.settings.ambient) {
      fail(scope, `Mesh.istio() was given both revision ${show(this.settings.revision)} and ambient: true`,
        'choose one: a revision label (istio.io/rev) selects a sidecar control plane, ambient mode (istio.io/dataplane-mode) does not use sidecars');
    }
    if (this.settings.revision !== undefined) validateDnsLabel(scope, 'Istio revision', this.settings.revision);
    validateDnsLabel(scope, 'Istio control plane namespace', this.settings.controlPlaneNamespace);
    referenceNamespace(scope, this.settings.controlPlaneNamespace, 'Istio control plane namespace');
    if (!/^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/.test(this.settings.trustDomain)) {
      fail(scope, `Istio trust domain ${show(this.settings.trustDomain)} is not a valid domain`, 'use the mesh trust domain, e.g. "cluster.local"');
    }
  }

  public namespaceLabels(): Record<string, string> {
    if (this.settings.ambient) return { 'istio.io/dataplane-mode': 'ambient' };
    if (this.settings.revision !== undefined) return { 'istio.io/rev': this.settings.revision };
    return { 'istio-injection': 'enabled' };
  }

  public namespaceAnnotations(): Record<string, string> {
    return {};
  }

  public enrolNamespace(ctx: NamespaceMeshContext): void {
    new ApiObject(ctx.scope, 'PeerAuthentication', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ctx.namespace },
      spec: { mtls: { mode: 'STRICT' } },
    });
    // An ALLOW-less, rule-less policy (`spec: {}`) denies every request in the namespace: only
    // callers that a workload's own AuthorizationPolicy names get in.
    new ApiObject(ctx.scope, 'DenyAll', {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-all', namespace: ctx.namespace },
      spec: {},
    });
    // Sidecar mode: egress outside the cluster is default-deny in the mesh too (REGISTRY_ONLY).
    if (!this.settings.ambient) namespaceEgressSidecar(ctx);
  }

  /**
   * Sidecar mode: a ServiceEntry per address-only destination, seen by the namespace-wide
   * REGISTRY_ONLY Sidecar (see istio-namespace-egress.ts). Ambient mode: nothing (ztunnel passes
   * such traffic through; the NetworkPolicies hold it).
   */
  public allowExternalAddresses(ctx: NamespaceMeshContext, addresses: ExternalAddresses): void {
    if (!this.settings.ambient) registerExternalAddresses(ctx, addresses, ctx.scope);
  }

  public controlPlaneEgress(): EgressRuleJson[] {
    if (this.settings.ambient) return [];
    return [{
      to: [podsPeer(this.settings.controlPlaneNamespace, { app: 'istiod' })],
      ports: [{ protocol: 'TCP', port: 15012 }],
    }];
  }

  public dataPlaneIngress(): IngressRuleJson[] {
    if (!this.settings.ambient) return [];
    return [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] }];
  }

  public inboundPorts(): PortJson[] {
    return this.settings.ambient ? [{ protocol: 'TCP', port: 15008 }] : [];
  }

  /**
   * Sidecar mode: run-to-completion pods get `sidecar.istio.io/nativeSidecar: "true"` (Istio ≥ 1.24;
   * it takes precedence over istiod's `ENABLE_NATIVE_SIDECARS`), so istio-proxy is injected as a
   * native sidecar (an init container with `restartPolicy: Always`, Kubernetes ≥ 1.29) that stops
   * when the Job's container exits. Ambient mode has no sidecar.
   */
  public lifecycleAnnotations(lifecycle: PodLifecycle): Record<string, string> {
    if (this.settings.ambient || lifecycle !== PodLifecycle.RUN_TO_COMPLETION) return {};
    return { 'sidecar.istio.io/nativeSidecar': 'true' };
  }

  /**
   * Sidecar mode: `traffic.sidecar.istio.io/excludeOutboundIPRanges` (istio.io "Resource
   * Annotations": "A comma separated list of IP ranges in CIDR form to be excluded from
   * redirection"), so istio-proxy neither swallows nor delays the credential requests (an
   * outbound policy of REGISTRY_ONLY would otherwise refuse them, and requests made before the
   * proxy is ready would fail). Ambient mode has no sidecar to exclude from: ztunnel captures mesh
   * traffic and passes other destinations through from the pod's own address.
   */
  public identityEndpointAnnotations(cidrs: string[]): Record<string, string> {
    if (this.settings.ambient || cidrs.length === 0) return {};
    return { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrs.join(',') };
  }

  public secureWorkload(ctx: WorkloadMeshContext): WorkloadMeshResult {
    // A workload nobody calls, and nobody scrapes, needs no policy of its own: the namespace's
    // STRICT PeerAuthentication and deny-all AuthorizationPolicy cover its pods.
    if (ctx.groups.length === 0) return { podAnnotations: {}, volumes: [], scrapeEndpoint: {} };
    const selector = { matchLabels: ctx.selectorLabels };
    new ApiObject(ctx.scope, 'PeerAuthentication', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: ctx.name, namespace: ctx.namespace },
      spec: { selector, mtls: { mode: 'STRICT' } },
    });
    if (ctx.serving) {
      new ApiObject(ctx.scope, 'DestinationRule', {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: ctx.name, namespace: ctx.namespace },
        spec: {
          host: `${ctx.name}.${ctx.namespace}.svc.${ctx.clusterDomain}`,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        },
      });
    }
    const trustDomain = this.settings.trustDomain;
    new ApiObject(ctx.scope, 'AuthorizationPolicy', {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: ctx.name, namespace: ctx.namespace },
      spec: {
        selector,
        action: 'ALLOW',
        // No callers: an ALLOW policy without rules matches nothing, so nobody gets in.
        rules: lazy(() => {
          const rules = ctx.groups
            .map((g) => ({ callers: g.callers(), ports: [...new Set(g.ports.map((p) => p.containerPort))].sort((a, b) => a - b).map(String) }))
            .filter((g) => g.callers.length > 0)
            .map((g) => ({
              from: [{ source: { principals: g.callers.map((c) => `${trustDomain}/ns/${c.namespace}/sa/${c.serviceAccount}`) } }],
              to: [{ operation: { ports: g.ports } }],
            }));
          return rules.length > 0 ? rules : undefined;
        }),
      },
    });
    return {
      podAnnotations: {},
      volumes: [],
      // Istio's documented way to scrape under STRICT mTLS: Prometheus runs an istio-proxy
      // sidecar that only writes its workload certificate to /etc/prom-certs (istio.io
      // "Prometheus" integration, "TLS settings"); the scraper's identity must be admitted on the
      // metrics port, which the AuthorizationPolicy's `metrics` rule does.
      scrapeEndpoint: {
        scheme: 'https',
        tlsConfig: {
          caFile: '/etc/prom-certs/root-cert.pem',
          certFile: '/etc/prom-certs/cert-chain.pem',
          keyFile: '/etc/prom-certs/key.pem',
          insecureSkipVerify: true,
        },
      },
    };
  }

  /**
   * Ambient mode: nothing (see `restrictsEgressByHost`). Sidecar mode (networking.istio.io/v1,
   * istio.io "ServiceEntry" and "Sidecar" references):
   * - one `ServiceEntry` per host in the namespace (`location: MESH_EXTERNAL`, `resolution: DNS`,
   *   a `TLS` port per declared port: the sidecar routes the workload's own TLS by the SNI of its
   *   ClientHello and passes it through), exported to the namespace only (`exportTo: ["."]`);
   *   where the mesh originates TLS, an `HTTP` port (the workload's `appPort`) with `targetPort` the
   *   TLS port, and a `DestinationRule` that opens TLS there (`SIMPLE`, SNI and SAN the host);
   * - one `Sidecar` per calling workload (`workloadSelector`), with `outboundTrafficPolicy:
   *   REGISTRY_ONLY` (the proxy drops what the registry does not know instead of passing it
   *   through, Istio's ALLOW_ANY default) and egress hosts limited to the cluster's Services
   *   (hosts `*.svc.<clusterDomain>` of every namespace) and the workload's own external hosts (`./<host>`), so that
   *   one workload's external host is not another's.
   */
  public allowExternalHost(ctx: ExternalEgressContext, host: ExternalHost): void {
    if (this.settings.ambient) return;
    registerExternalHost(ctx, host);
    if (ctx.scope.node.tryFindChild('Sidecar')) return;
    new ApiObject(ctx.scope, 'Sidecar', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: ctx.name, namespace: ctx.namespace },
      spec: {
        workloadSelector: { labels: { ...ctx.selectorLabels } },
        egress: [{ hosts: lazy(() => [`*/*.svc.${ctx.clusterDomain}`, ...[...new Set(ctx.hosts().map((h) => h.host))].sort().map((h) => `./${h}`)]) }],
        outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      },
    });
  }

  public admitGatewayClients(ctx: GatewayMeshContext): void {
    admitGatewayClients(ctx);
  }
}

/**
 * Istio applies a namespace's AuthorizationPolicies to the gateway proxies that run in it, so the
 * namespace's deny-all refuses the gateway's clients too. This ALLOW policy admits any client (the
 * internet has no mesh identity) to the gateway's pods, on the listener ports only; PeerAuthentication
 * does not apply there (the gateway terminates the clients' TLS itself). Acknowledged on the policy.
 */
function admitGatewayClients(ctx: GatewayMeshContext): void {
  new ApiObject(ctx.scope, 'GatewayAuthorizationPolicy', {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: ctx.name, namespace: ctx.namespace, annotations: { [acknowledgementAnnotation(RuleIds.MESH_ISTIO_AUTHZ_OPEN)]: ctx.reason } },
    spec: {
      selector: { matchLabels: { ...ctx.podLabels } },
      action: 'ALLOW',
      rules: [{ to: [{ operation: { ports: ctx.ports.map(String) } }] }],
    },
  });
}
