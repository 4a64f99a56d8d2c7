/**
 * Internal: the one table of built-in (and well-known CRD) cluster-scoped kinds, shared by the
 * audit, the reachability model and the object model's identities.
 */

/** Cluster-scoped kinds by `group|kind` (plus CRDs with scope Cluster found in the output). */
export const CLUSTER_SCOPED_KINDS = [
  '|Namespace', '|Node', '|PersistentVolume', '|ComponentStatus',
  'rbac.authorization.k8s.io|ClusterRole', 'rbac.authorization.k8s.io|ClusterRoleBinding',
  'storage.k8s.io|StorageClass', 'storage.k8s.io|CSIDriver', 'storage.k8s.io|CSINode', 'storage.k8s.io|VolumeAttachment',
  'scheduling.k8s.io|PriorityClass',
  'apiextensions.k8s.io|CustomResourceDefinition',
  'admissionregistration.k8s.io|ValidatingWebhookConfiguration', 'admissionregistration.k8s.io|MutatingWebhookConfiguration',
  'admissionregistration.k8s.io|ValidatingAdmissionPolicy', 'admissionregistration.k8s.io|ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io|MutatingAdmissionPolicy', 'admissionregistration.k8s.io|MutatingAdmissionPolicyBinding',
  'apiregistration.k8s.io|APIService',
  'node.k8s.io|RuntimeClass',
  'networking.k8s.io|IngressClass', 'networking.k8s.io|IPAddress', 'networking.k8s.io|ServiceCIDR',
  'certificates.k8s.io|CertificateSigningRequest', 'certificates.k8s.io|ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io|FlowSchema', 'flowcontrol.apiserver.k8s.io|PriorityLevelConfiguration',
  'policy|PodSecurityPolicy',
  'resource.k8s.io|DeviceClass',
  'cert-manager.io|ClusterIssuer',
  'gateway.networking.k8s.io|GatewayClass',
  'snapshot.storage.k8s.io|VolumeSnapshotClass', 'snapshot.storage.k8s.io|VolumeSnapshotContent',
  'external-secrets.io|ClusterSecretStore', 'external-secrets.io|ClusterExternalSecret',
];

/** Kinds whose plural is not the regular English one. */
const IRREGULAR_PLURALS: Record<string, string> = {
  endpoints: 'endpoints',
};

/** The lowercase plural resource name of a kind: `NetworkPolicy` -> `networkpolicies`. */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (IRREGULAR_PLURALS[k]) return IRREGULAR_PLURALS[k];
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  return `${k}s`;
}

/** Cluster-scoped resources that are not stored kinds (reviews, signers), by `group|resource`. */
const CLUSTER_SCOPED_VIRTUAL_RESOURCES = [
  'authentication.k8s.io|selfsubjectreviews', 'authentication.k8s.io|tokenreviews',
  'authorization.k8s.io|selfsubjectaccessreviews', 'authorization.k8s.io|selfsubjectrulesreviews', 'authorization.k8s.io|subjectaccessreviews',
  'certificates.k8s.io|signers',
];

const CLUSTER_SCOPED_RESOURCES = new Set([
  ...CLUSTER_SCOPED_KINDS.map((k) => {
    const [group, kind] = k.split('|');
    return `${group}|${pluralOf(kind)}`;
  }),
  ...CLUSTER_SCOPED_VIRTUAL_RESOURCES,
]);

/** Every cluster-scoped RBAC resource as `group|resource`, sorted (namespaces excepted, as below). */
export function clusterScopedResources(): string[] {
  return [...CLUSTER_SCOPED_RESOURCES].filter((k) => k !== '|namespaces').sort();
}

/**
 * Whether an RBAC resource (without subresource) of `group` is cluster-scoped, so that a Role
 * cannot grant it. Namespaces are the exception: the authorizer checks a request for a Namespace
 * object against the Roles of that namespace.
 */
export function isClusterScopedResource(group: string, resource: string): boolean {
  if (group === '' && resource === 'namespaces') return false;
  return CLUSTER_SCOPED_RESOURCES.has(`${group}|${resource}`);
}
