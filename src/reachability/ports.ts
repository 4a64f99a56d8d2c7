/**
 * Internal: sets of (protocol, port) as sorted, disjoint, inclusive intervals per protocol.
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = typeof PROTOCOLS[number];

type Ranges = ReadonlyArray<readonly [number, number]>;

const FULL: Ranges = [[1, 65535]];

function normalise(ranges: Array<[number, number]>): Ranges {
  if (ranges.length <= 1) return ranges;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return normalise([...a, ...b].map(([lo, hi]) => [lo, hi] as [number, number]));
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  let out: Array<[number, number]> = a.map(([lo, hi]) => [lo, hi]);
  for (const [blo, bhi] of b) {
    const next: Array<[number, number]> = [];
    for (const [lo, hi] of out) {
      if (bhi < lo || blo > hi) {
        next.push([lo, hi]);
        continue;
      }
      if (lo < blo) next.push([lo, blo - 1]);
      if (hi > bhi) next.push([bhi + 1, hi]);
    }
    out = next;
  }
  return out;
}

/** An immutable set of ports per protocol. */
export class PortSet {
  public static readonly EMPTY = new PortSet({ TCP: [], UDP: [], SCTP: [] });
  public static readonly ALL = new PortSet({ TCP: FULL, UDP: FULL, SCTP: FULL });

  /** All ports of one protocol. */
  public static allOf(protocol: Protocol): PortSet {
    return PortSet.range(protocol, 1, 65535);
  }

  public static range(protocol: Protocol, from: number, to: number = from): PortSet {
    const r: Record<Protocol, Ranges> = { TCP: [], UDP: [], SCTP: [] };
    if (Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to >= from) r[protocol] = [[from, Math.min(to, 65535)]];
    return new PortSet(r);
  }

  /** Parses "TCP/8443", "UDP/53", "TCP/8000-8100", "TCP/*", "*" (comma separated). */
  public static parse(text: string): PortSet {
    let out = PortSet.EMPTY;
    for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (part === '*' || part === 'any') return PortSet.ALL;
      const m = /^(TCP|UDP|SCTP)\/(\*|(\d+)(?:-(\d+))?)$/i.exec(part);
      if (!m) throw new Error(`"${part}" is not a port: write TCP/443, UDP/53, TCP/8000-8100 or TCP/*`);
      const proto = m[1].toUpperCase() as Protocol;
      out = out.union(m[2] === '*' ? PortSet.allOf(proto) : PortSet.range(proto, Number(m[3]), Number(m[4] ?? m[3])));
    }
    return out;
  }

  private constructor(private readonly ranges: Record<Protocol, Ranges>) {}

  public get isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 0);
  }

  public get isAll(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 1 && this.ranges[p][0][0] === 1 && this.ranges[p][0][1] === 65535);
  }

  public has(protocol: Protocol, port: number): boolean {
    return this.ranges[protocol].some(([lo, hi]) => port >= lo && port <= hi);
  }

  public of(protocol: Protocol): PortSet {
    const r: Record<Protocol, Ranges> = { TCP: [], UDP: [], SCTP: [] };
    r[protocol] = this.ranges[protocol];
    return new PortSet(r);
  }

  public without(protocol: Protocol): PortSet {
    return new PortSet({ ...this.ranges, [protocol]: [] });
  }

  public union(o: PortSet): PortSet {
    if (o.isEmpty) return this;
    if (this.isEmpty) return o;
    return this.combine(o, unionRanges);
  }

  public intersect(o: PortSet): PortSet {
    if (o.isEmpty || this.isEmpty) return PortSet.EMPTY;
    return this.combine(o, intersectRanges);
  }

  public subtract(o: PortSet): PortSet {
    if (o.isEmpty || this.isEmpty) return this;
    return this.combine(o, subtractRanges);
  }

  public equals(o: PortSet): boolean {
    return this.toStrings().join() === o.toStrings().join();
  }

  /** ["TCP/8443", "UDP/53", "TCP/8000-8100", "TCP/*"]; ["*"] for every port of every protocol. */
  public toStrings(): string[] {
    if (this.isAll) return ['*'];
    const out: string[] = [];
    for (const p of PROTOCOLS) {
      for (const [lo, hi] of this.ranges[p]) {
        if (lo === 1 && hi === 65535) out.push(`${p}/*`);
        else out.push(lo === hi ? `${p}/${lo}` : `${p}/${lo}-${hi}`);
      }
    }
    return out;
  }

  public toString(): string {
    return this.toStrings().join(', ');
  }

  private combine(o: PortSet, f: (a: Ranges, b: Ranges) => Ranges): PortSet {
    return new PortSet({ TCP: f(this.ranges.TCP, o.ranges.TCP), UDP: f(this.ranges.UDP, o.ranges.UDP), SCTP: f(this.ranges.SCTP, o.ranges.SCTP) });
  }
}

/** Normalises a Kubernetes protocol string; undefined when unknown. */
export function protocolOf(value: unknown): Protocol | undefined {
  const p = typeof value === 'string' ? value.toUpperCase() : 'TCP';
  return (PROTOCOLS as readonly string[]).includes(p) ? p as Protocol : undefined;
}
