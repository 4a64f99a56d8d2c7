import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { namespaceReferenceErrors } from './namespace-references';
import { isRevalidationDuringAppSynth } from './synth';
import { describeManifest, expandLists, groupOf, identityKeyOf, isList, itemPathText } from '../manifest/objects';

const registered = new WeakSet<IConstruct>();

interface Declared {
  readonly path: string;
  readonly what: string;
}

/** Whether rendering is needed to know the object's identity (patches, custom rendering, Lists). */
function needsRender(obj: ApiObject): boolean {
  const patches = (obj as unknown as { patches?: unknown[] }).patches;
  return (Array.isArray(patches) && patches.length > 0) || obj.kind.endsWith('List');
}

/**
 * Every object of the app with its identity, from the construct tree. Objects whose identity
 * may differ from their props (JSON patches, Lists) are rendered; the rest are read from the
 * ApiObject's own fields (rendering 40,000 objects per validation would be slow).
 */
function identities(root: IConstruct): Map<string, Declared[]> {
  const out = new Map<string, Declared[]>();
  const add = (key: string, d: Declared) => {
    const list = out.get(key);
    if (list) list.push(d);
    else out.set(key, [d]);
  };
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    if (!needsRender(c)) {
      const key = identityKeyOf(groupOf(c.apiVersion), c.kind, c.metadata.namespace, c.name);
      add(key, { path: c.node.path, what: describeManifest({ kind: c.kind, metadata: { name: c.name, namespace: c.metadata.namespace } }) });
      continue;
    }
    const json = c.toJson();
    for (const item of expandLists(json)) {
      const m = item.manifest;
      if (m === null || typeof m !== 'object' || typeof m.kind !== 'string' || typeof m.metadata?.name !== 'string') continue;
      const where = isList(json) ? `${c.node.path} (${itemPathText(item.itemPath)})` : c.node.path;
      add(identityKeyOf(groupOf(m.apiVersion), m.kind, m.metadata.namespace, m.metadata.name), { path: where, what: describeManifest(m) });
    }
  }
  return out;
}

/** Errors for objects of the app that share group, kind, namespace and name. */
export function duplicateObjectErrors(root: IConstruct): string[] {
  const errors: string[] = [];
  for (const list of identities(root).values()) {
    if (list.length < 2) continue;
    const paths = list.map((d) => `"${d.path}"`);
    errors.push(`${list[0].what} is declared ${list.length} times, by ${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}: `
      + 'kubectl apply keeps only the last one, so the others never reach the cluster. '
      + 'Fix: give each object its own name or namespace (for constructs: a distinct name, namespace or id), or declare it once and share it.');
  }
  return errors.sort();
}

/**
 * Adds, once per app, a validation that fails synth when two objects of the app share group,
 * kind, namespace and name (a later chart redeclaring `default-deny` would silently replace it),
 * or when a construct refers to a namespace that is neither the app's, nor declared external, nor
 * well-known (a typo). Called by every construct of the library.
 */
export function registerAppChecks(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  root.node.addValidation({
    validate: () => (isRevalidationDuringAppSynth() ? [] : [...duplicateObjectErrors(root), ...namespaceReferenceErrors(root)]),
  });
}
