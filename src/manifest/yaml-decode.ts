/**
 * Internal: turns a document parsed by the `yaml` package (AST only; its own value conversion is
 * not used) into the JSON value Kubernetes tooling gets from the same text: go-yaml v2 decoding
 * into `interface{}` (go-yaml v2 `decode.go`) and sigs.k8s.io/yaml's JSON conversion (`yaml.go`).
 *
 * - scalars: `yaml-scalars.ts` (YAML 1.1 booleans, octal, hex, timestamps stay strings, tags);
 * - aliases are expanded; go-yaml's "excessive aliasing" rule applies (decode.go
 *   `allowedAliasRatio`), plus a hard cap on decoded nodes and on nesting depth;
 * - merge keys `<<` (map, alias of a map, or list of them) are applied in document order, as
 *   go-yaml v2 does: a later key replaces an earlier one, so a merge replaces keys written before
 *   it (reported, since YAML 1.1 and other tools keep the explicit value);
 * - duplicate keys: the last value wins (go-yaml v2 non-strict), reported as a diagnostic;
 * - map keys: strings, ints (decimal), floats (`FormatFloat 'g' -1 32`), bools; null keys and
 *   collections as keys are errors (sigs.k8s.io/yaml refuses them).
 */
import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { jsonKeyOf, jsonOf, MERGE_TAG, Resolved, resolveScalar, ScalarError } from './yaml-scalars';

/** A problem at a position (offset into the text the document was parsed from). */
export interface OffsetDiagnostic {
  readonly offset: number;
  readonly message: string;
}

/** A document Kubernetes tooling refuses. */
export class DecodeError extends Error {
  constructor(message: string, public readonly offset: number) {
    super(message);
  }
}

export interface DecodeLimits {
  /** Hard cap on decoded nodes (aliases expanded). */
  readonly maxNodes: number;
  /** Maximum nesting depth. */
  readonly maxDepth: number;
}

// go-yaml v2 decode.go: alias_ratio_range_low/high and allowedAliasRatio.
const ALIAS_RATIO_LOW = 400000;
const ALIAS_RATIO_HIGH = 4000000;
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= ALIAS_RATIO_LOW) return 0.99;
  if (decodeCount >= ALIAS_RATIO_HIGH) return 0.10;
  return 0.99 - 0.89 * ((decodeCount - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW));
}

type AnyNode = Node | Pair | null | undefined;

class Decoder {
  public readonly diagnostics: OffsetDiagnostic[] = [];
  private readonly seen = new Set<string>();
  private decodeCount = 1; // the document node
  private aliasCount = 0;
  private aliasDepth = 0;
  private depth = 0;
  private readonly active = new Set<Alias>();

  constructor(private readonly doc: Document, private readonly limits: DecodeLimits, private readonly lineOf: (offset: number) => number) {}

  public report(offset: number, message: string): void {
    const key = `${offset}\u0000${message}`;
    if (this.seen.has(key)) return; // an anchored map merged twice reports once
    this.seen.add(key);
    this.diagnostics.push({ offset, message });
  }

  private count(node: AnyNode): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    const at = offsetOf(node);
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new DecodeError('document contains excessive aliasing (go-yaml refuses it: an alias bomb?)', at);
    }
    if (this.decodeCount > this.limits.maxNodes) {
      throw new DecodeError(`document expands to more than ${this.limits.maxNodes} nodes (aliases expanded)`, at);
    }
  }

  private resolveAlias(alias: Alias): Node {
    if (this.active.has(alias)) throw new DecodeError(`anchor '${alias.source}' value contains itself`, offsetOf(alias));
    const target = alias.resolve(this.doc);
    if (!target) throw new DecodeError(`unknown anchor '${alias.source}' referenced`, offsetOf(alias));
    return target as Node;
  }

  private withAlias<T>(alias: Alias, f: (target: Node) => T): T {
    const target = this.resolveAlias(alias);
    this.active.add(alias);
    this.aliasDepth++;
    try {
      return f(target);
    } finally {
      this.aliasDepth--;
      this.active.delete(alias);
    }
  }

  private scalar(node: Scalar): Resolved {
    const tag = node.tag ?? '';
    const plain = node.type === undefined || node.type === 'PLAIN';
    const value = typeof node.source === 'string' ? node.source : node.value === null || node.value === undefined ? '' : String(node.value);
    try {
      return resolveScalar(tag, value, plain);
    } catch (e) {
      if (e instanceof ScalarError) throw new DecodeError(e.message, offsetOf(node));
      throw e;
    }
  }

  /** Any node to its JSON value. */
  public value(node: AnyNode): unknown {
    this.count(node);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.withAlias(node, (t) => this.value(t));
    if (isScalar(node)) {
      const r = this.scalar(node);
      if (r.t === 'float' && !Number.isFinite(r.v)) {
        throw new DecodeError(`${node.source} cannot be converted to JSON (json: unsupported value: ${Number.isNaN(r.v) ? 'NaN' : r.v > 0 ? '+Inf' : '-Inf'})`, offsetOf(node));
      }
      return jsonOf(r);
    }
    if (++this.depth > this.limits.maxDepth) throw new DecodeError(`document is nested deeper than ${this.limits.maxDepth} levels`, offsetOf(node));
    try {
      if (isSeq(node)) return (node as YAMLSeq<AnyNode>).items.map((item) => this.value(item));
      if (isMap(node)) {
        const out: Record<string, unknown> = {};
        this.fill(node as YAMLMap<AnyNode, AnyNode>, out, undefined);
        return out;
      }
    } finally {
      this.depth--;
    }
    throw new DecodeError('unsupported YAML node', offsetOf(node));
  }

  /** A map key to its JSON key (go-yaml decodes it into interface{}, then sigs.k8s.io/yaml stringifies it). */
  private key(node: AnyNode): string {
    this.count(node);
    if (node === null || node === undefined) throw new DecodeError('unsupported map key of type: <nil> (an empty key)', offsetOf(node));
    if (isAlias(node)) return this.withAlias(node, (t) => this.key(t));
    if (isScalar(node)) {
      const k = jsonKeyOf(this.scalar(node));
      if ('error' in k) throw new DecodeError(k.error, offsetOf(node));
      return k.key;
    }
    throw new DecodeError('invalid map key: a map or list cannot be a key', offsetOf(node));
  }

  /**
   * Fills `out` with the pairs of a mapping, in document order. `outer` holds the keys the mapping
   * being merged into set explicitly before the merge (to report their replacement).
   */
  private fill(node: YAMLMap<AnyNode, AnyNode>, out: Record<string, unknown>, outer: Map<string, number> | undefined): void {
    const own = new Map<string, number>();
    for (const pair of node.items) {
      if (isMergeKey(pair.key)) {
        this.merge(pair.value, out, own, offsetOf(pair.key));
        continue;
      }
      const k = this.key(pair.key);
      const v = this.value(pair.value);
      const at = offsetOf(pair.key);
      const before = own.get(k);
      if (before !== undefined) {
        this.report(at, `duplicate key ${JSON.stringify(k)} (also on line ${this.lineOf(before)}): Kubernetes tooling keeps the last value, strict decoders refuse the document`);
      } else if (outer?.has(k)) {
        this.report(outer.get(k)!, `key ${JSON.stringify(k)} is replaced by the "<<" merge that follows it (go-yaml v2, used by kubectl, applies merges in order; YAML 1.1 and other tools keep the explicit value)`);
      }
      own.set(k, at);
      setKey(out, k, v);
    }
  }

  // go-yaml v2 decode.go merge(): a map, an alias of a map, or a sequence of those (last first).
  private merge(node: AnyNode, out: Record<string, unknown>, explicit: Map<string, number>, at: number): void {
    const wantMap = (): never => {
      throw new DecodeError('map merge requires map or sequence of maps as the value', at);
    };
    const mergeOne = (n: AnyNode): void => {
      if (isMap(n)) {
        this.count(n);
        this.fill(n as YAMLMap<AnyNode, AnyNode>, out, explicit);
      } else if (isAlias(n)) {
        const target = this.resolveAlias(n);
        if (!isMap(target)) wantMap();
        this.count(n);
        this.withAlias(n, (t) => mergeOne(t));
      } else {
        wantMap();
      }
    };
    if (isSeq(node)) {
      const items = (node as YAMLSeq<AnyNode>).items;
      for (let i = items.length - 1; i >= 0; i--) mergeOne(items[i]);
    } else {
      mergeOne(node);
    }
  }
}

function isMergeKey(node: AnyNode): boolean {
  if (!isScalar(node)) return false;
  const plain = node.type === undefined || node.type === 'PLAIN';
  return node.source === '<<' && ((plain && !node.tag) || node.tag === MERGE_TAG);
}

function setKey(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

export function offsetOf(node: AnyNode): number {
  const r = node && (node as { range?: [number, number, number] }).range;
  return r ? r[0] : 0;
}

/** The JSON value of a document's contents plus diagnostics (duplicate keys, merges). */
export function decodeDocument(
  doc: Document, limits: DecodeLimits, lineOf: (offset: number) => number,
): { value: unknown; diagnostics: OffsetDiagnostic[] } {
  const d = new Decoder(doc, limits, lineOf);
  try {
    const value = d.value(doc.contents as AnyNode);
    return { value, diagnostics: d.diagnostics };
  } catch (e) {
    if (e instanceof RangeError) throw new DecodeError(`document is too deeply nested to read (${e.message})`, 0);
    throw e;
  }
}
