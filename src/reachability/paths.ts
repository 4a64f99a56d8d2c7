/**
 * Internal: the path computation of a reachability analysis — the declared graph from the intent,
 * then for every (sender, receiver) pair what the NetworkPolicies and the mesh let through, compared
 * with what is declared: edges, extra paths, missing paths, and who reaches the API server.
 */
import { ApiServerSpec, apiServerFindings, apiServerRanges } from './api-server-access';
import { buildModel, ExternalHost, meshIdentities } from './build';
import { AggregateSink, endpointClasses, EndpointClasses } from './classes';
import { hostsOf, identitiesOf, IntentRule, resolveRef } from './intent';
import { MeshLayer, MeshOptions, MeshVerdict } from './mesh-authorization';
import { describeRef, list, meshName, rangesNote } from './messages';
import { K8s, Model, Node } from './model';
import { NetworkPolicyLayer } from './network-policy';
import { PortSet } from './ports';
import {
  ApiServerAccessFinding, EndpointKind, ExtraPath, MissingPath, ReachabilityDuplicate, ReachabilityEdge, ReachabilityEndpoint, ReachabilityLayer,
  ReachabilityOptions,
} from './result-types';
import { findUnmodelledPolicies } from './unmodelled';
import { UnmodelledPolicy } from './unmodelled-policy';
import { IpRangeSet } from '../private/ip-ranges';

interface Declared {
  app: PortSet;
  infrastructure: boolean;
  origins: string[];
}

/**
 * The pairs to decide, by endpoint id: those with a sender in `sources` or a receiver in
 * `receivers` (the security diff's marked pairs). Every such pair comes out as it would in the
 * whole analysis; the others are not decided (no edge, extra or missing path, nor API-server reach).
 */
export interface PairScope {
  readonly sources: ReadonlySet<string>;
  readonly receivers: ReadonlySet<string>;
}

/** The paths between two endpoints, before the internet's address classes are folded. */
export interface Paths {
  edges: ReachabilityEdge[];
  extra: ExtraPath[];
  missing: MissingPath[];
}

/** What the computation finds; the caller folds the internet and sorts. */
export interface ComputedPaths {
  readonly model: Model;
  /** Sorted. */
  readonly endpoints: ReachabilityEndpoint[];
  readonly paths: Paths;
  readonly unknownNamespaces: string[];
  /** Not sorted. */
  readonly warnings: string[];
  readonly api: { unreachable: ApiServerAccessFinding[]; ungranted: ApiServerAccessFinding[] };
  readonly unmodelled: UnmodelledPolicy[];
}

/** The ports a pair connects on, per layer, and what is expected of it. */
interface PairPorts {
  /** What the NetworkPolicies allow. */
  readonly l4: PortSet;
  readonly verdict: MeshVerdict;
  /** The port meshed traffic arrives on at L4, if the mesh tunnels it. */
  readonly tp: number | undefined;
  /** What connects at both layers. */
  readonly eff: PortSet;
  /** Declared plus infrastructure ports. */
  readonly expected: PortSet;
  /** `expected` as the NetworkPolicies see it (with the transport port). */
  readonly l4Expected: PortSet;
}

const ENDPOINT_KIND: Record<Node['kind'], EndpointKind> = {
  Workload: EndpointKind.WORKLOAD,
  Dns: EndpointKind.DNS,
  MeshControlPlane: EndpointKind.MESH_CONTROL_PLANE,
  ExternalWorkload: EndpointKind.EXTERNAL_WORKLOAD,
  UnknownPods: EndpointKind.UNKNOWN_PODS,
  Cidr: EndpointKind.CIDR,
  ApiServer: EndpointKind.API_SERVER,
  Internet: EndpointKind.INTERNET,
  ExternalHost: EndpointKind.EXTERNAL_HOST,
  ClusterNodes: EndpointKind.CLUSTER_NODES,
};

const DNS_PORTS = PortSet.parse('UDP/53,TCP/53');
const ISTIOD_PORTS = PortSet.parse('TCP/15012');
const LINKERD_IDENTITY_PORTS = PortSet.parse('TCP/8080');
const LINKERD_CONTROL_PLANE_PORTS = PortSet.parse('TCP/8086,TCP/8090');

/** Ports an infrastructure endpoint is expected to be reached on by every pod. */
function infrastructurePorts(node: Node): PortSet {
  switch (node.kind) {
    case 'Dns': return DNS_PORTS;
    case 'MeshControlPlane': return node.name === 'istiod' ? ISTIOD_PORTS : node.name === 'linkerd-identity' ? LINKERD_IDENTITY_PORTS : LINKERD_CONTROL_PLANE_PORTS;
    default: return PortSet.EMPTY;
  }
}

/** Builds the model of `objects` and decides every path of it (or those of `pairs`) against `intent`. */
export function computePaths(objects: K8s[], intent: IntentRule[], options: ReachabilityOptions, duplicates: ReachabilityDuplicate[],
  apiServers: ApiServerSpec[], externalHosts: ExternalHost[], sink?: AggregateSink, pairs?: PairScope): ComputedPaths {
  const opts = {
    trustDomain: options.trustDomain ?? 'cluster.local',
    istioRootNamespace: options.istioRootNamespace ?? 'istio-system',
    linkerdNamespace: options.linkerdNamespace ?? 'linkerd',
    linkerdClusterDefaultPolicy: options.linkerdClusterDefaultPolicy ?? 'all-unauthenticated',
    linkerdTrustDomain: options.linkerdTrustDomain ?? 'cluster.local',
  };
  const apiSpecs = apiServers.map((a) => ({ ranges: apiServerRanges(a.cidrs), ports: a.ports }));
  const apiServerSet = apiSpecs.length === 0 ? undefined : apiSpecs.reduce((u, a) => u.union(a.ranges), IpRangeSet.EMPTY);
  const model = buildModel(objects, { ...opts, apiServer: apiServerSet, externalHosts, namedHosts: hostsOf(intent) },
    identitiesOf(intent).concat(meshIdentities(objects)));
  const computation = new PathComputation(model, opts, intent, apiSpecs, sink);
  const unmodelled = findUnmodelledPolicies(objects);
  const warnings: string[] = [...duplicates.map((d) => d.message), ...unmodelled.map((u) => u.message)];
  // (Pair-scoped: the caller reads only the paths of the pairs, so no warning is worked out.)
  computation.decide(computation.declaredGraph(intent, pairs ? undefined : warnings, pairs), pairs);
  const endpoints = computation.endpoints();
  const unknown = model.unknownNamespaces;
  const api = apiSpecs.length === 0 ? { unreachable: [], ungranted: [] } : apiServerFindings(model, objects, computation.apiReach, apiSpecs);
  const paths = { edges: computation.edges, extra: computation.extra, missing: computation.missing };
  return { model, endpoints, paths, unknownNamespaces: unknown, warnings, api, unmodelled };
}

/** The paths of one model, decided pair by pair. */
class PathComputation {
  public readonly edges: ReachabilityEdge[] = [];
  public readonly extra: ExtraPath[] = [];
  public readonly missing: MissingPath[] = [];
  /** Per sender: the API server ports it reaches (on endpoints where the API server listens on them). */
  public readonly apiReach = new Map<number, PortSet>();
  private readonly used = new Set<number>();
  private readonly np: NetworkPolicyLayer;
  private readonly mesh: MeshLayer;
  private readonly classes: EndpointClasses | undefined;
  private readonly label: (n: Node) => string;

  constructor(private readonly model: Model, opts: MeshOptions, intent: IntentRule[],
    private readonly apiSpecs: Array<{ ranges: IpRangeSet; ports: PortSet }>, sink?: AggregateSink) {
    this.np = new NetworkPolicyLayer(model);
    this.mesh = new MeshLayer(model, opts);
    // Aggregated (the CLI): one representative per class of equivalent workloads, labelled for the class.
    this.classes = sink ? endpointClasses(model, this.np, intent) : undefined;
    this.label = sink ? sink.label(model, this.classes!) : (n: Node) => n.id;
  }

  /**
   * The declared graph, per (receiver, sender); a rule naming no endpoint is a warning (unless
   * infrastructure), when `warnings` is given. With `pairs`, only the pairs `decide` decides.
   */
  public declaredGraph(intent: IntentRule[], warnings: string[] | undefined, pairs?: PairScope): Map<number, Map<number, Declared>> {
    const model = this.model;
    const declared = new Map<number, Map<number, Declared>>();
    for (const rule of intent) {
      const senders = resolveRef(model, rule.from);
      const receivers = resolveRef(model, rule.to);
      if (senders.length === 0 || receivers.length === 0) {
        const which = senders.length === 0 ? rule.from : rule.to;
        if (warnings && !rule.infrastructure) warnings.push(`${rule.origin}: declares a path ${senders.length === 0 ? 'from' : 'to'} ${describeRef(which)} that matches no endpoint`);
        continue;
      }
      for (const d of receivers) {
        let ruleApp: PortSet | undefined;
        const anySender = pairs === undefined || pairs.receivers.has(d.id);
        for (const s of senders) {
          if (!s.managed && !d.managed) continue;
          if (!anySender && !pairs!.sources.has(s.id)) continue;
          ruleApp ??= Model.resolvePorts(rule.ports, d);
          let app = ruleApp;
          const tp = this.mesh.transportPort(s, d);
          if (tp !== undefined && !d.ports.some((p) => p.port === tp && p.protocol === 'TCP')) app = app.subtract(PortSet.range('TCP', tp));
          let byD = declared.get(d.index);
          if (byD === undefined) {
            byD = new Map<number, Declared>();
            declared.set(d.index, byD);
          }
          let cur = byD.get(s.index);
          if (cur === undefined) {
            cur = { app: PortSet.EMPTY, infrastructure: true, origins: [] };
            byD.set(s.index, cur);
          }
          cur.app = cur.app.union(app);
          cur.infrastructure = cur.infrastructure && (rule.infrastructure || s.infrastructure || d.infrastructure);
          if (!cur.origins.includes(rule.origin)) cur.origins.push(rule.origin);
        }
      }
    }
    return declared;
  }

  /** Decides every pair whose receiver represents its class (each receiver when not aggregated); with `pairs`, only those. */
  public decide(declared: Map<number, Map<number, Declared>>, pairs?: PairScope): void {
    const senders = pairs ? new Set(this.model.nodes.filter((n) => pairs.sources.has(n.id)).map((n) => n.index)) : undefined;
    for (const d of this.model.nodes) {
      if (this.repOf(d.index) !== d.index) continue;
      // A receiver outside the scope: only its pairs with a sender in it.
      const only = pairs && !pairs.receivers.has(d.id) ? senders! : undefined;
      if (only?.size === 0) continue;
      const decl = declared.get(d.index);
      const named = this.mesh.governs(d) ? new Set(this.mesh.namedSenders(d).map((n) => this.repOf(n.index))) : new Set<number>();
      const candidates = new Set<number>();
      for (const s of this.np.candidateSenders(d)) candidates.add(this.repOf(s));
      for (const s of decl?.keys() ?? []) candidates.add(this.repOf(s));
      for (const s of named) candidates.add(s);
      for (const si of candidates) if (!only || only.has(si)) this.decidePair(si, d, decl, named);
    }
  }

  /** The endpoints: every workload and every endpoint a path uses (class representatives only), sorted. */
  public endpoints(): ReachabilityEndpoint[] {
    const used = this.used;
    if (this.classes) {
      for (const n of this.model.nodes) {
        const r = this.repOf(n.index);
        if (r === n.index) continue;
        if (used.has(r)) used.add(n.index);
        const reached = this.apiReach.get(r);
        if (reached) this.apiReach.set(n.index, reached);
      }
    }
    return this.model.nodes.filter((n) => (n.kind === 'Workload' || used.has(n.index)) && this.repOf(n.index) === n.index).map((n) => ({
      id: this.label(n),
      kind: ENDPOINT_KIND[n.kind],
      name: n.name,
      namespace: n.namespace,
      serviceAccount: n.serviceAccount,
      workloadKind: n.workloadKind,
      managed: n.managed,
      ...(n.ranges ? { ranges: n.ranges.describe() } : {}),
    })).sort((a, b) => a.id.localeCompare(b.id));
  }

  private repOf(i: number): number {
    return this.classes ? this.classes.rep[i] : i;
  }

  /** One (sender, receiver) pair: its edge, extra and missing paths, and its reach of the API server. */
  private decidePair(si: number, d: Node, decl: Map<number, Declared> | undefined, named: Set<number>): void {
    const s = this.model.nodes[si];
    if (!s.managed && !d.managed) return;
    const l4 = this.np.allowed(s, d);
    const dec = decl?.get(si);
    if (l4.isEmpty && !dec && !named.has(si)) return;
    const verdict = this.mesh.evaluate(s, d);
    const tp = this.mesh.transportPort(s, d);
    const eff = tp !== undefined
      ? (l4.has('TCP', tp) ? verdict.ports.of('TCP') : PortSet.EMPTY).union(l4.intersect(verdict.ports).without('TCP'))
      : l4.intersect(verdict.ports);
    const declApp = dec?.app ?? PortSet.EMPTY;
    const expected = declApp.union(infrastructurePorts(d));
    const l4Expected = tp !== undefined && !expected.of('TCP').isEmpty ? expected.union(PortSet.range('TCP', tp)) : expected;
    const effExtra = this.addExtraPaths(s, d, { l4, verdict, tp, eff, expected, l4Expected }, named.has(si));

    const miss = declApp.subtract(eff);
    if (dec && !miss.isEmpty) this.addMissingPath(s, d, dec, miss, tp, verdict);

    if (d.kind === 'ApiServer') {
      const listening = this.apiSpecs.filter((a) => a.ranges.overlaps(d.ranges!)).reduce((u, a) => u.union(a.ports), PortSet.EMPTY);
      const reached = eff.intersect(listening);
      if (!reached.isEmpty) this.apiReach.set(si, (this.apiReach.get(si) ?? PortSet.EMPTY).union(reached));
    }
    if (!eff.isEmpty) {
      this.edges.push({
        from: this.label(s),
        to: this.label(d),
        ports: eff.toStrings(),
        networkPolicyPorts: l4.toStrings(),
        declared: !declApp.intersect(eff).isEmpty || !infrastructurePorts(d).intersect(eff).isEmpty,
        infrastructure: (dec?.infrastructure ?? false) || s.infrastructure || d.infrastructure,
        extra: !effExtra.isEmpty,
      });
      this.used.add(si);
      this.used.add(d.index);
    }
    if (dec) { this.used.add(si); this.used.add(d.index); }
  }

  /** The pair's undeclared ports, per layer (`named`: the mesh names the sender); returns those that connect. */
  private addExtraPaths(s: Node, d: Node, p: PairPorts, named: boolean): PortSet {
    const label = this.label;
    const effExtra = p.eff.subtract(p.expected);
    if (!effExtra.isEmpty) {
      this.extra.push({
        from: label(s),
        to: label(d),
        ports: effExtra.toStrings(),
        layer: ReachabilityLayer.EFFECTIVE,
        message: `${label(s)} reaches ${label(d)} on ${effExtra} but nothing declares it (NetworkPolicy and ${meshName(d)} both let it through)${rangesNote(d)}`,
      });
    }
    let l4Extra = p.l4.subtract(p.l4Expected).subtract(effExtra);
    if (p.tp !== undefined && !effExtra.isEmpty) l4Extra = l4Extra.subtract(PortSet.range('TCP', p.tp));
    if (!l4Extra.isEmpty) {
      this.extra.push({
        from: label(s),
        to: label(d),
        ports: l4Extra.toStrings(),
        layer: ReachabilityLayer.NETWORK_POLICY,
        message: `the NetworkPolicies let ${label(s)} through to ${label(d)} on ${l4Extra} although nothing declares it; only ${meshName(d)} stops it${rangesNote(d)}`,
      });
    }
    if (named) {
      const meshExtra = p.verdict.ports.of('TCP').subtract(p.expected).subtract(effExtra);
      if (!meshExtra.isEmpty && !meshExtra.equals(PortSet.allOf('TCP').subtract(p.expected))) {
        this.extra.push({
          from: label(s),
          to: label(d),
          ports: meshExtra.toStrings(),
          layer: ReachabilityLayer.MESH,
          message: `${meshName(d)} on ${label(d)} admits ${label(s)} on ${meshExtra} although nothing declares it; only the NetworkPolicies stop it`,
        });
      }
    }
    return effExtra;
  }

  /** A declared pair whose ports `miss` do not connect: which layer blocks them, and why. */
  private addMissingPath(s: Node, d: Node, dec: Declared, miss: PortSet, tp: number | undefined, verdict: MeshVerdict): void {
    const { np, mesh, label } = this;
    const need = tp !== undefined ? PortSet.range('TCP', tp).union(miss.without('TCP')) : miss;
    const egressGap = need.subtract(np.egressPorts(s, d));
    const ingressGap = need.subtract(np.ingressPorts(d, s));
    const meshGap = miss.subtract(verdict.ports);
    const blockedBy: ReachabilityLayer[] = [];
    const l4Reasons: string[] = [];
    if (!egressGap.isEmpty) l4Reasons.push(`the egress NetworkPolicies of ${label(s)} (${list(np.policiesOf(s, 'egress'))}) do not allow ${label(d)} on ${egressGap}`);
    if (!ingressGap.isEmpty) l4Reasons.push(`the ingress NetworkPolicies of ${label(d)} (${list(np.policiesOf(d, 'ingress'))}) do not admit ${label(s)} on ${ingressGap}`);
    if (l4Reasons.length > 0) blockedBy.push(ReachabilityLayer.NETWORK_POLICY);
    const meshReasons = meshGap.isEmpty ? [] : verdict.denials.filter((x) => !x.ports.intersect(meshGap).isEmpty).map((x) => x.message);
    if (!meshGap.isEmpty) blockedBy.push(ReachabilityLayer.MESH);
    const why = l4Reasons.length === 0
      ? `NetworkPolicy allows it but ${meshReasons.join('; ') || `${meshName(d)} refuses it`}`
      : meshGap.isEmpty ? `${l4Reasons.join('; ')}${mesh.governs(d) ? ` (${meshName(d)} would admit it)` : ''}` : `${l4Reasons.join('; ')}; and ${meshReasons.join('; ') || `${meshName(d)} refuses it`}`;
    this.missing.push({
      from: label(s),
      to: label(d),
      ports: miss.toStrings(),
      blockedBy,
      declaredBy: dec.origins.join(', '),
      message: `${label(s)} → ${label(d)} on ${miss} is declared (${dec.origins.join(', ')}) but blocked: ${why}`,
    });
  }
}
