/** Wall and CPU time of one call, for the benchmark points that run in their own process. */
export function measure<T>(fn: () => T): { wallMs: number; cpuMs: number; value: T } {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, value };
}
