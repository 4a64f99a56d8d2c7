import { AuditContext, isObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

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

/** Cluster-scoped objects must not carry a namespace. */
export const rule: RuleDefinition = {
  id: RuleIds.META_CLUSTER_SCOPED_NAMESPACE,
  severity: Severity.ERROR,
  area: 'Metadata',
  description: 'Cluster-scoped objects (Namespace, StorageClass, ClusterRole, ClusterRoleBinding, PriorityClass, CRDs with scope Cluster, ...) must not set metadata.namespace.',
  fix: 'Remove metadata.namespace from the object (define it in a Chart without a namespace, or delete the field with a JSON patch).',
  standards: {},
  check: (ctx: AuditContext) => {
    const kinds = new Set(CLUSTER_SCOPED_KINDS);
    for (const crd of ctx.ofKind('CustomResourceDefinition', 'apiextensions.k8s.io')) {
      const spec = crd.manifest.spec;
      if (isObject(spec) && spec.scope === 'Cluster' && isObject(spec.names)) kinds.add(`${spec.group}|${spec.names.kind}`);
    }
    const out: Issue[] = [];
    for (const obj of ctx.objects) {
      if (obj.namespace !== '' && kinds.has(`${obj.group}|${obj.kind}`)) {
        out.push({ obj, jsonPath: 'metadata.namespace', message: `cluster-scoped ${obj.kind} sets metadata.namespace "${obj.namespace}"` });
      }
    }
    return out;
  },
};
