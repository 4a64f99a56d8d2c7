/**
 * Internal: where each finding of the CLI sits in its file — the object's line and column and,
 * when its `jsonPath` can be followed in the YAML (or JSON) text, the field's.
 *
 * The reader (src/manifest/reader.ts) gives every object its file, document and line; findings
 * name their object by identity and file. This module maps a finding back to the object read
 * (by file and identity; duplicates in one file by the engine's "document N" location) and, for
 * the documents that have findings only, parses that one document again with node ranges to
 * follow the jsonPath (the reader's fast paths when they can: `yaml-fast.ts`, `json-stream.ts`).
 * Files are visited one at a time and let go once their findings are placed. Positions are
 * 1-based; columns count UTF-16 code units (SARIF's default).
 */
import * as fs from 'fs';
import { isMap, isScalar, isSeq, Node, parseAllDocuments } from 'yaml';
import { FindingPosition } from '../audit/report';
import { Finding } from '../audit/types';
import { documentSpans } from '../manifest/documents';
import { locateJson } from '../manifest/json-stream';
import { ReadObject, jsonValueEnd } from '../manifest/reader';
import { lineStartsOf, positionIn } from '../manifest/text-position';
import { offsetOf } from '../manifest/yaml-decode';
import { LocatedNode, fastPathEnabled, locateFastDocument } from '../manifest/yaml-fast';
import { relaxContinuationIndent } from '../manifest/yaml-lenient';

const PARSE_OPTIONS = { schema: 'failsafe' as const, uniqueKeys: false, strict: false, prettyErrors: false };

type PathSegment = string | number;

/** `spec.containers[0]["a.b/c"]` → ['spec', 'containers', 0, 'a.b/c']; undefined when it is not a path. */
export function parseJsonPath(text: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let rest = text;
  while (rest !== '') {
    let m: RegExpExecArray | null;
    if ((m = /^\[(\d+)\]/.exec(rest))) {
      out.push(Number(m[1]));
    } else if ((m = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest))) {
      out.push(JSON.parse(m[1]) as string);
    } else if ((m = out.length === 0 ? /^([^.[\]]+)/.exec(rest) : /^\.([^.[\]]+)/.exec(rest))) {
      out.push(m[1]);
    } else {
      return undefined;
    }
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** A node of a parsed document: the `yaml` package's, or the fast paths'. */
type AnyNode = Node | LocatedNode;

/** A parsed document of a file: its root node and how its offsets map to the file. */
interface ParsedDocument {
  readonly root: AnyNode | null;
  /** File line and column (undefined when the text was re-indented to parse) of an offset. */
  readonly at: (offset: number) => { line: number; column?: number };
}

interface FileText {
  readonly text: string;
  readonly lineStarts: number[];
  /** Start offset of each document (1-based index), and its end. */
  readonly documents: Map<number, { start: number; end: number; json: boolean }>;
  readonly parsed: Map<number, ParsedDocument | undefined>;
}

/** The text as the reader decodes it (UTF-16 with a byte order mark, else UTF-8; BOM and CRs dropped). */
function decodeText(buf: Buffer): string {
  let text: string;
  if (buf[0] === 0xff && buf[1] === 0xfe) text = buf.subarray(2).toString('utf16le');
  else if (buf[0] === 0xfe && buf[1] === 0xff) text = Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  else text = buf.toString('utf-8');
  return text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
}

/** Documents as the reader splits them: YAML on `---` lines (apimachinery), or the values of a JSON stream. */
function splitDocuments(text: string, lineStarts: number[]): Map<number, { start: number; end: number; json: boolean }> {
  const docs = new Map<number, { start: number; end: number; json: boolean }>();
  if (text.trimStart().startsWith('{')) {
    let pos = 0;
    for (let n = 1; ; n++) {
      while (pos < text.length && /\s/.test(text[pos])) pos++;
      if (pos >= text.length) break;
      const end = jsonValueEnd(text, pos);
      docs.set(n, { start: pos, end, json: true });
      pos = end;
    }
    return docs;
  }
  let start = -1;
  let pendingSeparator = false;
  const flush = (endLine: number) => {
    if (start >= 0 || pendingSeparator) {
      const from = start >= 0 ? lineStarts[start] : lineStarts[endLine] ?? text.length;
      docs.set(docs.size + 1, { start: from, end: lineStarts[endLine] ?? text.length, json: false });
    }
    start = -1;
    pendingSeparator = false;
  };
  const count = text.endsWith('\n') ? lineStarts.length - 1 : lineStarts.length;
  for (let i = 0; i < count; i++) {
    if (text.startsWith('---', lineStarts[i])) {
      const line = text.slice(lineStarts[i], (lineStarts[i + 1] ?? text.length + 1) - 1);
      flush(i);
      const rest = line.slice(3).trim();
      pendingSeparator = rest !== '' && !rest.startsWith('#');
      continue;
    }
    if (start < 0) start = i;
  }
  flush(count);
  return docs;
}


/** The node at `segment` under `node` and the offset of its key (a map entry) or item (a list entry). */
function child(node: unknown, segment: PathSegment): { node: AnyNode; at: number } | undefined {
  if (node instanceof LocatedNode) {
    if (typeof segment === 'number') {
      const item = node.items?.[segment];
      return item ? { node: item, at: item.offset } : undefined;
    }
    const entry = node.keys?.get(segment);
    return entry ? { node: entry.node, at: entry.keyOffset } : undefined;
  }
  if (typeof segment === 'number') {
    if (!isSeq(node)) return undefined;
    const item = node.items[segment];
    return item ? { node: item as Node, at: offsetOf(item as Node) } : undefined;
  }
  if (!isMap(node)) return undefined;
  // The last value wins for duplicate keys, as the reader decodes them.
  for (let i = node.items.length - 1; i >= 0; i--) {
    const pair = node.items[i];
    if (isScalar(pair.key) && String(pair.key.value) === segment) {
      return { node: pair.value as Node, at: offsetOf(pair.key as Node) };
    }
  }
  return undefined;
}

function nodeOffset(node: AnyNode): number {
  return node instanceof LocatedNode ? node.offset : offsetOf(node);
}

/** One ReadObject's identity within its file: `group|kind|namespace|name`. */
function identityOf(manifest: any): string {
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const md = manifest.metadata !== null && typeof manifest.metadata === 'object' ? manifest.metadata : {};
  return `${group}|${manifest.kind}|${typeof md.namespace === 'string' ? md.namespace : ''}|${typeof md.name === 'string' ? md.name : ''}`;
}

function findingIdentity(f: Finding): string {
  const r = f.resource!;
  const group = r.apiVersion.includes('/') ? r.apiVersion.slice(0, r.apiVersion.indexOf('/')) : '';
  return `${group}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
}

/**
 * Positions of findings in the files the reader read. `readFile` maps a file as the reader
 * names it (its display name) to the file's bytes.
 */
export class PositionIndex {
  private readonly byFileIdentity = new Map<string, ReadObject[]>();
  /** Objects of each file in read order (the engine's "document N" counts them). */
  private readonly ordinal = new Map<ReadObject, number>();
  private readonly files = new Map<string, FileText | undefined>();
  private readonly paths = new Map<string, PathSegment[] | undefined>();

  constructor(objects: readonly ReadObject[], private readonly readFile: (file: string) => Buffer) {
    const perFile = new Map<string, number>();
    for (const o of objects) {
      const n = (perFile.get(o.file) ?? 0) + 1;
      perFile.set(o.file, n);
      this.ordinal.set(o, n);
      const key = `${o.file}\u0000${identityOf(o.manifest)}`;
      const list = this.byFileIdentity.get(key);
      if (list) list.push(o);
      else this.byFileIdentity.set(key, [o]);
    }
  }

  /** The object a finding is about, if it was read from a file. */
  public objectOf(f: Finding): ReadObject | undefined {
    if (!f.resource || f.file === undefined) return undefined;
    const candidates = this.byFileIdentity.get(`${f.file}\u0000${findingIdentity(f)}`);
    if (!candidates || candidates.length === 0) return undefined;
    if (candidates.length === 1) return candidates[0];
    // Duplicates in one file: the message names the object's own location first ("at x.yaml document 3").
    const m = new RegExp(`at ${escapeRegExp(f.file)} document (\\d+)`).exec(f.message);
    const own = m ? candidates.find((c) => this.ordinal.get(c) === Number(m[1])) : undefined;
    return own ?? candidates[candidates.length - 1]; // the one kubectl keeps, the one the rules saw
  }

  /**
   * Every finding's position (findings not read from a file have none). Files are read one at a
   * time, in the order their first finding comes, and let go once their findings are placed.
   */
  public positions(findings: readonly Finding[]): Map<Finding, FindingPosition> {
    const byFile = new Map<string, Array<[Finding, ReadObject]>>();
    for (const f of findings) {
      const obj = this.objectOf(f);
      if (!obj) continue;
      const list = byFile.get(obj.file);
      if (list) list.push([f, obj]);
      else byFile.set(obj.file, [[f, obj]]);
    }
    const found = new Map<Finding, FindingPosition>();
    for (const [file, list] of byFile) {
      for (const [f, obj] of list) found.set(f, this.positionIn(f, obj));
      this.files.delete(file);
    }
    const out = new Map<Finding, FindingPosition>();
    for (const f of findings) {
      const p = found.get(f);
      if (p) out.set(f, p);
    }
    return out;
  }

  public positionOf(f: Finding): FindingPosition | undefined {
    const obj = this.objectOf(f);
    return obj ? this.positionIn(f, obj) : undefined;
  }

  private positionIn(f: Finding, obj: ReadObject): FindingPosition {
    const doc = this.document(obj);
    let root: AnyNode | null | undefined = doc?.root;
    if (root && obj.itemPath) {
      for (const i of obj.itemPath) root = child(child(root, 'items')?.node, i)?.node;
    }
    const objectAt = root && doc ? doc.at(nodeOffset(root)) : undefined;
    if (!root || !doc || !objectAt || objectAt.line !== obj.line) {
      return { line: obj.line, objectLine: obj.line, positionOf: 'object' }; // the reader's line stands
    }
    const base = { objectLine: objectAt.line, ...(objectAt.column !== undefined ? { objectColumn: objectAt.column } : {}) };
    const segments = f.jsonPath ? this.segmentsOf(f.jsonPath) : undefined;
    let node: AnyNode | undefined = root;
    let at: number | undefined;
    let found = 0;
    for (const s of segments ?? []) {
      const next = child(node, s);
      if (!next) break;
      node = next.node;
      at = next.at;
      found++;
    }
    if (at === undefined) return { line: objectAt.line, ...(objectAt.column !== undefined ? { column: objectAt.column } : {}), ...base, positionOf: 'object' };
    const fieldAt = doc.at(at);
    return {
      line: fieldAt.line,
      ...(fieldAt.column !== undefined ? { column: fieldAt.column } : {}),
      ...base,
      positionOf: found === segments!.length ? 'field' : 'parent',
    };
  }

  /** `parseJsonPath`, once a path (findings of many objects share their paths). */
  private segmentsOf(jsonPath: string): PathSegment[] | undefined {
    if (this.paths.has(jsonPath)) return this.paths.get(jsonPath);
    const segments = parseJsonPath(jsonPath);
    this.paths.set(jsonPath, segments);
    return segments;
  }

  private file(name: string): FileText | undefined {
    if (this.files.has(name)) return this.files.get(name);
    let entry: FileText | undefined;
    try {
      let text = decodeText(this.readFile(name));
      const fast = fastPathEnabled();
      if (fast && text !== '' && !text.endsWith('\n')) text += '\n'; // as the reader reads it
      const lineStarts = lineStartsOf(text);
      entry = { text, lineStarts, documents: fast ? documentSpans(text) : splitDocuments(text, lineStarts), parsed: new Map() };
    } catch {
      entry = undefined; // the reader's lines stand
    }
    this.files.set(name, entry);
    return entry;
  }

  private document(obj: ReadObject): ParsedDocument | undefined {
    const file = this.file(obj.file);
    if (!file) return undefined;
    if (file.parsed.has(obj.document)) return file.parsed.get(obj.document);
    const span = file.documents.get(obj.document);
    let parsed: ParsedDocument | undefined = span && fastPathEnabled() ? fastDocument(file, span) : undefined;
    if (span && !parsed) {
      const text = file.text.slice(span.start, span.end);
      let docs = parseAllDocuments(text, PARSE_OPTIONS);
      let relaxed: string | undefined;
      if (Array.isArray(docs) && docs.length > 0 && docs[0].errors.length > 0 && !span.json) {
        relaxed = relaxContinuationIndent(text); // re-indented: lines hold, columns do not
        docs = relaxed === undefined ? [] : parseAllDocuments(relaxed, PARSE_OPTIONS);
      }
      const exact = relaxed === undefined;
      if (Array.isArray(docs) && docs.length > 0 && docs[0].errors.length === 0) {
        const relaxedStarts = relaxed === undefined ? undefined : lineStartsOf(relaxed);
        const firstLine = positionIn(file.lineStarts, span.start).line;
        parsed = {
          root: docs[0].contents as Node | null,
          at: (offset: number) => {
            if (!exact) return { line: firstLine + positionIn(relaxedStarts!, offset).line - 1 };
            return positionIn(file.lineStarts, span.start + offset);
          },
        };
      }
    }
    file.parsed.set(obj.document, parsed);
    return parsed;
  }
}

/** A document read by the fast paths (offsets in the file's text), or undefined to parse it the full way. */
function fastDocument(file: FileText, span: { start: number; end: number; json: boolean }): ParsedDocument | undefined {
  if (span.json) {
    const root = locateJson(file.text.slice(span.start, span.end));
    return root ? { root, at: (offset) => positionIn(file.lineStarts, span.start + offset) } : undefined;
  }
  const root = locateFastDocument(file.text, span.start, span.end);
  return root ? { root, at: (offset) => positionIn(file.lineStarts, offset) } : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A PositionIndex over files read from disk; the reader's display names map back through `realPath`. */
export function filePositionIndex(objects: readonly ReadObject[], realPath: (display: string) => string): PositionIndex {
  return new PositionIndex(objects, (file) => fs.readFileSync(realPath(file)));
}
