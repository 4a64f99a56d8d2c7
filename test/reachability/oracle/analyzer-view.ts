/**
 * The analyzer side of the differential comparison: runs `Reachability.fromManifests` and reads
 * its public JSON (`toJson().edges[].networkPolicyPorts`, endpoint ids `namespace/name` for
 * workloads and `cidr <range>` for IP ranges named by ipBlocks). This is the only file under
 * oracle/ that touches src/; the oracle (netpol-oracle.ts) imports nothing from it or from src/.
 *
 * External addresses: the analyzer has a node per IP range an ipBlock names. To ask "can pod X reach
 * IP a.b.c.d", `withProbes` adds one NetworkPolicy in a namespace without pods whose podSelector
 * selects nothing and whose ingress names each probe address as a /32 (/128) ipBlock: it isolates
 * and allows nothing (the oracle sees it too), but makes every probe address a node of its own.
 */
import type { Protocol } from './netpol-oracle';
import { Reachability } from '../../../src';
import { IpRangeSet } from '../../../src/private/ip-ranges';

export const PROBE_NAMESPACE = 'zz-oracle-probe';

export function probeCidr(ip: string): string {
  // the analyzer writes IPv4-mapped IPv6 addresses in IPv4 notation: ::ffff:a.b.c.d is node a.b.c.d/32
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `${mapped[1]}/32`;
  return ip.includes(':') ? `${ip.toLowerCase()}/128` : `${ip}/32`;
}

/** The analyzer's endpoint id for a probed address. */
export function probeId(ip: string): string {
  return `cidr ${probeCidr(ip)}`;
}

export function withProbes(objects: any[], ips: string[]): any[] {
  if (ips.length === 0) return objects;
  return [...objects, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'oracle-probe-addresses', namespace: PROBE_NAMESPACE },
    spec: {
      podSelector: { matchLabels: { 'oracle-probe': 'selects-nothing' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: ips.map((ip) => ({ ipBlock: { cidr: probeCidr(ip) } })) }],
    },
  }];
}

type Ranges = Array<{ protocol: string; lo: number; hi: number }>;

/** Parses `*`, `TCP/*`, `TCP/80`, `TCP/8000-8100`. */
export function parsePorts(list: string[]): Ranges {
  const out: Ranges = [];
  for (const s of list) {
    if (s === '*') { for (const protocol of ['TCP', 'UDP', 'SCTP']) out.push({ protocol, lo: 1, hi: 65535 }); continue; }
    const m = /^(TCP|UDP|SCTP)\/(\*|(\d+)(?:-(\d+))?)$/.exec(s);
    if (!m) throw new Error(`unreadable port "${s}"`);
    out.push(m[2] === '*' ? { protocol: m[1], lo: 1, hi: 65535 } : { protocol: m[1], lo: Number(m[3]), hi: Number(m[4] ?? m[3]) });
  }
  return out;
}

export class AnalyzerView {
  public static of(objects: any[]): AnalyzerView {
    const json = Reachability.fromManifests(objects).toJson();
    return new AnalyzerView(json);
  }

  private readonly edges = new Map<string, Ranges>();

  private constructor(public readonly json: any) {
    for (const e of json.edges) this.edges.set(`${e.from}\u0000${e.to}`, parsePorts(e.networkPolicyPorts));
    // A path from or to `internet` that stands for more than its class (`addresses`: address
    // classes a rule treats alike, reported as one path) holds for every class inside them.
    const classes = json.endpoints.filter((p: any) => p.ranges);
    for (const e of json.edges.filter((x: any) => x.addresses)) {
      const set = parseDescribed(e.addresses);
      for (const c of classes) {
        if (!set.containsSet(parseDescribed(c.ranges))) continue;
        const key = e.from === 'internet' ? `${c.id}\u0000${e.to}` : `${e.from}\u0000${c.id}`;
        if (this.edges.has(key) && c.id !== 'internet') throw new Error(`${key} has a path of its own and is inside the folded ${e.from} -> ${e.to}`);
        this.edges.set(key, parsePorts(e.networkPolicyPorts));
      }
    }
  }

  /** Whether the NetworkPolicy layer lets `from` reach `to` (endpoint ids) on protocol/port. */
  public allows(from: string, to: string, protocol: Protocol, port: number): boolean {
    const r = this.edges.get(`${from}\u0000${to}`);
    return !!r && r.some((x) => x.protocol === protocol && port >= x.lo && port <= x.hi);
  }

  public endpointIds(): string[] {
    return this.json.endpoints.map((e: any) => e.id);
  }
}

/** Addresses as `ReachabilityEndpoint.ranges` writes them: per family `CIDR except CIDR, ...` or `CIDR, CIDR, ...`. */
export function parseDescribed(list: string[]): IpRangeSet {
  let set = IpRangeSet.EMPTY;
  for (const part of list) {
    const [head, except] = part.split(' except ');
    const add = except !== undefined ? IpRangeSet.fromIpBlock(head, except.split(', ')) : head.split(', ').reduce<IpRangeSet | undefined>((u, c) => {
      const r = IpRangeSet.fromCidr(c);
      return u && r ? u.union(r) : undefined;
    }, IpRangeSet.EMPTY);
    if (!add) throw new Error(`unreadable addresses "${part}"`);
    set = set.union(add);
  }
  return set;
}
