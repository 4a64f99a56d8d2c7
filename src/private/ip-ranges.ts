/**
 * Internal: exact IP address arithmetic — sets of addresses as sorted, disjoint, inclusive bigint
 * intervals — for NetworkPolicy ipBlocks (`cidr` minus `except`), mesh IP conditions and the
 * audit's metadata-endpoint rules.
 *
 * One address space for both families. IPv4 addresses live at their IPv4-mapped IPv6 position
 * (`::ffff:0:0/96`, RFC 4291 §2.5.5.2), so `169.254.169.254/32`, `::ffff:a9fe:a9fe/128` and
 * `::ffff:169.254.169.254/128` are the same set: a mapped range *is* the IPv4 range. Consequences
 * (as Go's ParseCIDR reads such a block, and as KEP-4858 describes the ambiguity it is being
 * deprecated for):
 *
 * - `0.0.0.0/0` is every IPv4 address and no IPv6 address.
 * - An IPv6 block written outside `::ffff:0:0/96` matches IPv6 addresses only: `::/0` is every
 *   IPv6 address and no IPv4 one (NetworkPolicy implementations match each packet against the
 *   blocks of its own family; an IPv6 socket sending to `::ffff:169.254.169.254` sends IPv4
 *   packets). So `::/0 except fd00:ec2::254/128` does not reach the IPv4 metadata endpoint, and
 *   an independent oracle of the NetworkPolicy spec (test/reachability/oracle) agrees.
 * - A block written inside `::ffff:0:0/96` (`::ffff:a9fe:a9fe/128`, `::ffff:0:0/96`) is the IPv4
 *   range it maps, so it opens the metadata endpoint like the IPv4 spelling.
 * - Blocks are read as leniently as the API server's legacy validation (leading zeros in IPv4
 *   octets are decimal; host bits are masked); excepts strictly (see `fromIpBlock`).
 * - Output (`toCidrs`, `describe`) always writes a range inside `::ffff:0:0/96` in IPv4 notation.
 */

/* eslint-disable no-bitwise -- address arithmetic on bigints */

const V6_BITS = 128n;
const MAX = (1n << V6_BITS) - 1n;
/** Start of the IPv4-mapped range `::ffff:0:0/96`. */
const V4_BASE = 0xffffn << 32n;
const V4_MAX = V4_BASE + 0xffffffffn;

type Interval = readonly [bigint, bigint];

/**
 * Cloud instance metadata endpoints, as CIDRs:
 * - `169.254.169.254/32`: the IPv4 instance metadata service of AWS (IMDS), Google Cloud, Azure
 *   (IMDS), Oracle Cloud and OpenStack.
 * - `fd00:ec2::254/128`: the AWS IMDS IPv6 endpoint on Nitro instances ("IPv6 on AWS" whitepaper,
 *   Supporting Amazon VPC services: "AWS provides this service at the fd00:ec2::254 IPv6
 *   endpoint").
 *
 * Not included: `169.254.170.23` / `fd00:ec2::23`, the EKS Pod Identity Agent (EKS user guide, "Set
 * up the Amazon EKS Pod Identity Agent"): it only hands out the credentials of the calling pod's
 * own ServiceAccount association, not the node's, so reaching it is not a metadata exposure.
 */
export const METADATA_ENDPOINTS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

/** An IPv4 address as a 32-bit bigint; with `sloppy`, octets may have leading zeros (read as decimal). */
export function parseIpv4(s: string, sloppy = false): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!(sloppy ? /^[0-9]+$/ : /^(0|[1-9][0-9]{0,2})$/).test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

/** IPv6 text (with an optional dotted-quad tail, `::ffff:169.254.169.254`) to a bigint. */
export function parseIpv6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    const hi = (tail >> 16n).toString(16);
    const lo = (tail & 0xffffn).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups = head.length + rest.length;
  if (halves.length === 1 && groups !== 8) return undefined;
  if (halves.length === 2 && groups > 7) return undefined;
  const all = [...head, ...Array(8 - groups).fill('0'), ...rest];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/**
 * Parses a CIDR (IPv4, IPv6, IPv4-mapped IPv6 in hex or dotted form) into an interval of the
 * unified space, as written: host bits are masked (`10.0.0.1/8` is `10.0.0.0/8`, as the API
 * server's ParseCIDR reads it). With `allowAddress`, a bare address is a /32 or /128 (Istio
 * ipBlocks). With `sloppy`, IPv4 octets may have leading zeros, read as decimal
 * (`netutils.ParseCIDRSloppy`, the API server's legacy validation; KEP-4858).
 */
export function parseIpRange(text: string, allowAddress = false, sloppy = false): Interval | undefined {
  if (typeof text !== 'string') return undefined;
  const s = text.trim();
  const m = /^([^/]+)(?:\/([0-9]+))?$/.exec(s);
  if (!m || (m[2] === undefined && !allowAddress)) return undefined;
  const v4 = parseIpv4(m[1], sloppy);
  let start: bigint;
  let hostBits: bigint;
  if (v4 !== undefined) {
    const prefix = m[2] === undefined ? 32 : Number(m[2]);
    if (prefix > 32) return undefined;
    hostBits = BigInt(32 - prefix);
    start = V4_BASE + ((v4 >> hostBits) << hostBits);
  } else {
    const v6 = parseIpv6(m[1]);
    if (v6 === undefined) return undefined;
    const prefix = m[2] === undefined ? 128 : Number(m[2]);
    if (prefix > 128) return undefined;
    hostBits = BigInt(128 - prefix);
    start = (v6 >> hostBits) << hostBits;
  }
  return [start, start + (1n << hostBits) - 1n];
}

/**
 * The addresses a CIDR matches. A range written inside `::ffff:0:0/96` (IPv4-mapped) is the IPv4
 * range it maps. Any other IPv6 range matches IPv6 packets only: it does not contain the
 * IPv4-mapped region (an IPv4 packet never matches an IPv6 ipBlock: the NetworkPolicy
 * implementations match each family against blocks of that family), so `::/0` is every IPv6
 * address and no IPv4 one.
 */
function rangesOf(text: string, allowAddress: boolean, sloppy: boolean): Interval[] | undefined {
  const r = parseIpRange(text, allowAddress, sloppy);
  if (!r) return undefined;
  const [lo, hi] = r;
  if (lo >= V4_BASE && hi <= V4_MAX) return [r];
  if (hi < V4_BASE || lo > V4_MAX) return [r];
  const out: Interval[] = [];
  if (lo < V4_BASE) out.push([lo, V4_BASE - 1n]);
  if (hi > V4_MAX) out.push([V4_MAX + 1n, hi]);
  return out;
}

function normalise(list: Array<[bigint, bigint]>): Interval[] {
  const sorted = list.filter(([a, b]) => a <= b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

function hex4(n: bigint): string {
  return n.toString(16);
}

/** RFC 5952 text of an IPv6 address. */
function formatIpv6(n: bigint): string {
  const groups: bigint[] = [];
  for (let i = 7; i >= 0; i--) groups.push((n >> BigInt(i * 16)) & 0xffffn);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0n) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.map(hex4).join(':');
  const head = groups.slice(0, bestStart).map(hex4).join(':');
  const tail = groups.slice(bestStart + bestLen).map(hex4).join(':');
  return `${head}::${tail}`;
}

function formatIpv4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 0xffn).toString()).join('.');
}

/** Text of the aligned block starting at `start` with `hostBits` free bits. */
function formatBlock(start: bigint, hostBits: number): string {
  const end = start + (1n << BigInt(hostBits)) - 1n;
  if (start >= V4_BASE && end <= V4_MAX) return `${formatIpv4(start - V4_BASE)}/${32 - hostBits}`;
  return `${formatIpv6(start)}/${128 - hostBits}`;
}

/** Largest aligned blocks covering [lo, hi]. */
function blocksOf(lo: bigint, hi: bigint): Array<[bigint, number]> {
  const out: Array<[bigint, number]> = [];
  let cur = lo;
  while (cur <= hi) {
    let bits = 0;
    while (bits < 128) {
      const size = 1n << BigInt(bits + 1);
      if (cur % size !== 0n || cur + size - 1n > hi) break;
      bits++;
    }
    out.push([cur, bits]);
    if (bits === 128) break;
    cur += 1n << BigInt(bits);
  }
  return out;
}

/** Host bits of the smallest aligned block containing [lo, hi]. */
function enclosingBits(lo: bigint, hi: bigint): number {
  let bits = 0;
  while (bits < 128 && lo >> BigInt(bits) !== hi >> BigInt(bits)) bits++;
  return bits;
}

/** An immutable set of IP addresses (IPv4 and IPv6 in one space; see the module comment). */
export class IpRangeSet {
  public static readonly EMPTY = new IpRangeSet([]);
  /** Every address, IPv4 and IPv6 (what `0.0.0.0/0` and `::/0` together match). */
  public static readonly ALL = new IpRangeSet([[0n, MAX]]);
  /** Every IPv4 address (`0.0.0.0/0`, i.e. `::ffff:0:0/96`). */
  public static readonly IPV4 = new IpRangeSet([[V4_BASE, V4_MAX]]);

  /** One CIDR; undefined when it is not one. */
  public static fromCidr(cidr: string): IpRangeSet | undefined {
    const r = rangesOf(cidr, false, true);
    return r ? new IpRangeSet(r) : undefined;
  }

  /** A CIDR or a bare address (a /32 or /128), as Istio's `ipBlocks` accept. */
  public static fromCidrOrAddress(text: string): IpRangeSet | undefined {
    const r = rangesOf(text, true, true);
    return r ? new IpRangeSet(r) : undefined;
  }

  /**
   * A NetworkPolicy ipBlock: `cidr` minus every `except`. Undefined when `cidr` is not a CIDR.
   * The block is read as leniently as the API server reads it (leading zeros in IPv4 octets are
   * decimal), an `except` strictly: one that is not a canonical CIDR removes nothing (the API
   * server would reject it, or a CNI with Go ≥ 1.17 parsing may drop it; removing less never
   * hides an opening).
   */
  public static fromIpBlock(cidr: string, except: readonly string[] = []): IpRangeSet | undefined {
    const block = IpRangeSet.fromCidr(cidr);
    if (!block) return undefined;
    const ex = except.flatMap((e) => rangesOf(e, false, false) ?? []);
    return ex.length === 0 ? block : block.subtract(new IpRangeSet(normalise(ex.map(([a, b]) => [a, b]))));
  }

  /** A set from raw intervals of the unified space (normalised). */
  public static fromIntervals(intervals: ReadonlyArray<readonly [bigint, bigint]>): IpRangeSet {
    return new IpRangeSet(normalise(intervals.map(([a, b]) => [a, b])));
  }

  private constructor(private readonly ranges: readonly Interval[]) {}

  /** The sorted, disjoint, non-adjacent inclusive intervals of the unified space. */
  public get intervals(): readonly Interval[] {
    return this.ranges;
  }

  public get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Number of addresses. */
  public get size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.ranges) n += hi - lo + 1n;
    return n;
  }

  public union(o: IpRangeSet): IpRangeSet {
    if (o.isEmpty) return this;
    if (this.isEmpty) return o;
    return new IpRangeSet(normalise([...this.ranges, ...o.ranges].map(([a, b]) => [a, b])));
  }

  public intersect(o: IpRangeSet): IpRangeSet {
    const out: Array<[bigint, bigint]> = [];
    let i = 0;
    let j = 0;
    const a = this.ranges;
    const b = o.ranges;
    while (i < a.length && j < b.length) {
      const lo = a[i][0] > b[j][0] ? a[i][0] : b[j][0];
      const hi = a[i][1] < b[j][1] ? a[i][1] : b[j][1];
      if (lo <= hi) out.push([lo, hi]);
      if (a[i][1] < b[j][1]) i++;
      else j++;
    }
    return new IpRangeSet(out);
  }

  public subtract(o: IpRangeSet): IpRangeSet {
    if (o.isEmpty || this.isEmpty) return this;
    const out: Array<[bigint, bigint]> = [];
    let j = 0;
    const b = o.ranges;
    for (const [lo0, hi] of this.ranges) {
      let lo = lo0;
      while (j < b.length && b[j][1] < lo) j++;
      let k = j;
      while (k < b.length && b[k][0] <= hi && lo <= hi) {
        if (b[k][0] > lo) out.push([lo, b[k][0] - 1n]);
        if (b[k][1] >= hi) { lo = hi + 1n; break; }
        lo = b[k][1] + 1n;
        k++;
      }
      if (lo <= hi) out.push([lo, hi]);
    }
    return new IpRangeSet(out);
  }

  public equals(o: IpRangeSet): boolean {
    if (this.ranges.length !== o.ranges.length) return false;
    return this.ranges.every(([lo, hi], i) => lo === o.ranges[i][0] && hi === o.ranges[i][1]);
  }

  /** Whether every address of `o` is in this set. */
  public containsSet(o: IpRangeSet): boolean {
    return o.subtract(this).isEmpty;
  }

  /** Whether this set and `o` share an address. */
  public overlaps(o: IpRangeSet): boolean {
    return !this.intersect(o).isEmpty;
  }

  /** Whether the whole CIDR is inside the set (false for an invalid CIDR). */
  public containsCidr(cidr: string): boolean {
    const c = IpRangeSet.fromCidr(cidr);
    return !!c && this.containsSet(c);
  }

  /** Whether some address of the CIDR is in the set (false for an invalid CIDR). */
  public overlapsCidr(cidr: string): boolean {
    const c = IpRangeSet.fromCidr(cidr);
    return !!c && this.overlaps(c);
  }

  /** The minimal list of CIDRs whose union is the set; ranges inside `::ffff:0:0/96` in IPv4 notation. */
  public toCidrs(): string[] {
    const out: string[] = [];
    for (const [lo, hi] of this.ranges) for (const [start, bits] of blocksOf(lo, hi)) out.push(formatBlock(start, bits));
    return out;
  }

  /**
   * A short exact description, one string per family: each either the CIDR list or
   * `<enclosing CIDR> except <CIDRs>`, whichever is shorter. The IPv6 part never counts the
   * IPv4-mapped range (its addresses are in the IPv4 part), so an IPv6 part `::/0` means every
   * IPv6 address that is not an IPv4 one.
   */
  public describe(): string[] {
    const out: string[] = [];
    const v4 = this.intersect(IpRangeSet.IPV4);
    const v6 = this.subtract(IpRangeSet.IPV4);
    for (const [part, space] of [[v4, IpRangeSet.IPV4], [v6, IpRangeSet.ALL.subtract(IpRangeSet.IPV4)]] as const) {
      if (part.isEmpty) continue;
      const cover = part.toCidrs();
      const lo = part.ranges[0][0];
      const hi = part.ranges[part.ranges.length - 1][1];
      const bits = enclosingBits(lo, hi);
      const start = (lo >> BigInt(bits)) << BigInt(bits);
      const enclosing = IpRangeSet.fromIntervals([[start, start + (1n << BigInt(bits)) - 1n]]).intersect(space);
      const rest = enclosing.subtract(part).toCidrs();
      const head = formatBlock(start, bits);
      if (rest.length === 0) out.push(head);
      else out.push(rest.length + 1 < cover.length ? `${head} except ${rest.join(', ')}` : cover.join(', '));
    }
    return out;
  }

  public toString(): string {
    return this.isEmpty ? '(no address)' : this.describe().join('; ');
  }
}

/** The metadata endpoints (of METADATA_ENDPOINTS) that `set` contains, mapped addresses counting as IPv4. */
export function metadataEndpointsIn(set: IpRangeSet): string[] {
  return METADATA_ENDPOINTS.filter((c) => set.overlapsCidr(c));
}
