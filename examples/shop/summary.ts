import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';

/** One line per written file, and one line of objects per kind. */
export function summarize(app: App): string {
  const files = fs.readdirSync(app.outdir).filter((f) => f.endsWith('.yaml')).sort();
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
  return [
    `Wrote ${files.length} manifest files to ${rel}/: ${files.join(', ')}`,
    `${total} objects: ${perKind}`,
  ].join('\n');
}
