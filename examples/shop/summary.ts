import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';

/** Where the manifests went, the objects per kind, the audit's verdict, the reachability proof and the RBAC proof. */
export function summarize(app: App): string {
  const files = fs.readdirSync(app.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort();
  const kinds = new Map<string, number>();
  let total = 0;
  for (const chart of app.charts) {
    for (const obj of chart.toJson()) {
      kinds.set(obj.kind, (kinds.get(obj.kind) ?? 0) + 1);
      total++;
    }
  }
  const perKind = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`).join(', ');
  const rel = path.relative(process.cwd(), app.outdir) || '.';
  const lines = [
    `Wrote ${files.length} manifest files to ${rel}/: ${files.join(', ')}`,
    `${total} objects: ${perKind}`,
  ];
  // SecurityAudit and ReachabilityCheck write their reports beside the manifests folder, not in it.
  const reports = `${app.outdir}-reports`;
  const reportsRel = path.relative(process.cwd(), reports);
  const auditFile = path.join(reports, 'security-audit.json');
  if (fs.existsSync(auditFile)) {
    const s = JSON.parse(fs.readFileSync(auditFile, 'utf-8')).summary;
    lines.push(`Security audit: ${s.passed ? 'PASSED' : 'FAILED'} — ${s.objects} objects, ${s.violations} violations, ${s.acknowledged} acknowledged, ${s.warnings} warnings (${reportsRel}/security-audit.txt, .json, .sarif)`);
  }
  const reachFile = path.join(reports, 'reachability.md');
  if (fs.existsSync(reachFile)) {
    const verdict = fs.readFileSync(reachFile, 'utf-8').split('\n').find((l) => / paths connect /.test(l));
    if (verdict) lines.push(`Reachability: ${verdict} (${reportsRel}/reachability.md, .mmd, .dot)`);
  }
  const rbacFile = path.join(reports, 'rbac.md');
  if (fs.existsSync(rbacFile)) {
    const verdict = fs.readFileSync(rbacFile, 'utf-8').split('\n').find((l) => /undeclared/i.test(l));
    if (verdict) lines.push(`${verdict.replace(/^[#*\s]+/, '')} (${reportsRel}/rbac.md, .json)`);
  }
  return lines.join('\n');
}
