/**
 * Internal: which objects shape a side's whole reachability graph (reach-index.ts `fixedInput`):
 * those that cut address classes (ipBlocks), make the analyzer add endpoints of its own (a peer
 * pinning a namespace it does not know, an Istio principal of one), name external hosts, or may
 * apply to endpoints the analyzer adds (policies of kube-system, the mesh's and gateways'
 * namespaces). Such an object stays in every slice the incremental analysis reads.
 */
import { DNS_LABELS, Entry, ISTIOD_LABELS, MANAGED_BY, METADATA_NAME, arr } from './reach-entry';
import { SideObject } from './side';
import { rawNamespace } from './side-index';
import { EXTERNAL_HOSTS_ANNOTATION } from '../private/external-egress';
import { namespaceOf, parseSelector, pinnedNamespaces, selectorMatches } from '../reachability/model';

/** What the decisions read of a side's view. */
export interface GraphView {
  /** The Istio root namespace. */
  readonly root: string;
  /** Namespaces where the analyzer adds endpoints of its own (kube-system, the mesh's). */
  readonly special: ReadonlySet<string>;
  readonly gatewayNamespaces: ReadonlySet<string>;
  readonly workloadSidecarNamespaces: ReadonlySet<string>;
  /** Whether the analyzer treats the input as Istio's. */
  readonly istio: boolean;
  /** Whether the analyzer knows a namespace (a Namespace object, or workloads in it). */
  isKnown(ns: string): boolean;
}

/** Whether an object (of a policy, mesh or global role) shapes the whole graph (see the file comment). */
export function shapesGraph(view: GraphView, e: Entry, o: SideObject): boolean {
  const m = o.manifest;
  const ns = namespaceOf(m);
  const fixed = view.special.has(ns) || view.gatewayNamespaces.has(ns);
  // (readEntry reads the peers of every NetworkPolicy, and the sources of every Istio policy
  // without a targetRef: one with a targetRef shapes the graph.)
  if (e.role === 'policy') {
    return fixed || e.peers!.ipBlock || m.metadata?.annotations?.[EXTERNAL_HOSTS_ANNOTATION] !== undefined
      || e.peers!.withNamespaces.some((p) => peerAddsEndpoints(view, p, view.istio))
      || (m.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY && view.workloadSidecarNamespaces.has(rawNamespace(o)));
  }
  if (e.role === 'mesh') {
    return e.sources === undefined || fixed || !m.spec?.selector || m.spec.targetRef !== undefined || m.spec.targetRefs !== undefined
      || e.sources.ipBlocks || e.sources.principalNamespaces.some((n) => !view.isKnown(n));
  }
  return e.role === 'global';
}

/**
 * Whether a NetworkPolicy's peers may add endpoints of their own: a peer pinning a namespace the
 * analyzer does not know adds a pod endpoint there unless one it always adds (kube-dns, istiod)
 * matches the peer.
 */
export function addsEndpoints(view: GraphView, np: any, istio: boolean): boolean {
  for (const [rules, key] of [[np.spec?.ingress, 'from'], [np.spec?.egress, 'to']] as const) {
    for (const r of arr(rules)) {
      for (const p of arr(r?.[key])) if (p && typeof p === 'object' && p.namespaceSelector && peerAddsEndpoints(view, p, istio)) return true;
    }
  }
  return false;
}

function peerAddsEndpoints(view: GraphView, p: any, istio: boolean): boolean {
  // The common cases without parsing: one namespace named, known, or its well-known endpoint selected.
  const nsSel = p.namespaceSelector;
  const named = nsSel.matchLabels?.[METADATA_NAME];
  if (typeof named === 'string' && nsSel.matchExpressions === undefined) {
    if (view.isKnown(named)) return false;
    const podLabels = p.podSelector?.matchLabels;
    const wellKnown = named === 'kube-system' ? DNS_LABELS : istio && named === view.root ? ISTIOD_LABELS : undefined;
    if (wellKnown && p.podSelector?.matchExpressions === undefined && podLabels !== null && typeof podLabels === 'object'
      && Object.keys(podLabels).every((k) => wellKnown[k] === podLabels[k]) && Object.keys(nsSel.matchLabels).length === 1) return false;
  }
  const pods = parseSelector(p.podSelector ?? {});
  for (const ns of pinnedNamespaces(parseSelector(nsSel)) ?? []) {
    if (view.isKnown(ns)) continue;
    const dns = ns === 'kube-system' && selectorMatches(pods, DNS_LABELS);
    const istiod = istio && ns === view.root && selectorMatches(pods, ISTIOD_LABELS);
    if (!dns && !istiod) return true;
  }
  return false;
}
