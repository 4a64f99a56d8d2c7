/**
 * Internal: rendered JSON without shared references. The `yaml` stringifier cdk8s uses writes an
 * object or array reached twice in one document as an anchor and an alias (`&a1` ... `*a1`), which
 * reviewers, diff tools and some GitOps tooling read badly. cdk8s renders every ApiObject into
 * fresh objects, so sharing can only come from code that edits the rendered JSON afterwards.
 */

/**
 * Replaces, in place, every object or array that `json` reaches a second time with a deep copy,
 * and returns `json`. One pass with a set of the objects seen: cheap next to rendering.
 */
export function unshareJson<T>(json: T): T {
  const seen = new Set<object>();
  const walk = (value: any): any => {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return deepCopy(value);
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v !== null && typeof v === 'object') value[i] = walk(v);
      }
    } else {
      for (const key of Object.keys(value)) {
        const v = value[key];
        if (v !== null && typeof v === 'object') value[key] = walk(v);
      }
    }
    return value;
  };
  return walk(json);
}

function deepCopy(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = deepCopy(value[key]);
  return out;
}
