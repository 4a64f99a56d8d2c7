/**
 * Internal: the scalar values of the fast YAML path (`yaml-fast.ts`), computed exactly as the
 * `yaml` package computes them (`compose/resolve-flow-scalar.js` and
 * `compose/resolve-block-scalar.js` of yaml 2.x, transcribed below) and then resolved the go-yaml v2
 * way (`yaml-scalars.ts`). Anything the `yaml` package would report as an error throws `BAIL`, and
 * the document is read by the full path instead.
 */
import { jsonKeyOf, jsonOf, resolveScalar } from './yaml-scalars';

/** Thrown when the fast path cannot vouch for reading a document exactly as the full path does. */
export const BAIL = new Error('fast path: not a document it reads');

/** First characters go-yaml may resolve to something else than a string (resolve.go resolveTable). */
const HINT = new Uint8Array(128);
for (const c of '+-0123456789.yYnNtTfFoO~') HINT[c.charCodeAt(0)] = 1;

/**
 * `s` as a string of its own: V8 keeps the whole text a substring of 13 characters or more was cut
 * from alive, and the objects read outlive the file texts (which would otherwise stay in memory).
 * `join` copies the characters into one flat string (a padded copy cut again would be a substring
 * of the copy: 32 bytes more a string, and slower).
 */
export function own(s: string): string {
  return s.length < 13 ? s : [s.slice(0, 1), s.slice(1)].join('');
}

/** `t[from, to)` as a string of its own (`own`). */
export function cut(t: string, from: number, to: number): string {
  return to - from < 13 ? t.slice(from, to) : own(t.slice(from, to)); // V8 copies short substrings
}

/** The JSON value of a plain scalar (never empty); a string value is `s` itself. */
export function plainJson(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c >= 128 || HINT[c] === 0) return s;
  const r = resolveScalar('', s, true);
  if (r.t === 'float' && !Number.isFinite(r.v)) throw BAIL; // an error in the full path
  return jsonOf(r);
}

/** The JSON key of a plain map key (never empty). */
export function plainKey(s: string): string {
  const c = s.charCodeAt(0);
  if (c >= 128 || HINT[c] === 0) return s;
  const k = jsonKeyOf(resolveScalar('', s, true));
  if ('error' in k) throw BAIL;
  return k.key;
}

const CACHE_SLOTS = 4096;
const CACHE_MAX_LENGTH = 40;

/**
 * Short plain scalars (keys, or values) seen lately, by a hash of their text: the same text gives
 * the same string (one copy, shared by every object that has it) and the same value, without
 * converting it again. A slot holds the last text that hashed to it.
 */
export class PlainCache {
  private readonly texts: string[] = new Array<string>(CACHE_SLOTS).fill('');
  private readonly values: unknown[] = new Array<unknown>(CACHE_SLOTS).fill(undefined);
  /** The value of the text `text` returned last. */
  public value: unknown;

  constructor(private readonly convert: (s: string) => unknown) {}

  /** The plain scalar `t[from, to)` (never empty): its text, a string of its own; its value in `value`. */
  public text(t: string, from: number, to: number): string {
    const n = to - from;
    if (n > CACHE_MAX_LENGTH) {
      const long = cut(t, from, to);
      this.value = this.convert(long);
      return long;
    }
    // A hash of a few characters: the text is compared anyway, a collision only costs a miss.
    const h = n * 7 + t.charCodeAt(from) * 31 + t.charCodeAt(to - 1) * 961 + t.charCodeAt(from + Math.floor(n / 2)) * 29791 + t.charCodeAt(from + 1);
    const slot = h % CACHE_SLOTS;
    const cached = this.texts[slot];
    if (cached.length === n && t.startsWith(cached, from)) {
      this.value = this.values[slot];
      return cached;
    }
    const s = cut(t, from, to);
    const v = this.convert(s);
    this.texts[slot] = s;
    this.values[slot] = v;
    this.value = v;
    return s;
  }
}

/** Plain map keys and their JSON keys. */
export const PLAIN_KEYS = new PlainCache(plainKey);
/** Plain scalar values and their JSON values. */
export const PLAIN_VALUES = new PlainCache(plainJson);

// yaml resolve-flow-scalar.js: unfoldLines, singleQuotedValue, doubleQuotedValue.

const TRIM_END = /(?<![ \t])[ \t]+$/;
const TRIM_BOTH = /^[ \t]+|(?<![ \t])[ \t]+$/g;

/** Folds the lines of a plain or single-quoted scalar. */
export function unfoldLines(source: string): string {
  const line = /(.*?)\r?\n/sy;
  let match = line.exec(source);
  if (!match) return source;
  let res = match[1].replace(TRIM_END, '');
  let sep = ' ';
  let pos = line.lastIndex;
  while ((match = line.exec(source))) {
    const lm = match[1].replace(TRIM_BOTH, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
    pos = line.lastIndex;
  }
  const last = /[ \t]*(.*)/sy;
  last.lastIndex = pos;
  match = last.exec(source);
  return res + sep + (match?.[1] ?? '');
}

/** The value of a single-quoted scalar, quotes included in `source`. */
export function singleQuotedValue(source: string): string {
  return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  'a': '\x07',
  'b': '\b',
  'e': '\x1b',
  'f': '\f',
  'n': '\n',
  'r': '\r',
  't': '\t',
  'v': '\v',
  'N': '\u0085',
  '_': '\u00a0',
  'L': '\u2028',
  'P': '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** The value of a double-quoted scalar, quotes included in `source`. */
export function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\n') {
      let fold = '';
      let next = source[i + 1];
      while (next === ' ' || next === '\t' || next === '\n') {
        if (next === '\n') fold += '\n';
        i += 1;
        next = source[i + 1];
      }
      res += fold || ' ';
    } else if (ch === '\\') {
      let next = source[++i];
      const cc = ESCAPES[next];
      if (cc) {
        res += cc;
      } else if (next === '\n') {
        next = source[i + 1];
        while (next === ' ' || next === '\t') next = source[++i + 1];
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const cc2 = source.substr(i + 1, length);
        if (cc2.length !== length || !/^[0-9a-fA-F]+$/.test(cc2)) throw BAIL;
        const code = parseInt(cc2, 16);
        if (code > 0x10ffff) throw BAIL;
        res += String.fromCodePoint(code);
        i += length;
      } else {
        throw BAIL; // an invalid escape: an error in the full path
      }
    } else if (ch === ' ' || ch === '\t') {
      const wsStart = i;
      let next = source[i + 1];
      while (next === ' ' || next === '\t') next = source[++i + 1];
      if (next !== '\n') res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
    } else {
      res += ch;
    }
  }
  return res;
}

/**
 * The value of a block scalar without an indentation indicator (yaml resolve-block-scalar.js),
 * given its body `t[body, end)` as the lexer delimits it (the lines after the header, ending with
 * a newline), whose first content line is indented by `indent`; a string of its own (`own`).
 */
export function blockValue(t: string, body: number, end: number, folded: boolean, chomp: string, indent: number): string {
  // Lines: start, indentation and end (before the newline); the `yaml` package counts an empty line after the last newline.
  const starts: number[] = [];
  const indents: number[] = [];
  const ends: number[] = [];
  for (let p = body; p < end;) {
    const nl = t.indexOf('\n', p);
    let c = p;
    while (t.charCodeAt(c) === 32) c++;
    starts.push(p);
    indents.push(c - p);
    ends.push(nl);
    p = nl + 1;
  }
  starts.push(end);
  indents.push(0);
  ends.push(end);
  const n = starts.length;
  const empty = (i: number) => starts[i] + indents[i] === ends[i];
  let chompStart = n;
  while (chompStart > 0 && empty(chompStart - 1)) chompStart--;
  if (chompStart === 0) throw BAIL;
  let contentStart = 0;
  while (empty(contentStart)) {
    if (indents[contentStart] > indent) throw BAIL; // more-indented leading empty lines: an error in the full path
    contentStart++;
  }
  if (indents[contentStart] !== indent) throw BAIL; // not the line the lexer found
  for (let i = n - 1; i >= chompStart; --i) if (indents[i] > indent) chompStart = i + 1;
  const line = (i: number) => t.slice(starts[i] + Math.min(indent, indents[i]), ends[i]); // the indentation trimmed
  let value: string;
  if (!folded) {
    const parts: string[] = [];
    for (let i = 0; i < chompStart; i++) {
      if (!empty(i) && indents[i] < indent) throw BAIL;
      parts.push(line(i));
    }
    if (chomp === '') {
      parts.push(''); // the final newline: one string made by join
      return parts.join('\n');
    }
    value = parts.join('\n');
  } else {
    value = '';
    for (let i = 0; i < contentStart; ++i) value += line(i) + '\n';
    let sep = '';
    let prevMoreIndented = false;
    for (let i = contentStart; i < chompStart; ++i) {
      if (!empty(i) && indents[i] < indent) throw BAIL;
      if (indents[i] > indent || t.charCodeAt(starts[i] + indents[i]) === 9) {
        if (sep === ' ') sep = '\n';
        else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
        value += sep + line(i);
        sep = '\n';
        prevMoreIndented = true;
      } else if (empty(i)) {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + line(i);
        sep = ' ';
        prevMoreIndented = false;
      }
    }
  }
  if (chomp === '+') {
    for (let i = chompStart; i < n; ++i) value += '\n' + (indents[i] > indent ? t.slice(starts[i] + indent, starts[i] + indents[i]) : '');
    if (value[value.length - 1] !== '\n') value += '\n';
  } else if (chomp !== '-') {
    value += '\n';
  }
  return own(value);
}
