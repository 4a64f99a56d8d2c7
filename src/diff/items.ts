/**
 * Internal: building and ordering diff items.
 */
import { SideObject, provenance } from './side';
import { DiffCategory, DiffChange, DiffSeverity, SecurityDiffItem } from './types';

const SEVERITY_RANK: Record<DiffSeverity, number> = {
  [DiffSeverity.HIGH]: 0,
  [DiffSeverity.MEDIUM]: 1,
  [DiffSeverity.LOW]: 2,
  [DiffSeverity.INFO]: 3,
};

/** Categories in report order. */
export const CATEGORY_ORDER: readonly DiffCategory[] = [
  DiffCategory.CONNECTIVITY, DiffCategory.RBAC, DiffCategory.AUDIT, DiffCategory.POD_SECURITY, DiffCategory.DATA, DiffCategory.ENFORCEMENT,
];

/** The parts of an item a category computes; provenance comes from the objects. */
export interface ItemSpec {
  readonly category: DiffCategory;
  readonly change: DiffChange;
  readonly severity: DiffSeverity;
  readonly weakens: boolean;
  readonly subject: string;
  readonly message: string;
  readonly before?: string;
  readonly after?: string;
  readonly ruleId?: string;
  readonly reason?: string;
  /** Head objects first, then base objects. */
  readonly objects: ReadonlyArray<SideObject | undefined>;
  /** Object labels to name when no object of the input is known (e.g. a built-in role). */
  readonly extraObjects?: readonly string[];
}

/** A complete item (undefined optional fields dropped, so JSON stays tidy). */
export function makeItem(spec: ItemSpec): SecurityDiffItem {
  const p = provenance(spec.objects);
  const objects = [...new Set([...p.objects, ...(spec.extraObjects ?? [])])].sort();
  const item: { -readonly [K in keyof SecurityDiffItem]: SecurityDiffItem[K] } = {
    category: spec.category,
    change: spec.change,
    severity: spec.severity,
    weakens: spec.weakens,
    subject: spec.subject,
    message: spec.message,
    objects,
    constructPaths: p.constructPaths,
    locations: p.locations,
  };
  if (spec.before !== undefined) item.before = spec.before;
  if (spec.after !== undefined) item.after = spec.after;
  if (spec.ruleId !== undefined) item.ruleId = spec.ruleId;
  if (spec.reason !== undefined) item.reason = spec.reason;
  return item;
}

function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Most severe first, then by category, subject, change and message: a deterministic order. */
export function compareItems(a: SecurityDiffItem, b: SecurityDiffItem): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]
    || CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category)
    || compareText(a.subject, b.subject)
    || compareText(a.change, b.change)
    || compareText(a.message, b.message);
}

/** Severity rank (0 = most severe). */
export function severityRank(s: DiffSeverity): number {
  return SEVERITY_RANK[s];
}
