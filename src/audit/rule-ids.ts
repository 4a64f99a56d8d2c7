/**
 * The prefix of acknowledgement annotations: an object annotated
 * `ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>` accepts that rule's findings on itself.
 */
export const ACKNOWLEDGEMENT_ANNOTATION_PREFIX = 'ack.cdk8s-secure-baseline.io/';

/**
 * Stable IDs of every audit rule (see RULES.md), for acknowledgements and `disabledRules`.
 */
export class RuleIds {
  // Pod Security Standards ("restricted", including the baseline controls).
  /** Privileged containers. */
  public static readonly PSS_PRIVILEGED = 'SB-PSS-PRIVILEGED';
  /** hostNetwork / hostPID / hostIPC. */
  public static readonly PSS_HOST_NAMESPACES = 'SB-PSS-HOST-NAMESPACES';
  /** hostPath volumes. */
  public static readonly PSS_HOST_PATH = 'SB-PSS-HOST-PATH';
  /** hostPort on container ports. */
  public static readonly PSS_HOST_PORTS = 'SB-PSS-HOST-PORTS';
  /** Windows HostProcess containers. */
  public static readonly PSS_HOST_PROCESS = 'SB-PSS-HOST-PROCESS';
  /** Added capabilities other than NET_BIND_SERVICE. */
  public static readonly PSS_CAPABILITIES_ADD = 'SB-PSS-CAPABILITIES-ADD';
  /** Capabilities not dropping ALL. */
  public static readonly PSS_CAPABILITIES_DROP = 'SB-PSS-CAPABILITIES-DROP';
  /** procMount other than Default. */
  public static readonly PSS_PROC_MOUNT = 'SB-PSS-PROC-MOUNT';
  /** Probes or lifecycle hooks that target another host. */
  public static readonly PSS_HOST_PROBES = 'SB-PSS-HOST-PROBES';
  /** Seccomp profile missing or Unconfined. */
  public static readonly PSS_SECCOMP = 'SB-PSS-SECCOMP';
  /** Unsafe sysctls. */
  public static readonly PSS_SYSCTLS = 'SB-PSS-SYSCTLS';
  /** AppArmor profile overridden to unconfined. */
  public static readonly PSS_APPARMOR = 'SB-PSS-APPARMOR';
  /** Custom SELinux user/role/type. */
  public static readonly PSS_SELINUX = 'SB-PSS-SELINUX';
  /** Volume types outside the restricted list. */
  public static readonly PSS_VOLUME_TYPES = 'SB-PSS-VOLUME-TYPES';
  /** runAsNonRoot not enforced. */
  public static readonly PSS_RUN_AS_NON_ROOT = 'SB-PSS-RUN-AS-NON-ROOT';
  /** runAsUser: 0. */
  public static readonly PSS_RUN_AS_ROOT_USER = 'SB-PSS-RUN-AS-ROOT-USER';
  /** allowPrivilegeEscalation not false. */
  public static readonly PSS_PRIVILEGE_ESCALATION = 'SB-PSS-PRIVILEGE-ESCALATION';

  // Container hygiene.
  /** Image without tag, or `latest`. */
  public static readonly CTR_IMAGE_TAG = 'SB-CTR-IMAGE-TAG';
  /** imagePullPolicy other than Always. */
  public static readonly CTR_IMAGE_PULL_POLICY = 'SB-CTR-IMAGE-PULL-POLICY';
  /** Missing cpu/memory requests. */
  public static readonly CTR_RESOURCE_REQUESTS = 'SB-CTR-RESOURCE-REQUESTS';
  /** Missing cpu/memory limits. */
  public static readonly CTR_RESOURCE_LIMITS = 'SB-CTR-RESOURCE-LIMITS';
  /** Missing readiness probe. */
  public static readonly CTR_READINESS_PROBE = 'SB-CTR-READINESS-PROBE';
  /** Missing liveness probe. */
  public static readonly CTR_LIVENESS_PROBE = 'SB-CTR-LIVENESS-PROBE';
  /** Writable root filesystem. */
  public static readonly CTR_READONLY_ROOTFS = 'SB-CTR-READONLY-ROOTFS';

  // Secrets.
  /** Literal secret-looking env values. */
  public static readonly SECRET_ENV_LITERAL = 'SB-SECRET-ENV-LITERAL';
  /** Secrets consumed as environment variables. */
  public static readonly SECRET_ENV_REF = 'SB-SECRET-ENV-REF';
  /** Secret objects with data in the manifests. */
  public static readonly SECRET_IN_MANIFEST = 'SB-SECRET-IN-MANIFEST';
  /** Literal credentials in ConfigMaps, container arguments, annotations and any other field. */
  public static readonly SECRET_LITERAL = 'SB-SECRET-LITERAL';

  // Service accounts.
  /** ServiceAccount automounting its token. */
  public static readonly SA_AUTOMOUNT = 'SB-SA-AUTOMOUNT';
  /** Pod automounting a ServiceAccount token. */
  public static readonly SA_POD_AUTOMOUNT = 'SB-SA-POD-AUTOMOUNT';
  /** Pod running as the `default` ServiceAccount. */
  public static readonly SA_DEFAULT = 'SB-SA-DEFAULT';

  // Network.
  /** Namespace without a default-deny NetworkPolicy. */
  public static readonly NET_NS_DEFAULT_DENY = 'SB-NET-NS-DEFAULT-DENY';
  /** Workload not selected by NetworkPolicies for ingress and egress. */
  public static readonly NET_WORKLOAD_ISOLATION = 'SB-NET-WORKLOAD-ISOLATION';
  /** NetworkPolicy rule admitting every source or destination (no peers, `{}`, every pod in every namespace). */
  public static readonly NET_POLICY_ALL_PEERS = 'SB-NET-POLICY-ALL-PEERS';
  /** NetworkPolicy egress that reaches a cloud instance metadata endpoint. */
  public static readonly NET_POLICY_METADATA = 'SB-NET-POLICY-METADATA';
  /** NetworkPolicy egress that opens a node-local cloud identity endpoint to pods without that identity. */
  public static readonly NET_POLICY_CLOUD_IDENTITY = 'SB-NET-POLICY-CLOUD-IDENTITY';
  /** NetworkPolicy ipBlock covering the internet (half an address family or more). */
  public static readonly NET_POLICY_INTERNET = 'SB-NET-POLICY-INTERNET';
  /** Gateway API listener serving plain HTTP (routes other than a redirect to HTTPS on an HTTP listener). */
  public static readonly NET_GATEWAY_PLAIN_HTTP = 'SB-NET-GATEWAY-PLAIN-HTTP';
  /** Ingress (networking.k8s.io) without TLS. */
  public static readonly NET_INGRESS_TLS = 'SB-NET-INGRESS-TLS';
  /** Wildcard Gateway listener or route host names, or routes without host names on a listener without one. */
  public static readonly NET_ROUTE_HOSTNAME = 'SB-NET-ROUTE-HOSTNAME';

  // RBAC.
  /** Wildcards in verbs/resources/apiGroups. */
  public static readonly RBAC_WILDCARD = 'SB-RBAC-WILDCARD';
  /** escalate / bind / impersonate. */
  public static readonly RBAC_ESCALATE = 'SB-RBAC-ESCALATE';
  /** Bindings to cluster-admin. */
  public static readonly RBAC_CLUSTER_ADMIN = 'SB-RBAC-CLUSTER-ADMIN';
  /** Read access to Secrets. */
  public static readonly RBAC_SECRETS = 'SB-RBAC-SECRETS';
  /** pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers. */
  public static readonly RBAC_POD_EXEC = 'SB-RBAC-POD-EXEC';
  /** pods/proxy, services/proxy. */
  public static readonly RBAC_POD_PROXY = 'SB-RBAC-POD-PROXY';
  /** nodes/proxy. */
  public static readonly RBAC_NODES_PROXY = 'SB-RBAC-NODES-PROXY';
  /** create serviceaccounts/token. */
  public static readonly RBAC_TOKEN_CREATE = 'SB-RBAC-TOKEN-CREATE';
  /** create, update or patch pods or workload kinds. */
  public static readonly RBAC_WORKLOAD_CREATE = 'SB-RBAC-WORKLOAD-CREATE';
  /** create persistentvolumes. */
  public static readonly RBAC_PV_CREATE = 'SB-RBAC-PV-CREATE';
  /** Approving CertificateSigningRequests. */
  public static readonly RBAC_CSR_APPROVE = 'SB-RBAC-CSR-APPROVE';
  /** Changing admission webhook / policy configurations. */
  public static readonly RBAC_WEBHOOK = 'SB-RBAC-WEBHOOK';
  /** update / patch / delete namespaces. */
  public static readonly RBAC_NAMESPACE_MODIFY = 'SB-RBAC-NAMESPACE-MODIFY';
  /** Writing NetworkPolicies or mesh policies. */
  public static readonly RBAC_POLICY_MODIFY = 'SB-RBAC-POLICY-MODIFY';
  /** Writing in kube-system or a mesh's control-plane namespace. */
  public static readonly RBAC_SYSTEM_NAMESPACE = 'SB-RBAC-SYSTEM-NAMESPACE';
  /** A workload whose ServiceAccount holds dangerous RBAC power that nothing acknowledges. */
  public static readonly RBAC_WORKLOAD_IDENTITY = 'SB-RBAC-WORKLOAD-IDENTITY';
  /** ClusterRoleBinding granted to a workload identity. */
  public static readonly RBAC_CLUSTER_SCOPED = 'SB-RBAC-CLUSTER-SCOPED';
  /** Bindings to system: users and groups (system:masters, system:authenticated, ...). */
  public static readonly RBAC_DANGEROUS_GROUP = 'SB-RBAC-DANGEROUS-GROUP';
  /** Binding to a Role/ClusterRole missing from the output. */
  public static readonly RBAC_ROLE_MISSING = 'SB-RBAC-ROLE-MISSING';

  // Services and namespaces.
  /** NodePort / LoadBalancer Services. */
  public static readonly SVC_EXPOSED = 'SB-SVC-EXPOSED';
  /** Namespace not enforcing Pod Security "restricted". */
  public static readonly NS_PSS = 'SB-NS-PSS';
  /** Cluster-scoped object carrying metadata.namespace. */
  public static readonly META_CLUSTER_SCOPED_NAMESPACE = 'SB-META-CLUSTER-SCOPED-NAMESPACE';
  /** Two objects with one group, kind, namespace and name: the cluster keeps only the last. */
  public static readonly META_DUPLICATE = 'SB-META-DUPLICATE';

  // Service mesh.
  /** Istio PeerAuthentication not STRICT. */
  public static readonly MESH_ISTIO_PEER_AUTH = 'SB-MESH-ISTIO-PEER-AUTH';
  /** Istio DestinationRule disabling mesh mTLS. */
  public static readonly MESH_ISTIO_DR_TLS = 'SB-MESH-ISTIO-DR-TLS';
  /** Istio DestinationRule originating TLS without verifying the server (insecureSkipVerify). */
  public static readonly MESH_ISTIO_DR_VERIFY = 'SB-MESH-ISTIO-DR-VERIFY';
  /** Istio namespace without a deny-by-default AuthorizationPolicy. */
  public static readonly MESH_ISTIO_NS_AUTHZ = 'SB-MESH-ISTIO-NS-AUTHZ';
  /** Istio ALLOW AuthorizationPolicy admitting any source (rule without from, wildcard principals or namespaces). */
  public static readonly MESH_ISTIO_AUTHZ_OPEN = 'SB-MESH-ISTIO-AUTHZ-OPEN';
  /** Istio sidecar egress to any destination: a namespace without a REGISTRY_ONLY Sidecar, or a Sidecar that passes unknown destinations (ALLOW_ANY). */
  public static readonly MESH_ISTIO_EGRESS = 'SB-MESH-ISTIO-EGRESS';
  /** Linkerd authentication admitting every identity or every network. */
  public static readonly MESH_LINKERD_AUTHN_OPEN = 'SB-MESH-LINKERD-AUTHN-OPEN';
  /** Linkerd namespace without a denying default inbound policy. */
  public static readonly MESH_LINKERD_NS_POLICY = 'SB-MESH-LINKERD-NS-POLICY';
  /** Linkerd Server open to unauthenticated clients. */
  public static readonly MESH_LINKERD_UNAUTHENTICATED = 'SB-MESH-LINKERD-UNAUTHENTICATED';

  // Storage.
  /** StorageClass of a known CSI driver without encryption. */
  public static readonly STORAGE_CLASS_UNENCRYPTED = 'SB-STORAGE-CLASS-UNENCRYPTED';
  /** PVC on a StorageClass not known to be encrypted. */
  public static readonly STORAGE_CLASS_UNVERIFIED = 'SB-STORAGE-CLASS-UNVERIFIED';

  // Admission.
  /** ValidatingAdmissionPolicyBinding that does not deny. */
  public static readonly ADMISSION_NOT_ENFORCED = 'SB-ADMISSION-NOT-ENFORCED';

  // Acknowledgements.
  /** An exception past its expiry date. */
  public static readonly ACK_EXPIRED = 'SB-ACK-EXPIRED';
  /** A construct acknowledgement or an exception that matched no finding. */
  public static readonly ACK_UNUSED = 'SB-ACK-UNUSED';
  /** An acknowledgement annotation with an unknown rule or a trivial reason. */
  public static readonly ACK_INVALID = 'SB-ACK-INVALID';

  private constructor() {}
}
