/** The API version of the admission policy objects. */
export enum AdmissionPolicyApiVersion {
  /** `admissionregistration.k8s.io/v1`: Kubernetes 1.30 and later. The default. */
  V1 = 'admissionregistration.k8s.io/v1',
  /** `admissionregistration.k8s.io/v1beta1`: Kubernetes 1.28 and 1.29 (the API must be enabled). */
  V1BETA1 = 'admissionregistration.k8s.io/v1beta1',
}

/** What the API server does with a request that a rule refuses. */
export enum AdmissionValidationAction {
  /** Refuse the request. The default. */
  DENY = 'Deny',
  /** Accept it, with a warning to the client (kubectl prints it). */
  WARN = 'Warn',
  /** Accept it, and record the failure in the audit log. */
  AUDIT = 'Audit',
}

/** A rule of BaselineAdmissionPolicy. */
export enum BaselineAdmissionRule {
  /**
   * The namespaces of this app keep their Pod Security `enforce` label at the level the
   * SecureNamespace set (or stricter), and their `enforce-version` (if set) at `latest` or a
   * version whose `restricted` includes every check of the audit (v1.34 or newer).
   */
  POD_SECURITY = 'pod-security',
  /**
   * No Istio PeerAuthentication in those namespaces weakens mutual TLS below STRICT, also per port
   * (`portLevelMtls`).
   */
  PEER_AUTHENTICATION_STRICT = 'peer-authentication-strict',
  /**
   * No RoleBinding in those namespaces grants a built-in ClusterRole with power the RBAC risk model
   * refuses (`cluster-admin`, `admin`, `edit`, `system:node`, ...: the forbidden ClusterRoles), nor
   * binds a `system:` user or group (SB-RBAC-DANGEROUS-GROUP's twin).
   */
  NO_CLUSTER_ADMIN_BINDING = 'no-cluster-admin-binding',
  /** PersistentVolumeClaims in those namespaces are created only on encrypting StorageClasses. */
  ENCRYPTED_STORAGE = 'encrypted-storage',
  /**
   * Every audit rule that can be decided from the object under admission, enforced by its CEL
   * twin (one policy per rule, named after it: `<prefix>-sb-ctr-image-tag`, ...): images pinned,
   * read-only root filesystems, requests and limits, no NodePort/LoadBalancer Services, mesh TLS
   * kept by DestinationRules and Linkerd authorization, Roles without wildcards or the RBAC risk
   * model's dangerous rows, RoleBindings without system: subjects. The rule's acknowledgement
   * annotation (a reason of 20 characters or more) admits the object, as in the audit. RULES.md
   * lists which rules are enforced here and which need the whole app (synth time only).
   *
   * One more policy, `<prefix>-ephemeral-containers`, covers the `pods/ephemeralcontainers`
   * subresource (kubectl debug), which the pod twins do not match: each ephemeral container a
   * request adds must meet the container twins (image pinned, read-only root filesystem) and the
   * Pod Security container rules (not privileged, capabilities, allowPrivilegeEscalation,
   * runAsNonRoot, runAsUser, seccomp, procMount, SELinux, AppArmor, HostProcess), unless the Pod
   * acknowledges the rule.
   */
  AUDIT_RULES = 'audit-rules',
  /**
   * The baseline's own NetworkPolicies and mesh policies (those this app puts in the protected
   * namespaces) cannot be deleted or have their spec changed by anyone but the GitOps controller
   * (`baselineManagers`), so `kubectl delete networkpolicy default-deny` does not remove the
   * baseline. Only with `baselineManagers`; not part of the default rules.
   */
  BASELINE_OBJECTS = 'baseline-objects',
}
