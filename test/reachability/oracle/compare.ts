/**
 * Differential comparison of the analyzer with the oracle, pair by pair and port by port.
 */
import { AnalyzerView, probeId, withProbes } from './analyzer-view';
import { NetpolOracle, OracleEndpoint, PROTOCOLS, Protocol } from './netpol-oracle';

/** Addresses probed in every comparison: the metadata endpoint, private, public, IPv6, IPv4-mapped IPv6. */
export const DEFAULT_PROBES = ['169.254.169.254', '169.254.1.1', '10.1.2.3', '10.200.0.1', '8.8.8.8', '8.8.4.4', '2001:db8::1', 'fd00::1'];

export interface Disagreement {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly oracle: boolean;
  readonly analyzer: boolean;
}

const BASE_PORTS = [1, 53, 79, 80, 81, 82, 443, 5000, 8000, 8080, 65535];

/** Ports worth sampling: the base set plus every number the manifests name, and its neighbours. */
export function samplePorts(objects: any[]): number[] {
  const out = new Set(BASE_PORTS);
  const add = (n: unknown) => {
    if (typeof n !== 'number') return;
    for (const d of [-1, 0, 1]) if (n + d >= 1 && n + d <= 65535) out.add(n + d);
  };
  const walk = (v: any) => {
    if (Array.isArray(v)) {v.forEach(walk);} else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'port' || k === 'endPort' || k === 'containerPort') add(x);
        walk(x);
      }
    }
  };
  walk(objects);
  return [...out].sort((a, b) => a - b);
}

export function endpointOf(oracle: NetpolOracle, id: string): OracleEndpoint {
  return id.includes('/') ? { pod: oracle.pod(id) } : { ip: id };
}

/** The analyzer's id for an endpoint string (a workload id or an IP). */
export function analyzerId(id: string): string {
  return id.includes('/') ? id : probeId(id);
}

/**
 * Every (workload, workload) pair (a workload to itself too: replica to replica), every workload
 * against every probe address both ways, on every sampled protocol/port.
 */
export function compare(objects: any[], probes: string[] = DEFAULT_PROBES): Disagreement[] {
  const all = withProbes(objects, probes);
  const oracle = NetpolOracle.fromManifests(all);
  const view = AnalyzerView.of(all);
  const ports = samplePorts(objects);
  const pods = oracle.pods.map((p) => `${p.namespace}/${p.name}`);
  const pairs: Array<[string, string]> = [];
  for (const a of pods) {
    for (const b of pods) pairs.push([a, b]);
    for (const ip of probes) pairs.push([a, ip], [ip, a]);
  }
  const out: Disagreement[] = [];
  for (const [from, to] of pairs) {
    const src = endpointOf(oracle, from);
    const dst = endpointOf(oracle, to);
    for (const protocol of PROTOCOLS) {
      for (const port of ports) {
        const o = oracle.allowed({ src, dst, protocol, port });
        const a = view.allows(analyzerId(from), analyzerId(to), protocol, port);
        if (o !== a) out.push({ from, to, protocol, port, oracle: o, analyzer: a });
      }
    }
  }
  return out;
}

/** A short, readable summary: one line per (from, to, protocol) with the disagreeing ports. */
export function summarize(ds: Disagreement[], max = 20): string[] {
  const byKey = new Map<string, Disagreement[]>();
  for (const d of ds) {
    const k = `${d.from} -> ${d.to} ${d.protocol} oracle=${d.oracle} analyzer=${d.analyzer}`;
    byKey.set(k, [...(byKey.get(k) ?? []), d]);
  }
  return [...byKey.entries()].slice(0, max).map(([k, v]) => `${k} ports ${v.map((d) => d.port).join(',')}`);
}
