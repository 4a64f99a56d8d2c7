/**
 * Internal: the indentation leniency of libyaml/go-yaml v2 (used by kubectl) that the `yaml` npm
 * package does not have.
 *
 * libyaml does not check the indentation of continuation lines inside flow collections and
 * multi-line quoted scalars, and skips tabs there as whitespace (go-yaml v2 `scannerc.go`:
 * `yaml_parser_scan_to_next_token` skips '\t' when `flow_level > 0`, `yaml_parser_unroll_indent`
 * does nothing in flow context, `yaml_parser_scan_flow_scalar` consumes any blanks at the start of
 * a continuation line). So kubectl reads
 *
 *     args: [a,
 *     \tb]                       and        description: "a long
 *                                          text"          (under-indented)
 *
 * while the `yaml` package refuses both (BAD_INDENT, MISSING_CHAR) and would read other values.
 * The leading whitespace of such continuation lines is insignificant (it is folded away, YAML 1.2
 * §7.3 / §7.4, and libyaml folds it the same way), so re-indenting those lines with spaces gives
 * the `yaml` package a text with exactly the value kubectl reads. The reader only uses the
 * re-indented text when the original does not parse and the re-indented one parses cleanly.
 */

/**
 * The text with the continuation lines of multi-line flow collections and quoted scalars
 * re-indented past their opening bracket or quote, or undefined when nothing would change.
 */
export function relaxContinuationIndent(text: string): string | undefined {
  const lines = text.split('\n');
  const reindent = new Map<number, number>();
  let flowDepth = 0;
  let openCol = -1;
  let quote: string | null = null;
  let atNodeStart = true;
  let parentCol = -1;

  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    let c = (/^[ \t]*/.exec(line) as RegExpExecArray)[0].length;
    if (quote !== null || flowDepth > 0) {
      if (c === 0 && /^(---|\.\.\.)([ \t]|$)/.test(line)) { // a document marker ends everything (and is an error)
        quote = null;
        flowDepth = 0;
      } else {
        reindent.set(ln, c === line.length ? 0 : openCol + 1);
      }
    }
    if (quote === null && flowDepth === 0) {
      c = (/^ */.exec(line) as RegExpExecArray)[0].length;
      atNodeStart = true;
      parentCol = c - 1;
      if (/^(---|\.\.\.)([ \t]|$)/.test(line)) c = 3;
    }
    while (c < line.length) {
      const ch = line[c];
      const next = line[c + 1];
      const wsAfter = next === undefined || next === ' ' || next === '\t';
      if (quote !== null) {
        if (quote === '"' && ch === '\\') {c += 2;} else if (ch === quote && quote === "'" && next === "'") {c += 2;} else {
          if (ch === quote) { quote = null; atNodeStart = false; }
          c++;
        }
        continue;
      }
      if (ch === ' ' || ch === '\t') { c++; continue; }
      if (ch === '#' && (c === 0 || line[c - 1] === ' ' || line[c - 1] === '\t')) break;
      if (flowDepth > 0) {
        if (ch === '[' || ch === '{') { flowDepth++; atNodeStart = true; } else if (ch === ']' || ch === '}') {
          flowDepth--;
          atNodeStart = false;
        } else if (ch === ',' || ch === '?' || (ch === ':' && (wsAfter || ',[]{}'.includes(next) || !atNodeStart))) {
          atNodeStart = true;
        } else if ((ch === '"' || ch === "'") && atNodeStart) {
          quote = ch;
        } else {
          atNodeStart = false;
        }
        c++;
        continue;
      }
      if (!atNodeStart) {
        if (ch === ':' && wsAfter) atNodeStart = true;
        c++;
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = ch;
        openCol = c;
        c++;
      } else if (ch === '[' || ch === '{') {
        flowDepth = 1;
        openCol = c;
        c++;
      } else if (ch === '|' || ch === '>') {
        // Block scalar: its content is every following line that is blank or indented past the parent.
        let j = ln + 1;
        while (j < lines.length && (lines[j].trim() === '' || (/^ */.exec(lines[j]) as RegExpExecArray)[0].length > parentCol)) j++;
        ln = j - 1;
        break;
      } else if ((ch === '-' || ch === '?' || ch === ':') && wsAfter) {
        parentCol = c;
        c++;
      } else if (ch === '&' || ch === '!') {
        while (c < line.length && line[c] !== ' ' && line[c] !== '\t') c++;
      } else {
        // A plain scalar (or alias): up to `: ` (then it was a key) or a comment.
        const keyCol = c;
        while (c < line.length) {
          if (line[c] === ':' && (line[c + 1] === undefined || line[c + 1] === ' ' || line[c + 1] === '\t')) {
            parentCol = keyCol;
            break;
          }
          if (line[c] === '#' && (line[c - 1] === ' ' || line[c - 1] === '\t')) { c = line.length; break; }
          c++;
        }
        c++;
      }
    }
  }
  if (reindent.size === 0) return undefined;
  const out = lines.map((l, i) => {
    const n = reindent.get(i);
    return n === undefined ? l : n === 0 && l.trim() === '' ? '' : ' '.repeat(n) + l.replace(/^[ \t]*/, '');
  }).join('\n');
  return out === text ? undefined : out;
}
