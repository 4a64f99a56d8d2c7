/**
 * The benchmark topology: N services spread over K namespaces (service i lives in namespace
 * i % K), each called by three others — some in other namespaces — and one encrypted volume
 * per 10 services. Deterministic, so every point of a run builds the same app.
 */
export interface Topology {
  readonly services: number;
  readonly namespaces: number;
}

export function namespaceOf(t: Topology, i: number): string {
  return `team-${String(i % t.namespaces).padStart(2, '0')}`;
}

export function serviceName(i: number): string {
  return `svc-${String(i).padStart(5, '0')}`;
}

/** The three callers of service i: neighbours in the same namespace and one across namespaces. */
export function callersOf(t: Topology, i: number): number[] {
  const n = t.services;
  return [...new Set([(i + t.namespaces) % n, (i + 2 * t.namespaces) % n, (i + 1) % n])].filter((c) => c !== i);
}

export function hasVolume(i: number): boolean {
  return i % 10 === 0;
}

export const IMAGE = (i: number) => `registry.example.com/bench/svc-${i % 50}:1.${i % 7}.0`;
export const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0b7d6c1e-8f2a-4a5b-9c3d-2e1f0a9b8c7d';
