/**
 * Explicit, reasoned opt-outs are written into the manifests as annotations
 * `ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>`, which the audit reads as acknowledgements
 * (in-process, in the CLI and in the cdk8s plugin alike).
 */
export const ACK_PREFIX = 'ack.cdk8s-secure-baseline.io/';

/** The annotation key that acknowledges `ruleId`. */
export function acknowledgementAnnotation(ruleId: string): string {
  return `${ACK_PREFIX}${ruleId}`;
}

/** Audit rule IDs that constructs acknowledge when a user opts out of a default. */
export const RuleIds = {
  NS_PSS: 'SB-NS-PSS',
  RBAC_POD_EXEC: 'SB-RBAC-POD-EXEC',
  RBAC_NODES_PROXY: 'SB-RBAC-NODES-PROXY',
  RBAC_TOKEN_CREATE: 'SB-RBAC-TOKEN-CREATE',
  RBAC_WORKLOAD_CREATE: 'SB-RBAC-WORKLOAD-CREATE',
  RBAC_PV_CREATE: 'SB-RBAC-PV-CREATE',
  RBAC_CSR_APPROVE: 'SB-RBAC-CSR-APPROVE',
  RBAC_WEBHOOK: 'SB-RBAC-WEBHOOK',
  RBAC_NAMESPACE_MODIFY: 'SB-RBAC-NAMESPACE-MODIFY',
  RBAC_CLUSTER_SCOPED: 'SB-RBAC-CLUSTER-SCOPED',
  SVC_EXPOSED: 'SB-SVC-EXPOSED',
  STORAGE_CLASS_UNVERIFIED: 'SB-STORAGE-CLASS-UNVERIFIED',
} as const;
