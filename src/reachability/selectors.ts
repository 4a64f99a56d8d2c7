/**
 * Internal: label selectors (`matchLabels` + `matchExpressions`), their evaluation, and an index of
 * selector-bearing items by label, as the reachability model and the policy layers use them.
 */

/** The label every namespace carries with its own name. */
export const METADATA_NAME = 'kubernetes.io/metadata.name';

export interface Selector {
  readonly matchLabels: Record<string, string>;
  readonly matchExpressions: ReadonlyArray<{ key: string; operator: string; values: string[] }>;
  /** `{}`: selects everything. */
  readonly empty: boolean;
}

export function parseSelector(sel: any): Selector {
  const matchLabels: Record<string, string> = sel && typeof sel.matchLabels === 'object' && sel.matchLabels ? { ...sel.matchLabels } : {};
  const matchExpressions = Array.isArray(sel?.matchExpressions)
    ? sel.matchExpressions.map((e: any) => ({
      key: String(e.key), operator: String(e.operator), values: Array.isArray(e.values) ? e.values.map(String) : [],
    }))
    : [];
  return { matchLabels, matchExpressions, empty: Object.keys(matchLabels).length === 0 && matchExpressions.length === 0 };
}

/** Whether `labels` satisfy `sel`; `anyLabels` (unknown labels) satisfies any selector. */
export function selectorMatches(sel: Selector, labels: Record<string, string>, anyLabels = false): boolean {
  if (sel.empty || anyLabels) return true;
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && e.values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Items with label selectors, indexed so that the items selecting given labels are found without
 * testing every selector: an item whose selector has matchLabels sits in the bucket of one of its
 * key=value pairs; the others (no selector, empty, expressions only) are always candidates.
 * `matching` returns the items in their original order.
 */
export class SelectorIndex<T> {
  private readonly always: Array<[number, T]> = [];
  private readonly buckets = new Map<string, Array<[number, T]>>();

  constructor(items: readonly T[], private readonly selectorOf: (t: T) => Selector | undefined) {
    items.forEach((t, i) => {
      const sel = selectorOf(t);
      const first = sel ? Object.keys(sel.matchLabels).sort()[0] : undefined;
      if (!sel || first === undefined) { this.always.push([i, t]); return; }
      const key = `${first}=${sel.matchLabels[first]}`;
      const list = this.buckets.get(key);
      if (list) list.push([i, t]);
      else this.buckets.set(key, [[i, t]]);
    });
  }

  /** Items whose selector is absent (when `includeUnselected`) or matches `labels`. */
  public matching(labels: Record<string, string>, includeUnselected = true): T[] {
    const found: Array<[number, T]> = [];
    for (const e of this.always) {
      const sel = this.selectorOf(e[1]);
      if (sel ? selectorMatches(sel, labels) : includeUnselected) found.push(e);
    }
    for (const [k, v] of Object.entries(labels)) {
      for (const e of this.buckets.get(`${k}=${v}`) ?? []) if (selectorMatches(this.selectorOf(e[1])!, labels)) found.push(e);
    }
    return found.sort((x, y) => x[0] - y[0]).map((e) => e[1]);
  }
}

/** Namespace names a namespace selector pins with `kubernetes.io/metadata.name`; undefined when it does not pin. */
export function pinnedNamespaces(sel: Selector): string[] | undefined {
  let names: string[] | undefined;
  if (sel.matchLabels[METADATA_NAME] !== undefined) names = [sel.matchLabels[METADATA_NAME]];
  for (const e of sel.matchExpressions) {
    if (e.key === METADATA_NAME && e.operator === 'In') names = names ? names.filter((n) => e.values.includes(n)) : [...e.values];
  }
  return names;
}
