/**
 * Internal: the indexed view of a set of manifests that rules evaluate. Built once per audit in
 * O(objects); rules look objects up by kind / namespace instead of scanning all pairs.
 */
import { asArray, AuditInput, AuditObject, defaultLocator, DuplicateObjects, Identities, isObject, K8sObject, level, Locator, readObject } from './input-objects';
import { addPodViews, PodView } from './pod-views';
import { AuditOptions } from './types';
import { mayHoldPodSpecs } from '../manifest/objects';

// The object and pod views (input-objects.ts, pod-views.ts), exported from here as before.
export { apiGroup, asArray, isObject } from './input-objects';
export type { AuditInput, DuplicateObjects, K8sObject, Locator } from './input-objects';
export type { ContainerType, ContainerView, PodView } from './pod-views';

/** An internal finding before acknowledgement processing. */
export interface RawFinding {
  readonly ruleId: string;
  readonly obj?: K8sObject;
  readonly message: string;
  readonly jsonPath?: string;
  readonly fix?: string;
  readonly constructPath?: string;
}

/** The objects of one kind (of every group), also by namespace. */
interface KindIndex {
  readonly all: K8sObject[];
  readonly byNamespace: Map<string, K8sObject[]>;
  /** The API group of all of them, or null when they are of several groups. */
  group: string | null;
  /** Per group: whether its objects of this kind may hold pod specs (most kinds cannot: not searched). */
  readonly mayHoldPodSpecs: Map<string, boolean>;
}

/**
 * The indexed object set handed to every rule: what the cluster gets. When several objects share
 * an identity, `kubectl apply` keeps only the last one, so only that one is in `objects` (and
 * `pods`); all of them are in `duplicates`.
 */
export class AuditContext {
  public readonly objects: K8sObject[] = [];
  public readonly pods: PodView[] = [];
  /** Groups of objects with one identity, each in input order (the kept one, by default the last, is in `objects`). */
  public readonly duplicates: DuplicateObjects[] = [];
  private readonly byKind = new Map<string, KindIndex>();
  /** `find`'s index by kind and group, each built on first use: namespace, then name, to the first object. */
  private readonly byName = new Map<string, Map<string, Map<string, Map<string, K8sObject>>>>();

  /**
   * @param inputs the objects, Lists already expanded
   * @param locate where each input was read from (default: its `location`, else `construct "..."` or `input N`)
   * @param userRuleIds the IDs of the audit's user rules (known rule IDs besides the built-in ones)
   * @param keptCopy which copy of a repeated identity the cluster keeps (0-based; the last when
   *   undefined or out of range): kubectl apply keeps the last, Helm and `kubectl create` the first
   */
  constructor(
    inputs: AuditInput[],
    public readonly options: AuditOptions,
    locate: Locator = defaultLocator(inputs),
    public readonly userRuleIds: readonly string[] = [],
    keptCopy?: number,
  ) {
    // Each step is a function of its own: V8 optimizes them one by one as they get hot.
    const all: Array<AuditObject | undefined> = new Array(inputs.length);
    const identities = new Identities();
    for (let i = 0; i < inputs.length; i++) {
      const obj = readObject(inputs[i], i, locate);
      all[i] = obj;
      if (obj !== undefined) identities.add(obj);
    }
    // kubectl apply keeps the last object of each identity (unless told which copy): the others are shadowed.
    const shadowed = new Set<number>();
    for (const indexes of identities.repeated.values()) {
      const kept = keptCopy !== undefined && keptCopy < indexes.length ? keptCopy : indexes.length - 1;
      for (let i = 0; i < indexes.length; i++) if (i !== kept) shadowed.add(indexes[i]);
      this.duplicates.push({ objects: indexes.map((i) => all[i]!) });
    }
    for (let i = 0; i < all.length; i++) {
      const obj = all[i];
      if (obj !== undefined && !shadowed.has(i)) this.add(obj);
    }
  }

  /** Objects of a kind, optionally restricted to an API group ('' = core). Read-only: the list may be the index's own. */
  public ofKind(kind: string, group?: string): K8sObject[] {
    const index = this.byKind.get(kind);
    if (index === undefined) return [];
    return group === undefined || index.group === group ? index.all : index.all.filter(o => o.group === group);
  }

  /** Objects of a kind in a namespace ('' = no namespace). Read-only: the list may be the index's own. */
  public inNamespace(kind: string, namespace: string, group?: string): K8sObject[] {
    const index = this.byKind.get(kind);
    const all = index?.byNamespace.get(namespace);
    if (all === undefined) return [];
    return group === undefined || index!.group === group ? all : all.filter(o => o.group === group);
  }

  /** One object by group, kind, namespace and name (the first, should several match). */
  public find(group: string, kind: string, namespace: string, name: string): K8sObject | undefined {
    let byGroup = this.byName.get(kind);
    if (byGroup === undefined) {
      byGroup = new Map();
      this.byName.set(kind, byGroup);
    }
    let index = byGroup.get(group);
    if (index === undefined) {
      index = new Map();
      for (const o of this.ofKind(kind, group)) {
        const names: Map<string, K8sObject> = level(index, o.namespace);
        if (!names.has(o.name)) names.set(o.name, o);
      }
      byGroup.set(group, index);
    }
    return index.get(namespace)?.get(name);
  }

  private add(obj: K8sObject): void {
    this.objects.push(obj);
    let kind = this.byKind.get(obj.kind);
    if (kind === undefined) {
      kind = { all: [], byNamespace: new Map(), group: obj.group, mayHoldPodSpecs: new Map() };
      this.byKind.set(obj.kind, kind);
    } else if (kind.group !== obj.group) {
      kind.group = null;
    }
    kind.all.push(obj);
    const inNamespace = kind.byNamespace.get(obj.namespace);
    if (inNamespace === undefined) kind.byNamespace.set(obj.namespace, [obj]);
    else inNamespace.push(obj);
    let pods = kind.mayHoldPodSpecs.get(obj.group);
    if (pods === undefined) {
      pods = mayHoldPodSpecs(obj.group, obj.kind);
      kind.mayHoldPodSpecs.set(obj.group, pods);
    }
    if (pods) addPodViews(obj, this.pods);
  }
}

/** `Kind/namespace/name` (or `Kind/name`). */
export function describeObject(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** Label selector matching (matchLabels + matchExpressions). An empty selector matches everything. */
export function selectorMatches(selector: any, labels: { [key: string]: string }): boolean {
  if (!isObject(selector)) return true;
  const ml = isObject(selector.matchLabels) ? selector.matchLabels : {};
  for (const k of Object.keys(ml)) {
    if (labels[k] !== ml[k]) return false;
  }
  for (const e of asArray(selector.matchExpressions)) {
    if (!isObject(e)) continue;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = asArray(e.values);
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a label selector is empty (selects every pod). */
export function selectorIsEmpty(selector: any): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  return Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length === 0
    && asArray(selector.matchExpressions).length === 0;
}
