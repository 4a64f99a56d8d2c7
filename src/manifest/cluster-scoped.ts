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
