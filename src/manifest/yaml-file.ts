/**
 * Internal: reads a YAML file that is not a manifest (the audit CLI's `.secure-baseline.yaml`)
 * with the manifest reader's YAML semantics — the same parser options, go-yaml v2 decoding
 * (`yaml-decode.ts`: YAML 1.1 scalars, aliases with the same limits, duplicate keys reported) and
 * libyaml's indentation leniency (`yaml-lenient.ts`) — keeping node positions, so that a caller
 * validating the value can name the line and column of a bad key or value.
 */
import { isMap, isScalar, isSeq, Node, parseAllDocuments } from 'yaml';
import { lineStartsOf, positionIn } from './text-position';
import { DecodeError, decodeDocument, offsetOf } from './yaml-decode';
import { relaxContinuationIndent } from './yaml-lenient';

const PARSE_OPTIONS = { schema: 'failsafe' as const, uniqueKeys: false, strict: false, prettyErrors: false };
const LIMITS = { maxNodes: 1_000_000, maxDepth: 100 };

/** A 1-based position in the file (no column when the text had to be re-indented to parse). */
export interface YamlPosition {
  readonly line: number;
  readonly column?: number;
}

export interface YamlProblem extends YamlPosition {
  readonly message: string;
}

export interface YamlFile {
  /** The decoded value (undefined when the file could not be read; null when it is empty). */
  readonly value: unknown;
  /** Syntax errors, duplicate keys, several documents: the value is not to be trusted when there are any. */
  readonly errors: YamlProblem[];
  /**
   * Where the node at `path` is: its key (a map entry) or item (a list entry) with `of: 'key'`,
   * its value with `of: 'value'`; the nearest existing parent when the path does not exist.
   */
  position(path: ReadonlyArray<string | number>, of: 'key' | 'value'): YamlPosition;
}

function child(node: unknown, segment: string | number): { key: Node; value: Node | undefined } | undefined {
  if (typeof segment === 'number') {
    if (!isSeq(node)) return undefined;
    const item = node.items[segment] as Node | undefined;
    return item ? { key: item, value: item } : undefined;
  }
  if (!isMap(node)) return undefined;
  for (let i = node.items.length - 1; i >= 0; i--) { // the last value wins, as decoded
    const pair = node.items[i];
    if (isScalar(pair.key) && String(pair.key.value) === segment) {
      return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
    }
  }
  return undefined;
}

/** Reads the text of a YAML file of one document (a `---` line before it is allowed). */
export function readYamlFile(text: string): YamlFile {
  let source = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  let docs = parseAllDocuments(source, PARSE_OPTIONS);
  let exact = true;
  if (Array.isArray(docs) && docs.length > 0 && docs[0].errors.length > 0) {
    const relaxed = relaxContinuationIndent(source);
    const retry = relaxed === undefined ? undefined : parseAllDocuments(relaxed, PARSE_OPTIONS);
    if (relaxed !== undefined && Array.isArray(retry) && retry.length > 0 && retry[0].errors.length === 0) {
      source = relaxed;
      docs = retry;
      exact = false; // lines hold, columns do not
    }
  }
  const starts = lineStartsOf(source);
  const at = (offset: number): YamlPosition => {
    const p = positionIn(starts, offset);
    return exact ? p : { line: p.line };
  };
  const errors: YamlProblem[] = [];
  let value: unknown = null;
  let root: Node | null = null;
  if (!Array.isArray(docs) || docs.length === 0) return { value, errors, position: () => ({ line: 1, column: 1 }) };
  const doc = docs[0];
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const p = at(Math.min(e.pos[0], Math.max(0, source.length - 1)));
    errors.push({ ...p, message: `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '')}` });
    return { value: undefined, errors, position: () => ({ line: 1, column: 1 }) };
  }
  if (docs.length > 1) {
    errors.push({ ...at(offsetOf(docs[1].contents as Node) || docs[1].range[0]), message: 'a second YAML document: the file holds one document (remove the "---" line and merge the two)' });
  }
  root = doc.contents as Node | null;
  try {
    const decoded = decodeDocument(doc, LIMITS, (offset) => at(offset).line);
    value = decoded.value;
    for (const d of decoded.diagnostics) errors.push({ ...at(d.offset), message: d.message });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    errors.push({ ...at(e.offset), message: e.message });
    value = undefined;
  }
  const position = (path: ReadonlyArray<string | number>, of: 'key' | 'value'): YamlPosition => {
    let node: Node | null | undefined = root;
    let where: Node | null | undefined = root;
    for (let i = 0; i < path.length; i++) {
      const next = child(node, path[i]);
      if (!next) break;
      const last = i === path.length - 1;
      where = last && of === 'value' ? next.value ?? next.key : next.key;
      node = next.value;
    }
    return where ? at(offsetOf(where)) : { line: 1, column: 1 };
  };
  return { value, errors, position };
}
