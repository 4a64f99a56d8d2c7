/**
 * Internal: the security diff as Markdown (for a pull-request comment), text, JSON and SARIF (the
 * findings the head introduces, in the audit's SARIF).
 */
import { CATEGORY_ORDER, severityRank } from './items';
import { DiffCategory, DiffSeverity, SecurityDiffItem } from './types';
import { renderSarif } from '../audit/report';
import { Finding, Severity } from '../audit/types';

/** Counts of the objects compared. */
export interface DiffCounts {
  readonly baseObjects: number;
  readonly headObjects: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

const CATEGORY_TITLE: Record<DiffCategory, string> = {
  [DiffCategory.CONNECTIVITY]: 'Connectivity',
  [DiffCategory.RBAC]: 'Identity and RBAC',
  [DiffCategory.AUDIT]: 'Audit findings and acknowledgements',
  [DiffCategory.POD_SECURITY]: 'Pod security',
  [DiffCategory.DATA]: 'Data and images',
  [DiffCategory.ENFORCEMENT]: 'Enforcement',
};

const SEVERITIES = [DiffSeverity.HIGH, DiffSeverity.MEDIUM, DiffSeverity.LOW, DiffSeverity.INFO];

/** `Security diff: 2 high, 1 medium, 0 low, 1 info; 3 of 4 changes weaken the posture (objects: 1 added, 0 removed, 2 changed)`. */
export function summaryOf(items: readonly SecurityDiffItem[], c: DiffCounts): string {
  const objects = `objects: ${c.added} added, ${c.removed} removed, ${c.changed} changed`;
  if (items.length === 0) return `Security diff: no security change (${objects})`;
  const counts = SEVERITIES.map((s) => `${items.filter((i) => i.severity === s).length} ${s}`).join(', ');
  const weak = items.filter((i) => i.weakens).length;
  return `Security diff: ${counts}; ${weak} of ${items.length} change${items.length === 1 ? '' : 's'} weaken${items.length === 1 && weak === 1 ? 's' : ''} the posture (${objects})`;
}

/** Categories that have items, most severe first (then in the usual order). */
function sections(items: readonly SecurityDiffItem[]): Array<[DiffCategory, SecurityDiffItem[]]> {
  const out: Array<[DiffCategory, SecurityDiffItem[]]> = [];
  for (const c of CATEGORY_ORDER) {
    const list = items.filter((i) => i.category === c);
    if (list.length > 0) out.push([c, list]);
  }
  const worst = (l: SecurityDiffItem[]) => Math.min(...l.map((i) => severityRank(i.severity)));
  return out.sort((a, b) => worst(a[1]) - worst(b[1]) || CATEGORY_ORDER.indexOf(a[0]) - CATEGORY_ORDER.indexOf(b[0]));
}

function md(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function where(i: SecurityDiffItem): string[] {
  const out: string[] = [];
  if (i.objects.length > 0) out.push(`objects: ${i.objects.join(', ')}`);
  if (i.constructPaths.length > 0) out.push(`constructs: ${i.constructPaths.join(', ')}`);
  else if (i.locations.length > 0) out.push(`at: ${i.locations.join(', ')}`);
  return out;
}

/** Markdown for a pull-request comment: the summary line, then one section per category, most severe first. */
export function renderMarkdown(items: readonly SecurityDiffItem[], c: DiffCounts): string {
  const out = ['## Security diff', '', `**${md(summaryOf(items, c).replace(/^Security diff: /, ''))}**`, ''];
  for (const [category, list] of sections(items)) {
    out.push(`### ${CATEGORY_TITLE[category]} (${list.length})`, '');
    for (const i of list) {
      out.push(`- **${i.severity.toUpperCase()}** ${i.change}: ${md(i.message)}`);
      const w = where(i);
      if (w.length > 0) out.push(`  <sub>${w.map(md).join(' · ')}</sub>`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Plain text: the summary line, then one line per item (with where, indented). */
export function renderText(items: readonly SecurityDiffItem[], c: DiffCounts): string {
  const out = [summaryOf(items, c)];
  for (const [category, list] of sections(items)) {
    out.push('', `${CATEGORY_TITLE[category]}:`);
    for (const i of list) {
      out.push(`  ${i.severity.toUpperCase().padEnd(6)} ${i.change}: ${i.message}`);
      for (const w of where(i)) out.push(`         ${w}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Plain JSON. */
export function jsonOf(items: readonly SecurityDiffItem[], c: DiffCounts, introduced: readonly Finding[]): any {
  return {
    summary: summaryOf(items, c),
    objects: c,
    counts: Object.fromEntries(SEVERITIES.map((s) => [s, items.filter((i) => i.severity === s).length])),
    weakening: items.filter((i) => i.weakens).length,
    items,
    introducedFindings: introduced,
  };
}

/** SARIF 2.1.0 of the findings the head introduces (acknowledged ones as suppressed, as the audit writes them). */
export function renderDiffSarif(introduced: readonly Finding[], headObjects: number): string {
  const findings = [...introduced];
  const open = findings.filter((f) => !f.acknowledged);
  const violations = open.filter((f) => f.severity === Severity.ERROR).length;
  return renderSarif({
    objectCount: headObjects,
    findings,
    violations,
    warnings: open.length - violations,
    acknowledged: findings.length - open.length,
    passed: violations === 0,
  });
}
