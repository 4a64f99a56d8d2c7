/**
 * Internal: the parts of the fast YAML path (`yaml-fast.ts`) that read a scalar or a flow
 * collection: quoted and block scalars as the `yaml` lexer delimits them, and flow collections
 * written on one line. Like the rest of the fast path, it throws `BAIL` on whatever it does not
 * read exactly like the full path.
 */
import type { TemplateNode } from './templates';
import { BAIL, PLAIN_KEYS, PLAIN_VALUES, blockValue, cut, doubleQuotedValue, own, singleQuotedValue } from './yaml-fast-scalars';

/** A node's offset in the text and, for collections, its children (what positions need). */
export class LocatedNode {
  constructor(
    public readonly offset: number,
    /** Map entries by key as written (the `yaml` package's failsafe value), the last one of duplicates. */
    public readonly keys?: Map<string, { readonly keyOffset: number; readonly node: LocatedNode }>,
    public readonly items?: LocatedNode[],
  ) {}
}

/** First characters of a plain scalar in block context that the fast path leaves to the full path. */
export const NOT_PLAIN = new Uint8Array(128);
for (const c of '?:,]}#&*!%@`|>\'"[{\t') NOT_PLAIN[c.charCodeAt(0)] = 1;
/** Nesting the fast path reads (deeper documents go to the full path and its limits). */
const MAX_FAST_DEPTH = 200;

export const SP = 32;
export const NL = 10;
export const TAB = 9;
export const HASH = 35;
export const COLON = 58;
export const DASH = 45;

/** Reading state shared by the fast path's parts: the text, limits, counts and what is collected. */
export class FastScanner {
  /** Start of the line after the value just read. */
  protected p = 0;
  /** Position after the flow node just read. */
  protected fp = 0;
  private nodes = 0;
  protected depth = 0;

  constructor(
    protected readonly t: string,
    /** End of the document in `t` (after its last newline). */
    protected readonly end: number,
    /** Offsets (LocatedNode) rather than values. */
    protected readonly locate: boolean,
    private readonly maxNodes: number,
    private readonly maxDepth: number,
    /** When given, every scalar is added to it, in document order (for the template check). */
    protected readonly scalars?: TemplateNode[],
  ) {}

  protected scalar(offset: number, value: string, end?: number): void {
    this.scalars!.push(end === undefined ? { offset, value, plain: true } : { offset, value, plain: false, end });
  }

  protected count(): void {
    if (++this.nodes > this.maxNodes) throw BAIL;
  }

  protected enter(): void {
    if (++this.depth > MAX_FAST_DEPTH || this.depth >= this.maxDepth) throw BAIL;
  }

  /** The closing quote of the quoted scalar at `q` (as the `yaml` lexer finds it). */
  protected quoteEnd(q: number): number {
    const t = this.t;
    let e: number;
    if (t.charCodeAt(q) === 39) {
      e = t.indexOf("'", q + 1);
      while (e !== -1 && t.charCodeAt(e + 1) === 39) e = t.indexOf("'", e + 2);
    } else {
      e = t.indexOf('"', q + 1);
      while (e !== -1) {
        let k = 0;
        while (t.charCodeAt(e - 1 - k) === 92) k++;
        if (k % 2 === 0) break;
        e = t.indexOf('"', e + 1);
      }
    }
    if (e === -1 || e >= this.end) throw BAIL;
    return e;
  }

  /** The value of the quoted scalar `t[q, e]`; `owned`: a string of its own (a value, not a key). */
  protected quotedValue(q: number, e: number, quote: number, owned = false): string {
    const t = this.t;
    const s = t.slice(q + 1, e);
    const escaped = quote === 39 ? s.includes("'") || s.includes('\n') : s.includes('\\') || s.includes('\n');
    if (!escaped) return owned ? cut(t, q + 1, e) : s;
    const value = quote === 39 ? singleQuotedValue(t.slice(q, e + 1)) : doubleQuotedValue(t.slice(q, e + 1));
    return owned ? own(value) : value;
  }

  /** A flow collection on one line at `i`; sets `fp` after it. */
  protected flow(i: number): unknown {
    const t = this.t;
    const open = t.charCodeAt(i);
    const close = open === 91 ? 93 : 125;
    this.enter();
    this.count();
    const items: unknown[] | undefined = open === 91 && !this.locate ? [] : undefined;
    const values: Record<string, unknown> | undefined = open === 123 && !this.locate ? {} : undefined;
    const located = this.locate ? new LocatedNode(i, open === 123 ? new Map() : undefined, open === 91 ? [] : undefined) : undefined;
    let j = this.spaces(i + 1);
    if (t.charCodeAt(j) === close) {
      j++;
    } else {
      for (;;) {
        if (open === 123) {
          const k = j;
          const raw = this.flowKey(j);
          j = this.spaces(this.fp);
          const value = this.flowItem(j);
          if (values) {
            const quoted = t.charCodeAt(k) === 34 || t.charCodeAt(k) === 39;
            if (!quoted) PLAIN_KEYS.text(t, k, k + raw.length);
            const key = quoted ? raw : PLAIN_KEYS.value as string;
            if (values[key] !== undefined || (raw === '<<' && t.charCodeAt(k) !== 34 && t.charCodeAt(k) !== 39)) throw BAIL;
            values[key] = value;
          } else {
            if (raw === '<<' && t.charCodeAt(k) !== 34 && t.charCodeAt(k) !== 39) throw BAIL;
            located!.keys!.set(raw, { keyOffset: k, node: value as LocatedNode });
          }
        } else {
          const value = this.flowItem(j);
          if (items) items.push(value);
          else located!.items!.push(value as LocatedNode);
        }
        j = this.spaces(this.fp);
        const c = t.charCodeAt(j);
        if (c === close) { j++; break; }
        if (c !== 44) throw BAIL; // not a comma
        j = this.spaces(j + 1);
        if (t.charCodeAt(j) === close) throw BAIL; // a trailing comma
      }
    }
    this.fp = j;
    this.depth--;
    return located ?? items ?? values;
  }

  private spaces(j: number): number {
    while (this.t.charCodeAt(j) === SP) j++;
    return j;
  }

  /** A flow map key at `j` followed by ": "; returns it as written, sets `fp` after the colon. */
  private flowKey(j: number): string {
    const t = this.t;
    const c = t.charCodeAt(j);
    this.count();
    let raw: string;
    let e: number;
    if (c === 34 || c === 39) {
      const q = this.quoteEnd(j);
      if (t.indexOf('\n', j) < q) throw BAIL;
      raw = this.quotedValue(j, q, c);
      e = q + 1;
      if (this.scalars) this.scalar(j, raw, e);
    } else {
      e = this.flowPlainEnd(j);
      raw = t.slice(j, e);
      if (this.scalars) this.scalar(j, raw);
    }
    if (t.charCodeAt(e) !== COLON || t.charCodeAt(e + 1) !== SP) throw BAIL;
    this.fp = e + 1;
    return raw;
  }

  /** A flow sequence item or flow map value at `j`; sets `fp` after it. */
  private flowItem(j: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(j);
    if (c === 91 || c === 123) return this.flow(j);
    this.count();
    if (c === 34 || c === 39) {
      const q = this.quoteEnd(j);
      if (t.indexOf('\n', j) < q || t.charCodeAt(q + 1) === COLON) throw BAIL;
      this.fp = q + 1;
      if (this.locate) return new LocatedNode(j);
      const value = this.quotedValue(j, q, c, true);
      if (this.scalars) this.scalar(j, value, q + 1);
      return value;
    }
    const e = this.flowPlainEnd(j);
    if (t.charCodeAt(e) === COLON) throw BAIL; // a pair in a flow sequence, or a value that is a map
    this.fp = e;
    if (this.locate) return new LocatedNode(j);
    const value = PLAIN_VALUES.text(t, j, e);
    if (this.scalars) this.scalar(j, value);
    return PLAIN_VALUES.value;
  }

  /** The end (after the last content character) of a plain scalar in flow context at `j`. */
  private flowPlainEnd(j: number): number {
    const t = this.t;
    const c = t.charCodeAt(j);
    if ((c < 128 && NOT_PLAIN[c] === 1) || c === NL || c === SP) throw BAIL;
    if (c === DASH) {
      const nx = t.charCodeAt(j + 1);
      if (nx === SP || nx === 44 || nx === 93 || nx === 125 || nx === NL) throw BAIL;
    }
    let last = j;
    for (let k = j; ; k++) {
      const ch = t.charCodeAt(k);
      if (ch === 44 || ch === 93 || ch === 125) break;
      if (ch === NL || ch === TAB || ch === 91 || ch === 123) throw BAIL;
      if (ch === HASH && t.charCodeAt(k - 1) === SP) throw BAIL;
      if (ch === COLON) {
        const nx = t.charCodeAt(k + 1);
        if (nx === SP || nx === 44 || nx === 93 || nx === 125 || nx === NL || nx === 91 || nx === 123) break;
      }
      if (ch !== SP) last = k;
    }
    return last + 1;
  }

  /** A block scalar, header at `h`, in a collection at column `n` (yaml lexer parseBlockScalar). */
  protected block(h: number, n: number): unknown {
    const t = this.t;
    const folded = t.charCodeAt(h) === 62;
    let i = h + 1;
    let chomp = '';
    if (t[i] === '-' || t[i] === '+') chomp = t[i++];
    if (t.charCodeAt(i) !== SP && t.charCodeAt(i) !== NL) throw BAIL; // an indentation indicator, ...
    while (t.charCodeAt(i) === SP) i++;
    if (t.charCodeAt(i) === HASH) i = t.indexOf('\n', i);
    else if (t.charCodeAt(i) !== NL) throw BAIL;
    const body = i + 1;
    let indent = 0;
    let p = body;
    for (; p < this.end; p++) {
      const c = t.charCodeAt(p);
      if (c === SP) indent++;
      else if (c === NL) indent = 0;
      else break;
    }
    if (p >= this.end || indent < n + 1 || t.charCodeAt(p) === TAB) throw BAIL; // empty, or less indented
    let nl = t.indexOf('\n', p);
    for (;;) {
      const s = nl + 1;
      if (s >= this.end) break;
      let k = s;
      while (t.charCodeAt(k) === SP) k++;
      const c = t.charCodeAt(k);
      if (c === NL) { nl = k; continue; }
      if (k - s >= indent) { nl = t.indexOf('\n', k); continue; }
      if (c === TAB) throw BAIL; // an insufficiently indented tab: an error in the full path
      break;
    }
    if (chomp !== '+') {
      for (;;) { // trailing blank lines not more indented than the content are not the scalar's
        let k = nl - 1;
        const lastChar = k;
        while (t.charCodeAt(k) === SP) k--;
        if (t.charCodeAt(k) === NL && k >= body && k + 1 + indent > lastChar) nl = k;
        else break;
      }
    }
    this.p = nl + 1;
    this.count();
    if (this.locate) return new LocatedNode(h);
    const value = blockValue(t, body, nl + 1, folded, chomp, indent);
    if (this.scalars) this.scalar(h, value, nl + 1);
    return value;
  }
}
