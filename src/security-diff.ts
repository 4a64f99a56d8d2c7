import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SecurityAudit } from './audit/security-audit';
import { Finding } from './audit/types';
import { affectsConnectivity, connectivityItems, exposureItems, networkChange } from './diff/connectivity';
import { dataItems } from './diff/data';
import { enforcementItems } from './diff/enforcement';
import { auditItems } from './diff/findings';
import { ItemSpec, compareItems, makeItem } from './diff/items';
import { podSecurityItems } from './diff/pod-security';
import { affectsRbac, rbacItems } from './diff/rbac';
import { DiffCounts, jsonOf, renderDiffSarif, renderMarkdown, renderText, summaryOf } from './diff/render';
import { scopedAudit } from './diff/scope-audit';
import { scopedReachability } from './diff/scope-reachability';
import { DiffSide, DiffSidesOptions, SideInput, changesBetween, incrementalStats, isEmptyChange } from './diff/side';
import { SideIndex } from './diff/side-index';
import { DiffChange, SecurityDiffItem, SecurityDiffOptions } from './diff/types';
import { unmodelledPolicyItems } from './diff/unmodelled';
import { DocumentCache, readManifestFiles } from './manifest/reader';
import { Reachability } from './reachability/analyzer';

export * from './diff/types';

/**
 * What changed in security terms between two synthesized baselines: the items, most severe first.
 */
export class SecurityDiffResult {
  /** @internal */
  public static _create(items: SecurityDiffItem[], counts: DiffCounts, introduced: Finding[]): SecurityDiffResult {
    return new SecurityDiffResult(items, counts, introduced);
  }

  /** Every change, most severe first (then by category, subject and message). */
  public readonly items: SecurityDiffItem[];
  /** The findings of the head's audit that the base does not have (acknowledged or not). */
  public readonly introducedFindings: Finding[];
  /** Objects of the base (after Lists are expanded and duplicates resolved as kubectl does). */
  public readonly baseObjects: number;
  /** Objects of the head. */
  public readonly headObjects: number;
  /** Objects added, removed or changed (by identity and content; order and key order do not count). */
  public readonly changedObjects: number;
  /** One line: counts per severity and how many changes weaken the posture. */
  public readonly summary: string;
  /** Whether any change weakens the posture. */
  public readonly weakens: boolean;
  private readonly counts: DiffCounts;

  private constructor(items: SecurityDiffItem[], counts: DiffCounts, introduced: Finding[]) {
    this.items = items;
    this.counts = counts;
    this.introducedFindings = introduced;
    this.baseObjects = counts.baseObjects;
    this.headObjects = counts.headObjects;
    this.changedObjects = counts.added + counts.removed + counts.changed;
    this.summary = summaryOf(items, counts);
    this.weakens = items.some((i) => i.weakens);
  }

  /**
   * The items of one kind of change.
   * @param change the kind of change
   */
  public itemsOf(change: DiffChange): SecurityDiffItem[] {
    return this.items.filter((i) => i.change === change);
  }

  /** Markdown for a pull-request comment: the summary line, then sections, most severe first. */
  public toMarkdown(): string {
    return renderMarkdown(this.items, this.counts);
  }

  /** Plain text, one line per change. */
  public toText(): string {
    return renderText(this.items, this.counts);
  }

  /** SARIF 2.1.0 of the findings the head introduces. */
  public toSarif(): string {
    return renderDiffSarif(this.introducedFindings, this.headObjects);
  }

  /** Everything as plain JSON. */
  public toJson(): any {
    return jsonOf(this.items, this.counts, this.introducedFindings);
  }
}

/**
 * A semantic security diff between two synthesized baselines (the base and the head of a change):
 * the paths added and removed, the capabilities subjects gained or lost, the findings introduced
 * and resolved, the acknowledgements added, removed or re-worded, the privilege changes of
 * workloads, data (encryption, retention, backups, images) and enforcement (admission policies,
 * Pod Security levels, mesh modes) weakened or strengthened. Objects are matched by identity (group,
 * kind, namespace, name) and compared by content: reordering documents, files or keys is no change.
 *
 * @example
 * const diff = SecurityDiff.between(baseApp, headApp);
 * expect(diff.itemsOf(DiffChange.CAPABILITY_GAINED)).toEqual([]);
 */
export class SecurityDiff {
  /**
   * Compares two Apps or Charts (e.g. the app before and after a change). Construct paths are
   * reported. A scope with `SecurityAudit.of()` is audited by that audit (with its options and its
   * construct acknowledgements); other scopes with `options`. Reachability is analyzed with the
   * paths the constructs declare.
   *
   * @param base the scope before the change
   * @param head the scope after the change
   * @param options audit and reachability options
   */
  public static between(base: IConstruct, head: IConstruct, options: SecurityDiffOptions = {}): SecurityDiffResult {
    const side = (scope: IConstruct) => {
      const inputs: SideInput[] = scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))
        .map((c) => ({ manifest: c.toJson(), constructPath: c.node.path }));
      const audit = scope.node.tryFindChild(SecurityAudit.ID);
      return new DiffSide(inputs, options, {
        audit: audit instanceof SecurityAudit ? () => audit.audit() : undefined,
        reachability: () => Reachability.analyze(scope, { ...options.reachability, foldInternet: false }),
      });
    };
    return diffSides(side(base), side(head));
  }

  /**
   * Compares two sets of Kubernetes objects (JSON). Lists are expanded; of several objects with
   * one identity the last counts, as `kubectl apply` leaves it.
   *
   * @param base the objects before the change
   * @param head the objects after the change
   * @param options audit and reachability options
   */
  public static betweenManifests(base: any[], head: any[], options: SecurityDiffOptions = {}): SecurityDiffResult {
    const inputs = (objects: any[]) => objects.map((manifest) => ({ manifest }));
    return diffSides(manifestSide(inputs(base), options), manifestSide(inputs(head), options));
  }

  /**
   * Compares two sets of manifest files or folders (YAML or JSON, folders searched recursively),
   * read as kubectl reads them. Items name each file relative to the folder given (so the same
   * file of both sides has the same name) with its line. Throws an error listing every read error.
   *
   * @param base files or folders before the change
   * @param head files or folders after the change
   * @param options audit and reachability options
   */
  public static betweenFiles(base: string[], head: string[], options: SecurityDiffOptions = {}): SecurityDiffResult {
    // One document cache for both sides: a document the change left alone is parsed once, and
    // both sides hold the same object (so comparing it costs nothing).
    const documents: DocumentCache = new Map();
    return diffSides(manifestSide(readSide(base, 'base', documents), options), manifestSide(readSide(head, 'head', documents), options));
  }

  private constructor() {}
}

/** A side read from files; throws listing every read error. */
export function readSide(paths: readonly string[], which: string, documents?: DocumentCache): SideInput[] {
  if (paths.length === 0) throw new Error(`security diff: no ${which} path given. Fix: name the ${which} manifests folder or files`);
  const inputs: SideInput[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const root = path.resolve(p);
    const show = (f: string) => {
      const rel = path.relative(root, path.resolve(f));
      return (rel === '' ? path.basename(f) : rel).split(path.sep).join('/');
    };
    const read = readManifestFiles([p], { displayName: show, documents });
    errors.push(...read.errors.map((e) => `${which} ${p}: ${e.message}`));
    if (read.files.length === 0 && read.errors.length === 0) errors.push(`${which} ${p}: no *.yaml, *.yml or *.json files found`);
    inputs.push(...read.objects.map((o) => ({ manifest: o.manifest, file: o.file, line: o.line })));
  }
  if (errors.length > 0) throw new Error(`security diff: cannot read the ${which} manifests:\n${errors.join('\n')}`);
  return inputs;
}

function manifestSide(inputs: SideInput[], options: SecurityDiffOptions): DiffSide {
  const side: DiffSide = new DiffSide(inputs, options, {
    reachability: () => Reachability.fromManifests(side.manifests(), { ...options.reachability, foldInternet: false }),
    reachabilityOf: (manifests, pairs) => Reachability._fromManifests(manifests, { ...options.reachability, foldInternet: false }, [], pairs),
  });
  return side;
}

/** The diff of two sides: only the analyses a change can affect run, over what it can touch. */
export function diffSides(base: DiffSide, head: DiffSide, options: DiffSidesOptions = {}): SecurityDiffResult {
  const changes = changesBetween(base, head);
  const counts: DiffCounts = {
    baseObjects: base.objects.size,
    headObjects: head.objects.size,
    added: changes.added.length,
    removed: changes.removed.length,
    changed: changes.changed.length,
  };
  if (isEmptyChange(changes)) return SecurityDiffResult._create([], counts, []);
  const incremental = options.incremental !== false;
  const hx = new SideIndex(head.objects);
  const own = [...changes.removed, ...changes.changed.map((x) => x.base)];
  const bx = new SideIndex(base.objects, { index: hx, changed: new Set([...changes.added, ...own].map((o) => o.key)), own });
  const specs: ItemSpec[] = [];
  if (affectsConnectivity(changes)) {
    const r = head.options as SecurityDiffOptions;
    const scoped = incremental
      ? scopedReachability(base, head, changes, bx, hx, networkChange, r.reachability?.istioRootNamespace ?? 'istio-system', r.reachability?.linkerdNamespace ?? 'linkerd')
      : undefined;
    if (incremental) incrementalStats[scoped ? 'reachabilityScoped' : 'reachabilityFull']++;
    specs.push(...(scoped ? connectivityItems(base, head, scoped.base, scoped.head) : connectivityItems(base, head)));
  }
  specs.push(...exposureItems(changes), ...unmodelledPolicyItems(changes));
  if (affectsRbac(changes)) specs.push(...rbacItems(base, head));
  const scopedFindings = incremental ? scopedAudit(base, head, changes, bx, hx) : undefined;
  if (incremental) incrementalStats[scopedFindings ? 'auditScoped' : 'auditFull']++;
  const audit = scopedFindings ? auditItems(base, head, scopedFindings.base, scopedFindings.head) : auditItems(base, head);
  specs.push(...audit.items, ...podSecurityItems(changes), ...dataItems(base, head, changes), ...enforcementItems(changes));
  return SecurityDiffResult._create(specs.map(makeItem).sort(compareItems), counts, audit.introduced);
}
