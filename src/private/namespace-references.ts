/**
 * Internal: every namespace the app's constructs refer to (callers, network peers, RBAC grants,
 * mesh control planes) is checked once per synth against the namespaces the app declares, the
 * namespaces declared external and the well-known system namespaces, so that a typo
 * (`istio-ingres`, `shpo`) fails synth instead of opening a path to nothing.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Namespaces that exist in every cluster, or that this library refers to by default: the
 * Kubernetes system namespaces, the mesh control planes (`Mesh.istio()`: istio-system;
 * `Mesh.linkerd()`: linkerd, and its viz extension linkerd-viz), Istio's documented gateway
 * namespace (istio-ingress), and
 * kube-prometheus' `monitoring` (the default metrics scraper).
 */
export const WELL_KNOWN_NAMESPACES: readonly string[] = [
  'default', 'istio-ingress', 'istio-system', 'kube-node-lease', 'kube-public', 'kube-system', 'linkerd', 'linkerd-viz', 'monitoring',
];

interface Reference {
  readonly path: string;
  readonly namespace: string;
  readonly what: string;
}

const references = new WeakMap<IConstruct, Reference[]>();
const externals = new WeakMap<IConstruct, Set<string>>();

/** Records that `scope` refers to `namespace` (as `what`, e.g. "caller namespace"); checked at synth. */
export function referenceNamespace(scope: IConstruct, namespace: string, what: string): void {
  const root = scope.node.root;
  let list = references.get(root);
  if (!list) references.set(root, list = []);
  list.push({ path: scope.node.path, namespace, what });
}

/** The namespaces declared external in the app of `scope` (a live set). */
export function externalNamespacesOf(scope: IConstruct): Set<string> {
  const root = scope.node.root;
  let set = externals.get(root);
  if (!set) externals.set(root, set = new Set());
  return set;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known namespace closest to `name`, when it is close enough to be a typo of it. */
export function closestNamespace(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of [...known].sort()) {
    const dd = distance(name, k);
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** The namespaces the app creates (its Namespace objects). */
function appNamespaces(root: IConstruct): Set<string> {
  const out = new Set<string>();
  for (const c of root.node.findAll()) {
    if (ApiObject.isApiObject(c) && c.kind === 'Namespace' && c.apiVersion === 'v1') out.add(c.name);
  }
  return out;
}

/** Errors for namespace references that name no namespace of the app, no declared external one and no well-known one. */
export function namespaceReferenceErrors(root: IConstruct): string[] {
  const list = references.get(root);
  if (!list || list.length === 0) return [];
  const own = appNamespaces(root);
  const external = externals.get(root) ?? new Set<string>();
  const known = new Set([...own, ...external, ...WELL_KNOWN_NAMESPACES]);
  const errors = new Set<string>();
  for (const r of list) {
    if (known.has(r.namespace)) continue;
    const guess = closestNamespace(r.namespace, known);
    const declare = `ExternalNamespaces.of(app).add(${JSON.stringify(r.namespace)})`;
    const ownList = [...own].sort().map((n) => JSON.stringify(n)).join(', ');
    const fix = guess !== undefined
      ? `did you mean ${JSON.stringify(guess)}? If ${JSON.stringify(r.namespace)} exists outside this app, declare it with ${declare}`
      : `use a namespace of this app${ownList ? ` (${ownList})` : ''}, or, if ${JSON.stringify(r.namespace)} exists outside this app, declare it with ${declare}`;
    errors.add(`${r.path}: ${r.what} ${JSON.stringify(r.namespace)} is not a namespace of this app, a declared external namespace or a well-known system namespace. Fix: ${fix}`);
  }
  return [...errors].sort();
}
