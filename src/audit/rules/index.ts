/**
 * Every audit rule (one file per rule), sorted by ID.
 */
import { RuleDefinition } from '../rule';
import { rule as ackExpired } from './ack-expired';
import { rule as ackInvalid } from './ack-invalid';
import { rule as ackUnused } from './ack-unused';
import { rule as admissionNotEnforced } from './admission-not-enforced';
import { rule as ctrImagePullPolicy } from './ctr-image-pull-policy';
import { rule as ctrImageTag } from './ctr-image-tag';
import { rule as ctrLivenessProbe } from './ctr-liveness-probe';
import { rule as ctrReadinessProbe } from './ctr-readiness-probe';
import { rule as ctrReadonlyRootfs } from './ctr-readonly-rootfs';
import { rule as ctrResourceLimits } from './ctr-resource-limits';
import { rule as ctrResourceRequests } from './ctr-resource-requests';
import { rule as meshIstioAuthzOpen } from './mesh-istio-authz-open';
import { rule as meshIstioDrTls } from './mesh-istio-dr-tls';
import { rule as meshIstioDrVerify } from './mesh-istio-dr-verify';
import { rule as meshIstioEgress } from './mesh-istio-egress';
import { rule as meshIstioNsAuthz } from './mesh-istio-ns-authz';
import { rule as meshIstioPeerAuth } from './mesh-istio-peer-auth';
import { rule as meshLinkerdAuthnOpen } from './mesh-linkerd-authn-open';
import { rule as meshLinkerdNsPolicy } from './mesh-linkerd-ns-policy';
import { rule as meshLinkerdUnauthenticated } from './mesh-linkerd-unauthenticated';
import { rule as metaClusterScopedNamespace } from './meta-cluster-scoped-namespace';
import { rule as metaDuplicate } from './meta-duplicate';
import { rule as netGatewayPlainHttp } from './net-gateway-plain-http';
import { rule as netIngressTls } from './net-ingress-tls';
import { rule as netNsDefaultDeny } from './net-ns-default-deny';
import { rule as netPolicyAllPeers } from './net-policy-all-peers';
import { rule as netPolicyCloudIdentity } from './net-policy-cloud-identity';
import { rule as netPolicyInternet } from './net-policy-internet';
import { rule as netPolicyMetadata } from './net-policy-metadata';
import { rule as netRouteHostname } from './net-route-hostname';
import { rule as netWorkloadIsolation } from './net-workload-isolation';
import { rule as nsPss } from './ns-pss';
import { rule as pssApparmor } from './pss-apparmor';
import { rule as pssCapabilitiesAdd } from './pss-capabilities-add';
import { rule as pssCapabilitiesDrop } from './pss-capabilities-drop';
import { rule as pssHostNamespaces } from './pss-host-namespaces';
import { rule as pssHostPath } from './pss-host-path';
import { rule as pssHostPorts } from './pss-host-ports';
import { rule as pssHostProbes } from './pss-host-probes';
import { rule as pssHostProcess } from './pss-host-process';
import { rule as pssPrivilegeEscalation } from './pss-privilege-escalation';
import { rule as pssPrivileged } from './pss-privileged';
import { rule as pssProcMount } from './pss-proc-mount';
import { rule as pssRunAsNonRoot } from './pss-run-as-non-root';
import { rule as pssRunAsRootUser } from './pss-run-as-root-user';
import { rule as pssSeccomp } from './pss-seccomp';
import { rule as pssSelinux } from './pss-selinux';
import { rule as pssSysctls } from './pss-sysctls';
import { rule as pssVolumeTypes } from './pss-volume-types';
import { rule as rbacClusterAdmin } from './rbac-cluster-admin';
import { rule as rbacClusterScoped } from './rbac-cluster-scoped';
import { rule as rbacCsrApprove } from './rbac-csr-approve';
import { rule as rbacDangerousGroup } from './rbac-dangerous-group';
import { rule as rbacEscalate } from './rbac-escalate';
import { rule as rbacNamespaceModify } from './rbac-namespace-modify';
import { rule as rbacNodesProxy } from './rbac-nodes-proxy';
import { rule as rbacPodExec } from './rbac-pod-exec';
import { rule as rbacPodProxy } from './rbac-pod-proxy';
import { rule as rbacPolicyModify } from './rbac-policy-modify';
import { rule as rbacPvCreate } from './rbac-pv-create';
import { rule as rbacRoleMissing } from './rbac-role-missing';
import { rule as rbacSecrets } from './rbac-secrets';
import { rule as rbacSystemNamespace } from './rbac-system-namespace';
import { rule as rbacTokenCreate } from './rbac-token-create';
import { rule as rbacWebhook } from './rbac-webhook';
import { rule as rbacWildcard } from './rbac-wildcard';
import { rule as rbacWorkloadCreate } from './rbac-workload-create';
import { rule as rbacWorkloadIdentity } from './rbac-workload-identity';
import { rule as saAutomount } from './sa-automount';
import { rule as saDefault } from './sa-default';
import { rule as saPodAutomount } from './sa-pod-automount';
import { rule as secretEnvLiteral } from './secret-env-literal';
import { rule as secretEnvRef } from './secret-env-ref';
import { rule as secretInManifest } from './secret-in-manifest';
import { rule as secretLiteral } from './secret-literal';
import { rule as storageClassUnencrypted } from './storage-class-unencrypted';
import { rule as storageClassUnverified } from './storage-class-unverified';
import { rule as svcExposed } from './svc-exposed';

/** All rules, sorted by ID. */
export const ALL_RULES: RuleDefinition[] = [
  ackExpired,
  ackInvalid,
  ackUnused,
  admissionNotEnforced,
  ctrImagePullPolicy,
  ctrImageTag,
  ctrLivenessProbe,
  ctrReadinessProbe,
  ctrReadonlyRootfs,
  ctrResourceLimits,
  ctrResourceRequests,
  meshIstioAuthzOpen,
  meshIstioDrTls,
  meshIstioDrVerify,
  meshIstioEgress,
  meshIstioNsAuthz,
  meshIstioPeerAuth,
  meshLinkerdAuthnOpen,
  meshLinkerdNsPolicy,
  meshLinkerdUnauthenticated,
  metaClusterScopedNamespace,
  metaDuplicate,
  netGatewayPlainHttp,
  netIngressTls,
  netNsDefaultDeny,
  netPolicyAllPeers,
  netPolicyCloudIdentity,
  netPolicyInternet,
  netPolicyMetadata,
  netRouteHostname,
  netWorkloadIsolation,
  nsPss,
  pssApparmor,
  pssCapabilitiesAdd,
  pssCapabilitiesDrop,
  pssHostNamespaces,
  pssHostPath,
  pssHostPorts,
  pssHostProbes,
  pssHostProcess,
  pssPrivilegeEscalation,
  pssPrivileged,
  pssProcMount,
  pssRunAsNonRoot,
  pssRunAsRootUser,
  pssSeccomp,
  pssSelinux,
  pssSysctls,
  pssVolumeTypes,
  rbacClusterAdmin,
  rbacClusterScoped,
  rbacCsrApprove,
  rbacDangerousGroup,
  rbacEscalate,
  rbacNamespaceModify,
  rbacNodesProxy,
  rbacPodExec,
  rbacPodProxy,
  rbacPolicyModify,
  rbacPvCreate,
  rbacRoleMissing,
  rbacSecrets,
  rbacSystemNamespace,
  rbacTokenCreate,
  rbacWebhook,
  rbacWildcard,
  rbacWorkloadCreate,
  rbacWorkloadIdentity,
  saAutomount,
  saDefault,
  saPodAutomount,
  secretEnvLiteral,
  secretEnvRef,
  secretInManifest,
  secretLiteral,
  storageClassUnencrypted,
  storageClassUnverified,
  svcExposed,
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Rules by ID. */
export const RULES_BY_ID: ReadonlyMap<string, RuleDefinition> = new Map(ALL_RULES.map(r => [r.id, r]));
