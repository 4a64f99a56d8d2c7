import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { buildModel, ExternalHost, meshIdentities, serviceAccountGrants } from './build';
import { AggregateSink, endpointClasses, EndpointClasses } from './classes';
import { externalHostsFromConstructs, externalHostsFromManifests } from './external-hosts';
import { foldInternet } from './fold';
import { hostsOf, identitiesOf, IntentRule, intentFromConstructs, intentFromManifests, resolveRef } from './intent';
import { MeshLayer } from './mesh-authorization';
import { K8s, Model, Node } from './model';
import { NetworkPolicyLayer } from './network-policy';
import { PortSet } from './ports';
import { renderDot, renderMarkdown, renderMatrix, renderMermaid } from './render';
import { findUnmodelledPolicies } from './unmodelled';
import { UnmodelledPolicy } from './unmodelled-policy';
import { ApiServerEndpoint } from '../api-server';
import { describeManifest, expandLists, identityKey, itemPathText } from '../manifest/objects';
import { readManifestFiles } from '../manifest/reader';
import { IpRangeSet, METADATA_ENDPOINTS } from '../private/ip-ranges';
import { SecureNamespace } from '../secure-namespace';

/** The layer a path is decided at. */
export enum ReachabilityLayer {
  /** Kubernetes NetworkPolicies and Cilium's policies (L3/L4: IPs, ports, protocols). */
  NETWORK_POLICY = 'NetworkPolicy',
  /** Mesh authorization (Istio AuthorizationPolicy / PeerAuthentication, Linkerd Server + AuthorizationPolicy). */
  MESH = 'mesh',
  /** Both layers together: what can actually connect. */
  EFFECTIVE = 'effective',
}

/** What an endpoint of the graph is. */
export enum EndpointKind {
  /**
   * A workload of the manifests: every object holding a pod spec (Deployment, StatefulSet,
   * DaemonSet, ReplicaSet, Job, CronJob, Pod, and custom resources such as KEDA ScaledJobs or Argo
   * Rollouts), except a Pod or ReplicaSet whose owner is in the input (it is that owner's workload).
   */
  WORKLOAD = 'workload',
  /** The cluster DNS (`k8s-app: kube-dns` in kube-system). */
  DNS = 'dns',
  /** The mesh control plane (istiod, Linkerd identity / destination). */
  MESH_CONTROL_PLANE = 'mesh-control-plane',
  /** Pods of a namespace without manifests that a policy or a declared caller names. */
  EXTERNAL_WORKLOAD = 'external-workload',
  /** Any other pod of a namespace without manifests. */
  UNKNOWN_PODS = 'unknown-pods',
  /**
   * A class of IP addresses that every ipBlock treats alike (its `ranges` say which), or a cloud
   * metadata endpoint.
   */
  CIDR = 'cidr',
  /**
   * The Kubernetes API server: the addresses of its endpoints (SecureNamespace `apiServer`,
   * ReachabilityOptions `apiServer`, the CLI's `--api-server`), or a class of them.
   */
  API_SERVER = 'api-server',
  /** Anything outside the cluster: the address class with the most IPv4 addresses (its `ranges` say which). */
  INTERNET = 'internet',
  /** A host allowed by name (Cilium `toFQDNs`, id `api.stripe.com (by name)`): whatever addresses the name resolves to. */
  EXTERNAL_HOST = 'external-host',
  /** The cluster's nodes and host-network pods (Cilium's host, remote-node and health entities). */
  CLUSTER_NODES = 'cluster-nodes',
}

/** Options of the analysis. */
export interface ReachabilityOptions {
  /** Istio trust domain of principals. @default "cluster.local" */
  readonly trustDomain?: string;
  /** Istio root namespace (mesh-wide policies) and istiod's namespace. @default "istio-system" */
  readonly istioRootNamespace?: string;
  /** The Linkerd control plane namespace. @default "linkerd" */
  readonly linkerdNamespace?: string;
  /**
   * Linkerd's cluster-wide default inbound policy, for namespaces and pods without the annotation.
   * @default "all-unauthenticated" (Linkerd's install default)
   */
  readonly linkerdClusterDefaultPolicy?: string;
  /** Linkerd identity trust domain. @default "cluster.local" */
  readonly linkerdTrustDomain?: string;
  /**
   * Where the Kubernetes API server's endpoints are: an `api-server` endpoint, and the
   * `grantedButUnreachable` and `reachableButUngranted` findings. `Reachability.analyze` adds the
   * endpoints the app's SecureNamespaces name.
   * @default - only the SecureNamespaces' (in process); none from manifests: no API server findings
   */
  readonly apiServer?: ApiServerEndpoint;
  /**
   * Whether address classes that together make up everything outside the cluster, and that reach
   * (or are reached) alike, are reported as one path from or to `internet` (with `addresses`).
   * false: one path per address class, as `SecurityDiff` compares them (two sides fold differently
   * when one side opens a port to one address family only).
   * @default true
   */
  readonly foldInternet?: boolean;
}

/**
 * A ServiceAccount whose Kubernetes API access and reach of the API server disagree (one finding
 * per ServiceAccount).
 */
export interface ApiServerAccessFinding {
  /** The ServiceAccount, `namespace/name`. */
  readonly serviceAccount: string;
  /** The workloads running as it that the finding is about (endpoint ids), sorted. */
  readonly workloads: string[];
  /**
   * What gives it API access: RBAC bindings (`RoleBinding shop/fulfillment (Role fulfillment)`)
   * and API tokens in its pods. Empty for `reachableButUngranted`.
   */
  readonly grants: string[];
  /** Explanation. */
  readonly message: string;
}

/** One endpoint of the graph. */
export interface ReachabilityEndpoint {
  /**
   * `namespace/name`, `cidr 10.0.0.0/8`, `internet`, `*` (pods of namespaces without manifests), or
   * for addresses of an external service called by name, its host and the addresses
   * (`api.stripe.com (203.0.113.0/24)`).
   */
  readonly id: string;
  /** What it is. */
  readonly kind: EndpointKind;
  /** Display name. */
  readonly name: string;
  /** Namespace (pods only). @default - not a pod */
  readonly namespace?: string;
  /** ServiceAccount. @default - unknown or not a pod */
  readonly serviceAccount?: string;
  /** The workload kind (Deployment, StatefulSet, ...). @default - not a workload */
  readonly workloadKind?: string;
  /** Whether it lives in a namespace the manifests describe. */
  readonly managed: boolean;
  /**
   * For `cidr` and `internet` endpoints: the exact addresses, one entry per family, each a CIDR
   * list or `<CIDR> except <CIDRs>` (e.g. `0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32`).
   * IPv4-mapped IPv6 addresses count as IPv4. @default - not an address range
   */
  readonly ranges?: string[];
}

/** Several objects of the input with one identity (group, kind, namespace, name). */
export interface ReachabilityDuplicate {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Where each copy sits in the input (`#3`, `#5 items[2]`), in order; the last one counts. */
  readonly positions: string[];
  /** Explanation. */
  readonly message: string;
}

/** A path that exists. */
export interface ReachabilityEdge {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** Ports that connect at both layers, e.g. `TCP/8443`, `UDP/53`, `TCP/*`, `*`. */
  readonly ports: string[];
  /** Ports the NetworkPolicies alone allow. */
  readonly networkPolicyPorts: string[];
  /** Whether the path is declared (or expected infrastructure). */
  readonly declared: boolean;
  /** Whether it is an infrastructure path (DNS, mesh control plane, data plane). */
  readonly infrastructure: boolean;
  /** Whether some of its ports are not declared. */
  readonly extra: boolean;
  /**
   * For a path from or to `internet` that stands for more addresses than the internet endpoint's
   * `ranges`: the exact addresses, written as `ReachabilityEndpoint.ranges`. Address classes that a
   * rule admitting every address outside the cluster treats alike are reported as one path from or
   * to `internet` (classes that differ in ports, declaration or layer keep paths of their own; a
   * cloud metadata endpoint is always a destination of its own; the API server's endpoints never
   * fold).
   * @default - the addresses of the endpoints, as `ReachabilityEndpoint.ranges` says
   */
  readonly addresses?: string[];
}

/** A path that is open but not declared: a security finding. */
export interface ExtraPath {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** The undeclared ports. */
  readonly ports: string[];
  /** EFFECTIVE: it connects; NETWORK_POLICY: the NetworkPolicies let it through and only the mesh stops it; MESH: the mesh admits it and only the NetworkPolicies stop it. */
  readonly layer: ReachabilityLayer;
  /** Explanation. */
  readonly message: string;
  /** The exact addresses `internet` stands for here (see `ReachabilityEdge.addresses`). @default - the addresses of the endpoints */
  readonly addresses?: string[];
}

/** A declared path that does not connect: a broken app. */
export interface MissingPath {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** The declared ports that do not connect. */
  readonly ports: string[];
  /** The layers that block it. */
  readonly blockedBy: ReachabilityLayer[];
  /** Where the path was declared. */
  readonly declaredBy: string;
  /** Explanation naming both ends and the blocking layer. */
  readonly message: string;
  /** The exact addresses `internet` stands for here (see `ReachabilityEdge.addresses`). @default - the addresses of the endpoints */
  readonly addresses?: string[];
}

interface Declared {
  app: PortSet;
  infrastructure: boolean;
  origins: string[];
}

/** The outcome of a reachability analysis. */
export class ReachabilityResult {
  /** @internal */
  public static _create(endpoints: ReachabilityEndpoint[], edges: ReachabilityEdge[], extraPaths: ExtraPath[], missingPaths: MissingPath[],
    unknownNamespaces: string[], warnings: string[], duplicates: ReachabilityDuplicate[] = [],
    grantedButUnreachable: ApiServerAccessFinding[] = [], reachableButUngranted: ApiServerAccessFinding[] = [],
    unmodelledPolicies: UnmodelledPolicy[] = []): ReachabilityResult {
    return new ReachabilityResult(endpoints, edges, extraPaths, missingPaths, unknownNamespaces, warnings, duplicates,
      grantedButUnreachable, reachableButUngranted, unmodelledPolicies);
  }

  private constructor(
    /** Every endpoint that takes part in a path, plus every workload. */
    public readonly endpoints: ReachabilityEndpoint[],
    /** What connects (both layers), sorted. */
    public readonly edges: ReachabilityEdge[],
    /** Open but undeclared paths (security findings), sorted. */
    public readonly extraPaths: ExtraPath[],
    /** Declared paths that do not connect (broken app), sorted. */
    public readonly missingPaths: MissingPath[],
    /** Namespaces the policies or the intent name that have no manifests: their pods are isolated by nothing we see. */
    public readonly unknownNamespaces: string[],
    /** Other things worth knowing (e.g. a declared caller that matches no workload, a duplicate object). */
    public readonly warnings: string[],
    /**
     * Objects the input holds more than once (same group, kind, namespace and name): only the last
     * copy is analyzed, as `kubectl apply` of them all leaves the last one. Each is also a warning.
     */
    public readonly duplicates: ReachabilityDuplicate[] = [],
    /**
     * ServiceAccounts with Kubernetes API access (RBAC bindings, or a projected token for the API
     * server's audience) whose pods cannot reach the API server's endpoints on its port: they can
     * never use what they were granted (a broken app). Only when the API server's endpoints are known.
     */
    public readonly grantedButUnreachable: ApiServerAccessFinding[] = [],
    /**
     * ServiceAccounts without API access (no RBAC binding, no token) whose pods can reach the API
     * server's endpoints: a path nobody needs to the cluster's most sensitive endpoint. Only when
     * the API server's endpoints are known.
     */
    public readonly reachableButUngranted: ApiServerAccessFinding[] = [],
    /**
     * Network policies of the input the proof does not model (AdminNetworkPolicy, Calico, ...):
     * they may allow paths the result does not show. Each is also a warning; the check and the CLI fail on them.
     */
    public readonly unmodelledPolicies: UnmodelledPolicy[] = [],
  ) {}

  /** The effective reachability as a text table (rows: from, columns: to). */
  public matrix(): string {
    return renderMatrix(this);
  }

  /** A Mermaid flowchart: namespaces as subgraphs, edges labelled with ports, extra paths in red, missing ones dashed. */
  public toMermaid(): string {
    return renderMermaid(this);
  }

  /** A Graphviz DOT digraph: namespaces as clusters, edges labelled with ports. */
  public toDot(): string {
    return renderDot(this);
  }

  /** A Markdown report: summary, findings, matrix and diagram. */
  public toMarkdown(): string {
    return renderMarkdown(this);
  }

  /** Everything as plain JSON. */
  public toJson(): any {
    return {
      endpoints: this.endpoints,
      edges: this.edges,
      extraPaths: this.extraPaths,
      missingPaths: this.missingPaths,
      unknownNamespaces: this.unknownNamespaces,
      warnings: this.warnings,
      duplicates: this.duplicates,
      grantedButUnreachable: this.grantedButUnreachable,
      reachableButUngranted: this.reachableButUngranted,
      unmodelledPolicies: this.unmodelledPolicies,
    };
  }
}

/**
 * Computes who can actually talk to whom from synthesized manifests — NetworkPolicies at L3/L4,
 * Istio or Linkerd authorization at the identity layer, and their intersection — and compares it
 * with the declared intent.
 *
 * @example
 * const result = Reachability.analyze(app);
 * expect(result.extraPaths).toEqual([]);
 */
export class Reachability {
  /**
   * Analyzes every ApiObject under `scope` (an App or a Chart); the intent is what the library's
   * constructs declared (MtlsService.allowFrom, SecureNamespace DNS, mesh and allow* helpers).
   */
  public static analyze(scope: IConstruct, options: ReachabilityOptions = {}): ReachabilityResult {
    const objects = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson());
    const input = readInput(objects);
    const apiServers = [
      ...scope.node.findAll().filter((c): c is SecureNamespace => c instanceof SecureNamespace && c.apiServer !== undefined).map((c) => c.apiServer!),
      ...(options.apiServer ? [options.apiServer] : []),
    ].map((a) => ({ cidrs: a.ranges, ports: PortSet.range('TCP', a.port) }));
    return analyzeObjects(input.objects, intentFromConstructs(scope), options, input.duplicates, apiServers, externalHostsFromConstructs(scope));
  }

  /**
   * Analyzes Kubernetes objects (JSON). The intent is rebuilt from the NetworkPolicies the library
   * generates; any other policy is not intent. `List` and typed lists (`PodList`, ...) are expanded;
   * of several objects with one identity only the last counts (and is reported in `duplicates`).
   */
  public static fromManifests(objects: any[], options: ReachabilityOptions = {}): ReachabilityResult {
    return Reachability._fromManifests(objects, options, []);
  }

  /**
   * `fromManifests` with API server endpoints whose port may be unknown (the CLI's
   * `--api-server CIDR[:PORT]`; no port: every TCP port).
   * @internal
   */
  public static _fromManifests(objects: any[], options: ReachabilityOptions,
    apiServers: Array<{ cidrs: string[]; port?: number }>): ReachabilityResult {
    const input = readInput(objects);
    const specs = [...apiServers, ...(options.apiServer ? [{ cidrs: options.apiServer.ranges, port: options.apiServer.port }] : [])]
      .map((a) => ({ cidrs: a.cidrs, ports: a.port === undefined ? PortSet.allOf('TCP') : PortSet.range('TCP', a.port) }));
    const hosts = externalHostsFromManifests(input.objects);
    return analyzeObjects(input.objects, intentFromManifests(input.objects), options, input.duplicates, specs, hosts);
  }

  /**
   * `_fromManifests` deciding one representative per class of equivalent workloads (classes.ts):
   * paths from or to a class's representative stand for every member, and are reported under the
   * class's label (`sink.groups`). Bounded by the distinct (class, class, ports) combinations.
   * @internal
   */
  public static _aggregate(objects: any[], apiServers: Array<{ cidrs: string[]; port?: number }>, sink: AggregateSink): ReachabilityResult {
    const input = readInput(objects);
    const specs = apiServers.map((a) => ({ cidrs: a.cidrs, ports: a.port === undefined ? PortSet.allOf('TCP') : PortSet.range('TCP', a.port) }));
    const intent = intentFromManifests(input.objects);
    sink.intentRules = intent.length;
    return analyzeObjects(input.objects, intent, {}, input.duplicates, specs, externalHostsFromManifests(input.objects), sink);
  }

  /**
   * Analyzes YAML or JSON files, or folders of them (recursively), read as kubectl reads them
   * (multi-document YAML, JSON streams, Lists, YAML 1.1 scalars). Throws when anything cannot be read.
   */
  public static fromFiles(paths: string[], options: ReachabilityOptions = {}): ReachabilityResult {
    return Reachability.fromManifests(Reachability.loadManifests(paths), options);
  }

  /**
   * Reads Kubernetes objects from YAML/JSON files or folders with the manifest reader (Lists
   * expanded). Throws an error listing every read error (file:line) if there is any.
   */
  public static loadManifests(paths: string[]): any[] {
    const read = readManifestFiles(paths);
    if (read.errors.length > 0) throw new Error(read.errors.map((e) => e.message).join('\n'));
    return read.objects.map((o) => o.manifest);
  }

  private constructor() {}
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

function list(ids: string[]): string {
  return ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
}

/**
 * The objects a cluster ends up with: lists expanded, of several objects with one identity only
 * the last (kubectl apply keeps the last), non-objects dropped; plus the duplicates found.
 */
function readInput(objects: any[]): { objects: K8s[]; duplicates: ReachabilityDuplicate[] } {
  const manifests: K8s[] = [];
  const positions: string[] = [];
  (Array.isArray(objects) ? objects : []).forEach((o, i) => {
    for (const item of expandLists(o)) {
      const m = item.manifest;
      if (!m || typeof m !== 'object' || Array.isArray(m)) continue;
      manifests.push(m);
      positions.push(item.itemPath.length === 0 ? `#${i + 1}` : `#${i + 1} ${itemPathText(item.itemPath)}`);
    }
  });
  // One identity per object (kubectl apply's key); the last object of each identity counts.
  const keys = manifests.map((m) => identityKey(m));
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (k === undefined) return;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const duplicates: ReachabilityDuplicate[] = [];
  for (const indexes of groups.values()) {
    if (indexes.length < 2) continue;
    const object = describeManifest(manifests[indexes[0]]);
    const where = indexes.map((i) => positions[i]);
    duplicates.push({
      object,
      positions: where,
      message: `${object} is in the input ${indexes.length} times (objects ${where.join(', ')}); only the last one counts, as kubectl apply leaves the last`,
    });
  }
  const effective = duplicates.length === 0 ? manifests : manifests.filter((_m, i) => {
    const k = keys[i];
    if (k === undefined) return true;
    const g = groups.get(k)!;
    return g[g.length - 1] === i;
  });
  return { objects: effective, duplicates };
}

/** The API server's endpoints as the analysis uses them: addresses and the ports it listens on. */
interface ApiServerSpec {
  readonly cidrs: string[];
  readonly ports: PortSet;
}

function analyzeObjects(objects: K8s[], intent: IntentRule[], options: ReachabilityOptions,
  duplicates: ReachabilityDuplicate[] = [], apiServers: ApiServerSpec[] = [], externalHosts: ExternalHost[] = [],
  sink?: AggregateSink): ReachabilityResult {
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
  /** Per sender: the API server ports it reaches (on endpoints where the API server listens on them). */
  const apiReach = new Map<number, PortSet>();
  const np = new NetworkPolicyLayer(model);
  const mesh = new MeshLayer(model, opts);
  // Aggregated (the CLI): one representative per class of equivalent workloads, labelled for the class.
  const classes: EndpointClasses | undefined = sink ? endpointClasses(model, np, intent) : undefined;
  const repOf = (i: number) => (classes ? classes.rep[i] : i);
  const label = sink ? sink.label(model, classes!) : (n: Node) => n.id;
  const unmodelled = findUnmodelledPolicies(objects);
  const warnings: string[] = [...duplicates.map((d) => d.message), ...unmodelled.map((u) => u.message)];

  // --- the declared graph, per (sender, receiver) ---
  const declared = new Map<number, Map<number, Declared>>();
  for (const rule of intent) {
    const senders = resolveRef(model, rule.from);
    const receivers = resolveRef(model, rule.to);
    if (senders.length === 0 || receivers.length === 0) {
      const which = senders.length === 0 ? rule.from : rule.to;
      if (!rule.infrastructure) warnings.push(`${rule.origin}: declares a path ${senders.length === 0 ? 'from' : 'to'} ${describeRef(which)} that matches no endpoint`);
      continue;
    }
    for (const d of receivers) {
      let ruleApp: PortSet | undefined;
      for (const s of senders) {
        if (!s.managed && !d.managed) continue;
        ruleApp ??= Model.resolvePorts(rule.ports, d);
        let app = ruleApp;
        const tp = mesh.transportPort(s, d);
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

  const edges: ReachabilityEdge[] = [];
  const extra: ExtraPath[] = [];
  const missing: MissingPath[] = [];
  const used = new Set<number>();

  for (const d of model.nodes) {
    if (repOf(d.index) !== d.index) continue;
    const decl = declared.get(d.index);
    const named = mesh.governs(d) ? new Set(mesh.namedSenders(d).map((n) => repOf(n.index))) : new Set<number>();
    const candidates = new Set<number>();
    for (const s of np.candidateSenders(d)) candidates.add(repOf(s));
    for (const s of decl?.keys() ?? []) candidates.add(repOf(s));
    for (const s of named) candidates.add(s);
    for (const si of candidates) {
      const s = model.nodes[si];
      if (!s.managed && !d.managed) continue;
      const l4 = np.allowed(s, d);
      const dec = decl?.get(si);
      if (l4.isEmpty && !dec && !named.has(si)) continue;
      const verdict = mesh.evaluate(s, d);
      const tp = mesh.transportPort(s, d);
      const eff = tp !== undefined
        ? (l4.has('TCP', tp) ? verdict.ports.of('TCP') : PortSet.EMPTY).union(l4.intersect(verdict.ports).without('TCP'))
        : l4.intersect(verdict.ports);
      const declApp = dec?.app ?? PortSet.EMPTY;
      const expected = declApp.union(infrastructurePorts(d));
      const l4Expected = tp !== undefined && !expected.of('TCP').isEmpty ? expected.union(PortSet.range('TCP', tp)) : expected;

      const effExtra = eff.subtract(expected);
      if (!effExtra.isEmpty) {
        extra.push({
          from: label(s),
          to: label(d),
          ports: effExtra.toStrings(),
          layer: ReachabilityLayer.EFFECTIVE,
          message: `${label(s)} reaches ${label(d)} on ${effExtra} but nothing declares it (NetworkPolicy and ${meshName(d)} both let it through)${rangesNote(d)}`,
        });
      }
      let l4Extra = l4.subtract(l4Expected).subtract(effExtra);
      if (tp !== undefined && !effExtra.isEmpty) l4Extra = l4Extra.subtract(PortSet.range('TCP', tp));
      if (!l4Extra.isEmpty) {
        extra.push({
          from: label(s),
          to: label(d),
          ports: l4Extra.toStrings(),
          layer: ReachabilityLayer.NETWORK_POLICY,
          message: `the NetworkPolicies let ${label(s)} through to ${label(d)} on ${l4Extra} although nothing declares it; only ${meshName(d)} stops it${rangesNote(d)}`,
        });
      }
      if (named.has(si)) {
        const meshExtra = verdict.ports.of('TCP').subtract(expected).subtract(effExtra);
        if (!meshExtra.isEmpty && !meshExtra.equals(PortSet.allOf('TCP').subtract(expected))) {
          extra.push({
            from: label(s),
            to: label(d),
            ports: meshExtra.toStrings(),
            layer: ReachabilityLayer.MESH,
            message: `${meshName(d)} on ${label(d)} admits ${label(s)} on ${meshExtra} although nothing declares it; only the NetworkPolicies stop it`,
          });
        }
      }

      const miss = declApp.subtract(eff);
      if (dec && !miss.isEmpty) {
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
        missing.push({
          from: label(s),
          to: label(d),
          ports: miss.toStrings(),
          blockedBy,
          declaredBy: dec.origins.join(', '),
          message: `${label(s)} → ${label(d)} on ${miss} is declared (${dec.origins.join(', ')}) but blocked: ${why}`,
        });
      }

      if (d.kind === 'ApiServer') {
        const listening = apiSpecs.filter((a) => a.ranges.overlaps(d.ranges!)).reduce((u, a) => u.union(a.ports), PortSet.EMPTY);
        const reached = eff.intersect(listening);
        if (!reached.isEmpty) apiReach.set(si, (apiReach.get(si) ?? PortSet.EMPTY).union(reached));
      }
      if (!eff.isEmpty) {
        edges.push({
          from: label(s),
          to: label(d),
          ports: eff.toStrings(),
          networkPolicyPorts: l4.toStrings(),
          declared: !declApp.intersect(eff).isEmpty || !infrastructurePorts(d).intersect(eff).isEmpty,
          infrastructure: (dec?.infrastructure ?? false) || s.infrastructure || d.infrastructure,
          extra: !effExtra.isEmpty,
        });
        used.add(si);
        used.add(d.index);
      }
      if (dec) { used.add(si); used.add(d.index); }
    }
  }

  const byPair = (a: { from: string; to: string }, b: { from: string; to: string }) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to);
  if (classes) {
    for (const n of model.nodes) {
      const r = repOf(n.index);
      if (r === n.index) continue;
      if (used.has(r)) used.add(n.index);
      const reached = apiReach.get(r);
      if (reached) apiReach.set(n.index, reached);
    }
  }
  const endpoints: ReachabilityEndpoint[] = model.nodes.filter((n) => (n.kind === 'Workload' || used.has(n.index)) && repOf(n.index) === n.index).map((n) => ({
    id: label(n),
    kind: ENDPOINT_KIND[n.kind],
    name: n.name,
    namespace: n.namespace,
    serviceAccount: n.serviceAccount,
    workloadKind: n.workloadKind,
    managed: n.managed,
    ...(n.ranges ? { ranges: n.ranges.describe() } : {}),
  })).sort((a, b) => a.id.localeCompare(b.id));
  const unknown = model.unknownNamespaces;
  const api = apiSpecs.length === 0 ? { unreachable: [], ungranted: [] } : apiServerFindings(model, objects, apiReach, apiSpecs);
  const paths = options.foldInternet === false ? { edges, extra, missing } : foldInternet(model, { edges, extra, missing });
  return ReachabilityResult._create(endpoints, paths.edges.sort(byPair),
    paths.extra.sort((a, b) => byPair(a, b) || a.layer.localeCompare(b.layer)), paths.missing.sort(byPair), unknown, warnings.sort(), duplicates,
    api.unreachable, api.ungranted, unmodelled);
}

/** The addresses of API server CIDRs (read as leniently as ipBlocks), never the cloud metadata endpoints. */
function apiServerRanges(cidrs: string[]): IpRangeSet {
  let set = IpRangeSet.EMPTY;
  for (const c of cidrs) {
    const r = IpRangeSet.fromIpBlock(c);
    if (!r) throw new Error(`API server address ${JSON.stringify(c)} is not a CIDR`);
    set = set.union(r);
  }
  for (const m of METADATA_ENDPOINTS) set = set.subtract(IpRangeSet.fromCidr(m)!);
  return set;
}

/**
 * Granted-but-unreachable and reachable-but-ungranted ServiceAccounts: grants are RBAC bindings
 * naming the account (or a group it is in) and projected API-audience tokens; an automounted token
 * is no grant, but exempts its pods from reachable-but-ungranted (they do hold a credential).
 */
function apiServerFindings(model: Model, objects: K8s[], reach: Map<number, PortSet>, specs: Array<{ ranges: IpRangeSet; ports: PortSet }>):
{ unreachable: ApiServerAccessFinding[]; ungranted: ApiServerAccessFinding[] } {
  const bindings = serviceAccountGrants(objects);
  const where = specs.map((a) => `${a.ranges} on ${a.ports}`).join('; ');
  const bySa = new Map<string, Node[]>();
  for (const n of model.nodes) {
    if (n.kind !== 'Workload' || n.serviceAccount === undefined) continue;
    const key = `${n.namespace}/${n.serviceAccount}`;
    bySa.set(key, [...(bySa.get(key) ?? []), n]);
  }
  const unreachable: ApiServerAccessFinding[] = [];
  const ungranted: ApiServerAccessFinding[] = [];
  for (const sa of [...bySa.keys()].sort()) {
    const nodes = bySa.get(sa)!;
    const rbac = [...(bindings.get(sa) ?? []), ...(bindings.get(`${sa.split('/')[0]}/*`) ?? []), ...(bindings.get('*') ?? [])];
    const tokens = nodes.filter((n) => n.apiToken?.projected).map((n) => `${n.apiToken!.description} in ${n.id}`);
    const grants = [...rbac, ...tokens];
    if (grants.length > 0) {
      const blocked = nodes.filter((n) => !reach.has(n.index)).map((n) => n.id).sort();
      if (blocked.length > 0) {
        unreachable.push({
          serviceAccount: sa,
          workloads: blocked,
          grants,
          message: `${sa} has Kubernetes API access (${list(grants)}) but ${list(blocked)} cannot reach the API server (${where}): `
            + 'open egress to it for these pods (SecureNamespace apiServer does it for the workloads of this library), or remove the grants',
        });
      }
    } else {
      const open = nodes.filter((n) => reach.has(n.index) && n.apiToken === undefined).map((n) => n.id).sort();
      if (open.length > 0) {
        const ports = open.map((id) => reach.get(model.node(id)!.index)!).reduce((u, p) => u.union(p), PortSet.EMPTY);
        ungranted.push({
          serviceAccount: sa,
          workloads: open,
          grants: [],
          message: `${list(open)} can reach the API server (${ports}) although ServiceAccount ${sa} has no Kubernetes API access (no RBAC binding, no API token): `
            + 'narrow the egress that opens it, or grant what the workload calls the API for',
        });
      }
    }
  }
  return { unreachable, ungranted };
}

/** For the internet (whose id does not say which addresses it stands for): its exact ranges. */
function rangesNote(n: Node): string {
  return n.kind === 'Internet' && n.ranges ? `; internet here is ${n.ranges}` : '';
}

function meshName(d: Node): string {
  switch (d.mesh) {
    case 'istio-sidecar':
    case 'istio-ambient':
    case 'istio-gateway': return 'Istio authorization';
    case 'linkerd': return 'Linkerd authorization';
    default: return 'no mesh';
  }
}

function describeRef(ref: IntentRule['from']): string {
  switch (ref.kind) {
    case 'identity': return `identity ${ref.namespace}/${ref.serviceAccount}`;
    case 'workload': return `workload ${ref.namespace}/${ref.name}`;
    case 'namespace': return `namespace ${ref.namespace}`;
    case 'selector': return `pods ${JSON.stringify(ref.podSelector)} in ${ref.namespace}`;
    case 'peer': return `peer ${JSON.stringify(ref.peer)} of ${ref.namespace}`;
    case 'host': return `host ${ref.host} (by name)`;
  }
}
