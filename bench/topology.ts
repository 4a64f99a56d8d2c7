/**
 * The benchmark topology: N services spread over K namespaces (service i lives in namespace
 * i % K), each called by three others — some in other namespaces — and one encrypted volume
 * per 10 services. Optionally a fraction of the services is exposed through a gateway (one per
 * namespace that has exposed services, a listener per host `svc-N.example.com`) and a fraction
 * calls an external HTTPS API by name (`api-N.partner.example`, one /32 each). Deterministic, so
 * every point of a run builds the same app.
 */
export interface Topology {
  readonly services: number;
  readonly namespaces: number;
  /** The fraction of services exposed through their namespace's gateway (default 0). */
  readonly exposedFraction?: number;
  /** The fraction of services that call an external HTTPS API (default 0). */
  readonly externalFraction?: number;
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

/**
 * Whether service i is picked by a fraction f: every 1/f-th service of its namespace, counted
 * from `offset`, so the picks spread evenly over the namespaces (not all into one when K = 1/f).
 */
function picked(t: Topology, i: number, f: number | undefined, offset: number): boolean {
  if (!f) return false;
  const local = Math.floor(i / t.namespaces) + offset;
  return Math.floor((local + 1) * f) > Math.floor(local * f);
}

/** Whether service i is exposed through its namespace's gateway. */
export function isExposed(t: Topology, i: number): boolean {
  return picked(t, i, t.exposedFraction, 0);
}

/** Whether service i calls an external API (picked apart from the exposed ones where f ≤ 0.5). */
export function callsExternal(t: Topology, i: number): boolean {
  return picked(t, i, t.externalFraction, 5);
}

/** The gateway of a namespace, its GatewayClass, and the host name service i is exposed as. */
export const GATEWAY = 'public';
export const GATEWAY_CLASS = 'istio';
export const CLUSTER_ISSUER = 'letsencrypt';
export function hostnameOf(i: number): string {
  return `svc-${i}.example.com`;
}

/** The exposed services of each namespace (ascending), for the gateways' listeners. */
export function exposedByNamespace(t: Topology): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (let i = 0; i < t.services; i++) {
    if (isExposed(t, i)) m.set(namespaceOf(t, i), [...(m.get(namespaceOf(t, i)) ?? []), i]);
  }
  return m;
}

/** The external API service i calls: its host name and one documentation address (/32). */
export function externalOf(i: number): { host: string; cidr: string } {
  const j = Math.floor(i / 2) % 254 + 1;
  return { host: `api-${i}.partner.example`, cidr: i % 2 ? `198.51.100.${j}/32` : `203.0.113.${j}/32` };
}

export const IMAGE = (i: number) => `registry.example.com/bench/svc-${i % 50}:1.${i % 7}.0`;
export const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0b7d6c1e-8f2a-4a5b-9c3d-2e1f0a9b8c7d';
