/**
 * Internal: audit changes — findings introduced and resolved, acknowledgements added, removed or
 * re-worded (with their reasons), from the audit of both sides. Findings are matched by rule,
 * object and field, never by message text (which names files and positions).
 */
import { ItemSpec } from './items';
import { DiffSide, SideObject } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { Finding, Severity } from '../audit/types';
import { groupOf, identityKeyOf } from '../manifest/objects';

function keyOf(f: Finding): string {
  const r = f.resource;
  const where = r ? identityKeyOf(groupOf(r.apiVersion), r.kind, r.namespace, r.name) : `construct ${f.constructPath ?? ''}`;
  return `${f.ruleId}\u0000${where}\u0000${f.jsonPath ?? ''}`;
}

function byKey(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = keyOf(f);
    const list = out.get(k);
    if (list) list.push(f);
    else out.set(k, [f]);
  }
  return out;
}

function objectOf(side: DiffSide, f: Finding): SideObject | undefined {
  const r = f.resource;
  return r ? side.objects.get(identityKeyOf(groupOf(r.apiVersion), r.kind, r.namespace, r.name)) : undefined;
}

function subjectOf(f: Finding): string {
  const r = f.resource;
  if (!r) return f.constructPath !== undefined ? `construct ${f.constructPath}` : f.ruleId;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}${f.jsonPath ? ` ${f.jsonPath}` : ''}`;
}

/** The findings the head introduces (unacknowledged or acknowledged), for SARIF. */
export interface AuditDiff {
  readonly items: ItemSpec[];
  /** Findings of the head with no counterpart in the base. */
  readonly introduced: Finding[];
}

/**
 * Audit items of two sides (by default from each side's whole audit; the incremental diff passes
 * the findings about the objects a change can touch).
 */
export function auditItems(base: DiffSide, head: DiffSide, baseFindings: readonly Finding[] = base.audit().findings,
  headFindings: readonly Finding[] = head.audit().findings): AuditDiff {
  const fb = byKey(baseFindings);
  const fh = byKey(headFindings);
  const items: ItemSpec[] = [];
  const introduced: Finding[] = [];
  const severityOf = (f: Finding) => (f.severity === Severity.ERROR ? DiffSeverity.HIGH : DiffSeverity.MEDIUM);
  for (const [key, heads] of fh) {
    const bases = fb.get(key) ?? [];
    heads.forEach((h, i) => {
      const b: Finding | undefined = bases[i];
      const objects = [objectOf(head, h), b ? objectOf(base, b) : undefined];
      const common = { category: DiffCategory.AUDIT, subject: subjectOf(h), ruleId: h.ruleId, objects };
      if (b === undefined) {
        introduced.push(h);
        if (h.acknowledged) {
          items.push({
            ...common,
            change: DiffChange.ACKNOWLEDGEMENT_ADDED,
            severity: DiffSeverity.MEDIUM,
            weakens: true,
            message: `new ${h.ruleId} finding, acknowledged: ${h.message} (reason: ${JSON.stringify(h.acknowledgement!.reason)})`,
            reason: h.acknowledgement!.reason,
            after: h.acknowledgement!.reason,
          });
        } else {
          items.push({ ...common, change: DiffChange.FINDING_INTRODUCED, severity: severityOf(h), weakens: true, message: `new ${h.ruleId} ${h.severity}: ${h.message}` });
        }
        return;
      }
      if (!b.acknowledged && h.acknowledged) {
        items.push({
          ...common,
          change: DiffChange.ACKNOWLEDGEMENT_ADDED,
          severity: DiffSeverity.MEDIUM,
          weakens: true,
          message: `${h.ruleId} finding now acknowledged: ${h.message} (reason: ${JSON.stringify(h.acknowledgement!.reason)})`,
          reason: h.acknowledgement!.reason,
          after: h.acknowledgement!.reason,
        });
      } else if (b.acknowledged && !h.acknowledged) {
        items.push({
          ...common,
          change: DiffChange.ACKNOWLEDGEMENT_REMOVED,
          severity: severityOf(h),
          weakens: true,
          message: `${h.ruleId} finding no longer acknowledged (was: ${JSON.stringify(b.acknowledgement!.reason)}): ${h.message}`,
          before: b.acknowledgement!.reason,
        });
      } else if (b.acknowledged && h.acknowledged && b.acknowledgement!.reason !== h.acknowledgement!.reason) {
        items.push({
          ...common,
          change: DiffChange.ACKNOWLEDGEMENT_REWORDED,
          severity: DiffSeverity.LOW,
          weakens: false,
          message: `${h.ruleId} acknowledgement re-worded: ${JSON.stringify(b.acknowledgement!.reason)} → ${JSON.stringify(h.acknowledgement!.reason)}`,
          before: b.acknowledgement!.reason,
          after: h.acknowledgement!.reason,
          reason: h.acknowledgement!.reason,
        });
      }
    });
  }
  for (const [key, bases] of fb) {
    const heads = fh.get(key) ?? [];
    bases.slice(heads.length).forEach((b) => {
      items.push({
        category: DiffCategory.AUDIT,
        change: DiffChange.FINDING_RESOLVED,
        severity: DiffSeverity.INFO,
        weakens: false,
        subject: subjectOf(b),
        ruleId: b.ruleId,
        message: `${b.ruleId} ${b.acknowledged ? 'acknowledged finding' : b.severity} resolved: ${b.message}`,
        before: b.acknowledged ? b.acknowledgement!.reason : undefined,
        objects: [objectOf(head, b), objectOf(base, b)],
      });
    });
  }
  return { items, introduced };
}
