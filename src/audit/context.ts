/**
 * Internal: the indexed view of a set of manifests that rules evaluate. Built once per audit in
 * O(objects); rules look objects up by kind / namespace instead of scanning all pairs.
 */
import { AuditOptions } from './types';
import { PodSpecLocation, findPodSpecs, identityNamespace, mayHoldPodSpecs } from '../manifest/objects';

/** One Kubernetes object under audit. */
export interface K8sObject {
  /** Position in the input. */
  readonly index: number;
  /** The manifest (final JSON). */
  readonly manifest: any;
  readonly apiVersion: string;
  /** API group ('' for core). */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** '' when unset. */
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  readonly constructPath?: string;
  readonly file?: string;
  /** Where the object was read from, for messages: `construct "app/web"`, `x.yaml document 2 items[0]`, `input 3`. */
  readonly location: string;
}

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container of a pod spec. */
export interface ContainerView {
  readonly container: any;
  readonly name: string;
  readonly type: ContainerType;
  /** e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** e.g. `container "web"` / `init container "migrate"`. */
  readonly label: string;
  /** The container's securityContext ({} when it has none). */
  readonly securityContext: any;
}

/**
 * A pod spec found in an object (Pod, Deployment, ..., CronJob, or a custom resource that embeds a
 * pod spec anywhere, e.g. a KEDA ScaledJob's `spec.jobTargetRef.template.spec`). One object may hold
 * several pod specs: one PodView each.
 */
export interface PodView {
  readonly obj: K8sObject;
  readonly spec: any;
  /** Dotted path of the pod spec, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** Dotted path of the pod metadata, e.g. `spec.template.metadata` (`metadata` for a Pod). */
  readonly metadataPath: string;
  /** Pod metadata (template metadata for workloads). */
  readonly metadata: any;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  /** The pod's securityContext ({} when it has none). */
  readonly securityContext: any;
  readonly containers: ContainerView[];
  /** Whether pods run to completion (Job, CronJob, Pod with restartPolicy Never/OnFailure). */
  readonly runsToCompletion: boolean;
  /** Whether this is only a template (PodTemplate), not a running workload. */
  readonly templateOnly: boolean;
}

/** An internal finding before acknowledgement processing. */
export interface RawFinding {
  readonly ruleId: string;
  readonly obj?: K8sObject;
  readonly message: string;
  readonly jsonPath?: string;
  readonly fix?: string;
  readonly constructPath?: string;
}

export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The securityContext of a pod or container without one: shared, frozen. */
const NO_SECURITY_CONTEXT = Object.freeze({});

/** The labels (annotations) of an object without any: shared, frozen. */
const EMPTY: { [key: string]: string } = Object.freeze({}) as { [key: string]: string };

function stringMap(x: any): { [key: string]: string } {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x : EMPTY;
}

export function isObject(x: any): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export function asArray(x: any): any[] {
  return Array.isArray(x) ? x : [];
}

const CONTAINER_TYPES: ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers'];
const CONTAINER_LABEL: Record<ContainerType, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** Adds the views of every pod spec of an object (see `findPodSpecs`). */
function addPodViews(obj: K8sObject, out: PodView[]): void {
  const m = obj.manifest;
  const found = findPodSpecs(m, obj.group);
  for (let i = 0; i < found.length; i++) out.push(podView(obj, found[i]));
  if (found.length === 0 && obj.group === '' && obj.kind === 'Pod' && isObject(m.spec) && Array.isArray(m.spec.containers)) {
    // A Pod is a pod even before it has containers (the shape search needs at least one).
    out.push(podView(obj, { spec: m.spec, path: ['spec'], specPath: 'spec', metadata: isObject(m.metadata) ? m.metadata : {}, metadataPath: 'metadata' }));
  }
}

function podView(obj: K8sObject, loc: PodSpecLocation): PodView {
  const spec = loc.spec;
  const specPath = loc.specPath;
  const metadata = loc.metadata;
  const containers: ContainerView[] = [];
  for (const type of CONTAINER_TYPES) {
    const list = spec[type];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (!isObject(c)) continue;
      const name = typeof c.name === 'string' ? c.name : `#${i}`;
      const securityContext = isObject(c.securityContext) ? c.securityContext : NO_SECURITY_CONTEXT;
      containers.push({ container: c, name, type, path: `${specPath}.${type}[${i}]`, label: `${CONTAINER_LABEL[type]} "${name}"`, securityContext });
    }
  }
  const isPod = obj.group === '' && obj.kind === 'Pod' && loc.path.length === 1;
  const restart = spec.restartPolicy;
  const runsToCompletion = (obj.group === 'batch' && (obj.kind === 'Job' || obj.kind === 'CronJob'))
    || underJobTemplate(loc.path)
    || (isPod && (restart === 'Never' || restart === 'OnFailure'));
  return {
    obj,
    spec,
    specPath,
    metadataPath: loc.metadataPath,
    metadata: isObject(metadata) ? metadata : {},
    labels: stringMap(isObject(metadata) ? metadata.labels : undefined),
    annotations: stringMap(isObject(metadata) ? metadata.annotations : undefined),
    securityContext: isObject(spec.securityContext) ? spec.securityContext : NO_SECURITY_CONTEXT,
    containers,
    runsToCompletion,
    templateOnly: obj.group === '' && obj.kind === 'PodTemplate',
  };
}

/** Whether a pod template sits under a Job's template (`jobTemplate`, `jobTargetRef`): its pods run to completion. */
function underJobTemplate(path: ReadonlyArray<string | number>): boolean {
  for (let i = 0; i < path.length; i++) if (path[i] === 'jobTemplate' || path[i] === 'jobTargetRef') return true;
  return false;
}

/** An input object with its provenance. */
export interface AuditInput {
  readonly manifest: any;
  readonly constructPath?: string;
  readonly file?: string;
  /** Where the object was read from (when the caller knows better than `construct "..."` / `input N`). */
  readonly location?: string;
}

/** Where the object at an index of the input was read from, for messages. */
export type Locator = (index: number) => string;

/** Objects that share one identity (group, kind, namespace, name), in input order: the cluster keeps the last. */
export interface DuplicateObjects {
  readonly objects: K8sObject[];
}

/** API groups by apiVersion: one string per distinct apiVersion instead of one per object. */
const GROUPS = new Map<string, string>();

function groupOfVersion(apiVersion: string): string {
  let group = GROUPS.get(apiVersion);
  if (group === undefined) {
    group = apiGroup(apiVersion);
    if (GROUPS.size < 1000) GROUPS.set(apiVersion, group);
  }
  return group;
}

/** A K8sObject whose `location` is worked out only when a message asks for it. */
class AuditObject implements K8sObject {
  constructor(
    public readonly index: number,
    public readonly manifest: any,
    public readonly apiVersion: string,
    public readonly group: string,
    public readonly kind: string,
    public readonly name: string,
    public readonly namespace: string,
    public readonly labels: { [key: string]: string },
    public readonly annotations: { [key: string]: string },
    public readonly constructPath: string | undefined,
    public readonly file: string | undefined,
    private readonly locate: Locator,
  ) {}

  public get location(): string {
    return this.locate(this.index);
  }
}

/** The object read from an input, or undefined when its manifest is not an object. */
function readObject(input: AuditInput, index: number, locate: Locator): AuditObject | undefined {
  const m = input.manifest;
  if (!isObject(m)) return undefined;
  const metadata = isObject(m.metadata) ? m.metadata : EMPTY;
  const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
  return new AuditObject(
    index, m, apiVersion, groupOfVersion(apiVersion),
    typeof m.kind === 'string' ? m.kind : '',
    typeof metadata.name === 'string' ? metadata.name : '',
    typeof metadata.namespace === 'string' ? metadata.namespace : '',
    stringMap(metadata.labels), stringMap(metadata.annotations),
    input.constructPath, input.file, locate,
  );
}

/**
 * Finds the objects that share an identity (`identityKey`: group, kind, namespace, name). Kept by
 * kind, group, namespace and name level by level: no key string per object.
 */
class Identities {
  private readonly first: Level = new Map();
  /** Indexes of the objects of each repeated identity, by the index of its first object (in the order the second appears). */
  public readonly repeated = new Map<number, number[]>();

  public add(obj: K8sObject): void {
    const m = obj.manifest;
    // identityKey(m) is undefined for these.
    if (typeof m.kind !== 'string' || !isObject(m.metadata) || typeof m.metadata.name !== 'string') return;
    const namespace = identityNamespace(obj.group, obj.kind, m.metadata.namespace);
    const names: Map<string, number> = level(level(level(this.first, obj.kind), obj.group), namespace);
    const first = names.get(obj.name);
    if (first === undefined) {
      names.set(obj.name, obj.index);
      return;
    }
    const list = this.repeated.get(first);
    if (list === undefined) this.repeated.set(first, [first, obj.index]);
    else list.push(obj.index);
  }
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
  /** Groups of objects with one identity, each in input order (the last one is in `objects`). */
  public readonly duplicates: DuplicateObjects[] = [];
  private readonly byKind = new Map<string, KindIndex>();
  /** `find`'s index by kind and group, each built on first use: namespace, then name, to the first object. */
  private readonly byName = new Map<string, Map<string, Map<string, Map<string, K8sObject>>>>();

  /**
   * @param inputs the objects, Lists already expanded
   * @param locate where each input was read from (default: its `location`, else `construct "..."` or `input N`)
   * @param userRuleIds the IDs of the audit's user rules (known rule IDs besides the built-in ones)
   */
  constructor(
    inputs: AuditInput[],
    public readonly options: AuditOptions,
    locate: Locator = defaultLocator(inputs),
    public readonly userRuleIds: readonly string[] = [],
  ) {
    // Each step is a function of its own: V8 optimizes them one by one as they get hot.
    const all: Array<AuditObject | undefined> = new Array(inputs.length);
    const identities = new Identities();
    for (let i = 0; i < inputs.length; i++) {
      const obj = readObject(inputs[i], i, locate);
      all[i] = obj;
      if (obj !== undefined) identities.add(obj);
    }
    // kubectl apply keeps the last object of each identity: the others are shadowed.
    const shadowed = new Set<number>();
    for (const indexes of identities.repeated.values()) {
      for (let i = 0; i < indexes.length - 1; i++) shadowed.add(indexes[i]);
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

/** `construct "app/web"` for objects of a construct, `input 3` otherwise (unless the input says where it came from). */
function defaultLocator(inputs: AuditInput[]): Locator {
  return (index) => {
    const input = inputs[index];
    return input.location ?? (input.constructPath !== undefined ? `construct "${input.constructPath}"` : `input ${index + 1}`);
  };
}

type Level = Map<string, any>;

/** The map under a key of a map of maps (created when missing). */
function level(map: Level, key: string): Level {
  let next = map.get(key);
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
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
