/**
 * Internal: the one manifest reader of the audit CLI, the reachability CLI, the cdk8s-cli plugin
 * and the agreement script. It reads manifests the way kubectl (and Helm, Argo CD, Flux) does:
 *
 * - a file whose first non-whitespace character is `{` is a JSON stream (one or more concatenated
 *   objects); anything else is YAML (apimachinery `pkg/util/yaml/decoder.go`:
 *   `YAMLOrJSONDecoder` sniffs with `hasJSONPrefix`, only `{` counts);
 * - YAML is split into documents on `---` lines as apimachinery's `YAMLReader` does (a separator
 *   line may carry a comment, anything else after `---` is refused), and every document is decoded
 *   with go-yaml v2 semantics (see `yaml-decode.ts`, `yaml-scalars.ts`), with libyaml's
 *   indentation leniency (`yaml-lenient.ts`);
 * - empty documents (comments only, `---`, `null`) are skipped; a document that is not a map, a
 *   map without kind or apiVersion, an unrendered template, alias bombs and oversized documents are
 *   errors (with file and line) and reading goes on with the next document;
 * - Lists are expanded (`objects.ts` `expandLists`).
 *
 * Most documents are read by a fast path straight from the text (`yaml-fast.ts`, JSON:
 * `json-stream.ts`); it reads only what it reads exactly as the full path above does and leaves
 * everything else to it (test/manifest/reader-differential.test.ts holds the two equal).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, parseDocument, Document, isMap, isSeq, isScalar, Node } from 'yaml';
import { Chunk, newlinesIn, splitDocuments, splitDocumentsByLines } from './documents';
import { hasNonFinite, jsonHasDuplicateKeys, jsonValueEnd, mayOverflow } from './json-stream';
import { expandLists, isList, isRecord, itemPathText } from './objects';
import { findTemplate, findTemplateIn, templateMessage } from './templates';
import { lineStartsOf, positionIn } from './text-position';
import { DecodeError, decodeDocument, offsetOf } from './yaml-decode';
import { fastPathEnabled, readFastDocument } from './yaml-fast';
import { relaxContinuationIndent } from './yaml-lenient';

export { jsonValueEnd };

/** Limits of the reader. */
export interface ReadOptions {
  /**
   * Largest object (its JSON, in bytes) read; a larger one is an error. The API server refuses
   * request bodies over 3 MiB (k8s.io/apiserver `server/config.go` `MaxRequestBodyBytes`), so a
   * larger object can never be applied. List items are measured one by one (kubectl sends them
   * one by one).
   * @default 3 MiB
   */
  readonly maxObjectBytes?: number;
  /**
   * Largest YAML/JSON document (text, in bytes) parsed at all, Lists included; bounds memory and time.
   * @default 64 MiB
   */
  readonly maxDocumentBytes?: number;
  /** Largest number of nodes a document may expand to (aliases expanded). @default 10,000,000 */
  readonly maxNodes?: number;
  /** Deepest nesting read. @default 1000 */
  readonly maxDepth?: number;
  /** How a file is named in objects and messages (e.g. relative to the working directory). */
  readonly displayName?: (file: string) => string;
  /**
   * Documents read before, by text, for reads with the same limits (the security diff reads its two
   * sides through one): a document whose text was read already is not parsed again and yields the
   * same object, which the caller must not change. Only documents the fast path reads whole (one
   * object, no template) are kept; the others are read each time.
   */
  readonly documents?: DocumentCache;
}

/** Documents read before (see `ReadOptions.documents`): the object, and the lines from the document's start to its root. */
export type DocumentCache = Map<string, { readonly value: unknown; readonly rootLines: number }>;

/** An object read from a manifest, with where it came from. */
export interface ReadObject {
  readonly manifest: any;
  /** The file (as `displayName` shows it). */
  readonly file: string;
  /** 1-based line of the object: the document's first content line, or the list item's line. */
  readonly line: number;
  /** 1-based index of the document in the file (JSON streams: of the value). */
  readonly document: number;
  /** For an item of a List: its index path, e.g. [3] or [0, 2]. */
  readonly itemPath?: number[];
}

/** A problem reading the manifests; `message` is complete (`file:line: document N: ...`). */
export interface ReadDiagnostic {
  readonly file: string;
  readonly line?: number;
  readonly document?: number;
  readonly message: string;
}

export interface ReadResult {
  readonly objects: ReadObject[];
  readonly errors: ReadDiagnostic[];
  /** The files read, in order. */
  readonly files: string[];
}

const MiB = 1024 * 1024;
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads files and folders (recursively: `*.yaml`, `*.yml`, `*.json`, sorted by name, skipping
 * dot-entries and node_modules). Files named explicitly are read whatever their extension.
 */
export function readManifestFiles(paths: readonly string[], options: ReadOptions = {}): ReadResult {
  const show = options.displayName ?? ((f: string) => f);
  const errors: ReadDiagnostic[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    const key = path.resolve(f);
    if (!seen.has(key)) { seen.add(key); files.push(f); }
  };
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push({ file: show(dir), message: `${show(dir)}: cannot read folder: ${(e as Error).message}` });
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (MANIFEST_FILE.test(entry.name) && (entry.isFile() || safeIsFile(full))) add(full);
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      errors.push({ file: show(p), message: `${show(p)}: no such file or directory` });
      continue;
    }
    if (stat.isDirectory()) walk(p);
    else add(p);
  }
  const objects: ReadObject[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = decodeText(fs.readFileSync(f));
    } catch (e) {
      errors.push({ file: show(f), message: `${show(f)}: cannot read: ${(e as Error).message}` });
      continue;
    }
    const r = readManifestText(text, show(f), options);
    objects.push(...r.objects);
    errors.push(...r.errors);
  }
  return { objects, errors, files: files.map(show) };
}

function safeIsFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** UTF-8 (UTF-16 with a byte order mark, as libyaml reads it); invalid UTF-8 is refused as libyaml does. */
function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new Error('not valid UTF-8 (kubectl refuses it too)');
  }
}

/** Reads one file's text (YAML, or a JSON stream when it starts with `{`). */
export function readManifestText(text: string, file: string, options: ReadOptions = {}): ReadResult {
  const reader = new FileReader(file, options);
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const guard = (line: number, document: number | undefined, f: () => void) => {
    try {
      f();
    } catch (e) { // never a stack trace: whatever goes wrong is an error of this document
      reader.errors.push({ file, line, document, message: `${file}:${line}: ${document !== undefined ? `document ${document}: ` : ''}cannot read: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  if (normalized.trimStart().startsWith('{')) {
    guard(1, undefined, () => reader.readJsonStream(normalized));
  } else {
    const all = normalized === '' || normalized.endsWith('\n') ? normalized : `${normalized}\n`; // every line ends with a newline
    const chunks = (fastPathEnabled() ? splitDocuments : splitDocumentsByLines)(all);
    for (const chunk of chunks) guard(chunk.line, chunk.document, () => reader.readYamlDocument(all, chunk));
  }
  return { objects: reader.objects, errors: reader.errors, files: [file] };
}

function lineTable(text: string): (offset: number) => number {
  const starts = lineStartsOf(text);
  return (offset: number) => positionIn(starts, offset).line;
}

const PARSE_OPTIONS = { schema: 'failsafe' as const, uniqueKeys: false, strict: false, prettyErrors: false };

class FileReader {
  public readonly objects: ReadObject[] = [];
  public readonly errors: ReadDiagnostic[] = [];
  private readonly maxObjectBytes: number;
  private readonly maxDocumentBytes: number;
  private readonly limits: { maxNodes: number; maxDepth: number };
  private readonly documents?: DocumentCache;

  constructor(private readonly file: string, options: ReadOptions) {
    this.documents = options.documents;
    this.maxObjectBytes = options.maxObjectBytes ?? 3 * MiB;
    this.maxDocumentBytes = options.maxDocumentBytes ?? 64 * MiB;
    this.limits = { maxNodes: options.maxNodes ?? 10_000_000, maxDepth: options.maxDepth ?? 1000 };
  }

  private error(line: number | undefined, document: number | undefined, message: string): void {
    const where = `${this.file}${line !== undefined ? `:${line}` : ''}`;
    this.errors.push({ file: this.file, line, document, message: `${where}: ${document !== undefined ? `document ${document}: ` : ''}${message}` });
  }

  public readYamlDocument(all: string, chunk: Chunk): void {
    const { document } = chunk;
    if (chunk.separatorError) return this.error(chunk.line - 1, document, chunk.separatorError);
    const length = chunk.end - chunk.start;
    if (length * 3 > this.maxDocumentBytes && Buffer.byteLength(all.slice(chunk.start, chunk.end)) > this.maxDocumentBytes) {
      return this.error(chunk.line, document, `document is larger than ${this.maxDocumentBytes} bytes, not read`);
    }
    if (fastPathEnabled()) {
      // (The fast path reads the document's text alone: the same text, the same object.)
      const key = this.documents !== undefined ? all.slice(chunk.start, chunk.end) : undefined;
      const seen = key !== undefined ? this.documents!.get(key) : undefined;
      if (seen !== undefined) return this.accept(seen.value, document, chunk.line + seen.rootLines, () => undefined, length * 6 + 64);
      const fast = readFastDocument(all, chunk.start, chunk.end, this.limits);
      if (fast && !isList(fast.value)) {
        if (fast.scalars) {
          const at = (offset: number) => offset - chunk.start;
          const nodes = fast.scalars.map((n) => ({ ...n, offset: at(n.offset), ...(n.end !== undefined ? { end: at(n.end) } : {}) }));
          const template = findTemplateIn(nodes, all.slice(chunk.start, chunk.end));
          if (template) {
            const line = chunk.line + newlinesIn(all, chunk.start, chunk.start + template.offset);
            return this.error(line, document, templateMessage(template.snippet));
          }
        }
        const rootLines = newlinesIn(all, chunk.start, fast.rootOffset);
        if (key !== undefined && !fast.scalars) this.documents!.set(key, { value: fast.value, rootLines });
        // No aliases: the object's JSON is at most 6 bytes a character of its text.
        return this.accept(fast.value, document, chunk.line + rootLines, () => undefined, length * 6 + 64);
      }
    }
    let text = all.slice(chunk.start, chunk.end);
    let docs = parseAllDocuments(text, PARSE_OPTIONS);
    if (!Array.isArray(docs) || docs.length === 0) return; // comments only
    if (docs[0].errors.length > 0) {
      const relaxed = relaxContinuationIndent(text);
      const retry = relaxed === undefined ? undefined : parseAllDocuments(relaxed, PARSE_OPTIONS);
      if (relaxed !== undefined && Array.isArray(retry) && retry.length > 0 && retry[0].errors.length === 0) {
        text = relaxed;
        docs = retry;
      } else {
        const e = docs[0].errors[0];
        const lastLine = chunk.line + text.split('\n').length - 2; // errors at the end of the text point at its last line
        const line = Math.min(chunk.line + lineTable(text)(e.pos[0]) - 1, lastLine);
        const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
        return this.error(line, document, text.includes('{{') ? `${templateMessage('{{ ... }}')} (YAML error: ${msg})` : `YAML syntax error: ${msg}`);
      }
    }
    const lineOf = lineTable(text);
    const fileLine = (offset: number) => chunk.line + lineOf(offset) - 1;
    const doc = docs[0];
    if (docs.length > 1 && docs.slice(1).some((d) => d.contents !== null || d.errors.length > 0)) {
      this.error(fileLine(offsetOf(docs[1].contents as Node)), document, 'content after a document end marker ("...") is ignored by kubectl; start a new document with "---" instead');
    }
    const template = findTemplate(doc, text);
    if (template) return this.error(fileLine(template.offset), document, templateMessage(template.snippet));
    let value: unknown;
    try {
      const decoded = decodeDocument(doc, this.limits, fileLine);
      value = decoded.value;
      for (const d of decoded.diagnostics) this.error(fileLine(d.offset), document, d.message);
    } catch (e) {
      if (e instanceof DecodeError) return this.error(fileLine(e.offset), document, e.message);
      throw e;
    }
    const root = doc.contents as Node | null;
    this.accept(value, document, root ? fileLine(offsetOf(root)) : chunk.line, (itemPath) => itemLine(root, itemPath, fileLine));
  }

  /** Go encoding/json Decoder over a stream of concatenated values (kubectl's JSON path). */
  public readJsonStream(text: string): void {
    const lineOf = lineTable(text);
    let pos = 0;
    let document = 0;
    while (true) {
      while (pos < text.length && /\s/.test(text[pos])) pos++;
      if (pos >= text.length) return;
      document++;
      const end = jsonValueEnd(text, pos);
      const segment = text.slice(pos, end);
      let value: unknown;
      try {
        value = JSON.parse(segment);
      } catch (e) {
        const m = /position (\d+)/.exec((e as Error).message);
        if (text.includes('{{')) return this.error(lineOf(pos + (m ? Number(m[1]) : 0)), document, templateMessage('{{ ... }}'));
        return this.error(lineOf(pos + (m ? Number(m[1]) : 0)), document, `JSON syntax error (a file starting with "{" is a JSON stream for kubectl): ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '')} (the rest of the file is not read)`);
      }
      const start = pos;
      const fileLine = (offset: number) => lineOf(start + offset);
      let root: Node | null = null;
      if ((segment.length * 3 <= this.maxDocumentBytes || Buffer.byteLength(segment) <= this.maxDocumentBytes) && isRecord(value)
        && (!fastPathEnabled() || isList(value) || jsonHasDuplicateKeys(segment) !== false)) {
        // The same text as YAML, for duplicate keys (Go's decoder keeps the last) and item lines.
        const doc: Document = parseDocument(segment, PARSE_OPTIONS);
        if (doc.errors.length === 0) {
          root = doc.contents as Node | null;
          try {
            for (const d of decodeDocument(doc, this.limits, fileLine).diagnostics) this.error(fileLine(d.offset), document, d.message);
          } catch { /* the JSON value stands */ }
        }
      }
      if (mayOverflow(segment) && hasNonFinite(value)) this.error(lineOf(pos), document, 'a number is out of range for JSON (kubectl refuses it)');
      else this.accept(value, document, lineOf(pos), (itemPath) => itemLine(root, itemPath, fileLine), segment.length * 6 + 64);
      pos = end;
    }
  }

  /** `maxJsonBytes`: a bound on the JSON size of the value (undefined: none known). */
  private accept(
    value: unknown, document: number, line: number, lineOfItem: (itemPath: number[]) => number | undefined, maxJsonBytes?: number,
  ): void {
    if (value === null || value === undefined) return; // empty document: kubectl skips it
    if (!isRecord(value)) {
      return this.error(line, document, `the document is ${Array.isArray(value) ? 'a list' : `a ${typeof value === 'string' ? 'string' : typeof value} (${JSON.stringify(value).slice(0, 40)})`}, not a Kubernetes object (a map with apiVersion and kind)`);
    }
    if (!isList(value)) return this.acceptObject(value, document, line, undefined, maxJsonBytes);
    for (const item of expandLists(value)) this.acceptObject(item.manifest, document, lineOfItem(item.itemPath) ?? line, item.itemPath, undefined);
  }

  private acceptObject(m: unknown, document: number, line: number, itemPath: number[] | undefined, maxJsonBytes: number | undefined): void {
    const what = itemPath ? `${itemPathText(itemPath)}: ` : '';
    if (!isRecord(m)) return this.error(line, document, `${what}not a Kubernetes object (a map with apiVersion and kind)`);
    if (typeof m.kind !== 'string' || m.kind === '') {
      return this.error(line, document, `${what}no kind: not a Kubernetes object (kubectl refuses it: "Object 'Kind' is missing")`);
    }
    if (typeof m.apiVersion !== 'string' || m.apiVersion === '') {
      return this.error(line, document, `${what}no apiVersion: not a Kubernetes object (kubectl refuses it: "apiVersion not set")`);
    }
    const size = maxJsonBytes !== undefined && maxJsonBytes <= this.maxObjectBytes ? 0 : Buffer.byteLength(JSON.stringify(m));
    if (size > this.maxObjectBytes) {
      return this.error(line, document, `${what}${m.kind} is ${size} bytes as JSON, more than the ${this.maxObjectBytes} bytes the API server accepts in a request; not read`);
    }
    this.objects.push({ manifest: m, file: this.file, line, document, ...(itemPath ? { itemPath } : {}) });
  }
}

/** The file line of a List item (through nested `items`), if it can be found. */
function itemLine(root: Node | null, itemPath: number[], fileLine: (offset: number) => number): number | undefined {
  let node: unknown = root;
  for (const i of itemPath) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((p) => isScalar(p.key) && p.key.source === 'items');
    const seq = pair?.value;
    if (!isSeq(seq) || !seq.items[i]) return undefined;
    node = seq.items[i];
  }
  return node ? fileLine(offsetOf(node as Node)) : undefined;
}
