import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ApiServerSpec } from './api-server-access';
import { ExternalHost } from './build';
import { AggregateSink } from './classes';
import { externalHostsFromConstructs, externalHostsFromManifests } from './external-hosts';
import { foldInternet } from './fold';
import { IntentRule, intentFromConstructs, intentFromManifests } from './intent';
import { K8s } from './model';
import { computePaths, PairScope } from './paths';
import { PortSet } from './ports';
import { renderDot, renderMarkdown, renderMatrix, renderMermaid } from './render';
import {
  ApiServerAccessFinding, ExtraPath, MissingPath, ReachabilityDuplicate, ReachabilityEdge, ReachabilityEndpoint, ReachabilityOptions,
} from './result-types';
import { UnmodelledPolicy } from './unmodelled-policy';
import { canonicalJson, describeManifest, expandLists, identityKey, itemPathText } from '../manifest/objects';
import { readManifestFiles } from '../manifest/reader';
import { SecureNamespace } from '../secure-namespace';

// The result's vocabulary (result-types.ts), exported from here as before.
export * from './result-types';

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
   * `--api-server CIDR[:PORT]`; no port: every TCP port), deciding only the pairs of `pairs` when
   * given (the security diff's incremental analysis).
   * @internal
   */
  public static _fromManifests(objects: any[], options: ReachabilityOptions,
    apiServers: Array<{ cidrs: string[]; port?: number }>, pairs?: PairScope): ReachabilityResult {
    const input = readInput(objects);
    const specs = [...apiServers, ...(options.apiServer ? [{ cidrs: options.apiServer.ranges, port: options.apiServer.port }] : [])]
      .map((a) => ({ cidrs: a.cidrs, ports: a.port === undefined ? PortSet.allOf('TCP') : PortSet.range('TCP', a.port) }));
    const hosts = externalHostsFromManifests(input.objects);
    return analyzeObjects(input.objects, intentFromManifests(input.objects), options, input.duplicates, specs, hosts, undefined, pairs);
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
    const differs = new Set(indexes.map((i) => canonicalJson(manifests[i]))).size > 1;
    duplicates.push({
      object,
      positions: where,
      differs,
      message: differs
        ? `${object} is in the input ${indexes.length} times (objects ${where.join(', ')}) with different content: the proof reads the last `
          + '(kubectl apply keeps it), but Helm and kubectl create keep the first, so it cannot vouch for the paths. Fix: define the object once'
        : `${object} is in the input ${indexes.length} times (objects ${where.join(', ')}), each the same; the last one counts, as kubectl apply leaves the last`,
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

function analyzeObjects(objects: K8s[], intent: IntentRule[], options: ReachabilityOptions,
  duplicates: ReachabilityDuplicate[] = [], apiServers: ApiServerSpec[] = [], externalHosts: ExternalHost[] = [],
  sink?: AggregateSink, pairs?: PairScope): ReachabilityResult {
  const found = computePaths(objects, intent, options, duplicates, apiServers, externalHosts, sink, pairs);
  const byPair = (a: { from: string; to: string }, b: { from: string; to: string }) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to);
  const paths = options.foldInternet === false ? found.paths : foldInternet(found.model, found.paths);
  return ReachabilityResult._create(found.endpoints, paths.edges.sort(byPair),
    paths.extra.sort((a, b) => byPair(a, b) || a.layer.localeCompare(b.layer)), paths.missing.sort(byPair), found.unknownNamespaces,
    found.warnings.sort(), duplicates, found.api.unreachable, found.api.ungranted, found.unmodelled);
}
