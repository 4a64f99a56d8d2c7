import * as fs from 'fs';
import * as path from 'path';

/** Wall and CPU time of one call, for the benchmark points that run in their own process. */
export function measure<T>(fn: () => T): { wallMs: number; cpuMs: number; value: T } {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

/** A benchmark target and whether the run met it. */
export interface Target {
  target: string;
  value: string;
  ok: boolean;
}

/**
 * Prints the report `lines` and one MET/MISS line per target, and writes `payload` as JSON to
 * `out`; true when every target was met.
 */
export function writeReport(lines: string[], targets: readonly Target[], out: string, payload: object): boolean {
  lines.push('');
  for (const t of targets) lines.push(`${t.ok ? 'MET ' : 'MISS'}  ${t.target}: ${t.value}`);
  console.log(lines.join('\n'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(payload, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(path.join(__dirname, '..'), out)}`);
  return targets.every((t) => t.ok);
}
