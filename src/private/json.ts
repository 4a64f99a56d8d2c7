/** Internal JSON shapes of the Kubernetes objects this library renders. */

/** Rendered NetworkPolicy port. */
export interface PortJson {
  readonly protocol: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** Rendered label selector. */
export interface SelectorJson {
  readonly matchLabels?: Record<string, string>;
}

/** Rendered NetworkPolicy peer. */
export interface PeerJson {
  readonly namespaceSelector?: SelectorJson;
  readonly podSelector?: SelectorJson;
  readonly ipBlock?: { cidr: string; except?: string[] };
}

/**
 * The NetworkPolicy peer for the pods of `namespace` that carry all of `podLabels` (every pod of
 * the namespace when there are none). The one selector builder every policy of this library uses.
 */
export function podsPeer(namespace: string, podLabels?: Record<string, string>): PeerJson {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    ...(podLabels && Object.keys(podLabels).length > 0 ? { podSelector: { matchLabels: { ...podLabels } } } : {}),
  };
}

/** Rendered NetworkPolicy ingress rule. */
export interface IngressRuleJson {
  readonly from?: PeerJson[];
  readonly ports?: PortJson[];
}

/** Rendered NetworkPolicy egress rule. */
export interface EgressRuleJson {
  readonly to?: PeerJson[];
  readonly ports?: PortJson[];
}
