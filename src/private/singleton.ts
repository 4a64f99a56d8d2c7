import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

const registry = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * One object per app for `key`: cluster-scoped objects that several constructs share (a
 * StorageClass with the same encryption settings, the workloads' PriorityClass). The first
 * caller creates it in its own Chart (so that `Testing.synth(chart)` and file-per-chart output
 * include it); later callers anywhere in the app get the same object.
 */
export function appSingleton<T extends IConstruct>(scope: IConstruct, key: string, create: (chart: Chart, id: string) => T): T {
  const root = scope.node.root;
  let objects = registry.get(root);
  if (!objects) {
    objects = new Map();
    registry.set(root, objects);
  }
  const existing = objects.get(key);
  if (existing) return existing as T;
  const chart = Chart.of(scope);
  const created = create(chart, `Shared-${key.replace(/[^A-Za-z0-9-]/g, '-')}`);
  objects.set(key, created);
  return created;
}
