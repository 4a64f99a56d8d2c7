/**
 * Internal: sets of (protocol, port) as sorted, disjoint, inclusive intervals per protocol.
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = typeof PROTOCOLS[number];

type Ranges = ReadonlyArray<readonly [number, number]>;

const FULL: Ranges = [[1, 65535]];
/** No ports (shared: lists of ranges are never changed once made). */
const NONE: Ranges = [];

function isFull(r: Ranges): boolean {
  return r.length === 1 && r[0][0] === 1 && r[0][1] === 65535;
}

/** Whether every port of `b` is in `a` (both normalised). */
function covers(a: Ranges, b: Ranges): boolean {
  let i = 0;
  for (let k = 0; k < b.length; k++) {
    const lo = b[k][0];
    const hi = b[k][1];
    while (i < a.length && a[i][1] < lo) i++;
    if (i === a.length || a[i][0] > lo || a[i][1] < hi) return false;
  }
  return true;
}

/** Whether `a` and `b` share a port (both normalised). */
function overlaps(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

/** The union of two normalised lists: one merge, no sort (one of them when it covers the other). */
function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (covers(a, b)) return a;
  if (covers(b, a)) return b;
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i][0] <= b[j][0]) ? a[i++] : b[j++];
    const last = out[out.length - 1];
    if (last && next[0] <= last[1] + 1) last[1] = Math.max(last[1], next[1]);
    else out.push([next[0], next[1]]);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  if (covers(b, a)) return a;
  if (covers(a, b)) return b;
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
  if (!overlaps(a, b)) return a;
  let out = a;
  for (let k = 0; k < b.length; k++) {
    const blo = b[k][0];
    const bhi = b[k][1];
    const next: Array<readonly [number, number]> = [];
    for (let i = 0; i < out.length; i++) {
      const lo = out[i][0];
      const hi = out[i][1];
      if (bhi < lo || blo > hi) {
        next.push(out[i]);
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
  public static readonly EMPTY = new PortSet({ TCP: NONE, UDP: NONE, SCTP: NONE });
  public static readonly ALL = new PortSet({ TCP: FULL, UDP: FULL, SCTP: FULL });

  /** All ports of one protocol. */
  public static allOf(protocol: Protocol): PortSet {
    return PortSet.range(protocol, 1, 65535);
  }

  public static range(protocol: Protocol, from: number, to: number = from): PortSet {
    const r: Record<Protocol, Ranges> = { TCP: NONE, UDP: NONE, SCTP: NONE };
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
    const r = this.ranges;
    return r.TCP.length === 0 && r.UDP.length === 0 && r.SCTP.length === 0;
  }

  public get isAll(): boolean {
    const r = this.ranges;
    return isFull(r.TCP) && isFull(r.UDP) && isFull(r.SCTP);
  }

  public has(protocol: Protocol, port: number): boolean {
    const ranges = this.ranges[protocol];
    for (let i = 0; i < ranges.length; i++) if (port >= ranges[i][0] && port <= ranges[i][1]) return true;
    return false;
  }

  public of(protocol: Protocol): PortSet {
    const r: Record<Protocol, Ranges> = { TCP: NONE, UDP: NONE, SCTP: NONE };
    r[protocol] = this.ranges[protocol];
    return new PortSet(r);
  }

  public without(protocol: Protocol): PortSet {
    return new PortSet({ ...this.ranges, [protocol]: NONE });
  }

  public union(o: PortSet): PortSet {
    if (o === this || o.isEmpty) return this;
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
      const ranges = this.ranges[p];
      for (let i = 0; i < ranges.length; i++) {
        const lo = ranges[i][0];
        const hi = ranges[i][1];
        if (lo === 1 && hi === 65535) out.push(`${p}/*`);
        else out.push(lo === hi ? `${p}/${lo}` : `${p}/${lo}-${hi}`);
      }
    }
    return out;
  }

  public toString(): string {
    return this.toStrings().join(', ');
  }

  /** The set of `f` applied per protocol; this set or `o` itself when that is the result (sets are immutable). */
  private combine(o: PortSet, f: (a: Ranges, b: Ranges) => Ranges): PortSet {
    const a = this.ranges;
    const b = o.ranges;
    const tcp = f(a.TCP, b.TCP);
    const udp = f(a.UDP, b.UDP);
    const sctp = f(a.SCTP, b.SCTP);
    if (tcp === a.TCP && udp === a.UDP && sctp === a.SCTP) return this;
    if (tcp === b.TCP && udp === b.UDP && sctp === b.SCTP) return o;
    return new PortSet({ TCP: tcp, UDP: udp, SCTP: sctp });
  }
}

/** Normalises a Kubernetes protocol string; undefined when unknown. */
export function protocolOf(value: unknown): Protocol | undefined {
  const p = typeof value === 'string' ? value.toUpperCase() : 'TCP';
  return (PROTOCOLS as readonly string[]).includes(p) ? p as Protocol : undefined;
}
