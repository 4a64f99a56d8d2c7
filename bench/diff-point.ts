/**
 * The security diff's benchmark point, in its own process:
 *   diff-point.ts <services> <namespaces> [mixed|images]
 * Base: the library's output for the topology (bench/library.ts). Head: the same with 1% of the
 * services changed, spread over every namespace — `mixed`: each changed service gets another image
 * registry and a NetworkPolicy admitting its whole namespace on TCP/8080 (connectivity, data and
 * audit changes); `images`: only the image changes. Measures the audit of the head alone and the
 * diff of base and head (both from plain JSON objects computed before the clocks start) and prints
 * one JSON line: wall and CPU milliseconds of each, their ratio, the items and the peak RSS.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { libraryApp } from './library';
import { measure } from './measure';
import { Topology, namespaceOf, serviceName } from './topology';
import { SecurityAudit, SecurityDiff } from '../src';

/** The 1% of services changed: 100k + k for k = 0, 1, ... (one per namespace when there are ≥ 1% namespaces). */
export function changedServices(t: Topology): number[] {
  const count = Math.max(1, Math.round(t.services / 100));
  const out: number[] = [];
  for (let k = 0; out.length < count; k++) out.push((100 * k + k) % t.services);
  return [...new Set(out)];
}

/** The head: a deep copy of the base with the changed services edited. */
export function headOf(t: Topology, base: any[], kind: string): any[] {
  const head = JSON.parse(JSON.stringify(base));
  for (const i of changedServices(t)) {
    const name = serviceName(i);
    const namespace = namespaceOf(t, i);
    const d = head.find((o: any) => o.kind === 'Deployment' && o.metadata?.name === name && o.metadata?.namespace === namespace);
    if (!d) throw new Error(`no Deployment ${namespace}/${name} in the base`);
    const c = d.spec.template.spec.containers[0];
    c.image = c.image.replace('registry.example.com', 'mirror.example.net');
    if (kind === 'mixed') {
      head.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `${name}-from-namespace`, namespace },
        spec: {
          podSelector: { matchLabels: d.spec.selector.matchLabels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }],
        },
      });
    }
  }
  return head;
}

function main() {
  const [services, namespaces, kind = 'mixed'] = process.argv.slice(2);
  if (kind !== 'mixed' && kind !== 'images') throw new Error(`unknown change kind ${JSON.stringify(kind)}: use mixed or images`);
  const t: Topology = { services: Number(services), namespaces: Number(namespaces) };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-diff-'));
  const base = libraryApp(t, outdir, false).charts.flatMap((c) => c.toJson());
  fs.rmSync(outdir, { recursive: true, force: true });
  const head = headOf(t, base, kind);
  const audit = measure(() => SecurityAudit.auditManifests(head).objectCount);
  const diff = measure(() => SecurityDiff.betweenManifests(base, head));
  const items = diff.value.items;
  process.stdout.write(JSON.stringify({
    point: 'diff',
    change: kind,
    ...t,
    objects: head.length,
    changedServices: changedServices(t).length,
    changedObjects: diff.value.changedObjects,
    auditWallMs: audit.wallMs,
    auditCpuMs: audit.cpuMs,
    diffWallMs: diff.wallMs,
    diffCpuMs: diff.cpuMs,
    ratio: Math.round((diff.wallMs / audit.wallMs) * 100) / 100,
    items: items.length,
    weakening: items.filter((i) => i.weakens).length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n');
}

if (require.main === module) main();
