/**
 * Internal: the Namespace object of a SecureNamespace — Pod Security Admission labels (the level
 * enforced, `restricted` audited and warned, the version pinned), the reason of a weaker level, and
 * the mesh's labels and annotations.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { fail, makeClusterScoped, show, validateReason } from './validation';
import { enforceVersionProblem, MIN_POD_SECURITY_VERSION } from '../audit/pod-security-version';
import type { Mesh } from '../mesh';
import { PodSecurityLevel } from '../namespace-options';
import type { SecureNamespaceProps } from '../secure-namespace';

/** The Namespace `name` enforcing `level`, its Pod Security version pinned (`defaultVersion` unless the props name one). */
export function createNamespaceObject(
  scope: Construct, name: string, props: SecureNamespaceProps, level: PodSecurityLevel, defaultVersion: string, mesh: Mesh,
): ApiObject {
  const version = props.podSecurityVersion ?? defaultVersion;
  if (!/^(v1\.(0|[1-9][0-9]*)|latest)$/.test(version)) {
    fail(scope, `podSecurityVersion ${show(version)} is not a Pod Security Standards version`, 'write "v1.N" (e.g. "v1.34") or "latest"');
  }
  if (enforceVersionProblem(version) !== undefined) {
    fail(scope, `podSecurityVersion ${show(version)} is older than ${MIN_POD_SECURITY_VERSION}: Pod Security Admission would enforce "restricted" as that version defined it, without the checks added since (seccomp in v1.19, capabilities in v1.22, runAsUser in v1.23, host probes in v1.34)`,
      `pin ${MIN_POD_SECURITY_VERSION} or newer, or "latest" (a version newer than the cluster is evaluated as the cluster's own)`);
  }
  const annotations: Record<string, string> = { ...props.annotations };
  if (level !== PodSecurityLevel.RESTRICTED) {
    const reason = validateReason(scope, `enforcing Pod Security level ${show(level)}`, props.podSecurityReason);
    annotations[acknowledgementAnnotation(RuleIds.NS_PSS)] = reason;
  } else if (props.podSecurityReason !== undefined) {
    fail(scope, `podSecurityReason is set but podSecurityLevel is ${show(level)}`, 'remove podSecurityReason; it is only for a level weaker than restricted');
  }
  Object.assign(annotations, mesh._impl.namespaceAnnotations());
  return makeClusterScoped(new ApiObject(scope, 'Namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...props.labels,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': version,
        'pod-security.kubernetes.io/audit': PodSecurityLevel.RESTRICTED,
        'pod-security.kubernetes.io/audit-version': version,
        'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
        'pod-security.kubernetes.io/warn-version': version,
        ...mesh._impl.namespaceLabels(),
      },
      annotations,
    },
  }));
}
