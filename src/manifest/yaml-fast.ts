/**
 * Internal: the fast path of the manifest reader. Most manifests are written in a small part of
 * YAML: block maps and sequences, plain, quoted and block scalars, one-line flow collections,
 * comments. This reads a document written in that part straight from its text, in one pass, into
 * the value the full path (`yaml` package → `yaml-decode.ts`) gives, or (`locateFastDocument`) into
 * the node offsets the full path's nodes carry.
 *
 * It never guesses: whatever it does not read exactly like the full path (anchors, aliases, tags,
 * merge keys, duplicate keys, complex keys, directives, document markers, carriage returns, byte
 * order marks, tabs in indentation, multi-line flow collections, empty sequence items, explicit
 * indentation indicators, anything the `yaml` package reports as an error or where libyaml's
 * leniency would apply) makes it give up on the document (`undefined`), and the full path reads
 * it. For documents with `{{` it collects the scalars the template check (`templates.ts`) reads.
 * Strings in values are copies of their own (`own`), so that the objects read do not keep the
 * file texts alive; short plain scalars are shared (`PlainCache`). The differential test
 * (test/manifest/reader-differential.test.ts) holds the fast and full paths equal.
 */
import type { TemplateNode } from './templates';
import { COLON, DASH, FastScanner, HASH, LocatedNode, NL, NOT_PLAIN, SP, TAB } from './yaml-fast-flow';
import { BAIL, PLAIN_KEYS, PLAIN_VALUES, own, plainJson, unfoldLines } from './yaml-fast-scalars';

export { LocatedNode };

const NULL_NODE = new LocatedNode(-1);

class FastReader extends FastScanner {
  /** Start of the line of the last content found by `content`. */
  private ls = 0;
  private kRaw = '';
  /** The JSON key of the key just read. */
  private kJson = '';
  private kEnd = 0;
  /** Whether the plain scalar line just read ended with a comment. */
  private commented = false;
  /**
   * Items of the sequences being read (nested ones above their parent's), `top` the first free
   * slot; a sequence's items are copied out at its end. An array grown by `push` keeps room for at
   * least 17 items (most sequences have one to three) and, as every reader's array comes from the
   * same allocation site, V8 learns to allocate them in the old generation (they all outlive the
   * file read) and then does so for the throw-away trees positions locate too: a copy has its exact
   * size and no allocation site.
   */
  private readonly stack: unknown[] = [];
  private top = 0;

  /** The root: a block map starting at column 0. */
  public document(start: number): { value: unknown; rootOffset: number } {
    const q = this.content(start);
    if (q >= this.end || q !== this.ls) throw BAIL;
    const value = this.map(0, q);
    if (this.content(this.p) < this.end) throw BAIL; // a line at an unexpected indentation
    return { value, rootOffset: q };
  }

  /** The first character of the next content line from the line start `p` (blank and comment lines skipped). */
  private content(p: number): number {
    const t = this.t;
    while (p < this.end) {
      let q = p;
      while (t.charCodeAt(q) === SP) q++;
      const c = t.charCodeAt(q);
      if (c === NL) { p = q + 1; continue; }
      if (c === HASH) { p = t.indexOf('\n', q) + 1; continue; }
      if (c === TAB) throw BAIL;
      this.ls = p;
      return q;
    }
    this.ls = this.end;
    return this.end;
  }

  private isDash(q: number): boolean {
    if (this.t.charCodeAt(q) !== DASH) return false;
    const c = this.t.charCodeAt(q + 1);
    if (c === TAB) throw BAIL;
    return c === SP || c === NL;
  }

  /** A block map whose keys are at column `n`, the first at `q`. */
  private map(n: number, q: number): unknown {
    this.enter();
    this.count();
    const values: Record<string, unknown> | undefined = this.locate ? undefined : {};
    const keys = this.locate ? new Map<string, { keyOffset: number; node: LocatedNode }>() : undefined;
    const first = q;
    for (;;) {
      this.key(q);
      const raw = this.kRaw;
      const k = this.kJson;
      const value = this.value(this.kEnd, n, true);
      if (values) {
        if (values[k] !== undefined || (raw === '<<' && this.t.charCodeAt(q) !== 34 && this.t.charCodeAt(q) !== 39)) throw BAIL; // duplicate keys, merges, __proto__
        values[k] = value;
      } else {
        if (raw === '<<' && this.t.charCodeAt(q) !== 34 && this.t.charCodeAt(q) !== 39) throw BAIL;
        keys!.set(raw, { keyOffset: q, node: value as LocatedNode });
      }
      const r = this.content(this.p);
      if (r >= this.end) break;
      const ind = r - this.ls;
      if (ind < n) break;
      if (ind > n || this.isDash(r)) throw BAIL;
      q = r;
    }
    this.depth--;
    return values ?? new LocatedNode(first, keys);
  }

  /** A key at `q` (plain or quoted, on one line, followed by ": " or ":\n"): sets `kRaw` and `kEnd` (after the colon). */
  private key(q: number): void {
    const t = this.t;
    const c = t.charCodeAt(q);
    this.count();
    if (c === 34 || c === 39) {
      const e = this.quoteEnd(q);
      const nl = t.indexOf('\n', q);
      if (nl < e) throw BAIL;
      const after = t.charCodeAt(e + 1);
      if (after !== COLON) throw BAIL;
      const sep = t.charCodeAt(e + 2);
      if (sep !== SP && sep !== NL) throw BAIL;
      this.kRaw = this.quotedValue(q, e, c);
      this.kJson = this.kRaw;
      this.kEnd = e + 2;
      if (this.scalars) this.scalar(q, this.kRaw, e + 1);
      return;
    }
    if (c < 128 && NOT_PLAIN[c] === 1) throw BAIL;
    if (c === DASH) throw BAIL;
    let i = q;
    let last = q;
    for (;; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON) {
        const nx = t.charCodeAt(i + 1);
        if (nx === SP || nx === NL) break;
        if (nx === TAB) throw BAIL;
      } else if (ch === NL || ch === TAB || (ch === HASH && t.charCodeAt(i - 1) === SP)) {
        throw BAIL;
      }
      if (ch !== SP) last = i;
    }
    if (i - q > 1000) throw BAIL; // the full path refuses implicit keys over 1024 characters
    if (this.locate) {
      this.kRaw = t.slice(q, last + 1);
    } else {
      this.kRaw = PLAIN_KEYS.text(t, q, last + 1);
      this.kJson = PLAIN_KEYS.value as string;
    }
    this.kEnd = i + 1;
    if (this.scalars) this.scalar(q, this.kRaw);
  }

  /**
   * A map value (after its key's colon at `v - 1`) or a sequence item's content, in a collection
   * at column `n`; `empty` allows an empty value (a map's). Sets `p`.
   */
  private value(v: number, n: number, empty: boolean): unknown {
    const t = this.t;
    let i = v;
    while (t.charCodeAt(i) === SP) i++;
    const c = t.charCodeAt(i);
    if (c === NL || c === HASH) {
      if (!empty) throw BAIL;
      this.p = t.indexOf('\n', i) + 1;
      const r = this.content(this.p);
      if (r < this.end) {
        const ind = r - this.ls;
        if (ind > n) return this.isDash(r) ? this.seq(ind, r) : this.map(ind, r);
        if (ind === n && this.isDash(r)) return this.seq(n, r);
      }
      this.count();
      return this.locate ? NULL_NODE : null;
    }
    if (c === 124 || c === 62) return this.block(i, n);
    if (c === 34 || c === 39) return this.quoted(i, n);
    if (c === 91 || c === 123) {
      const value = this.flow(i);
      this.lineEnd(this.fp);
      return value;
    }
    return this.plain(i, n);
  }

  /** After a node: spaces, then the end of the line or a comment; sets `p`. */
  private lineEnd(i: number): void {
    const t = this.t;
    const from = i;
    while (t.charCodeAt(i) === SP) i++;
    const c = t.charCodeAt(i);
    if (c === NL) { this.p = i + 1; return; }
    if (c === HASH && i > from) { this.p = t.indexOf('\n', i) + 1; return; }
    throw BAIL;
  }

  /** A block sequence at column `n`, its first `-` at `q`. */
  private seq(n: number, q: number): unknown {
    this.enter();
    this.count();
    const t = this.t;
    const stack = this.stack;
    const base = this.top;
    const first = q;
    for (;;) {
      let i = q + 1;
      if (t.charCodeAt(i) !== SP) throw BAIL; // an empty item
      while (t.charCodeAt(i) === SP) i++;
      const c = t.charCodeAt(i);
      if (c === NL || c === HASH || c === TAB) throw BAIL;
      const col = i - this.ls;
      const item = this.isDash(i) ? this.seq(col, i) : this.isKey(i) ? this.map(col, i) : this.value(i, n, false);
      stack[this.top++] = item;
      const r = this.content(this.p);
      if (r >= this.end) break;
      const ind = r - this.ls;
      if (ind < n) break;
      if (ind > n) throw BAIL;
      if (!this.isDash(r)) break; // the key of the map the sequence is a value of (`key:\n- a\nnext: b`)
      q = r;
    }
    this.depth--;
    const items = stack.slice(base, this.top);
    this.top = base;
    return this.locate ? new LocatedNode(first, undefined, items as LocatedNode[]) : items;
  }

  /** Whether the content at `i` starts with a key (`key: ...`). */
  private isKey(i: number): boolean {
    const t = this.t;
    const c = t.charCodeAt(i);
    if (c === 34 || c === 39) {
      const e = this.quoteEnd(i);
      return t.charCodeAt(e + 1) === COLON && t.indexOf('\n', i) > e;
    }
    if (c === 91 || c === 123 || c === 124 || c === 62) return false;
    for (let j = i; ; j++) {
      const ch = t.charCodeAt(j);
      if (ch === NL) return false;
      if (ch === HASH && t.charCodeAt(j - 1) === SP) return false;
      if (ch === COLON) {
        const nx = t.charCodeAt(j + 1);
        if (nx === SP || nx === NL || nx === TAB) return true;
      }
    }
  }

  /** A quoted scalar at `q`, in a collection at column `n` (continuation lines indented past it). */
  private quoted(q: number, n: number): unknown {
    const t = this.t;
    const quote = t.charCodeAt(q);
    const e = this.quoteEnd(q);
    for (let nl = t.indexOf('\n', q); nl !== -1 && nl < e; nl = t.indexOf('\n', nl + 1)) {
      let k = nl + 1;
      while (t.charCodeAt(k) === SP) k++;
      const c = t.charCodeAt(k);
      if (c === TAB || (c !== NL && k - nl - 1 < n + 1)) throw BAIL; // under-indented: libyaml's leniency applies
    }
    const value = this.quotedValue(q, e, quote, true);
    this.lineEnd(e + 1);
    this.count();
    if (this.scalars) this.scalar(q, value, e + 1);
    return this.locate ? new LocatedNode(q) : value;
  }

  /** A plain scalar at `i` in a collection at column `n`, with its continuation lines. */
  private plain(i: number, n: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(i);
    if ((c < 128 && NOT_PLAIN[c] === 1) || c === TAB) throw BAIL;
    if (c === DASH || c === 63 /* ? */) {
      const nx = t.charCodeAt(i + 1);
      if (nx === SP || nx === NL || nx === TAB) throw BAIL;
    }
    let last = this.plainLine(i);
    let end = this.p; // the line after the scalar's last line
    let multi = false;
    if (!this.commented) {
      for (let p = this.p; p < this.end;) { // continuation lines, blank lines between them
        let q = p;
        while (t.charCodeAt(q) === SP) q++;
        const ch = t.charCodeAt(q);
        if (ch === NL) { p = q + 1; continue; }
        if (q - p < n + 1 || ch === HASH) break;
        if (ch === TAB) throw BAIL;
        last = this.plainLine(q);
        end = this.p;
        p = this.p;
        multi = true;
        if (this.commented) break; // a comment ends the scalar
      }
    }
    this.p = end;
    this.count();
    if (this.locate) return new LocatedNode(i);
    if (multi) {
      const folded = unfoldLines(t.slice(i, last + 1));
      if (this.scalars) this.scalar(i, folded);
      const value = plainJson(folded);
      return typeof value === 'string' ? own(value) : value;
    }
    const value = PLAIN_VALUES.text(t, i, last + 1);
    if (this.scalars) this.scalar(i, value);
    return PLAIN_VALUES.value;
  }

  /**
   * One line of a plain scalar from `i`: returns its last content character; sets `p` to the next
   * line, and `commented` when a comment ends the line.
   */
  private plainLine(i: number): number {
    const t = this.t;
    const nl = t.indexOf('\n', i);
    let last = nl - 1;
    this.commented = false;
    for (let j = i; j < nl; j++) {
      const ch = t.charCodeAt(j);
      if (ch === COLON) {
        const nx = t.charCodeAt(j + 1);
        if (nx === SP || nx === NL || nx === TAB) throw BAIL; // a map in a scalar's place
      } else if (ch === TAB) {
        throw BAIL;
      } else if (ch === HASH && t.charCodeAt(j - 1) === SP) {
        last = j - 1;
        this.commented = true;
        break;
      }
    }
    while (t.charCodeAt(last) === SP) last--;
    this.p = nl + 1;
    return last;
  }
}

export interface FastDocument {
  readonly value: unknown;
  /** Offset (in the text) of the root map: its first key. */
  readonly rootOffset: number;
  /** When the document has `{{`: its scalars for the template check (offsets in the text). */
  readonly scalars?: TemplateNode[];
}

export interface FastLimits {
  readonly maxNodes: number;
  readonly maxDepth: number;
}

/**
 * Whether the fast path may read the document `doc` at all: it ends with a newline and has no
 * carriage return, no byte order mark (the `yaml` package skips one at the start of a
 * document), no directive and no document end marker.
 */
function readable(doc: string): boolean {
  return doc.charCodeAt(doc.length - 1) === NL && !doc.includes('\r') && !doc.includes('\ufeff') && !doc.includes('\n%') && !doc.includes('\n...')
    && doc.charCodeAt(0) !== 37 && !doc.startsWith('...');
}

function documentOf(text: string, start: number, end: number): string {
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The value of the YAML document `text[start, end)` (ending with a newline), or undefined to read it the full way. */
export function readFastDocument(text: string, start: number, end: number, limits: FastLimits): FastDocument | undefined {
  const doc = documentOf(text, start, end);
  if (!readable(doc)) return undefined;
  const scalars = doc.includes('{{') ? [] : undefined;
  try {
    const read = new FastReader(text, end, false, limits.maxNodes - 2, limits.maxDepth, scalars).document(start);
    return scalars ? { ...read, scalars } : read;
  } catch (e) {
    if (e === BAIL || e instanceof RangeError) return undefined; // RangeError: out of stack, the full path has its limits
    throw e;
  }
}

/** The node offsets of the YAML document `text[start, end)`, or undefined to parse it the full way. */
export function locateFastDocument(text: string, start: number, end: number): LocatedNode | undefined {
  if (!readable(documentOf(text, start, end))) return undefined;
  try {
    return new FastReader(text, end, true, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).document(start).value as LocatedNode;
  } catch (e) {
    if (e === BAIL || e instanceof RangeError) return undefined; // RangeError: out of stack, the full path has its limits
    throw e;
  }
}

let enabled = true;

/** Whether the reader and positions use the fast paths (on; the differential test turns them off). */
export function fastPathEnabled(): boolean {
  return enabled;
}

/** Turns the fast paths on or off; returns the previous setting (for the differential test). */
export function setFastPath(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}
