/**
 * Internal: the documents of a manifest file as the reader numbers them. YAML is split on `---`
 * lines as apimachinery's `YAMLReader` does (a separator line may carry a comment, anything else
 * after `---` is refused); a file starting with `{` is a stream of JSON values.
 */
import { jsonValueEnd } from './json-stream';

/** A document of a file: where its text is (`[start, end)` of the file's text) and starts. */
export interface Chunk {
  readonly start: number;
  readonly end: number;
  /** 1-based line of the chunk's first line in the file. */
  readonly line: number;
  readonly document: number;
  readonly separatorError?: string;
}

/**
 * Where each document of a file's text is (decoded, normalized and ending with a newline), numbered
 * as the reader numbers them (for positions).
 */
export function documentSpans(text: string): Map<number, { start: number; end: number; json: boolean }> {
  const spans = new Map<number, { start: number; end: number; json: boolean }>();
  if (text.trimStart().startsWith('{')) {
    for (let pos = 0, n = 1; ; n++) {
      while (pos < text.length && /\s/.test(text[pos])) pos++;
      if (pos >= text.length) break;
      const end = jsonValueEnd(text, pos);
      spans.set(n, { start: pos, end, json: true });
      pos = end;
    }
    return spans;
  }
  for (const c of splitDocuments(text)) spans.set(c.document, { start: c.start, end: c.end, json: false });
  return spans;
}

/** apimachinery YAMLReader: a line starting with `---` ends a document. `text` is empty or ends with a newline. */
export function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let pendingError: string | undefined;
  let line = 1; // of `pos`, a line start
  for (let pos = 0; ;) {
    let sep = pos; // the next separator line
    if (!text.startsWith('---', pos)) {
      const k = text.indexOf('\n---', pos);
      sep = k < 0 ? text.length : k + 1;
    }
    if (sep > pos || pendingError !== undefined) {
      chunks.push({ start: pos, end: sep, line, document: chunks.length + 1, separatorError: pendingError });
    }
    pendingError = undefined;
    if (sep >= text.length) return chunks;
    line += newlinesIn(text, pos, sep) + 1;
    const nl = text.indexOf('\n', sep);
    const separator = text.slice(sep, nl);
    const rest = separator.slice(3).trim();
    if (rest !== '' && !rest.startsWith('#')) {
      pendingError = `content after the document separator (${JSON.stringify(separator.slice(0, 40))}): kubectl refuses it ("invalid Yaml document separator"); put the content on the next line`;
    }
    pos = nl + 1;
    if (pos >= text.length && pendingError === undefined) return chunks;
  }
}

/** The same, line by line as first written: the full path's split, and the reference of the fast one. */
export function splitDocumentsByLines(text: string): Chunk[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const chunks: Chunk[] = [];
  let from = -1;
  let to = 0;
  let start = 1;
  let pendingError: string | undefined;
  const flush = () => {
    if (from >= 0 || pendingError !== undefined) {
      chunks.push({ start: from >= 0 ? from : to, end: to, line: start, document: chunks.length + 1, separatorError: pendingError });
    }
    from = -1;
    pendingError = undefined;
  };
  let offset = 0;
  lines.forEach((line, i) => {
    const next = offset + line.length + 1;
    if (line.startsWith('---')) {
      flush();
      const rest = line.slice(3).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        pendingError = `content after the document separator (${JSON.stringify(line.slice(0, 40))}): kubectl refuses it ("invalid Yaml document separator"); put the content on the next line`;
      }
      start = i + 2;
      to = next;
    } else {
      if (from < 0) { from = offset; start = i + 1; }
      to = next;
    }
    offset = next;
  });
  flush();
  return chunks;
}

/** The number of newlines in `text[from, to)`. */
export function newlinesIn(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
