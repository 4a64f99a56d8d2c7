import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ExternalAddresses, ExternalEgressContext, ExternalHost, GatewayMeshContext, MeshImplementation, NamespaceMeshContext, PodLifecycle, WorkloadMeshContext, WorkloadMeshResult } from './types';
import { AuthorizationPolicy, Server } from '../imports/linkerd';
import { EgressRuleJson, IngressRuleJson, PortJson, podsPeer } from '../private/json';
import { lazy } from '../private/lazy';
import { referenceNamespace } from '../private/namespace-references';
import { fail, show, validateDnsLabel } from '../private/validation';

/** Settings of the Linkerd implementation. */
export interface LinkerdSettings {
  readonly defaultInboundPolicy: string;
  readonly controlPlaneNamespace: string;
}

/** Linkerd `proxyProtocol` of a Server, by Kubernetes appProtocol. */
const PROXY_PROTOCOL: Record<string, string> = {
  'http': 'HTTP/1',
  'http2': 'HTTP/2',
  'kubernetes.io/h2c': 'HTTP/2',
  'grpc': 'gRPC',
  'tcp': 'opaque',
  'tls': 'TLS',
  'https': 'TLS',
};

/**
 * Linkerd 2 with the policy.linkerd.io API (Server v1beta3, MeshTLSAuthentication and
 * AuthorizationPolicy v1alpha1).
 *
 * Ports (linkerd.io "Network Policy" common error, proxy configuration and control-plane
 * reference):
 * - 4143/TCP: the proxy's inbound port. Meshed traffic between pods always arrives on it, so a
 *   NetworkPolicy that blocks 4143 blocks all meshed traffic; callers need it next to the
 *   service ports.
 * - Control plane (namespace `linkerd`): identity on 8080/TCP (`linkerd-identity`), destination
 *   on 8086/TCP and the policy controller on 8090/TCP (both in the `linkerd-destination` pods).
 */
export class LinkerdMesh implements MeshImplementation {
  public readonly displayName = 'Linkerd';
  public readonly restrictsEgressByHost = false;
  public readonly originatesTls = false;
  public readonly providesMtls = true;

  constructor(private readonly settings: LinkerdSettings) {}

  public validate(scope: IConstruct): void {
    validateDnsLabel(scope, 'Linkerd control plane namespace', this.settings.controlPlaneNamespace);
    referenceNamespace(scope, this.settings.controlPlaneNamespace, 'Linkerd control plane namespace');
  }

  public namespaceLabels(): Record<string, string> {
    return {};
  }

  public namespaceAnnotations(): Record<string, string> {
    return {
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/default-inbound-policy': this.settings.defaultInboundPolicy,
    };
  }

  public enrolNamespace(_ctx: NamespaceMeshContext): void {
    // Linkerd has no namespace-wide policy object: the default inbound policy annotation above
    // denies what no Server + AuthorizationPolicy admits.
  }

  public controlPlaneEgress(): EgressRuleJson[] {
    const ns = this.settings.controlPlaneNamespace;
    return [
      {
        to: [podsPeer(ns, { 'linkerd.io/control-plane-component': 'identity' })],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      {
        to: [podsPeer(ns, { 'linkerd.io/control-plane-component': 'destination' })],
        ports: [{ protocol: 'TCP', port: 8086 }, { protocol: 'TCP', port: 8090 }],
      },
    ];
  }

  public dataPlaneIngress(): IngressRuleJson[] {
    return [];
  }

  public inboundPorts(): PortJson[] {
    return [{ protocol: 'TCP', port: 4143 }];
  }

  /**
   * Run-to-completion pods get the proxy as a Kubernetes native sidecar (Kubernetes ≥ 1.29), so it
   * stops when the Job's container exits: `config.beta.linkerd.io/proxy-enable-native-sidecar`
   * (the name since Linkerd 2.19) and `config.alpha.linkerd.io/proxy-enable-native-sidecar` (its
   * name from 2.15, deprecated by the beta one), both `"true"`, so every supported version reads one.
   */
  public lifecycleAnnotations(lifecycle: PodLifecycle): Record<string, string> {
    if (lifecycle !== PodLifecycle.RUN_TO_COMPLETION) return {};
    return {
      'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true',
      'config.beta.linkerd.io/proxy-enable-native-sidecar': 'true',
    };
  }

  /**
   * `config.linkerd.io/skip-subnets` (linkerd.io "Proxy Configuration": "Comma-separated list of
   * subnets in valid CIDR format that should be skipped by the proxy"): the proxy-init rules send
   * traffic to the identity endpoint past linkerd-proxy. Narrower than
   * `config.linkerd.io/skip-outbound-ports`, which would take port 80 (or 988) to every
   * destination out of the mesh.
   */
  public identityEndpointAnnotations(cidrs: string[]): Record<string, string> {
    return cidrs.length === 0 ? {} : { 'config.linkerd.io/skip-subnets': cidrs.join(',') };
  }

  public secureWorkload(ctx: WorkloadMeshContext): WorkloadMeshResult {
    for (const group of ctx.groups) {
      for (const port of group.ports) {
        new Server(ctx.scope, `Server-${port.name}`, {
          metadata: { name: `${ctx.name}-${port.name}`, namespace: ctx.namespace },
          spec: {
            podSelector: { matchLabels: ctx.selectorLabels },
            port: port.containerPort,
            proxyProtocol: PROXY_PROTOCOL[port.appProtocol] ?? 'unknown',
          },
        });
      }
    }
    // Until a group has a caller there is no authorization for its Servers: with a Server in place
    // and the namespace's default inbound policy `deny`, nobody gets in.
    const onFirstCaller = (groupId: string) => {
      const group = ctx.groups.find((g) => g.id === groupId)!;
      const authName = `${ctx.name}-${group.id}`;
      // A plain ApiObject: the typed L1 class cannot carry identityRefs that are filled in lazily.
      new ApiObject(ctx.scope, `MeshTLSAuthentication-${group.id}`, {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'MeshTLSAuthentication',
        metadata: { name: authName, namespace: ctx.namespace },
        spec: {
          identityRefs: lazy(() => group.callers().map((c) => ({ kind: 'ServiceAccount', name: c.serviceAccount, namespace: c.namespace }))),
        },
      });
      for (const port of group.ports) {
        const serverName = `${ctx.name}-${port.name}`;
        new AuthorizationPolicy(ctx.scope, `AuthorizationPolicy-${port.name}`, {
          metadata: { name: serverName, namespace: ctx.namespace },
          spec: {
            targetRef: { group: 'policy.linkerd.io', kind: 'Server', name: serverName },
            requiredAuthenticationRefs: [{ group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: authName }],
          },
        });
      }
    };
    // The proxy terminates mTLS for a meshed Prometheus (linkerd-viz): plain HTTP on the wire
    // from Prometheus' point of view.
    return { podAnnotations: { 'linkerd.io/inject': 'enabled' }, volumes: [], onFirstCaller, scrapeEndpoint: { scheme: 'http' } };
  }

  /**
   * Linkerd's outbound policy (linkerd.io "Egress": `EgressNetwork`, policy.linkerd.io, Linkerd
   * 2.18+) is not generated: the workload's NetworkPolicy, opened to the address ranges given, is
   * what holds its egress in.
   */
  public allowExternalHost(_ctx: ExternalEgressContext, _host: ExternalHost): void {}

  /** Nothing: the mesh does not restrict egress by destination; the NetworkPolicies do. */
  public allowExternalAddresses(_ctx: NamespaceMeshContext, _addresses: ExternalAddresses): void {}

  /**
   * Not generated: the gateway implementation's pods would be injected with linkerd-proxy, whose
   * inbound policy (the namespace's `deny`) refuses clients without a mesh identity, and admitting
   * the internet takes a NetworkAuthentication this library does not emit.
   */
  public admitGatewayClients(ctx: GatewayMeshContext): void {
    fail(ctx.scope, `a gateway cannot run in namespace ${show(ctx.namespace)}: Linkerd's default inbound policy there refuses clients without a mesh identity, which internet clients never have`,
      'deploy the gateway in a namespace with Mesh.istio() or Mesh.none(), or import a shared gateway with SecureGateway.fromGatewayName() and expose services through it');
  }
}
