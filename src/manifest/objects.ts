/**
 * Internal: the one object model every analyzer (audit, reachability, CLI, cdk8s-cli plugin) reads
 * manifests through, so that they all see the same objects the API server would:
 *
 * - `kind: List`, typed lists (`PodList`, `NamespaceList`, ...) and any other object with an `items`
 *   array are expanded into their items, as kubectl does (see `isList`); items of a typed list take the list's apiVersion and the kind without `List` when
 *   they carry none (the API server writes typed lists that way: see apimachinery's
 *   `UnstructuredList.UnmarshalJSON`).
 * - Objects are identified by group, kind, namespace and name; a later object with the same
 *   identity replaces an earlier one (`kubectl apply` of both leaves the later one), so duplicates
 *   are reported.
 * - Pod specs are found by shape wherever they sit in an object (custom resources embed them in
 *   many places), not only at the places built-in workloads keep them.
 */
import { CLUSTER_SCOPED_KINDS } from './cluster-scoped';

export type Json = { [key: string]: any };

export function isRecord(x: unknown): x is Json {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** API group of an apiVersion ('' for core). */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** JSON with the keys of every map sorted: equal for equal objects whatever their key order. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const keys = Object.keys(x as object).filter((k) => (x as any)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((x as any)[k])}`).join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

/**
 * Whether a manifest is a list kubectl expands: any object with a kind and an `items` array, not
 * only `kind: List` and `*List`. kubectl's and Helm's decoder (apimachinery
 * `unstructuredJSONScheme.decode`) makes every document with an `items` field an UnstructuredList
 * whatever its kind, and the builder's FlattenListVisitor applies its items, never the object
 * itself: a `kind: ConfigMap` with `items` creates the items and no ConfigMap.
 */
export function isList(m: unknown): m is Json {
  return isRecord(m) && typeof m.kind === 'string' && m.kind !== '' && Array.isArray(m.items);
}

/** One item of an expanded list, with where it came from. */
export interface ListItem {
  readonly manifest: any;
  /** Index path inside nested lists, e.g. [3] or [0, 2]; empty for a top-level object. */
  readonly itemPath: number[];
}

/**
 * Expands Lists (recursively) into their items. Items of typed lists that lack apiVersion/kind get
 * the list's apiVersion and the list kind minus a `List` suffix (`decodeToList`: `strings.TrimSuffix`,
 * so the items of a `kind: Pod` carrying `items` are Pods). Items are copied only when they need
 * that completion.
 */
export function expandLists(manifest: any, itemPath: number[] = [], depth = 0): ListItem[] {
  if (!isList(manifest) || depth > 16) return [{ manifest, itemPath }];
  const listKind: string = manifest.kind;
  const itemKind = listKind === 'List' ? undefined : listKind.endsWith('List') ? listKind.slice(0, -'List'.length) : listKind;
  const out: ListItem[] = [];
  manifest.items.forEach((item: any, i: number) => {
    let m = item;
    if (itemKind !== undefined && isRecord(item) && (typeof item.kind !== 'string' || item.kind === '' || typeof item.apiVersion !== 'string' || item.apiVersion === '')) {
      m = {
        ...item,
        apiVersion: typeof item.apiVersion === 'string' && item.apiVersion !== '' ? item.apiVersion : manifest.apiVersion,
        kind: typeof item.kind === 'string' && item.kind !== '' ? item.kind : itemKind,
      };
    }
    out.push(...expandLists(m, [...itemPath, i], depth + 1));
  });
  return out;
}

/** `items[3]` / `items[0].items[2]` for an item path. */
export function itemPathText(itemPath: readonly number[]): string {
  return itemPath.map((i) => `items[${i}]`).join('.');
}

/** `CLUSTER_SCOPED_KINDS` as kind → groups. */
const CLUSTER_SCOPED_BY_KIND = new Map<string, Set<string>>();
for (const groupKind of CLUSTER_SCOPED_KINDS) {
  const [group, kind] = groupKind.split('|');
  const groups = CLUSTER_SCOPED_BY_KIND.get(kind) ?? new Set<string>();
  groups.add(group);
  CLUSTER_SCOPED_BY_KIND.set(kind, groups);
}

/**
 * The identity `kubectl apply` keys an object by: group, kind, namespace and name. Cluster-scoped
 * kinds have no namespace (the API server ignores one written on them); a namespaced object
 * without a namespace is keyed by '' (it lands in whatever namespace it is applied to).
 */
export function identityKey(m: any): string | undefined {
  if (!isRecord(m) || typeof m.kind !== 'string' || !isRecord(m.metadata) || typeof m.metadata.name !== 'string') return undefined;
  return identityKeyOf(groupOf(m.apiVersion), m.kind, m.metadata.namespace, m.metadata.name);
}

/**
 * `identityKey` from parts. (Built with `join`, which makes one flat string: a template literal
 * makes a tree of string pieces, which every Map lookup by the key walks again — several times
 * slower for the tens of thousands of lookups a diff or an audit makes.)
 */
export function identityKeyOf(group: string, kind: string, namespace: unknown, name: string): string {
  return [group, kind, identityNamespace(group, kind, namespace), name].join('|');
}

/** The namespace part of an identity: '' for cluster-scoped kinds and objects without a namespace. */
export function identityNamespace(group: string, kind: string, namespace: unknown): string {
  return typeof namespace === 'string' && namespace !== '' && !isClusterScopedKind(group, kind) ? namespace : '';
}

/** Whether a kind is cluster-scoped (see `CLUSTER_SCOPED_KINDS`). */
export function isClusterScopedKind(group: string, kind: string): boolean {
  return CLUSTER_SCOPED_BY_KIND.get(kind)?.has(group) === true;
}

/** `Kind namespace/name` (or `Kind name`) for messages. */
export function describeManifest(m: any): string {
  const kind = isRecord(m) && typeof m.kind === 'string' ? m.kind : '<no kind>';
  const md = isRecord(m) && isRecord(m.metadata) ? m.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '<no name>';
  return typeof md.namespace === 'string' && md.namespace !== '' ? `${kind} ${md.namespace}/${name}` : `${kind} ${name}`;
}

/** Two or more objects with one identity; `indexes` in input order (the last one wins in a cluster). */
export interface DuplicateGroup {
  readonly key: string;
  readonly indexes: number[];
}

/** Groups of objects that share an identity (kubectl keeps only the last of each). */
export function findDuplicates(manifests: readonly any[]): DuplicateGroup[] {
  const seen = new Map<string, number[]>();
  manifests.forEach((m, i) => {
    const key = identityKey(m);
    if (key === undefined) return;
    const list = seen.get(key);
    if (list) list.push(i);
    else seen.set(key, [i]);
  });
  return [...seen.entries()].filter(([, v]) => v.length > 1).map(([key, indexes]) => ({ key, indexes }));
}

/**
 * The objects a cluster ends up with: for each identity only the last object (kubectl applies in
 * order), in the position of that last object. Objects without an identity are kept.
 */
export function effectiveObjects<T>(items: readonly T[], manifestOf: (t: T) => any): T[] {
  const last = new Map<string, number>();
  items.forEach((t, i) => {
    const key = identityKey(manifestOf(t));
    if (key !== undefined) last.set(key, i);
  });
  return items.filter((t, i) => {
    const key = identityKey(manifestOf(t));
    return key === undefined || last.get(key) === i;
  });
}

// --- pod specs by shape ------------------------------------------------------------------------

/** A pod spec found in an object. */
export interface PodSpecLocation {
  /** The pod spec (has a `containers` array). */
  readonly spec: Json;
  /** Path segments from the object root to the spec, e.g. ['spec', 'template', 'spec']. */
  readonly path: ReadonlyArray<string | number>;
  /** `path` as text: `spec.template.spec`. */
  readonly specPath: string;
  /** The pod metadata: the object's for a Pod, the template's (sibling `metadata`) otherwise. */
  readonly metadata: Json;
  /** Where that metadata sits: `metadata` (the object's), `spec.template.metadata`. */
  readonly metadataPath: string;
}

/** API groups whose objects hold pod *patterns* (policies about pods), not pods. */
const POLICY_GROUPS = new Set(['kyverno.io', 'templates.gatekeeper.sh', 'constraints.gatekeeper.sh', 'mutations.gatekeeper.sh', 'admissionregistration.k8s.io']);

function looksLikeContainer(c: unknown): boolean {
  return isRecord(c) && (typeof c.image === 'string' || typeof c.name === 'string');
}

/** Whether a map is a pod spec: a `containers` array of container-shaped maps. */
export function isPodSpecShape(x: unknown): x is Json {
  return isRecord(x) && Array.isArray(x.containers) && x.containers.length > 0 && x.containers.some(looksLikeContainer);
}

/** Renders path segments as `spec.template.spec` / `spec.templates[0].spec`. */
export function pathText(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

const MAX_DEPTH = 24;

/** The path texts of a pod spec at a path (see `PodSpecLocation`). */
function pathTexts(path: ReadonlyArray<string | number>): { specPath: string; metadataPath: string } {
  return {
    specPath: pathText(path),
    metadataPath: path.length === 1 ? 'metadata' : pathText([...path.slice(0, -1), 'metadata']),
  };
}

/**
 * Where built-in workloads keep their pod spec (their schema has no other place for one: the API
 * server drops or refuses unknown fields, so a pod spec hidden elsewhere in a Deployment never runs).
 */
const BUILTIN_POD_SPEC_PATHS: { readonly [groupKind: string]: readonly string[] } = {
  '|Pod': ['spec'],
  '|PodTemplate': ['template', 'spec'],
  '|ReplicationController': ['spec', 'template', 'spec'],
  'apps|Deployment': ['spec', 'template', 'spec'],
  'apps|StatefulSet': ['spec', 'template', 'spec'],
  'apps|DaemonSet': ['spec', 'template', 'spec'],
  'apps|ReplicaSet': ['spec', 'template', 'spec'],
  'batch|Job': ['spec', 'template', 'spec'],
  'batch|CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Built-in kinds whose schema holds no pod spec: skipped without a search (which matters at tens
 * of thousands of objects).
 */
const NO_POD_SPEC = new Set([
  '|Service', '|ServiceAccount', '|ConfigMap', '|Secret', '|Endpoints', '|PersistentVolumeClaim', '|LimitRange', '|ResourceQuota', '|Event',
  '|Namespace', '|PersistentVolume', '|Node',
  'networking.k8s.io|NetworkPolicy', 'networking.k8s.io|Ingress', 'networking.k8s.io|IngressClass', 'discovery.k8s.io|EndpointSlice',
  'policy|PodDisruptionBudget', 'autoscaling|HorizontalPodAutoscaler', 'coordination.k8s.io|Lease',
]);
/** API groups without pod specs: RBAC, storage, scheduling, and mesh policies. */
const NO_POD_SPEC_GROUPS = new Set(['rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'security.istio.io', 'policy.linkerd.io']);

/** A built-in kind's pod spec path with its texts, or `none` for a kind without pod specs. */
type BuiltinPodSpec = { readonly path: readonly string[]; readonly specPath: string; readonly metadataPath: string } | 'none';

/** The two tables above by kind, then group (looked up once per object: no `group|kind` string each time). */
const BUILTIN_BY_KIND = new Map<string, Map<string, BuiltinPodSpec>>();
function addBuiltin(groupKind: string, entry: BuiltinPodSpec): void {
  const [group, kind] = groupKind.split('|');
  const groups = BUILTIN_BY_KIND.get(kind) ?? new Map<string, BuiltinPodSpec>();
  groups.set(group, entry);
  BUILTIN_BY_KIND.set(kind, groups);
}
for (const [groupKind, path] of Object.entries(BUILTIN_POD_SPEC_PATHS)) addBuiltin(groupKind, { path: Object.freeze([...path]), ...pathTexts(path) });
for (const groupKind of NO_POD_SPEC) addBuiltin(groupKind, 'none');

/** The answer for objects without pod specs (most objects): one shared, frozen empty list. */
const NO_POD_SPECS: readonly PodSpecLocation[] = Object.freeze([]);

/**
 * Whether objects of a group and kind may hold pod specs (`findPodSpecs` finds none in the others:
 * policy objects, and built-in kinds and groups without pod specs).
 */
export function mayHoldPodSpecs(group: string, kind: unknown): boolean {
  return !POLICY_GROUPS.has(group) && !NO_POD_SPEC_GROUPS.has(group) && BUILTIN_BY_KIND.get(kind as string)?.get(group) !== 'none';
}

/**
 * Every pod spec inside an object. Built-in workloads (Pod, PodTemplate, ReplicationController,
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) hold theirs where their schema
 * keeps it; in any other object pod specs are found by shape (a map with a `containers` array of
 * containers) wherever they sit: `spec.jobTargetRef.template.spec` of KEDA ScaledJobs,
 * `spec.template.spec` of Argo Rollouts, and any other custom resource. Policy objects (Kyverno,
 * Gatekeeper, admission policies) hold patterns, not pods, and are skipped, as are built-in kinds
 * without pod specs. `metadata` and `status` of the object itself are not searched.
 *
 * @param group the object's API group, when the caller has it already
 */
export function findPodSpecs(m: any, group: string = groupOf(m?.apiVersion)): readonly PodSpecLocation[] {
  if (!isRecord(m) || !mayHoldPodSpecs(group, m.kind)) return NO_POD_SPECS;
  const builtin = BUILTIN_BY_KIND.get(m.kind)?.get(group);
  const rootMetadata = isRecord(m.metadata) ? m.metadata : {};
  if (builtin !== undefined && builtin !== 'none') {
    let parent: any;
    let node: any = m;
    for (const p of builtin.path) {
      parent = node;
      node = isRecord(node) ? node[p] : undefined;
    }
    if (!isPodSpecShape(node)) return NO_POD_SPECS;
    const metadata = builtin.path.length === 1 ? rootMetadata : isRecord(parent.metadata) ? parent.metadata : {};
    return [{ spec: node, path: builtin.path, specPath: builtin.specPath, metadata, metadataPath: builtin.metadataPath }];
  }
  const search: ShapeSearch = { out: [], stack: [], rootMetadata };
  visit(search, m, undefined);
  return search.out.length > 0 ? search.out : NO_POD_SPECS;
}

/** The state of one search for pod specs by shape. */
interface ShapeSearch {
  readonly out: PodSpecLocation[];
  /** Path segments from the root to the node visited. */
  readonly stack: Array<string | number>;
  readonly rootMetadata: Json;
}

function visit(search: ShapeSearch, node: unknown, parent: Json | undefined): void {
  const stack = search.stack;
  if (node === null || typeof node !== 'object' || stack.length > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      stack.push(i);
      visit(search, node[i], undefined);
      stack.pop();
    }
    return;
  }
  const rec = node as Json;
  if (isPodSpecShape(rec)) {
    // A spec at the root's `spec` takes the object's metadata; a template's spec its sibling metadata.
    const metadata = stack.length === 1 ? search.rootMetadata : parent && isRecord(parent.metadata) ? parent.metadata : {};
    const path = [...stack];
    const texts = pathTexts(path);
    search.out.push({ spec: rec, path, specPath: texts.specPath, metadata, metadataPath: texts.metadataPath });
    return;
  }
  for (const key of Object.keys(rec)) {
    if (stack.length === 0 && (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind')) continue;
    stack.push(key);
    visit(search, rec[key], rec);
    stack.pop();
  }
}
