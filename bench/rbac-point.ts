/**
 * The RBAC proof's benchmark point, in its own process:
 *   rbac-point.ts <services> <namespaces>
 * The library's output for the topology (bench/library.ts: one LeastPrivilegeServiceAccount with
 * grants per service), as plain JSON objects computed before the clocks start. Measures the object
 * model (AuditContext, shared with the audit) and the proof over it (effective RBAC: bindings,
 * built-in and aggregated roles, every subject's capabilities) separately, and prints one JSON line
 * with wall and CPU milliseconds, the subjects and the peak RSS. Target (issue #14): proof < 1 s
 * at 5,000 services.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { libraryApp } from './library';
import { measure } from './measure';
import { Topology } from './topology';
import { AuditContext } from '../src/audit/context';
import { flattenLists } from '../src/audit/engine';
import { proveRbac } from '../src/rbac/proof';

function main() {
  const [services, namespaces] = process.argv.slice(2);
  const t: Topology = { services: Number(services), namespaces: Number(namespaces) };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rbac-'));
  const objects = libraryApp(t, outdir, false).charts.flatMap((c) => c.toJson());
  fs.rmSync(outdir, { recursive: true, force: true });
  const model = measure(() => new AuditContext(flattenLists(objects.map((manifest) => ({ manifest }))), {}));
  const proof = measure(() => proveRbac(model.value));
  process.stdout.write(JSON.stringify({
    point: 'rbac',
    ...t,
    objects: objects.length,
    bindings: objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding').length,
    subjects: proof.value.subjects.length,
    modelWallMs: Math.round(model.wallMs),
    proofWallMs: Math.round(proof.wallMs),
    proofCpuMs: Math.round(proof.cpuMs),
    peakRssMb: Math.round(process.memoryUsage().rss / 1048576),
  }) + '\n');
}

main();
