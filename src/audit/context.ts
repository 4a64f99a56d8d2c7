/**
 * Internal: the indexed view of a set of manifests that rules evaluate. Built once per audit in
 * O(objects); rules look objects up by kind / namespace instead of scanning all pairs.
 */
import { AuditOptions } from './types';

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

/** A pod spec found in a workload (Pod, Deployment, ..., CronJob, or any `spec.template` CRD). */
export interface PodView {
  readonly obj: K8sObject;
  readonly spec: any;
  /** Dotted path of the pod spec, e.g. `spec.template.spec`. */
  readonly specPath: string;
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

/** Where the pod spec of each known workload kind lives. */
const WORKLOADS: { [key: string]: string[] } = {
  '|Pod': [],
  '|ReplicationController': ['spec', 'template'],
  '|PodTemplate': ['template'],
  'apps|Deployment': ['spec', 'template'],
  'apps|StatefulSet': ['spec', 'template'],
  'apps|DaemonSet': ['spec', 'template'],
  'apps|ReplicaSet': ['spec', 'template'],
  'batch|Job': ['spec', 'template'],
  'batch|CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
};

function podView(obj: K8sObject): PodView | undefined {
  const m = obj.manifest;
  const key = `${obj.group}|${obj.kind}`;
  let templatePath = WORKLOADS[key];
  if (templatePath === undefined) {
    // Any other kind with a pod template (Argo Rollout, Knative Service, ...).
    if (isObject(m.spec) && isObject(m.spec.template) && isObject(m.spec.template.spec) && Array.isArray(m.spec.template.spec.containers)) {
      templatePath = ['spec', 'template'];
    } else {
      return undefined;
    }
  }
  let template: any = m;
  for (const p of templatePath) {
    template = isObject(template) ? template[p] : undefined;
  }
  if (!isObject(template)) return undefined;
  const isPod = templatePath.length === 0;
  const spec = isPod ? m.spec : template.spec;
  if (!isObject(spec)) return undefined;
  const metadata = isPod ? m.metadata : template.metadata;
  const specPath = isPod ? 'spec' : `${templatePath.join('.')}.spec`;
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
    || (isPod && (restart === 'Never' || restart === 'OnFailure'));
  return {
    obj,
    spec,
    specPath,
    metadata: isObject(metadata) ? metadata : {},
    labels: stringMap(isObject(metadata) ? metadata.labels : undefined),
    annotations: stringMap(isObject(metadata) ? metadata.annotations : undefined),
    containers,
    runsToCompletion,
    templateOnly: key === '|PodTemplate',
  };
}

/** An input object with its provenance. */
export interface AuditInput {
  readonly manifest: any;
  readonly constructPath?: string;
  readonly file?: string;
}

/**
 * The indexed object set handed to every rule.
 */
export class AuditContext {
  public readonly objects: K8sObject[] = [];
  public readonly pods: PodView[] = [];
  private readonly byKind = new Map<string, K8sObject[]>();
  private readonly byKindNs = new Map<string, K8sObject[]>();
  private readonly byKindNsName = new Map<string, K8sObject>();

  constructor(inputs: AuditInput[], public readonly options: AuditOptions) {
    inputs.forEach((input, index) => {
      const m = input.manifest;
      if (!isObject(m)) return;
      const metadata = isObject(m.metadata) ? m.metadata : {};
      const apiVersion = typeof m.apiVersion === 'string' ? m.apiVersion : '';
      const obj: K8sObject = {
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
      };
      this.objects.push(obj);
      push(this.byKind, obj.kind, obj);
      push(this.byKindNs, `${obj.kind}|${obj.namespace}`, obj);
      const nameKey = `${obj.group}|${obj.kind}|${obj.namespace}|${obj.name}`;
      if (!this.byKindNsName.has(nameKey)) this.byKindNsName.set(nameKey, obj);
      const pod = podView(obj);
      if (pod) this.pods.push(pod);
    });
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
