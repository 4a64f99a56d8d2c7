/**
 * The vocabulary of a reachability analysis: its options, the layers paths are decided at, the
 * kinds of endpoints, and the endpoints, paths and findings a `ReachabilityResult` reports.
 */
import { ApiServerEndpoint } from '../api-server';

/** The layer a path is decided at. */
export enum ReachabilityLayer {
  /** Kubernetes NetworkPolicies and Cilium's policies (L3/L4: IPs, ports, protocols). */
  NETWORK_POLICY = 'NetworkPolicy',
  /** Mesh authorization (Istio AuthorizationPolicy / PeerAuthentication, Linkerd Server + AuthorizationPolicy). */
  MESH = 'mesh',
  /** Both layers together: what can actually connect. */
  EFFECTIVE = 'effective',
}

/** What an endpoint of the graph is. */
export enum EndpointKind {
  /**
   * A workload of the manifests: every object holding a pod spec (Deployment, StatefulSet,
   * DaemonSet, ReplicaSet, Job, CronJob, Pod, and custom resources such as KEDA ScaledJobs or Argo
   * Rollouts), except a Pod or ReplicaSet whose owner is in the input (it is that owner's workload).
   */
  WORKLOAD = 'workload',
  /** The cluster DNS (`k8s-app: kube-dns` in kube-system). */
  DNS = 'dns',
  /** The mesh control plane (istiod, Linkerd identity / destination). */
  MESH_CONTROL_PLANE = 'mesh-control-plane',
  /** Pods of a namespace without manifests that a policy or a declared caller names. */
  EXTERNAL_WORKLOAD = 'external-workload',
  /** Any other pod of a namespace without manifests. */
  UNKNOWN_PODS = 'unknown-pods',
  /**
   * A class of IP addresses that every ipBlock treats alike (its `ranges` say which), or a cloud
   * metadata endpoint.
   */
  CIDR = 'cidr',
  /**
   * The Kubernetes API server: the addresses of its endpoints (SecureNamespace `apiServer`,
   * ReachabilityOptions `apiServer`, the CLI's `--api-server`), or a class of them.
   */
  API_SERVER = 'api-server',
  /** Anything outside the cluster: the address class with the most IPv4 addresses (its `ranges` say which). */
  INTERNET = 'internet',
  /** A host allowed by name (Cilium `toFQDNs`, id `api.stripe.com (by name)`): whatever addresses the name resolves to. */
  EXTERNAL_HOST = 'external-host',
  /** The cluster's nodes and host-network pods (Cilium's host, remote-node and health entities). */
  CLUSTER_NODES = 'cluster-nodes',
}

/** Options of the analysis. */
export interface ReachabilityOptions {
  /** Istio trust domain of principals. @default "cluster.local" */
  readonly trustDomain?: string;
  /** Istio root namespace (mesh-wide policies) and istiod's namespace. @default "istio-system" */
  readonly istioRootNamespace?: string;
  /** The Linkerd control plane namespace. @default "linkerd" */
  readonly linkerdNamespace?: string;
  /**
   * Linkerd's cluster-wide default inbound policy, for namespaces and pods without the annotation.
   * @default "all-unauthenticated" (Linkerd's install default)
   */
  readonly linkerdClusterDefaultPolicy?: string;
  /** Linkerd identity trust domain. @default "cluster.local" */
  readonly linkerdTrustDomain?: string;
  /**
   * Where the Kubernetes API server's endpoints are: an `api-server` endpoint, and the
   * `grantedButUnreachable` and `reachableButUngranted` findings. `Reachability.analyze` adds the
   * endpoints the app's SecureNamespaces name.
   * @default - only the SecureNamespaces' (in process); none from manifests: no API server findings
   */
  readonly apiServer?: ApiServerEndpoint;
  /**
   * Whether address classes that together make up everything outside the cluster, and that reach
   * (or are reached) alike, are reported as one path from or to `internet` (with `addresses`).
   * false: one path per address class, as `SecurityDiff` compares them (two sides fold differently
   * when one side opens a port to one address family only).
   * @default true
   */
  readonly foldInternet?: boolean;
}

/**
 * A ServiceAccount whose Kubernetes API access and reach of the API server disagree (one finding
 * per ServiceAccount).
 */
export interface ApiServerAccessFinding {
  /** The ServiceAccount, `namespace/name`. */
  readonly serviceAccount: string;
  /** The workloads running as it that the finding is about (endpoint ids), sorted. */
  readonly workloads: string[];
  /**
   * What gives it API access: RBAC bindings (`RoleBinding shop/fulfillment (Role fulfillment)`)
   * and API tokens in its pods. Empty for `reachableButUngranted`.
   */
  readonly grants: string[];
  /** Explanation. */
  readonly message: string;
}

/** One endpoint of the graph. */
export interface ReachabilityEndpoint {
  /**
   * `namespace/name`, `cidr 10.0.0.0/8`, `internet`, `*` (pods of namespaces without manifests), or
   * for addresses of an external service called by name, its host and the addresses
   * (`api.stripe.com (203.0.113.0/24)`).
   */
  readonly id: string;
  /** What it is. */
  readonly kind: EndpointKind;
  /** Display name. */
  readonly name: string;
  /** Namespace (pods only). @default - not a pod */
  readonly namespace?: string;
  /** ServiceAccount. @default - unknown or not a pod */
  readonly serviceAccount?: string;
  /** The workload kind (Deployment, StatefulSet, ...). @default - not a workload */
  readonly workloadKind?: string;
  /** Whether it lives in a namespace the manifests describe. */
  readonly managed: boolean;
  /**
   * For `cidr` and `internet` endpoints: the exact addresses, one entry per family, each a CIDR
   * list or `<CIDR> except <CIDRs>` (e.g. `0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32`).
   * IPv4-mapped IPv6 addresses count as IPv4. @default - not an address range
   */
  readonly ranges?: string[];
}

/** Several objects of the input with one identity (group, kind, namespace, name). */
export interface ReachabilityDuplicate {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Where each copy sits in the input (`#3`, `#5 items[2]`), in order; the last one counts. */
  readonly positions: string[];
  /**
   * Whether the copies differ in content. The proof reads the last copy (what `kubectl apply`
   * keeps), but Helm and `kubectl create` keep the first: when they differ the proof cannot vouch
   * for the paths, and the check and the CLI fail on it.
   */
  readonly differs: boolean;
  /** Explanation. */
  readonly message: string;
}

/** A path that exists. */
export interface ReachabilityEdge {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** Ports that connect at both layers, e.g. `TCP/8443`, `UDP/53`, `TCP/*`, `*`. */
  readonly ports: string[];
  /** Ports the NetworkPolicies alone allow. */
  readonly networkPolicyPorts: string[];
  /** Whether the path is declared (or expected infrastructure). */
  readonly declared: boolean;
  /** Whether it is an infrastructure path (DNS, mesh control plane, data plane). */
  readonly infrastructure: boolean;
  /** Whether some of its ports are not declared. */
  readonly extra: boolean;
  /**
   * For a path from or to `internet` that stands for more addresses than the internet endpoint's
   * `ranges`: the exact addresses, written as `ReachabilityEndpoint.ranges`. Address classes that a
   * rule admitting every address outside the cluster treats alike are reported as one path from or
   * to `internet` (classes that differ in ports, declaration or layer keep paths of their own; a
   * cloud metadata endpoint is always a destination of its own; the API server's endpoints never
   * fold).
   * @default - the addresses of the endpoints, as `ReachabilityEndpoint.ranges` says
   */
  readonly addresses?: string[];
}

/** A path that is open but not declared: a security finding. */
export interface ExtraPath {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** The undeclared ports. */
  readonly ports: string[];
  /** EFFECTIVE: it connects; NETWORK_POLICY: the NetworkPolicies let it through and only the mesh stops it; MESH: the mesh admits it and only the NetworkPolicies stop it. */
  readonly layer: ReachabilityLayer;
  /** Explanation. */
  readonly message: string;
  /** The exact addresses `internet` stands for here (see `ReachabilityEdge.addresses`). @default - the addresses of the endpoints */
  readonly addresses?: string[];
}

/** A declared path that does not connect: a broken app. */
export interface MissingPath {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** The declared ports that do not connect. */
  readonly ports: string[];
  /** The layers that block it. */
  readonly blockedBy: ReachabilityLayer[];
  /** Where the path was declared. */
  readonly declaredBy: string;
  /** Explanation naming both ends and the blocking layer. */
  readonly message: string;
  /** The exact addresses `internet` stands for here (see `ReachabilityEdge.addresses`). @default - the addresses of the endpoints */
  readonly addresses?: string[];
}
