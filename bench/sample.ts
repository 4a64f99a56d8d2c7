/** Runs one benchmark point in its own process (bench/point.ts) and parses its JSON line. */
import { execFileSync } from 'child_process';
import * as path from 'path';

export interface Sample {
  point: string;
  services: number;
  namespaces: number;
  exposedFraction?: number;
  externalFraction?: number;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  objects: number;
  bytes: number;
  objectsPerSecond?: number;
  auditedObjects?: number;
  analyzedObjects?: number;
  edges?: number;
  extraPaths?: number;
}

const root = path.join(__dirname, '..');

/** One run of `point` at N = n, K = k (and the north-south fractions, when given). */
export function sample(point: string, n: number, k: number, fractions?: { exposed: number; external: number }): Sample {
  const args = [point, String(n), String(k), ...(fractions ? [String(fractions.exposed), String(fractions.external)] : [])];
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=4096', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'point.ts'), ...args], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    encoding: 'utf-8',
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
