/**
 * One measurement, in its own process (so peak RSS is this point's own):
 *   point.ts <a|b|c|d|audit|reachability> <services> <namespaces> [exposedFraction externalFraction]
 * Prints one JSON line: wall and CPU milliseconds of the measured section, peak RSS, objects and
 * bytes emitted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { Reachability, SecurityAudit } from '../src';
import { handwrittenApp } from './handwritten';
import { libraryApp } from './library';
import { Topology } from './topology';

function objectsOf(app: App): any[][] {
  return app.charts.map((c) => c.toJson());
}

function measure(fn: () => void) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function emitted(outdir: string) {
  let bytes = 0;
  let objects = 0;
  for (const f of fs.readdirSync(outdir).filter((x) => x.endsWith('.k8s.yaml'))) {
    const text = fs.readFileSync(path.join(outdir, f), 'utf-8');
    bytes += Buffer.byteLength(text);
    objects += text.split(/^---$/m).filter((d) => d.trim().length > 0).length;
  }
  return { objects, bytes };
}

function main() {
  const [point, services, namespaces, exposed, external] = process.argv.slice(2);
  const t: Topology = {
    services: Number(services),
    namespaces: Number(namespaces),
    ...(exposed !== undefined ? { exposedFraction: Number(exposed), externalFraction: Number(external ?? 0) } : {}),
  };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${point}-`));
  let m: { wallMs: number; cpuMs: number };
  let extra: Record<string, number> = {};
  switch (point) {
    case 'a':
      m = measure(() => libraryApp(t, outdir, true).synth());
      break;
    case 'b':
      m = measure(() => libraryApp(t, outdir, false).synth());
      break;
    case 'c':
      m = measure(() => handwrittenApp(t, outdir).synth());
      break;
    case 'd': {
      // The floor: the final plain JSON objects (computed before the clock starts) to YAML files.
      const charts = objectsOf(libraryApp(t, outdir, false));
      m = measure(() => charts.forEach((objs, i) => Yaml.save(path.join(outdir, `chart-${i}.k8s.yaml`), objs)));
      break;
    }
    case 'audit': {
      const objs = objectsOf(libraryApp(t, outdir, false)).flat();
      let count = 0;
      m = measure(() => { count = SecurityAudit.auditManifests(objs).objectCount; });
      extra = { auditedObjects: count, objectsPerSecond: Math.round(count / (m.wallMs / 1000)) };
      break;
    }
    case 'reachability': {
      // The reachability analyzer over the same output (NetworkPolicies x mesh authorization).
      const objs = objectsOf(libraryApp(t, outdir, false)).flat();
      let edges = 0;
      let extraPaths = -1;
      m = measure(() => {
        const r = Reachability.fromManifests(objs);
        edges = r.edges.length;
        extraPaths = r.extraPaths.length;
      });
      extra = { analyzedObjects: objs.length, edges, extraPaths };
      break;
    }
    default:
      throw new Error(`unknown point ${point}`);
  }
  const out = fs.readdirSync(outdir).length ? emitted(outdir) : { objects: 0, bytes: 0 };
  fs.rmSync(outdir, { recursive: true, force: true });
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ point, ...t, ...m, maxRssMiB, ...out, ...extra }) + '\n');
}

main();
