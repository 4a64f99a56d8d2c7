/**
 * Internal: the JSON side of the manifest reader — a stream of concatenated values (Go
 * encoding/json Decoder, kubectl's JSON path) — and a scan of one value's text that finds what
 * `JSON.parse` does not tell: duplicate keys (Go's decoder keeps the last, the reader reports
 * them) and the offsets of nodes (for positions). The scan reads text `JSON.parse` accepted.
 */
import { isRecord } from './objects';
import { LocatedNode } from './yaml-fast';

/** The end of the JSON value starting at `pos` (brackets and strings balanced). */
export function jsonValueEnd(text: string, pos: number): number {
  const open = text[pos];
  if (open !== '{' && open !== '[' && open !== '"') {
    let i = pos;
    while (i < text.length && !/[\s{}[\],"]/.test(text[i])) i++;
    return Math.max(i, pos + 1);
  }
  let depth = 0;
  let inString = false;
  for (let i = pos; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {i++;} else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === '"') {inString = true;} else if (c === '{' || c === '[') {depth++;} else if (c === '}' || c === ']') {
      depth--;
      if (depth <= 0) return i + 1;
    }
  }
  return text.length;
}

/** Whether a value parsed from JSON holds a number out of range (Infinity). */
export function hasNonFinite(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonFinite);
  if (isRecord(v)) return Object.values(v).some(hasNonFinite);
  return false;
}

/** Whether the JSON text may hold a number JSON.parse makes Infinity (an exponent of 3 digits or more, or 309 digits). */
export function mayOverflow(text: string): boolean {
  return /[eE]\+?\d{3}|\d{309}/.test(text);
}

const DUPLICATE = new Error('duplicate key');
/** What ends a number or literal: `,` `]` `}` and whitespace. */
const JSON_DELIMITER = new Set([44, 93, 125, 32, 10, 13, 9]);
/** Not JSON after all (the scan stops rather than loop). */
const NOT_JSON = new Error('not JSON');

class JsonScan {
  public end = 0;
  /** The keys of the objects being scanned (each object's after those of the objects it is in). */
  private readonly seen: string[] = [];
  constructor(private readonly t: string, private readonly locate: boolean) {}

  private ws(i: number): number {
    const t = this.t;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return i;
    }
  }

  private stringEnd(i: number): number {
    const t = this.t;
    let e = t.indexOf('"', i + 1);
    for (;;) {
      if (e === -1) throw NOT_JSON;
      let k = 0;
      while (t.charCodeAt(e - 1 - k) === 92) k++;
      if (k % 2 === 0) return e;
      e = t.indexOf('"', e + 1);
    }
  }

  /** The value at `i` (after whitespace): its located node, or undefined; sets `end` after it. */
  public value(i: number): LocatedNode | undefined {
    const t = this.t;
    i = this.ws(i);
    if (i >= t.length) throw NOT_JSON;
    const c = t.charCodeAt(i);
    if (c === 123) return this.object(i);
    if (c === 91) return this.array(i);
    if (c === 34) {
      this.end = this.stringEnd(i) + 1;
    } else {
      let j = i; // a number, true, false or null: up to a delimiter
      while (j < t.length && !JSON_DELIMITER.has(t.charCodeAt(j))) j++;
      this.end = j;
    }
    return this.locate ? new LocatedNode(i) : undefined;
  }

  private object(i: number): LocatedNode | undefined {
    const t = this.t;
    const keys = this.locate ? new Map<string, { keyOffset: number; node: LocatedNode }>() : undefined;
    const stack = this.seen;
    const base = stack.length; // this object's keys are stack[base..] (a Set when there are many)
    let many: Set<string> | undefined;
    let j = this.ws(i + 1);
    if (t.charCodeAt(j) !== 125) {
      for (;;) {
        j = this.ws(j);
        if (t.charCodeAt(j) !== 34) throw NOT_JSON;
        const e = this.stringEnd(j);
        const raw = t.slice(j + 1, e);
        const key = raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw;
        const colon = this.ws(e + 1);
        if (t.charCodeAt(colon) !== 58) throw NOT_JSON;
        const node = this.value(colon + 1);
        if (keys) {
          keys.set(key, { keyOffset: j, node: node! });
        } else if (many) {
          if (many.has(key)) throw DUPLICATE;
          many.add(key);
        } else {
          for (let k = base; k < stack.length; k++) if (stack[k] === key) throw DUPLICATE;
          stack.push(key);
          if (stack.length - base > 16) many = new Set(stack.slice(base));
        }
        j = this.ws(this.end);
        if (t.charCodeAt(j) === 125) break;
        if (t.charCodeAt(j) !== 44) throw NOT_JSON;
        j++;
      }
    }
    stack.length = base;
    this.end = j + 1;
    return keys ? new LocatedNode(i, keys) : undefined;
  }

  private array(i: number): LocatedNode | undefined {
    const t = this.t;
    const items: LocatedNode[] | undefined = this.locate ? [] : undefined;
    let j = this.ws(i + 1);
    if (t.charCodeAt(j) !== 93) {
      for (;;) {
        const node = this.value(j);
        if (items) items.push(node!);
        j = this.ws(this.end);
        if (t.charCodeAt(j) === 93) break;
        if (t.charCodeAt(j) !== 44) throw NOT_JSON;
        j++;
      }
    }
    this.end = j + 1;
    return items ? new LocatedNode(i, undefined, items) : undefined;
  }
}

/**
 * Whether the JSON value `text` (which JSON.parse accepted) has an object with a key twice;
 * undefined when it cannot tell (nested too deeply to scan).
 */
export function jsonHasDuplicateKeys(text: string): boolean | undefined {
  try {
    new JsonScan(text, false).value(0);
    return false;
  } catch (e) {
    if (e === DUPLICATE) return true;
    if (e instanceof RangeError || e instanceof SyntaxError || e === NOT_JSON) return undefined;
    throw e;
  }
}

/** The node offsets of the JSON value `text` (which JSON.parse accepted); undefined when nested too deeply to scan. */
export function locateJson(text: string): LocatedNode | undefined {
  try {
    return new JsonScan(text, true).value(0);
  } catch (e) {
    if (e instanceof RangeError || e instanceof SyntaxError || e === NOT_JSON) return undefined;
    throw e;
  }
}
