import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ApiServerEndpoint } from './api-server';
import { Mesh } from './mesh';
import { ExternalAddresses, NamespaceMeshContext } from './mesh/types';
import { DeclaredNamespacePath, LimitRangeOptions, PodSecurityLevel, ResourceQuotaOptions } from './namespace-options';
import { DnsPolicy, NetworkPeer, NetworkPort } from './network';
import { NetworkEngine } from './network-engine';
import { registerAppChecks } from './private/app-checks';
import { EgressRuleJson, IngressRuleJson } from './private/json';
import { lazy } from './private/lazy';
import { createHumanAccess } from './private/namespace-human-access';
import { createNamespaceObject } from './private/namespace-object';
import { createQuotaAndLimits } from './private/namespace-quota';
import { fail, show, validateDnsLabel, validateDnsSubdomain, validateReason } from './private/validation';

/** Props of a SecureNamespace. */
export interface SecureNamespaceProps {
  /**
   * The namespace name: a DNS-1123 label of at most 63 characters. `default`, `kube-system`,
   * `kube-public` and `kube-node-lease` are refused.
   */
  readonly name: string;
  /**
   * The service mesh the namespace is enrolled in.
   * @default Mesh.none() - workloads use cert-manager certificates
   */
  readonly mesh?: Mesh;
  /**
   * Why the mesh may pass traffic from any pod of the namespace to any destination outside the
   * cluster. By default a mesh that restricts egress by destination (Istio in sidecar mode) drops
   * what it does not know: a namespace-wide Sidecar `default` with `outboundTrafficPolicy:
   * REGISTRY_ONLY`, which sees the cluster's Services, the address ranges opened with
   * `allowEgressTo(NetworkPeer.cidr(...))`, NodeLocal DNSCache and cloud identity token endpoints
   * (registered with a ServiceEntry each), while workloads that call hosts by name (`allowEgressTo(ExternalService...)`)
   * get a Sidecar of their own. With a reason, that Sidecar says `ALLOW_ANY` instead (Istio's own
   * default), acknowledged with the reason; the NetworkPolicies still hold egress to what is
   * declared. Refused for other meshes (Linkerd, Istio ambient, no mesh), where the NetworkPolicies
   * alone control egress.
   * @default - none: the mesh passes only the destinations it knows (REGISTRY_ONLY)
   */
  readonly meshEgressAllowAnyReason?: string;
  /**
   * The Pod Security Standards level enforced (`pod-security.kubernetes.io/enforce`). `audit`
   * and `warn` always stay `restricted`. A weaker level needs `podSecurityReason`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * Why a level weaker than restricted is enforced. Recorded as an annotation on the Namespace
   * and shown in the audit report.
   * @default - none; required when podSecurityLevel is not RESTRICTED
   */
  readonly podSecurityReason?: string;
  /**
   * The Pod Security Standards version the `-version` labels pin (`v1.N` or `latest`). Versions
   * older than v1.34 are refused: "restricted" as they define it lacks checks the audit relies on
   * (seccomp, capabilities, runAsUser, host probes).
   * @default SecureNamespace.DEFAULT_POD_SECURITY_VERSION ("v1.34")
   */
  readonly podSecurityVersion?: string;
  /**
   * Where pods resolve names: the DNS egress the default-deny leaves open.
   * @default DnsPolicy.kubeDns()
   */
  readonly dns?: DnsPolicy;
  /**
   * The policy engine that enforces the namespace's network, chosen once for every construct in
   * it: with `NetworkEngine.cilium()` a workload's `allowEgressTo(ExternalService...)` is allowed
   * by host name (a CiliumNetworkPolicy with `toFQDNs`) instead of by address.
   * @default NetworkEngine.kubernetes() - NetworkPolicies only
   */
  readonly networkEngine?: NetworkEngine;
  /**
   * Where the Kubernetes API server's endpoints are (the addresses and port of the
   * `default/kubernetes` EndpointSlice, not the ClusterIP). Workloads of this namespace whose
   * ServiceAccount has API access (RBAC grants, or a token for the API server's audience) get
   * egress to it in their own NetworkPolicy; no other pod does.
   * @default - none: a workload with API access fails synth, since the default-deny would block its calls
   */
  readonly apiServer?: ApiServerEndpoint;
  /**
   * The cluster's DNS domain, used for service FQDNs and certificates.
   * @default "cluster.local"
   */
  readonly clusterDomain?: string;
  /**
   * The ResourceQuota's size.
   * @default - the defaults of ResourceQuotaOptions (no LoadBalancer or NodePort Services)
   */
  readonly resourceQuota?: ResourceQuotaOptions;
  /**
   * The LimitRange's container defaults and bounds.
   * @default - the defaults of LimitRangeOptions
   */
  readonly limitRange?: LimitRangeOptions;
  /**
   * Identity-provider (OIDC) groups that administer the namespace: everything deployers can do,
   * plus deleting pods and reading RBAC objects. No Secrets, `pods/exec`, `escalate`, `bind` or
   * `impersonate`.
   * @default - no administrators
   */
  readonly admins?: string[];
  /**
   * Identity-provider (OIDC) groups that deploy to the namespace: manage workloads, Services,
   * ConfigMaps, PersistentVolumeClaims, autoscalers and disruption budgets; read pod logs.
   * @default - no deployers
   */
  readonly deployers?: string[];
  /**
   * Identity-provider (OIDC) groups that may view the namespace (never Secrets).
   * @default - no viewers
   */
  readonly viewers?: string[];
  /**
   * Extra labels on the Namespace.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations on the Namespace.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * A namespace that is locked down by default: Pod Security "restricted" enforced, audited and
 * warned; default-deny NetworkPolicies for ingress and egress with only DNS (and the mesh's data
 * plane) open; a ResourceQuota and LimitRange; the `default` ServiceAccount without an API token;
 * mesh enrolment; and human access through namespaced Roles bound to identity-provider groups.
 *
 * Every construct of this library that is created inside a SecureNamespace lives in it.
 *
 * @example
 * const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh: Mesh.istio() });
 * ns.allowEgressTo(NetworkPeer.cidr('10.20.0.0/16'), [NetworkPort.tcp(5432)]);
 */
export class SecureNamespace extends Construct {
  /** The Pod Security Standards version pinned by default. */
  public static readonly DEFAULT_POD_SECURITY_VERSION = 'v1.34';

  /**
   * The SecureNamespace that `scope` is created in (the nearest one up the construct tree).
   * Fails with a precise error when there is none.
   */
  public static of(scope: IConstruct): SecureNamespace {
    const found = SecureNamespace.tryOf(scope);
    if (!found) {
      fail(scope, 'is not inside a SecureNamespace', 'create it with a SecureNamespace (or a construct inside one) as its scope');
    }
    return found;
  }

  /** The SecureNamespace that `scope` is created in, or undefined. */
  public static tryOf(scope: IConstruct): SecureNamespace | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (s instanceof SecureNamespace) return s;
    }
    return undefined;
  }

  /** The namespace name. */
  public readonly name: string;
  /** The service mesh the namespace is enrolled in. */
  public readonly mesh: Mesh;
  /** The cluster's DNS domain. */
  public readonly clusterDomain: string;
  /** The DNS egress of every pod in the namespace. */
  public readonly dns: DnsPolicy;
  /** The policy engine that enforces the namespace's network. */
  public readonly networkEngine: NetworkEngine;
  /** The enforced Pod Security level. */
  public readonly podSecurityLevel: PodSecurityLevel;
  /** The Kubernetes API server's endpoints, when configured. */
  public readonly apiServer?: ApiServerEndpoint;
  /** The Namespace object. */
  public readonly namespaceObject: ApiObject;

  private readonly ingressRules: IngressRuleJson[] = [];
  private readonly egressRules: EgressRuleJson[] = [];
  private readonly ingressPeers: string[] = [];
  private readonly egressPeers: string[] = [];
  private ingressPolicy?: ApiObject;
  private egressPolicy?: ApiObject;
  private readonly meshContext: NamespaceMeshContext;

  constructor(scope: Construct, id: string, props: SecureNamespaceProps) {
    super(scope, id);
    registerAppChecks(this);
    const name = validateDnsLabel(this, 'namespace name', props.name);
    if (RESERVED_NAMESPACES.includes(name)) {
      fail(this, `namespace name ${show(name)} is reserved`, `choose your own namespace; ${RESERVED_NAMESPACES.join(', ')} are managed by Kubernetes and cannot be locked down by this library`);
    }
    this.name = name;
    this.mesh = props.mesh ?? Mesh.none();
    this.mesh._impl.validate(this);
    this.dns = props.dns ?? DnsPolicy.kubeDns();
    this.networkEngine = props.networkEngine ?? NetworkEngine.kubernetes();
    this.networkEngine._impl.validateNamespace(this, this.mesh);
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    validateDnsSubdomain(this, 'cluster domain', this.clusterDomain);
    if (props.apiServer !== undefined) {
      this.apiServer = props.apiServer;
      props.apiServer._egressRule(this, 'apiServer');
    }

    // --- Namespace with Pod Security Admission labels ---
    this.podSecurityLevel = props.podSecurityLevel ?? PodSecurityLevel.RESTRICTED;
    this.namespaceObject = createNamespaceObject(this, name, props, this.podSecurityLevel, SecureNamespace.DEFAULT_POD_SECURITY_VERSION, this.mesh);

    // --- NetworkPolicies: default deny, DNS, mesh data plane ---
    this.policy('DefaultDeny', 'default-deny', {});
    const dnsRule = this.dns._egressRule(this);
    if (dnsRule) this.policy('AllowDns', 'allow-dns', { egress: [dnsRule] });
    const meshEgress = this.mesh._impl.controlPlaneEgress();
    const meshIngress = this.mesh._impl.dataPlaneIngress();
    if (meshEgress.length + meshIngress.length > 0) {
      this.policy('AllowMesh', 'allow-mesh-data-plane', { ingress: meshIngress, egress: meshEgress });
    }
    let egressAllowAnyReason: string | undefined;
    if (props.meshEgressAllowAnyReason !== undefined) {
      if (!this.mesh._impl.restrictsEgressByHost) {
        fail(this, `meshEgressAllowAnyReason is set but ${this.mesh._impl.displayName} does not restrict egress by destination`,
          'remove meshEgressAllowAnyReason: only Istio in sidecar mode does; here the NetworkPolicies alone hold egress to what is declared');
      }
      egressAllowAnyReason = validateReason(this, 'letting the mesh pass traffic to any destination outside the cluster (ALLOW_ANY)', props.meshEgressAllowAnyReason);
    }
    this.meshContext = { scope: this, namespace: name, clusterDomain: this.clusterDomain, egressAllowAnyReason };
    this.mesh._impl.enrolNamespace(this.meshContext);
    // NodeLocal DNSCache answers on a link-local address: DNS over TCP goes through the sidecar.
    const dnsCidrs = (dnsRule?.to ?? []).flatMap((p) => (p.ipBlock ? [p.ipBlock.cidr] : []));
    if (dnsCidrs.length > 0) this.mesh._impl.allowExternalAddresses(this.meshContext, { name: 'dns', cidrs: dnsCidrs, ports: dnsRule!.ports });

    // --- ResourceQuota and LimitRange ---
    createQuotaAndLimits(this, name, props.resourceQuota ?? {}, props.limitRange ?? {});

    // --- The default ServiceAccount gets no API token ---
    new ApiObject(this, 'DefaultServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: name },
      automountServiceAccountToken: false,
    });

    // --- Human access ---
    createHumanAccess(this, name, props);
  }

  /**
   * Opens ingress to every pod of the namespace from `peer` on `ports`.
   * Prefer `MtlsService.allowFrom()`, which opens one workload only.
   */
  public allowIngressFrom(peer: NetworkPeer, ports: NetworkPort[]): void {
    const what = `allowIngressFrom(${peer.description})`;
    this.ingressRules.push({ from: [peer._render(this, what)], ports: this.renderPorts(what, ports) });
    this.ingressPeers.push(peer.description);
    this.ingressPolicy ??= this.policy('AllowIngress', 'allow-ingress', { ingress: lazy(() => this.ingressRules) });
  }

  /**
   * Opens egress from every pod of the namespace to `peer` on `ports`. A CIDR peer never opens
   * the cloud metadata endpoint.
   */
  public allowEgressTo(peer: NetworkPeer, ports: NetworkPort[]): void {
    const what = `allowEgressTo(${peer.description})`;
    const rule = { to: [peer._render(this, what)], ports: this.renderPorts(what, ports) };
    const ipBlock = rule.to[0].ipBlock;
    // A mesh that drops unknown destinations must know the range (registered before it is opened).
    if (ipBlock) this.mesh._impl.allowExternalAddresses(this.meshContext, { name: `allow-egress-${this.egressRules.length}`, cidrs: [ipBlock.cidr], ports: rule.ports });
    this.egressRules.push(rule);
    this.egressPeers.push(peer.description);
    this.egressPolicy ??= this.policy('AllowEgress', 'allow-egress', { egress: lazy(() => this.egressRules) });
  }

  /** The paths opened with `allowIngressFrom`, in call order (read by the reachability check). */
  public get declaredIngress(): DeclaredNamespacePath[] {
    return this.ingressRules.map((r, i) => ({
      peer: this.ingressPeers[i], peerSpec: { ...r.from![0] }, ports: (r.ports ?? []).map((p) => ({ ...p })),
    }));
  }

  /** The paths opened with `allowEgressTo`, in call order (read by the reachability check). */
  public get declaredEgress(): DeclaredNamespacePath[] {
    return this.egressRules.map((r, i) => ({ peer: this.egressPeers[i], peerSpec: { ...r.to![0] }, ports: (r.ports ?? []).map((p) => ({ ...p })) }));
  }

  /**
   * Registers destinations outside the cluster that a workload's NetworkPolicy opens by address
   * only (a cloud identity's token endpoint) with the namespace's mesh.
   * @internal
   */
  public _allowExternalAddresses(addresses: ExternalAddresses): void {
    this.mesh._impl.allowExternalAddresses(this.meshContext, addresses);
  }

  /**
   * The egress rule to the API server for a workload of this namespace with API access.
   * @internal
   */
  public _apiServerEgressRule(): EgressRuleJson | undefined {
    return this.apiServer?._egressRule(this, 'apiServer');
  }

  private renderPorts(what: string, ports: NetworkPort[]) {
    if (!ports || ports.length === 0) {
      fail(this, `${what} names no port`, 'list the ports to open, e.g. [NetworkPort.tcp(443)]; opening every port is not supported');
    }
    return ports.map((p, i) => p._render(this, `${what} port ${i}`));
  }

  private policy(id: string, name: string, rules: { ingress?: any; egress?: any }): ApiObject {
    return new ApiObject(this, id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: this.name },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ...(rules.ingress !== undefined && (!Array.isArray(rules.ingress) || rules.ingress.length > 0) ? { ingress: rules.ingress } : {}),
        ...(rules.egress !== undefined && (!Array.isArray(rules.egress) || rules.egress.length > 0) ? { egress: rules.egress } : {}),
      },
    });
  }
}
