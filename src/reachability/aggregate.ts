/**
 * Internal: the CLI's aggregated reachability report.
 *
 * The analysis (`Reachability._aggregate`) already decides one representative per class of
 * equivalent workloads (classes.ts), named `<representative> (+N alike)`. This step then bundles
 * identical paths: paths with the same ports, flags and layer whose receivers admit the very same
 * senders become one path from a *set* of senders to a set of receivers (`set#3 (450)`), each set
 * listed once. The report is then bounded by the distinct (senders, receivers, ports)
 * combinations, not by the pairs of workloads: on third-party YAML, where every pod reaches every
 * other, that is a handful of lines instead of millions.
 *
 * Bundling applies to lists of more than `bundleAbove` paths (default 500; the CLI's `--bundle`):
 * shorter lists, and any path that stands for one sender and one receiver, keep their entries and
 * messages as the analysis wrote them.
 */
import type { ExtraPath, ReachabilityEdge, ReachabilityEndpoint, ReachabilityResult } from './analyzer';
import { EndpointKind } from './analyzer';
import type { EndpointGroup } from './classes';

/** Lists of at most this many paths are not bundled (`--bundle auto`). */
export const BUNDLE_ABOVE = 500;

/** A set of endpoints several bundled paths start or end at. */
export interface EndpointSet {
  /** `set#N (K)`: K endpoints (groups count as their members). */
  readonly id: string;
  /** The endpoint ids (group ids included as such). */
  readonly members: readonly string[];
  /** How many endpoints it stands for, groups expanded. */
  readonly size: number;
}

/** A bundled path: `from` and `to` are endpoint, group or set ids; `pairs` the pairs of endpoints it stands for. */
export type Bundled<T> = T & { readonly pairs?: number };

/** The result as the CLI prints it. */
export interface AggregatedReport {
  readonly endpoints: ReachabilityEndpoint[];
  readonly groups: readonly EndpointGroup[];
  readonly sets: EndpointSet[];
  readonly edges: Array<Bundled<ReachabilityEdge>>;
  readonly extraPaths: Array<Bundled<ExtraPath>>;
  readonly missingPaths: ReachabilityResult['missingPaths'];
  /** Pairs of workloads that connect (groups and sets expanded). */
  readonly pairs: number;
}

/** Bundles identical paths of a class-level result (see the file comment). */
export function aggregateReport(result: ReachabilityResult, groups: readonly EndpointGroup[], bundleAbove = BUNDLE_ABOVE): AggregatedReport {
  const sizeOf = new Map<string, number>(groups.map((g) => [g.id, g.members.length]));
  const sets = new Map<string, EndpointSet>();
  const intern = (ids: string[]): { id: string; size: number } => {
    const size = ids.reduce((k, id) => k + (sizeOf.get(id) ?? 1), 0);
    if (ids.length === 1) return { id: ids[0], size };
    const key = ids.join('\u0000');
    let s = sets.get(key);
    if (!s) {
      s = { id: `set#${sets.size + 1} (${size})`, members: ids, size };
      sets.set(key, s);
    }
    return s;
  };
  const edgeKey = (e: ReachabilityEdge) => JSON.stringify([e.ports, e.networkPolicyPorts, e.declared, e.infrastructure, e.extra,
    e.addresses ?? null]);
  const extraKey = (x: ExtraPath) => JSON.stringify([x.layer, x.ports, x.addresses ?? null]);
  const edges = result.edges.length <= bundleAbove ? result.edges
    : bundle(result.edges, edgeKey, intern, (e, from, to, pairs) => ({ ...e, from, to, pairs }));
  const extraPaths = result.extraPaths.length <= bundleAbove ? result.extraPaths
    : bundle(result.extraPaths, extraKey, intern, (x, from, to, pairs) => ({ ...x, from, to, pairs, message: bundleMessage(x, from, to, pairs) }));
  const setEndpoints: ReachabilityEndpoint[] = [...sets.values()].map((s) => ({ id: s.id, kind: EndpointKind.WORKLOAD, name: s.id, managed: true }));
  const pairs = result.edges.reduce((k, e) => k + (sizeOf.get(e.from) ?? 1) * (sizeOf.get(e.to) ?? 1), 0);
  return {
    endpoints: [...result.endpoints, ...setEndpoints],
    groups,
    sets: [...sets.values()],
    edges,
    extraPaths,
    missingPaths: result.missingPaths,
    pairs,
  };
}

/**
 * Paths with equal `key` whose receivers have the same senders, as one path from the senders' set
 * to the receivers' set. Paths standing for one pair are returned unchanged.
 */
function bundle<T extends { from: string; to: string }>(paths: readonly T[], key: (p: T) => string,
  intern: (ids: string[]) => { id: string; size: number }, make: (p: T, from: string, to: string, pairs: number) => T): T[] {
  // Per receiver and key: the senders.
  const byReceiver = new Map<string, { first: T; from: string[] }>();
  for (const p of paths) {
    const k = `${p.to}\u0000${key(p)}`;
    const cur = byReceiver.get(k);
    if (cur) cur.from.push(p.from);
    else byReceiver.set(k, { first: p, from: [p.from] });
  }
  // Per senders' set and key: the receivers.
  const bySenders = new Map<string, { first: T; from: { id: string; size: number }; to: string[]; one?: T }>();
  for (const { first, from } of byReceiver.values()) {
    const senders = intern([...from].sort());
    const k = `${senders.id}\u0000${key(first)}`;
    const cur = bySenders.get(k);
    if (cur) {
      cur.to.push(first.to);
      cur.one = undefined;
    } else {
      bySenders.set(k, { first, from: senders, to: [first.to], one: from.length === 1 ? first : undefined });
    }
  }
  const out: T[] = [];
  for (const b of bySenders.values()) {
    if (b.one) { out.push(b.one); continue; }
    const receivers = intern([...b.to].sort());
    out.push(make(b.first, b.from.id, receivers.id, b.from.size * receivers.size));
  }
  return out.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

function bundleMessage(x: ExtraPath, from: string, to: string, pairs: number): string {
  const where = x.layer === 'effective' ? 'NetworkPolicy and mesh both let it through'
    : x.layer === 'NetworkPolicy' ? 'the NetworkPolicies let it through; only the mesh stops it' : 'the mesh admits it; only the NetworkPolicies stop it';
  return `${from} reaches ${to} on ${x.ports.join(', ')} but nothing declares it (${where}; ${pairs} pairs of endpoints)`;
}
