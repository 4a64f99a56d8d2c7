import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ApiServerEndpoint } from './api-server';
import { enforceVersionProblem, MIN_POD_SECURITY_VERSION } from './audit/pod-security-version';
import { Mesh } from './mesh';
import { DnsPolicy, NetworkPeer, NetworkPort } from './network';
import { acknowledgementAnnotation, RuleIds } from './private/acknowledge';
import { registerAppChecks } from './private/app-checks';
import { EgressRuleJson, IngressRuleJson } from './private/json';
import { lazy } from './private/lazy';
import { fail, makeClusterScoped, parseQuantity, show, validateDnsLabel, validateDnsSubdomain, validateQuantity, validateReason } from './private/validation';
import { GrantDecision, riskHits, subjectRisk } from './rbac/risk-model';

/** A Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export enum PodSecurityLevel {
  /** Heavily restricted, current pod hardening best practice. The default. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations. Needs a reason. */
  BASELINE = 'baseline',
  /** Unrestricted. Needs a reason. */
  PRIVILEGED = 'privileged',
}

/** Size of the namespace's ResourceQuota. */
export interface ResourceQuotaOptions {
  /** Total CPU requests. @default "8" */
  readonly requestsCpu?: string;
  /** Total CPU limits. @default "16" */
  readonly limitsCpu?: string;
  /** Total memory requests. @default "16Gi" */
  readonly requestsMemory?: string;
  /** Total memory limits. @default "32Gi" */
  readonly limitsMemory?: string;
  /** Total ephemeral-storage requests. @default "20Gi" */
  readonly requestsEphemeralStorage?: string;
  /** Total ephemeral-storage limits. @default "40Gi" */
  readonly limitsEphemeralStorage?: string;
  /** Total storage requested by PersistentVolumeClaims. @default "500Gi" */
  readonly requestsStorage?: string;
  /** Number of pods. @default 100 */
  readonly pods?: number;
  /** Number of Services. @default 50 */
  readonly services?: number;
  /** Number of PersistentVolumeClaims. @default 20 */
  readonly persistentVolumeClaims?: number;
  /**
   * Number of LoadBalancer Services. Anything above 0 needs `serviceExposureReason`.
   * @default 0
   */
  readonly loadBalancers?: number;
  /**
   * Number of NodePort Services. Anything above 0 needs `serviceExposureReason`.
   * @default 0
   */
  readonly nodePorts?: number;
  /**
   * Why this namespace may expose Services outside the cluster (LoadBalancer / NodePort).
   * Recorded as an annotation on the ResourceQuota.
   * @default - none; required when loadBalancers or nodePorts is above 0
   */
  readonly serviceExposureReason?: string;
}

/** Defaults and bounds that the namespace's LimitRange gives every container. */
export interface LimitRangeOptions {
  /** Default CPU request. @default "100m" */
  readonly defaultCpuRequest?: string;
  /** Default CPU limit. @default "500m" */
  readonly defaultCpuLimit?: string;
  /** Default memory request. @default "128Mi" */
  readonly defaultMemoryRequest?: string;
  /** Default memory limit. @default "256Mi" */
  readonly defaultMemoryLimit?: string;
  /** Default ephemeral-storage request. @default "64Mi" */
  readonly defaultEphemeralStorageRequest?: string;
  /** Default ephemeral-storage limit. @default "1Gi" */
  readonly defaultEphemeralStorageLimit?: string;
  /** Largest CPU limit of one container. @default "4" */
  readonly maxCpu?: string;
  /** Largest memory limit of one container. @default "8Gi" */
  readonly maxMemory?: string;
}

/** A path opened for every pod of a namespace with `allowIngressFrom` or `allowEgressTo`. */
export interface DeclaredNamespacePath {
  /** The peer, as `NetworkPeer.description` puts it (e.g. `cidr 203.0.113.0/24`). */
  readonly peer: string;
  /** The peer as rendered into the NetworkPolicy (namespaceSelector, podSelector or ipBlock). */
  readonly peerSpec: { [key: string]: any };
  /** The ports as rendered into the NetworkPolicy (protocol, port, endPort). */
  readonly ports: { [key: string]: any }[];
}

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
const VIEW_RESOURCES = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'resourcequotas', 'serviceaccounts', 'services'] },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
];
const DEPLOY_RESOURCES = [
  { apiGroups: [''], resources: ['configmaps', 'persistentvolumeclaims', 'services'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'patch', 'update'];

/**
 * The acknowledgements a human role needs, from the RBAC risk model (the same judgement the audit
 * makes of the Role): every rule its power is reported by, with the role's reason. A role with
 * refused power would be a bug of this file, so it throws.
 */
function humanRoleAcknowledgements(rules: any[], namespace: string, reason: string): Record<string, string> {
  const hits = rules.flatMap((rule) => riskHits(rule, namespace, false));
  const refused = hits.find((h) => h.risk.decision === GrantDecision.REFUSE);
  if (refused) throw new Error(`internal: a SecureNamespace human role would ${refused.risk.title}`);
  const out: Record<string, string> = {};
  for (const id of [...new Set(hits.map((h) => h.risk.ruleId))].sort()) out[acknowledgementAnnotation(id)] = reason;
  return out;
}

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
    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    validateDnsSubdomain(this, 'cluster domain', this.clusterDomain);
    if (props.apiServer !== undefined) {
      this.apiServer = props.apiServer;
      props.apiServer._egressRule(this, 'apiServer');
    }

    // --- Namespace with Pod Security Admission labels ---
    this.podSecurityLevel = props.podSecurityLevel ?? PodSecurityLevel.RESTRICTED;
    const version = props.podSecurityVersion ?? SecureNamespace.DEFAULT_POD_SECURITY_VERSION;
    if (!/^(v1\.(0|[1-9][0-9]*)|latest)$/.test(version)) {
      fail(this, `podSecurityVersion ${show(version)} is not a Pod Security Standards version`, 'write "v1.N" (e.g. "v1.34") or "latest"');
    }
    if (enforceVersionProblem(version) !== undefined) {
      fail(this, `podSecurityVersion ${show(version)} is older than ${MIN_POD_SECURITY_VERSION}: Pod Security Admission would enforce "restricted" as that version defined it, without the checks added since (seccomp in v1.19, capabilities in v1.22, runAsUser in v1.23, host probes in v1.34)`,
        `pin ${MIN_POD_SECURITY_VERSION} or newer, or "latest" (a version newer than the cluster is evaluated as the cluster's own)`);
    }
    const annotations: Record<string, string> = { ...props.annotations };
    if (this.podSecurityLevel !== PodSecurityLevel.RESTRICTED) {
      const reason = validateReason(this, `enforcing Pod Security level ${show(this.podSecurityLevel)}`, props.podSecurityReason);
      annotations[acknowledgementAnnotation(RuleIds.NS_PSS)] = reason;
    } else if (props.podSecurityReason !== undefined) {
      fail(this, `podSecurityReason is set but podSecurityLevel is ${show(this.podSecurityLevel)}`, 'remove podSecurityReason; it is only for a level weaker than restricted');
    }
    Object.assign(annotations, this.mesh._impl.namespaceAnnotations());
    this.namespaceObject = makeClusterScoped(new ApiObject(this, 'Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          ...props.labels,
          'pod-security.kubernetes.io/enforce': this.podSecurityLevel,
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': PodSecurityLevel.RESTRICTED,
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
          'pod-security.kubernetes.io/warn-version': version,
          ...this.mesh._impl.namespaceLabels(),
        },
        annotations,
      },
    }));

    // --- NetworkPolicies: default deny, DNS, mesh data plane ---
    this.policy('DefaultDeny', 'default-deny', {});
    const dnsRule = this.dns._egressRule(this);
    if (dnsRule) this.policy('AllowDns', 'allow-dns', { egress: [dnsRule] });
    const meshEgress = this.mesh._impl.controlPlaneEgress();
    const meshIngress = this.mesh._impl.dataPlaneIngress();
    if (meshEgress.length + meshIngress.length > 0) {
      this.policy('AllowMesh', 'allow-mesh-data-plane', { ingress: meshIngress, egress: meshEgress });
    }
    this.mesh._impl.enrolNamespace({ scope: this, namespace: name });

    // --- ResourceQuota and LimitRange ---
    this.quotaAndLimits(props.resourceQuota ?? {}, props.limitRange ?? {});

    // --- The default ServiceAccount gets no API token ---
    new ApiObject(this, 'DefaultServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: name },
      automountServiceAccountToken: false,
    });

    // --- Human access ---
    this.humanAccess(props);
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
    this.egressRules.push({ to: [peer._render(this, what)], ports: this.renderPorts(what, ports) });
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

  private quotaAndLimits(q: ResourceQuotaOptions, l: LimitRangeOptions) {
    const quantity = (what: string, value: string) => validateQuantity(this, what, value);
    const count = (what: string, value: number, min = 0) => {
      if (!Number.isInteger(value) || value < min) fail(this, `${what} ${show(value)} is not a whole number of at least ${min}`, `use an integer ≥ ${min}`);
      return value;
    };
    const limits = {
      defaultCpuRequest: l.defaultCpuRequest ?? '100m',
      defaultCpuLimit: l.defaultCpuLimit ?? '500m',
      defaultMemoryRequest: l.defaultMemoryRequest ?? '128Mi',
      defaultMemoryLimit: l.defaultMemoryLimit ?? '256Mi',
      defaultEphemeralStorageRequest: l.defaultEphemeralStorageRequest ?? '64Mi',
      defaultEphemeralStorageLimit: l.defaultEphemeralStorageLimit ?? '1Gi',
      maxCpu: l.maxCpu ?? '4',
      maxMemory: l.maxMemory ?? '8Gi',
    };
    const quota = {
      requestsCpu: q.requestsCpu ?? '8',
      limitsCpu: q.limitsCpu ?? '16',
      requestsMemory: q.requestsMemory ?? '16Gi',
      limitsMemory: q.limitsMemory ?? '32Gi',
      requestsEphemeralStorage: q.requestsEphemeralStorage ?? '20Gi',
      limitsEphemeralStorage: q.limitsEphemeralStorage ?? '40Gi',
      requestsStorage: q.requestsStorage ?? '500Gi',
    };
    for (const [k, v] of [...Object.entries(limits), ...Object.entries(quota)]) quantity(k, v);
    const pairs: Array<[string, string, string, string]> = [
      ['limitRange.defaultCpuRequest', limits.defaultCpuRequest, 'limitRange.defaultCpuLimit', limits.defaultCpuLimit],
      ['limitRange.defaultMemoryRequest', limits.defaultMemoryRequest, 'limitRange.defaultMemoryLimit', limits.defaultMemoryLimit],
      ['limitRange.defaultEphemeralStorageRequest', limits.defaultEphemeralStorageRequest, 'limitRange.defaultEphemeralStorageLimit', limits.defaultEphemeralStorageLimit],
      ['limitRange.defaultCpuLimit', limits.defaultCpuLimit, 'limitRange.maxCpu', limits.maxCpu],
      ['limitRange.defaultMemoryLimit', limits.defaultMemoryLimit, 'limitRange.maxMemory', limits.maxMemory],
      ['limitRange.defaultCpuRequest', limits.defaultCpuRequest, 'resourceQuota.requestsCpu', quota.requestsCpu],
      ['limitRange.defaultCpuLimit', limits.defaultCpuLimit, 'resourceQuota.limitsCpu', quota.limitsCpu],
      ['limitRange.defaultMemoryRequest', limits.defaultMemoryRequest, 'resourceQuota.requestsMemory', quota.requestsMemory],
      ['limitRange.defaultMemoryLimit', limits.defaultMemoryLimit, 'resourceQuota.limitsMemory', quota.limitsMemory],
      ['limitRange.defaultEphemeralStorageRequest', limits.defaultEphemeralStorageRequest, 'resourceQuota.requestsEphemeralStorage', quota.requestsEphemeralStorage],
      ['limitRange.defaultEphemeralStorageLimit', limits.defaultEphemeralStorageLimit, 'resourceQuota.limitsEphemeralStorage', quota.limitsEphemeralStorage],
    ];
    for (const [smallName, small, bigName, big] of pairs) {
      if (parseQuantity(small)! > parseQuantity(big)!) {
        fail(this, `${bigName} ${show(big)} is below ${smallName} ${show(small)}`, `raise ${bigName} or lower ${smallName}: a single default-sized container must fit`);
      }
    }
    const loadBalancers = count('resourceQuota.loadBalancers', q.loadBalancers ?? 0);
    const nodePorts = count('resourceQuota.nodePorts', q.nodePorts ?? 0);
    const annotations: Record<string, string> = {};
    if (loadBalancers + nodePorts > 0) {
      annotations[acknowledgementAnnotation(RuleIds.SVC_EXPOSED)] = validateReason(this, 'allowing LoadBalancer or NodePort Services', q.serviceExposureReason);
    } else if (q.serviceExposureReason !== undefined) {
      fail(this, 'resourceQuota.serviceExposureReason is set but no LoadBalancer or NodePort Service is allowed', 'remove serviceExposureReason, or raise loadBalancers / nodePorts');
    }
    new ApiObject(this, 'ResourceQuota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'baseline-quota', namespace: this.name, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        hard: {
          'requests.cpu': quota.requestsCpu,
          'limits.cpu': quota.limitsCpu,
          'requests.memory': quota.requestsMemory,
          'limits.memory': quota.limitsMemory,
          'requests.ephemeral-storage': quota.requestsEphemeralStorage,
          'limits.ephemeral-storage': quota.limitsEphemeralStorage,
          'requests.storage': quota.requestsStorage,
          'pods': String(count('resourceQuota.pods', q.pods ?? 100, 1)),
          'services': String(count('resourceQuota.services', q.services ?? 50)),
          'persistentvolumeclaims': String(count('resourceQuota.persistentVolumeClaims', q.persistentVolumeClaims ?? 20)),
          'services.loadbalancers': String(loadBalancers),
          'services.nodeports': String(nodePorts),
        },
      },
    });
    new ApiObject(this, 'LimitRange', {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'baseline-limits', namespace: this.name },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { 'cpu': limits.defaultCpuRequest, 'memory': limits.defaultMemoryRequest, 'ephemeral-storage': limits.defaultEphemeralStorageRequest },
          default: { 'cpu': limits.defaultCpuLimit, 'memory': limits.defaultMemoryLimit, 'ephemeral-storage': limits.defaultEphemeralStorageLimit },
          max: { cpu: limits.maxCpu, memory: limits.maxMemory },
        }],
      },
    });
  }

  private humanAccess(props: SecureNamespaceProps) {
    const roles: Array<{ id: string; name: string; groups?: string[]; rules: any[]; ack?: string }> = [
      {
        id: 'Viewer',
        name: 'baseline-viewer',
        groups: props.viewers,
        rules: VIEW_RESOURCES.map((r) => ({ ...r, verbs: READ })),
      },
      {
        id: 'Deployer',
        name: 'baseline-deployer',
        groups: props.deployers,
        rules: [
          ...VIEW_RESOURCES.map((r) => ({ ...r, verbs: READ })),
          ...DEPLOY_RESOURCES.map((r) => ({ ...r, verbs: WRITE })),
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        ],
        ack: 'Human deployers (identity-provider groups given to SecureNamespace `deployers`) create the workloads of this namespace; they get no pods/exec, Secrets, escalate, bind or impersonate.',
      },
      {
        id: 'Admin',
        name: 'baseline-admin',
        groups: props.admins,
        rules: [
          ...VIEW_RESOURCES.map((r) => ({ ...r, verbs: READ })),
          ...DEPLOY_RESOURCES.map((r) => ({ ...r, verbs: WRITE })),
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
          { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['patch', 'update'] },
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: READ },
        ],
        ack: 'Human administrators (identity-provider groups given to SecureNamespace `admins`) create the workloads of this namespace; they get no pods/exec, Secrets, escalate, bind or impersonate.',
      },
    ];
    for (const role of roles) {
      const groups = role.groups ?? [];
      if (groups.length === 0) continue;
      const seen = new Set<string>();
      for (const g of groups) {
        if (typeof g !== 'string' || g.trim() === '') fail(this, `${role.id.toLowerCase()} group ${show(g)} is empty`, 'name the identity-provider group');
        const risk = subjectRisk('Group', g);
        if (risk !== undefined) {
          fail(this, `${role.id.toLowerCase()} group ${show(g)} is a built-in Kubernetes group: ${risk}`, 'bind a group of your identity provider (OIDC); system: groups (system:masters, system:authenticated, system:serviceaccounts*, system:nodes, ...) hold far more than the people you mean');
        }
        seen.add(g);
      }
      new ApiObject(this, `${role.id}Role`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: {
          name: role.name,
          namespace: this.name,
          ...(role.ack ? { annotations: humanRoleAcknowledgements(role.rules, this.name, role.ack) } : {}),
        },
        rules: role.rules,
      });
      new ApiObject(this, `${role.id}RoleBinding`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: role.name, namespace: this.name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [...seen].sort().map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
      });
    }
  }
}
