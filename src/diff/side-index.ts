/**
 * Internal: lookups over one side of a diff for the incremental analyses (scope-audit.ts,
 * scope-reachability.ts): objects by namespace and kind, and the pod specs of each object, each
 * worked out once per side on first use.
 */
import { SideObject } from './side';
import { PodSpecLocation, findPodSpecs, groupOf, isRecord, mayHoldPodSpecs } from '../manifest/objects';

/** The pods of one object: each pod spec with its labels and ServiceAccount. */
export interface PodsOf {
  readonly obj: SideObject;
  readonly specs: readonly PodSpecLocation[];
  /** The pod labels of each pod spec, as the audit reads them (the map as written). */
  readonly labels: ReadonlyArray<Record<string, any>>;
  /** The ServiceAccount each pod spec runs as (`default` when unset). */
  readonly serviceAccounts: readonly string[];
  /** Whether the specs were found by shape (false: a Pod without containers, a pod only to the audit). */
  readonly shaped: boolean;
}

/** `metadata.namespace` as written ('' when unset or not a string). */
export function rawNamespace(o: SideObject): string {
  const ns = o.manifest.metadata?.namespace;
  return typeof ns === 'string' ? ns : '';
}

/** `group|kind` of an object. */
export function kindKey(o: SideObject): string {
  return `${groupOf(o.manifest.apiVersion)}|${o.manifest.kind}`;
}

const NO_LABELS: Record<string, any> = Object.freeze({});

/** The ServiceAccount a pod spec runs as, as the audit reads it (`serviceAccountName`, else `serviceAccount`; '' is default). */
export function podServiceAccountOf(spec: any): string {
  const n = spec?.serviceAccountName ?? spec?.serviceAccount;
  return typeof n === 'string' && n !== '' ? n : 'default';
}

/** The pods of an object, or undefined when it holds no pod spec. */
export function podsOf(o: SideObject): PodsOf | undefined {
  const m = o.manifest;
  let specs = findPodSpecs(m);
  const shaped = specs.length > 0;
  // A Pod is a pod even before it has containers (as the audit reads it).
  if (specs.length === 0 && groupOf(m.apiVersion) === '' && m.kind === 'Pod' && isRecord(m.spec)) {
    specs = [{ spec: m.spec, path: ['spec'], specPath: 'spec', metadata: isRecord(m.metadata) ? m.metadata : {}, metadataPath: 'metadata' }];
  }
  if (specs.length === 0) return undefined;
  return {
    obj: o,
    specs,
    labels: specs.map((s) => (isRecord(s.metadata) && isRecord(s.metadata.labels) ? s.metadata.labels : NO_LABELS)),
    serviceAccounts: specs.map((s) => podServiceAccountOf(s.spec)),
    shaped,
  };
}

/** Lookups over the objects of one side. */
export class SideIndex {
  private byNamespace?: Map<string, SideObject[]>;
  private byKind?: Map<string, SideObject[]>;
  private readonly byKindNs = new Map<string, SideObject[]>();
  private podsByNs?: Map<string, PodsOf[]>;
  private readonly pods = new Map<SideObject, PodsOf | undefined>();
  private readonly podIndex = new Map<string, Map<string, PodsOf[]>>();
  private readonly selectorIndex = new Map<string, LabelIndex<SideObject>>();

  /**
   * @param objects the side's objects
   * @param twin the other side's index, the keys that changed, and this side's objects of those
   * keys: lookups take the unchanged objects (equal content, the twin's instances) from the twin
   * and add this side's changed ones, so that one side's indexes serve both
   */
  constructor(public readonly objects: ReadonlyMap<string, SideObject>,
    private readonly twin?: { readonly index: SideIndex; readonly changed: ReadonlySet<string>; readonly own: readonly SideObject[] }) {}

  /** The twin's answer without its changed objects, plus this side's changed objects that `mine` keeps. */
  private overlay<T>(fromTwin: Iterable<T>, keyOf: (t: T) => string, mine: (o: SideObject) => T | undefined): T[] {
    const changed = this.twin!.changed;
    const out: T[] = [];
    for (const t of fromTwin) if (!changed.has(keyOf(t))) out.push(t);
    for (const o of this.twin!.own) {
      const t = mine(o);
      if (t !== undefined) out.push(t);
    }
    return out;
  }

  /** Every object whose `metadata.namespace` is `ns` ('' = none). */
  public inNamespace(ns: string): readonly SideObject[] {
    if (this.twin) return this.overlay(this.twin.index.inNamespace(ns), (o) => o.key, (o) => (rawNamespace(o) === ns ? o : undefined));
    if (this.byNamespace === undefined) {
      this.byNamespace = new Map();
      for (const o of this.objects.values()) push(this.byNamespace, rawNamespace(o), o);
    }
    return this.byNamespace.get(ns) ?? [];
  }

  /** Objects of `group|kind` in namespace `ns` ('' = none); `*` for every namespace. */
  public ofKind(kind: string, ns: string): readonly SideObject[] {
    if (this.twin) {
      return this.overlay(this.twin.index.ofKind(kind, ns), (o) => o.key, (o) => (kindKey(o) === kind && (ns === '*' || rawNamespace(o) === ns) ? o : undefined));
    }
    if (this.byKind === undefined) {
      // By kind name first (no string built per object), then group and namespace on demand.
      this.byKind = new Map();
      for (const o of this.objects.values()) push(this.byKind, String(o.manifest.kind), o);
    }
    const all = `${kind}\u0000*`;
    if (!this.byKindNs.has(all)) {
      // One pass over the objects of the kind name: by group, then by namespace.
      const bar = kind.indexOf('|');
      const group = kind.slice(0, bar);
      const list: SideObject[] = [];
      for (const o of this.byKind.get(kind.slice(bar + 1)) ?? []) {
        if (groupOf(o.manifest.apiVersion) !== group) continue;
        list.push(o);
        push(this.byKindNs, `${kind}\u0000${rawNamespace(o)}`, o);
      }
      this.byKindNs.set(all, list);
    }
    return this.byKindNs.get(`${kind}\u0000${ns}`) ?? [];
  }

  /** The pods of an object (cached). */
  public podsOf(o: SideObject): PodsOf | undefined {
    // Most kinds cannot hold a pod spec: no look-up for them (findPodSpecs asks the same first).
    if (!mayHoldPodSpecs(groupOf(o.manifest.apiVersion), o.manifest.kind)) return undefined;
    if (this.pods.has(o)) return this.pods.get(o);
    let pods: PodsOf | undefined;
    const other = this.twin && !this.twin.changed.has(o.key) ? this.twin.index.objects.get(o.key) : undefined;
    if (other !== undefined) {
      const p = this.twin!.index.podsOf(other);
      pods = p && { ...p, obj: o };
    } else {
      pods = podsOf(o);
    }
    this.pods.set(o, pods);
    return pods;
  }

  /**
   * The objects with pod specs of namespace `ns` that a selector may select (a superset: those
   * carrying the first string pair of its matchLabels, or all of them).
   */
  public podCandidates(ns: string, selector: any): readonly PodsOf[] {
    if (this.twin) {
      const mine = (o: SideObject) => (rawNamespace(o) === ns ? this.podsOf(o) : undefined);
      return this.overlay(this.twin.index.podCandidates(ns, selector), (p) => p.obj.key, mine);
    }
    const pair = firstPair(selector);
    if (pair === undefined) return this.podsIn(ns);
    let index = this.podIndex.get(ns);
    if (index === undefined) {
      index = new Map();
      for (const p of this.podsIn(ns)) {
        const keys = new Set<string>();
        for (const l of p.labels) for (const k of Object.keys(l)) if (typeof l[k] === 'string') keys.add(`${k}\u0000${l[k]}`);
        for (const key of keys) push(index, key, p);
      }
      this.podIndex.set(ns, index);
    }
    return index.get(`${pair[0]}\u0000${pair[1]}`) ?? [];
  }

  /** Objects of `group|kind` in namespace `ns` whose selector (`selectorOf`) may select an object with these labels (a superset). */
  public selectorCandidates(kind: string, ns: string, labels: Record<string, any>, selectorOf: (o: SideObject) => any): Set<SideObject> {
    if (this.twin) {
      const mine = (o: SideObject) => (kindKey(o) === kind && rawNamespace(o) === ns ? o : undefined);
      return new Set(this.overlay(this.twin.index.selectorCandidates(kind, ns, labels, selectorOf), (o) => o.key, mine));
    }
    let index = this.selectorIndex.get(`${kind}\u0000${ns}`);
    if (index === undefined) {
      index = new LabelIndex(this.ofKind(kind, ns), selectorOf);
      this.selectorIndex.set(`${kind}\u0000${ns}`, index);
    }
    return index.candidates(labels);
  }

  /** The objects with pod specs whose `metadata.namespace` is `ns` ('' = none). */
  public podsIn(ns: string): readonly PodsOf[] {
    if (this.twin) return this.overlay(this.twin.index.podsIn(ns), (p) => p.obj.key, (o) => (rawNamespace(o) === ns ? this.podsOf(o) : undefined));
    if (this.podsByNs === undefined) {
      this.podsByNs = new Map();
      for (const o of this.objects.values()) {
        const p = this.podsOf(o);
        if (p) push(this.podsByNs, rawNamespace(o), p);
      }
    }
    return this.podsByNs.get(ns) ?? [];
  }
}

/** The first matchLabels pair of a selector with a string value, or undefined (then every candidate is tested). */
function firstPair(selector: any): [string, string] | undefined {
  const ml = isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
  if (ml === undefined) return undefined;
  for (const k of Object.keys(ml)) if (typeof ml[k] === 'string') return [k, ml[k]];
  return undefined;
}

/**
 * Items of one namespace with label selectors (`selectorOf`), found by labels without testing
 * every selector: an item sits under the first string pair of its matchLabels (every object it
 * selects carries it), the others are always tested. `test` is the exact check.
 */
export class LabelIndex<T> {
  private readonly byPair = new Map<string, T[]>();
  private readonly always: T[] = [];
  constructor(items: readonly T[], selectorOf: (t: T) => any) {
    for (const t of items) {
      const pair = firstPair(selectorOf(t));
      if (pair) push(this.byPair, `${pair[0]}\u0000${pair[1]}`, t);
      else this.always.push(t);
    }
  }

  /** Items whose selector may select an object with these labels (a superset: test each). */
  public candidates(labels: Record<string, any>): Set<T> {
    const out = new Set<T>(this.always);
    for (const k of Object.keys(labels)) {
      if (typeof labels[k] !== 'string') continue;
      for (const t of this.byPair.get(`${k}\u0000${labels[k]}`) ?? []) out.add(t);
    }
    return out;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
