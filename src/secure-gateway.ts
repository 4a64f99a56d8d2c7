import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ICaller } from './caller';
import type { CertificateIssuer } from './certificate-options';
import { MeshType } from './mesh';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { registerAppChecks } from './private/app-checks';
import { CertificateIssuance, certificateSpec, validateIssuance } from './private/certificate';
import { isWildcardHostname, validateHostname } from './private/gateway-hostname';
import { gatewayNetworkPolicy, HTTP_LISTENER, importGateway, ListenerState, redirectRoute, renderListener } from './private/gateway-objects';
import { GATEWAY_NAME_LABEL, registerOwnedGateway } from './private/gateway-owned';
import { EgressRuleJson, PortJson, podsPeer } from './private/json';
import { fail, show, validateDnsLabel, validateDnsSubdomain, validateReason } from './private/validation';
import { SecureNamespace } from './secure-namespace';

/** What a SecureGateway does on port 80 (plain HTTP). */
export class HttpListener {
  /**
   * An HTTP listener on port 80 whose only route answers every request with a 301 redirect to
   * HTTPS (`RequestRedirect`, scheme https). The default.
   */
  public static redirectToHttps(): HttpListener {
    return new HttpListener('redirect');
  }

  /** No listener on port 80: clients that type `http://` get no answer. */
  public static none(): HttpListener {
    return new HttpListener('none');
  }

  /**
   * An HTTP listener on port 80 that routes may attach to, serving plain HTTP. Needs a reason,
   * recorded on the Gateway as the acknowledgement of the audit's plain-HTTP rule.
   */
  public static serve(reason: string): HttpListener {
    return new HttpListener('serve', reason);
  }

  private constructor(
    /** `redirect`, `none` or `serve`. */
    public readonly mode: string,
    /** Why plain HTTP is served. */
    public readonly reason?: string,
  ) {}
}

/** An HTTPS listener of a SecureGateway. */
export interface HttpsListenerOptions {
  /**
   * The host name the listener serves and its certificate names (lowercase, fully qualified).
   * A wildcard `*.example.com` needs `wildcardReason`; `*` is never accepted.
   */
  readonly hostname: string;
  /**
   * The listener name (routes name it as `sectionName`).
   * @default - "https-" and the hostname with "." as "-" ("*" as "wildcard")
   */
  readonly name?: string;
  /**
   * Why a wildcard hostname is needed, recorded on the Gateway as the acknowledgement of the
   * audit's hostname rule.
   * @default - wildcard hostnames are refused
   */
  readonly wildcardReason?: string;
}

/** The cert-manager certificates of a SecureGateway's HTTPS listeners. */
export interface GatewayCertificateOptions {
  /** The issuer (e.g. an ACME ClusterIssuer). Required: there is no safe default CA. */
  readonly issuer: CertificateIssuer;
  /**
   * Certificate lifetime requested (an ACME CA such as Let's Encrypt decides it itself).
   * @default Duration.days(90)
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews (a new key each time).
   * @default Duration.days(30)
   */
  readonly renewBefore?: Duration;
}

/** Props of a SecureGateway. */
export interface SecureGatewayProps {
  /**
   * The Gateway name (a DNS-1123 label; with the class it names the pods' Deployment and
   * ServiceAccount, `<name>-<class>`, which must fit in 63 characters).
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /** The GatewayClass (e.g. "istio"). Required: it selects the implementation that runs the gateway. */
  readonly gatewayClassName: string;
  /** The HTTPS listeners (port 443), one per host name, each with its own certificate. */
  readonly listeners: HttpsListenerOptions[];
  /** Where the listeners' certificates come from. */
  readonly certificate: GatewayCertificateOptions;
  /**
   * Port 80.
   * @default HttpListener.redirectToHttps()
   */
  readonly http?: HttpListener;
}

/** A listener of a Gateway, as routes attach to it. */
export interface GatewayListener {
  /** The listener name (`sectionName`). */
  readonly name: string;
  /**
   * The host name it serves.
   * @default - every host name
   */
  readonly hostname?: string;
  /**
   * The port.
   * @default 443
   */
  readonly port?: number;
}

/** A Gateway API gateway services can be exposed through (`MtlsService.exposeVia`). */
export interface ISecureGateway extends ICaller {
  /** The Gateway's name. */
  readonly gatewayName: string;
  /** The Gateway's namespace. */
  readonly gatewayNamespace: string;
  /** The HTTPS listeners routes attach to. */
  readonly httpsListeners: GatewayListener[];
}

/** A shared gateway another team runs, in another namespace. */
export interface SecureGatewayImportOptions {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace (declare it with `ExternalNamespaces` unless it is well known). */
  readonly namespace: string;
  /**
   * The ServiceAccount of the gateway's pods: the identity the mesh admits.
   * @default - "<name>-<gatewayClassName>", the account of Istio's automated deployment
   */
  readonly serviceAccount?: string;
  /**
   * The GatewayClass, for the default ServiceAccount.
   * @default "istio"
   */
  readonly gatewayClassName?: string;
  /**
   * Labels that select the gateway's pods, for NetworkPolicies.
   * @default - `gateway.networking.k8s.io/gateway-name: <name>`
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * The HTTPS listeners routes may attach to. Their owner must let the services' namespaces attach
   * (`allowedRoutes.namespaces`).
   * @default - one listener named "https" on port 443 for every host name
   */
  readonly httpsListeners?: GatewayListener[];
  /**
   * The mesh of the gateway's namespace, when known (checked against the services').
   * @default - not checked
   */
  readonly mesh?: MeshType;
}

/** How `MtlsService.exposeVia` routes requests from a gateway to the service. */
export interface ExposeViaOptions {
  /** The host name clients use (exact: no wildcard); a listener of the gateway must serve it. */
  readonly hostname: string;
  /**
   * The path prefix routed to the service (HTTPRoute only).
   * @default "/"
   */
  readonly path?: string;
  /**
   * Route gRPC (a `GRPCRoute`) instead of HTTP (an `HTTPRoute`).
   * @default - true when the port's appProtocol is gRPC
   */
  readonly grpc?: boolean;
  /**
   * The Service port the gateway sends requests to.
   * @default - the first service port
   */
  readonly port?: number;
  /**
   * The listener the route attaches to (`sectionName`).
   * @default - the HTTPS listener that serves the hostname (an exact one before a wildcard)
   */
  readonly listener?: string;
}

const DEFAULT_DURATION = Duration.days(90);
const DEFAULT_RENEW_BEFORE = Duration.days(30);
const HTTPS_PORT = 443;

/**
 * An internet-facing Gateway (`gateway.networking.k8s.io/v1`) that the app deploys into a
 * SecureNamespace: HTTPS-only listeners, each with a cert-manager Certificate (ECDSA P-256, a new
 * key on every renewal), port 80 answering with a 301 redirect to HTTPS, and validated host
 * names. The pods the implementation starts for it (Istio's automated deployment: Deployment and
 * ServiceAccount `<name>-<class>`, pods labelled `gateway.networking.k8s.io/gateway-name`) get a
 * NetworkPolicy of their own — the internet in on the listener ports, out only to the services
 * exposed through it — and the mesh policy that admits internet clients on the listener ports.
 * Services are exposed with `service.exposeVia(gateway, { hostname, path })`.
 *
 * In a namespace enforcing Pod Security "restricted", Istio's gateway pods are admitted only with
 * a seccomp profile: set the istiod Helm value `gateways.seccompProfile: { type: RuntimeDefault }`.
 *
 * @example
 * const gateway = new SecureGateway(ns, 'edge', {
 *   gatewayClassName: 'istio',
 *   listeners: [{ hostname: 'shop.example.com' }],
 *   certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt') },
 * });
 * frontend.exposeVia(gateway, { hostname: 'shop.example.com', path: '/' });
 */
export class SecureGateway extends Construct implements ISecureGateway {
  /**
   * A shared gateway in another namespace, run by another team. `exposeVia` creates the route in
   * the service's namespace and admits the gateway's pods; the gateway's owner must let that
   * namespace's routes attach to the listener (`allowedRoutes.namespaces`) and open the gateway's
   * egress to the service.
   */
  public static fromGatewayName(scope: Construct, id: string, options: SecureGatewayImportOptions): ISecureGateway {
    return importGateway(new Construct(scope, id), options);
  }

  /** The Gateway's name. */
  public readonly gatewayName: string;
  /** The Gateway's namespace. */
  public readonly gatewayNamespace: string;
  /** The GatewayClass. */
  public readonly gatewayClassName: string;
  /** The Gateway object. */
  public readonly gateway: ApiObject;
  /** The NetworkPolicy of the gateway's pods. */
  public readonly networkPolicy: ApiObject;
  /** The cert-manager Certificates, one per HTTPS listener. */
  public readonly certificates: ApiObject[] = [];
  /** The HTTPRoute that redirects port 80 to HTTPS, with `HttpListener.redirectToHttps()`. */
  public readonly redirectRoute?: ApiObject;
  /** The labels of the gateway's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The ServiceAccount of the gateway's pods (`<name>-<class>`). */
  public readonly serviceAccountName: string;

  private readonly listenerStates: ListenerState[];
  private readonly egress = new Map<string, EgressRuleJson>();
  private readonly meshType: MeshType;

  constructor(scope: Construct, id: string, props: SecureGatewayProps) {
    super(scope, id);
    registerAppChecks(this);
    const ns = SecureNamespace.of(this);
    const name = props.name ?? id.toLowerCase();
    validateDnsLabel(this, 'name', name);
    if (typeof props.gatewayClassName !== 'string' || props.gatewayClassName === '') {
      fail(this, 'gatewayClassName is not set', 'name the GatewayClass of the implementation that runs the gateway, e.g. gatewayClassName: "istio"');
    }
    const className = validateDnsSubdomain(this, 'gatewayClassName', props.gatewayClassName);
    const deploymentName = `${name}-${className}`;
    if (deploymentName.length > 63) {
      fail(this, `name ${show(name)} and gatewayClassName ${show(className)} make the pods' Deployment and ServiceAccount name ${show(deploymentName)}, longer than 63 characters`, 'shorten the name');
    }
    this.gatewayName = name;
    this.gatewayNamespace = ns.name;
    this.gatewayClassName = className;
    this.meshType = ns.mesh.type;
    this.podLabels = { [GATEWAY_NAME_LABEL]: name };
    this.serviceAccountName = deploymentName;

    const http = props.http ?? HttpListener.redirectToHttps();
    if (!['redirect', 'none', 'serve'].includes(http.mode)) fail(this, `http mode ${show(http.mode)} is not known`, 'use HttpListener.redirectToHttps(), HttpListener.none() or HttpListener.serve(reason)');
    const httpReason = http.mode === 'serve' ? validateReason(this, 'a plain-HTTP listener (HttpListener.serve)', http.reason) : undefined;
    const issuance = validateIssuance(this, 'certificate', props.certificate ?? {}, { duration: DEFAULT_DURATION, renewBefore: DEFAULT_RENEW_BEFORE });
    this.listenerStates = this.validateListeners(props.listeners);

    const annotations: Record<string, string> = {};
    if (httpReason) annotations[acknowledgementAnnotation(RuleIds.NET_GATEWAY_PLAIN_HTTP)] = httpReason;
    const wildcards = this.listenerStates.filter((l) => l.wildcardReason !== undefined);
    if (wildcards.length > 0) {
      annotations[acknowledgementAnnotation(RuleIds.NET_ROUTE_HOSTNAME)] = wildcards.map((l) => `${l.hostname}: ${l.wildcardReason}`).join('; ');
    }
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' };

    for (const l of this.listenerStates) this.certificates.push(this.certificate(l, issuance, labels));
    this.gateway = new ApiObject(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name, namespace: ns.name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        gatewayClassName: className,
        listeners: [
          ...this.listenerStates.map((l) => renderListener(l, ns.name)),
          ...(http.mode === 'none' ? [] : [HTTP_LISTENER]),
        ],
      },
    });
    if (http.mode === 'redirect') {
      const hostnames = [...new Set(this.listenerStates.map((l) => l.hostname))].sort();
      this.redirectRoute = redirectRoute(this, name, ns.name, labels, hostnames, annotations[acknowledgementAnnotation(RuleIds.NET_ROUTE_HOSTNAME)]);
    }

    const ports = [...new Set([HTTPS_PORT, ...(http.mode === 'none' ? [] : [HTTP_LISTENER.port])])].sort((a, b) => a - b);
    const served = `${this.listenerStates.map((l) => l.hostname).join(', ')}`;
    const reason = `gateway ${ns.name}/${name} serves ${served} to internet clients on port${ports.length > 1 ? 's' : ''} ${ports.join(' and ')} `
      + `(HTTPS with cert-manager certificates${http.mode === 'redirect' ? ', port 80 only redirects to HTTPS' : http.mode === 'serve' ? ', plain HTTP on port 80' : ''})`;
    this.networkPolicy = gatewayNetworkPolicy(this, `gateway-${name}`, ns.name, labels, this.podLabels, ports, reason, () => [...this.egress.keys()].sort().map((k) => this.egress.get(k)!));
    ns.mesh._impl.admitGatewayClients({ scope: this, name: `gateway-${name}`, namespace: ns.name, podLabels: this.podLabels, ports, reason });

    registerOwnedGateway(this, {
      namespace: ns.name,
      name,
      podLabels: this.podLabels,
      ports,
      admitRoute: (listener, namespace, kind) => {
        const state = this.listenerStates.find((l) => l.name === listener)!;
        state.routeNamespaces.add(namespace);
        state.routeKinds.add(kind);
      },
      addBackend: (namespace, backend, selectorLabels, backendPorts) => this.addBackend(namespace, backend, selectorLabels, backendPorts),
    });
  }

  /** The HTTPS listeners routes attach to. */
  public get httpsListeners(): GatewayListener[] {
    return this.listenerStates.map((l) => ({ name: l.name, hostname: l.hostname, port: HTTPS_PORT }));
  }

  /** ICaller: the namespace. */
  public get callerNamespace(): string {
    return this.gatewayNamespace;
  }

  /** ICaller: the ServiceAccount of the gateway's pods. */
  public get callerServiceAccount(): string {
    return this.serviceAccountName;
  }

  /** ICaller: the labels of the gateway's pods. */
  public get callerPodLabels(): { [key: string]: string } | undefined {
    return { ...this.podLabels };
  }

  /** ICaller: the mesh of the gateway's namespace. */
  public get callerMeshType(): MeshType | undefined {
    return this.meshType;
  }

  /** The host names the HTTPS listeners serve, sorted. */
  public get hostnames(): string[] {
    return [...new Set(this.listenerStates.map((l) => l.hostname))].sort();
  }

  private addBackend(namespace: string, backend: string, selectorLabels: Record<string, string>, ports: PortJson[]): void {
    const key = `${namespace}/${backend}`;
    if (!this.egress.has(key)) this.egress.set(key, { to: [podsPeer(namespace, selectorLabels)], ports });
  }

  private validateListeners(listeners: HttpsListenerOptions[]): ListenerState[] {
    if (!Array.isArray(listeners) || listeners.length === 0) {
      fail(this, 'listeners is empty', 'give at least one HTTPS listener: listeners: [{ hostname: "shop.example.com" }]');
    }
    const names = new Set<string>();
    const hostnames = new Set<string>();
    return listeners.map((l, i) => {
      const wildcardReason = l.wildcardReason !== undefined ? validateReason(this, `the wildcard hostname of listeners[${i}]`, l.wildcardReason) : undefined;
      const hostname = validateHostname(this, `listeners[${i}]`, l.hostname, wildcardReason !== undefined);
      if (wildcardReason !== undefined && !isWildcardHostname(hostname)) {
        fail(this, `listeners[${i}] gives a wildcardReason but hostname ${show(hostname)} is not a wildcard`, 'remove wildcardReason');
      }
      const name = l.name ?? `https-${hostname.replace(/^\*/, 'wildcard').replace(/\./g, '-')}`;
      validateDnsLabel(this, `listeners[${i}].name`, name);
      if (name === HTTP_LISTENER.name) fail(this, `listeners[${i}].name ${show(name)} is the name of the port-80 listener`, 'choose another name');
      if (names.has(name)) fail(this, `listener name ${show(name)} is used twice`, 'give each listener its own name');
      if (hostnames.has(hostname)) fail(this, `hostname ${show(hostname)} has two listeners`, 'declare each host name once: listeners with the same port and host name conflict');
      names.add(name);
      hostnames.add(hostname);
      return { name, hostname, wildcardReason, secretName: `${this.gatewayName}-${name}-tls`, routeNamespaces: new Set<string>(), routeKinds: new Set<string>() };
    });
  }

  private certificate(l: ListenerState, issuance: CertificateIssuance, labels: Record<string, string>): ApiObject {
    return new ApiObject(this, `Certificate-${l.name}`, {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `${this.gatewayName}-${l.name}`, namespace: this.gatewayNamespace, labels },
      // cert-manager accepts a wildcard dnsName (`*.example.com`); the Secret is the listener's.
      spec: certificateSpec(issuance, l.secretName, [l.hostname], ['server auth', 'digital signature']),
    });
  }
}
