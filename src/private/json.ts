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
