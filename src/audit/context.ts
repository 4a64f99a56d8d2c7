/**
 * Internal: the indexed view of a set of manifests that rules evaluate. Built once per audit in
 * O(objects); rules look objects up by kind / namespace instead of scanning all pairs.
 */
import { AuditOptions } from './types';
import { PodSpecLocation, findPodSpecs, identityKey, pathText } from '../manifest/objects';

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

function stringMap(x: any): { [key: string]: string } {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {};
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

/** Path segments under which a pod template is a Job's: its pods run to completion. */
const JOB_TEMPLATE_KEYS = new Set(['jobTemplate', 'jobTargetRef']);

/** Every pod spec of an object, found by shape (see `findPodSpecs`). */
function podViews(obj: K8sObject): PodView[] {
  const found: PodSpecLocation[] = findPodSpecs(obj.manifest);
  const m = obj.manifest;
  if (found.length === 0 && obj.group === '' && obj.kind === 'Pod' && isObject(m.spec) && Array.isArray(m.spec.containers)) {
    // A Pod is a pod even before it has containers (the shape search needs at least one).
    found.push({ spec: m.spec, path: ['spec'], metadata: isObject(m.metadata) ? m.metadata : {} });
  }
  return found.map((loc) => {
    const spec = loc.spec;
    const specPath = pathText(loc.path);
    const isPod = obj.group === '' && obj.kind === 'Pod' && loc.path.length === 1;
    // The metadata sits next to the spec (a template), or is the object's own (a spec at the root).
    const metadataPath = loc.path.length === 1 ? 'metadata' : pathText([...loc.path.slice(0, -1), 'metadata']);
    const metadata = loc.metadata;
    const containers: ContainerView[] = [];
    for (const type of CONTAINER_TYPES) {
      asArray(spec[type]).forEach((c: any, i: number) => {
        if (!isObject(c)) return;
        const name = typeof c.name === 'string' ? c.name : `#${i}`;
        containers.push({ container: c, name, type, path: `${specPath}.${type}[${i}]`, label: `${CONTAINER_LABEL[type]} "${name}"` });
      });
    }
    const restart = spec.restartPolicy;
    const runsToCompletion = (obj.group === 'batch' && (obj.kind === 'Job' || obj.kind === 'CronJob'))
      || loc.path.some((p) => typeof p === 'string' && JOB_TEMPLATE_KEYS.has(p))
      || (isPod && (restart === 'Never' || restart === 'OnFailure'));
    return {
      obj,
      spec,
      specPath,
      metadataPath,
      metadata: isObject(metadata) ? metadata : {},
      labels: stringMap(isObject(metadata) ? metadata.labels : undefined),
      annotations: stringMap(isObject(metadata) ? metadata.annotations : undefined),
      containers,
      runsToCompletion,
      templateOnly: obj.group === '' && obj.kind === 'PodTemplate',
    };
  });
}

/** An input object with its provenance. */
export interface AuditInput {
  readonly manifest: any;
  readonly constructPath?: string;
  readonly file?: string;
  /** Where the object was read from (set by the engine when it expands Lists). */
  readonly location?: string;
}

/** Objects that share one identity (group, kind, namespace, name), in input order: the cluster keeps the last. */
export interface DuplicateObjects {
  readonly objects: K8sObject[];
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
  private readonly byKind = new Map<string, K8sObject[]>();
  private readonly byKindNs = new Map<string, K8sObject[]>();
  private readonly byKindNsName = new Map<string, K8sObject>();

  constructor(inputs: AuditInput[], public readonly options: AuditOptions) {
    const all: Array<K8sObject | undefined> = inputs.map((input, index) => {
      const m = input.manifest;
      if (!isObject(m)) return undefined;
      const metadata = isObject(m.metadata) ? m.metadata : {};
      const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
      return {
        index,
        manifest: m,
        apiVersion,
        group: apiGroup(apiVersion),
        kind: typeof m.kind === 'string' ? m.kind : '',
        name: typeof metadata.name === 'string' ? metadata.name : '',
        namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
        labels: stringMap(metadata.labels),
        annotations: stringMap(metadata.annotations),
        constructPath: input.constructPath,
        file: input.file,
        location: input.location ?? (input.constructPath !== undefined ? `construct "${input.constructPath}"` : `input ${index + 1}`),
      };
    });
    // One pass over the identities: kubectl apply keeps the last object of each.
    const byIdentity = new Map<string, number[]>();
    const repeated: number[][] = [];
    inputs.forEach((input, i) => {
      const key = identityKey(input.manifest);
      if (key === undefined) return;
      const list = byIdentity.get(key);
      if (list === undefined) {byIdentity.set(key, [i]);} else {
        if (list.length === 1) repeated.push(list);
        list.push(i);
      }
    });
    const shadowed = new Set<number>();
    for (const indexes of repeated) {
      indexes.slice(0, -1).forEach((i) => shadowed.add(i));
      this.duplicates.push({ objects: indexes.map((i) => all[i]!) });
    }
    for (const obj of all) {
      if (obj === undefined || shadowed.has(obj.index)) continue;
      this.objects.push(obj);
      push(this.byKind, obj.kind, obj);
      push(this.byKindNs, `${obj.kind}|${obj.namespace}`, obj);
      const nameKey = `${obj.group}|${obj.kind}|${obj.namespace}|${obj.name}`;
      if (!this.byKindNsName.has(nameKey)) this.byKindNsName.set(nameKey, obj);
      this.pods.push(...podViews(obj));
    }
  }

  /** Objects of a kind, optionally restricted to an API group ('' = core). */
  public ofKind(kind: string, group?: string): K8sObject[] {
    const all = this.byKind.get(kind) ?? [];
    return group === undefined ? all : all.filter(o => o.group === group);
  }

  /** Objects of a kind in a namespace ('' = no namespace). */
  public inNamespace(kind: string, namespace: string, group?: string): K8sObject[] {
    const all = this.byKindNs.get(`${kind}|${namespace}`) ?? [];
    return group === undefined ? all : all.filter(o => o.group === group);
  }

  /** One object by group, kind, namespace and name. */
  public find(group: string, kind: string, namespace: string, name: string): K8sObject | undefined {
    return this.byKindNsName.get(`${group}|${kind}|${namespace}|${name}`);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
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
