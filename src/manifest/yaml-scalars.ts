/**
 * Internal: YAML scalar resolution exactly as Kubernetes tooling does it.
 *
 * kubectl, Helm, Argo CD and Flux read YAML with sigs.k8s.io/yaml, which decodes a document with
 * go-yaml v2 into `interface{}` and converts the result to JSON. The rules below transcribe
 * go-yaml v2 `resolve.go` (`resolve()`, `resolveTable`, `resolveMap`, `yamlStyleFloat`,
 * `parseTimestamp`; the sigs.k8s.io/yaml fork `goyaml.v2/resolve.go` adds a big-integer
 * fallback), go-yaml v2 `decode.go` (`scalar()`: quoted scalars are strings, timestamps decoded
 * into `interface{}` stay strings, `!!binary` is base64-decoded) and sigs.k8s.io/yaml `yaml.go`
 * (`convertToJSONableObject`: int/float/bool map keys become strings, other keys are refused).
 *
 * So YAML 1.1 booleans (`yes`, `on`, `Y`, ...) are booleans, `0644` is octal 420, `0x1F`, `0o17`,
 * `0b11`, `1_000`, `+1`, `1e3`, `.5` are numbers, and there are no sexagesimal numbers.
 */

/** A scalar resolved the go-yaml v2 way: its YAML type and its value. */
export type Resolved =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  /** `int`: fits int64; `uint`: only uint64; `big`: larger (sigs.k8s.io/yaml fork: *big.Int). */
  | { readonly t: 'int' | 'uint' | 'big'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'str'; readonly v: string };

export const TAG_PREFIX = 'tag:yaml.org,2002:';
const STR = `${TAG_PREFIX}str`;
const BOOL = `${TAG_PREFIX}bool`;
const INT = `${TAG_PREFIX}int`;
const FLOAT = `${TAG_PREFIX}float`;
const NULL = `${TAG_PREFIX}null`;
const TIMESTAMP = `${TAG_PREFIX}timestamp`;
export const BINARY_TAG = `${TAG_PREFIX}binary`;
export const MERGE_TAG = `${TAG_PREFIX}merge`;

/** go-yaml v2 resolveMap (resolve.go). */
const RESOLVE_MAP = new Map<string, Resolved>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) RESOLVE_MAP.set(s, { t: 'bool', v: true });
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) RESOLVE_MAP.set(s, { t: 'bool', v: false });
for (const s of ['', '~', 'null', 'Null', 'NULL']) RESOLVE_MAP.set(s, { t: 'null' });
for (const s of ['.nan', '.NaN', '.NAN']) RESOLVE_MAP.set(s, { t: 'float', v: NaN });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) RESOLVE_MAP.set(s, { t: 'float', v: Infinity });
for (const s of ['-.inf', '-.Inf', '-.INF']) RESOLVE_MAP.set(s, { t: 'float', v: -Infinity });

/** go-yaml v2 resolveTable: the hint for the first byte ('S' sign, 'D' digit, 'M' in map, '.'). */
function hintOf(s: string): string | undefined {
  if (s === '') return 'N';
  const c = s[0];
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/; // what Go's strconv.ParseFloat accepts after a leading '.'
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

interface GoInt { readonly ok: boolean; readonly v: bigint; readonly range: boolean }

/** Go strconv.ParseUint(s, base, 64); base 0 detects 0b/0o/0x and leading-0 octal. */
export function goParseUint(s: string, base: number): GoInt {
  const fail = { ok: false, v: 0n, range: false };
  if (s === '') return fail;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? s[1].toLowerCase() : '';
      if (p === 'b') { base = 2; s = s.slice(2); } else if (p === 'o') { base = 8; s = s.slice(2); } else if (p === 'x') { base = 16; s = s.slice(2); } else { base = 8; s = s.slice(1); }
    }
  }
  let n = 0n;
  const b = BigInt(base);
  for (const ch of s) {
    const c = ch.toLowerCase();
    let d: number;
    if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (c >= 'a' && c <= 'z') d = c.charCodeAt(0) - 87;
    else return fail;
    if (d >= base) return fail;
    n = n * b + BigInt(d);
    if (n > UINT64_MAX) return { ok: false, v: 0n, range: true };
  }
  return { ok: true, v: n, range: false };
}

/** Go strconv.ParseInt(s, base, 64). */
export function goParseInt(s: string, base: number): GoInt {
  if (s === '') return { ok: false, v: 0n, range: false };
  let neg = false;
  if (s[0] === '+') {s = s.slice(1);} else if (s[0] === '-') { neg = true; s = s.slice(1); }
  const u = goParseUint(s, base);
  if (!u.ok) return u;
  if (!neg && u.v > INT64_MAX) return { ok: false, v: 0n, range: true };
  if (neg && u.v > INT64_MAX + 1n) return { ok: false, v: 0n, range: true };
  return { ok: true, v: neg ? -u.v : u.v, range: false };
}

/** Go math/big Int.SetString(s, 0) for what reaches it (digits with an optional sign and prefix). */
function bigSetString(s: string): bigint | undefined {
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; s = s.slice(1); }
  let base = 10;
  if (s.length > 1 && s[0] === '0') {
    const p = s[1].toLowerCase();
    if (p === 'x' || p === 'o' || p === 'b') { base = p === 'x' ? 16 : p === 'o' ? 8 : 2; s = s.slice(2); } else { base = 8; s = s.slice(1); }
  }
  const r = goParseUintUnbounded(s, base);
  return r === undefined ? undefined : neg ? -r : r;
}

function goParseUintUnbounded(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  let n = 0n;
  for (const ch of s.toLowerCase()) {
    const d = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch >= 'a' && ch <= 'z' ? ch.charCodeAt(0) - 87 : 99;
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return n;
}

const TIMESTAMP_RE = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

/** go-yaml v2 parseTimestamp: the layouts it tries with Go's time.Parse (incl. range checks). */
export function isGoTimestamp(s: string): boolean {
  for (const re of TIMESTAMP_RE) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]) continue;
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) continue;
    return true;
  }
  return false;
}

/** Thrown for a scalar Kubernetes tooling refuses (the message is go-yaml's). */
export class ScalarError extends Error {}

function shortTag(tag: string): string {
  return tag.startsWith(TAG_PREFIX) ? `!!${tag.slice(TAG_PREFIX.length)}` : tag;
}

const RESOLVABLE = new Set(['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP]);

/**
 * go-yaml v2 `resolve(tag, in)` followed by `decoder.scalar()` into `interface{}`.
 *
 * @param tag the explicit tag in long form ('' for none)
 * @param value the scalar's content
 * @param plain whether the scalar is plain (unquoted, not a block scalar)
 */
export function resolveScalar(tag: string, value: string, plain: boolean): Resolved {
  if (tag === '' && !plain) return { t: 'str', v: value };
  if (tag === BINARY_TAG) return { t: 'str', v: decodeBase64(value) };
  if (!RESOLVABLE.has(tag)) return { t: 'str', v: value }; // custom tags, '!', !!map on a scalar...
  const [rtag, out] = resolveImplicit(tag, value);
  if (tag === '' || tag === rtag || tag === STR) return out;
  if (tag === FLOAT && rtag === INT && out.t === 'int') { // go-yaml converts int/int64, not uint64 or big ints
    return { t: 'float', v: Number(out.v) };
  }
  throw new ScalarError(`cannot decode ${shortTag(rtag)} \`${value}\` as a ${shortTag(tag)}`);
}

function int(v: bigint): Resolved {
  return { t: v >= -INT64_MAX - 1n && v <= INT64_MAX ? 'int' : 'uint', v };
}

function resolveImplicit(tag: string, s: string): [string, Resolved] {
  const hint = hintOf(s);
  if (hint === undefined || tag === STR) return [STR, { t: 'str', v: s }];
  const known = RESOLVE_MAP.get(s);
  if (known) return [known.t === 'null' ? NULL : known.t === 'bool' ? BOOL : FLOAT, known];
  if (hint === '.') {
    if (DOT_FLOAT.test(s) && Number.isFinite(Number(s))) return [FLOAT, { t: 'float', v: Number(s) }];
  } else if (hint === 'D' || hint === 'S') {
    if ((tag === '' || tag === TIMESTAMP) && isGoTimestamp(s)) return [TIMESTAMP, { t: 'str', v: s }]; // timestamps stay strings in interface{}
    const plain = s.replace(/_/g, '');
    const i = goParseInt(plain, 0);
    if (i.ok) return [INT, int(i.v)];
    const u = goParseUint(plain, 0);
    if (u.ok) return [INT, { t: 'uint', v: u.v }];
    if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return [FLOAT, { t: 'float', v: Number(plain) }];
    if (plain.startsWith('0b')) {
      const b = goParseInt(plain.slice(2), 2);
      if (b.ok) return [INT, int(b.v)];
      const ub = goParseUint(plain.slice(2), 2);
      if (ub.ok) return [INT, { t: 'uint', v: ub.v }];
    } else if (plain.startsWith('-0b')) {
      const b = goParseInt(`-${plain.slice(3)}`, 2);
      if (b.ok) return [INT, int(b.v)];
    }
    if (u.range) { // sigs.k8s.io/yaml goyaml.v2 fork: out-of-range integers become *big.Int
      const big = bigSetString(plain);
      if (big !== undefined) return [INT, { t: 'big', v: big }];
    }
  }
  return [STR, { t: 'str', v: s }];
}

/** Go base64.StdEncoding.DecodeString as go-yaml v2 uses it for !!binary (newlines are ignored). */
function decodeBase64(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(={0,2})$/.test(clean) || /=[^=]/.test(clean)) {
    throw new ScalarError('!!binary value contains invalid base64 data');
  }
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** The JSON value of a resolved scalar (the number type of Go's JSON encoding is lost in JS). */
export function jsonOf(r: Resolved): unknown {
  switch (r.t) {
    case 'null': return null;
    case 'int': case 'uint': case 'big': return Number(r.v);
    default: return r.v;
  }
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a resolved map key (yaml.go convertToJSONableObject):
 * strings as they are, ints in decimal, floats with strconv.FormatFloat(f, 'g', -1, 32), bools
 * as "true"/"false". Null, uint64 and big-integer keys are refused (returns an error message).
 */
export function jsonKeyOf(r: Resolved): { key: string } | { error: string } {
  switch (r.t) {
    case 'str': return { key: r.v };
    case 'int': return { key: r.v.toString() };
    case 'bool': return { key: r.v ? 'true' : 'false' };
    case 'float': return { key: formatFloat32G(r.v) };
    case 'null': return { error: 'unsupported map key of type: <nil> (a null key)' };
    case 'uint': return { error: `unsupported map key of type: uint64 (${r.v})` };
    default: return { error: `unsupported map key of type: *big.Int (${r.v})` };
  }
}

/** Go strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's names for the special values. */
export function formatFloat32G(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const f = Math.fround(x);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  const a = Math.abs(f);
  let p = 1;
  while (p < 9 && Math.fround(Number(a.toPrecision(p))) !== a) p++;
  const [mant, e] = a.toExponential(p - 1).split('e');
  const digits = mant.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(e);
  const dp = exp + 1;
  let out: string;
  if (exp < -4 || exp >= 6) {
    out = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`;
  } else if (dp >= digits.length) {
    out = digits + '0'.repeat(dp - digits.length);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return f < 0 ? `-${out}` : out;
}
