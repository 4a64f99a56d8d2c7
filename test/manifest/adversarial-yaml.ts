/**
 * YAML written to trip a reader up, for the reader's differential test (fast path against the full
 * path): YAML 1.1 scalars, tags, anchors, aliases and merge keys, duplicate keys, document markers,
 * BOMs, CRLF, tabs, flow collections (one line and several), block scalars with every header,
 * multi-line plain and quoted scalars (well and badly indented), comments everywhere, long lines;
 * and `mutations`, seeded random edits of well-formed documents.
 */
import { rngOf } from './real-world-corpus';

const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

/** Scalars as written: YAML 1.1 and 1.2 forms, quoting, tags, anchors, aliases, odd characters. */
export const SCALARS = [
  'yes', 'No', 'on', 'OFF', 'y', 'N', 'true', 'False', '~', 'null', 'Null', '0644', '0o17', '0x1F', '0b101', '1_000', '+1', '-1', '.5', '-.5', '1e3',
  '1E+3', '6.8523e+5', '685_230.15', '1:20', '190:20:30.15', '2001-12-14', '2001-12-14T21:59:43.10Z', '2001-12-14 21:59:43.10', '.inf', '-.Inf', '.NaN',
  '9223372036854775807', '9223372036854775808', '18446744073709551616', '-9223372036854775809', '0x_0A_74_AE', '08', '0.', '-0', '-0.0', '1e400',
  '"yes"', "'on'", '"0644"', "'it''s'", '"a\\tb\\u00e9\\x41\\U0001F600"', '"\\N\\_\\L\\P"', '"bad \\q escape"', '"\\uD83D\\uDE00"', '""', "''",
  '!!str 0644', '!!int "3"', '!!bool "yes"', '!!float 1', '! 12', '!!binary aGVsbG8=', '!!binary "!!!"', '!custom x', '!!null ""', '!!int abc',
  '&a anchored', '*a', 'nginx:1.25', 'http://x.example/a#b', 'a # comment', 'a#b', 'a: b', 'a:b', ':x', '-x', '--flag=1', '?x', '- x',
  'with, comma', 'with [brackets] {braces}', '@reserved', '`tick', '%percent', 'a\tb', 'é ü 中文 😀', '\u2028', 'x'.repeat(3000), 'word '.repeat(400),
  '|', '>', '{}', '[]', '{a: 1}', '[a, "b", 3]', '{{ .Values.x }}', 'Instance {{ $labels.instance }} down',
  // control and other special characters, plain and quoted
  ...['\x00', '\x01', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f', '\x85', '\xa0', '\u2028', '\u2029', '\ufeff', '\ud800', '\r']
    .flatMap((c) => [`a${c}b`, `${c}a`, `a${c}`, `"a${c}b"`, `'a${c}b'`, `"${c}"`]),
];

/** Contexts a scalar can sit in: {v} is replaced by the scalar. */
const CONTEXTS = [
  'data:\n  k: {v}\n',
  'data:\n  {v}: value\n',
  'list:\n- {v}\n- after\n',
  'list:\n  - {v}\n  - after\n',
  'list:\n- k: {v}\n  j: after\n',
  'flow: [{v}, after]\n',
  'flow: {k: {v}, j: after}\n',
  'data:\n  k: {v} # trailing comment\n',
  'data:\n  "quoted key": {v}\n',
  'deep:\n  a:\n    b:\n    - - {v}\n      - x\n',
];

/** Whole documents (without the apiVersion/kind/metadata head) covering structure. */
const STRUCTURES = [
  // block scalars: every header, trailing and leading blank lines, more-indented lines, tabs inside
  ...['|', '|-', '|+', '>', '>-', '>+', '|2', '>1-', '|-2', '| # c', '|#c', '|  ', '|+ '].map((h) => `data:\n  s: ${h}\n    line 1\n\n      more indented\n    \tafter tab\n    last\n\n\n  t: after\n`),
  'data:\n  s: |\n\n      leading blank is more indented\n    text\n',
  'data:\n  s: |\n    text\n      \n  t: x\n',
  'data:\n  s: >\n    folded\n    lines\n\n    para\n      indented\n    back\n',
  'data:\n  s: |\n  under-indented\n',
  'data:\n  s: |\n',
  'data:\n  s: |+\n    keep\n\n',
  'data:\n  s: |\n    x\n\t\n',
  ...['\x01', '\x0b', '\x0c', '\x7f', '\x85', '\u2028', '\ufeff', '\r'].map((c) => `data:\n  s: |\n    a${c}b\n    ${c}\n  ${c}k: v${c}\n  f: [a${c}, ${c}b]\n`),
  'list:\n- |\n  item text\n- >-\n  folded item\n',
  // multi-line plain and quoted scalars
  'data:\n  p: first line\n    second line\n\n    after blank\n  q: x\n',
  'data:\n  p: first\n   # comment\n  q: x\n',
  'data:\n  p: first\n    second # comment\n    third\n',
  'data:\n  p: first\n  second\n',
  'data:\n  d: "double\n    quoted\n\n    text"\n  s: \'single\n    quoted\'\n',
  'data:\n  d: "under\n  indented"\n',
  'data:\n  d: "under\nindented"\n',
  'data:\n  d: "escaped \\\n    newline"\n',
  'data:\n  d: "tab\n\tcontinued"\n',
  'data:\n  d: "a" trailing\n',
  'data:\n  d: "a"#c\n',
  'spec:\n  description: \'APIVersion defines the versioned schema: of this\n    representation of an object.\'\n',
  // flow collections
  'spec:\n  args: [a,\n    b]\n  env: {a: 1,\n    b: 2}\n',
  'spec:\n  args: [a,\n\tb]\n',
  'spec:\n  x: [a, b, ]\n  y: [a, , b]\n  z: {a, b: c}\n  w: ["a":1]\n  v: {"a":1}\n  u: [a: 1]\n',
  'spec:\n  x: [[1, 2], {a: [3]}, "q, r", \'s\']\n  y: {}\n  z: []\n',
  'spec: {a: 1}\n',
  'spec: [1, 2] trailing\n',
  // anchors, aliases, merges, duplicates
  'base: &b {x: 1, z: 2}\nspec:\n  <<: *b\n  z: 3\n',
  'spec:\n  z: 3\n  <<: {z: 2}\n',
  'spec:\n  "<<": {z: 2}\n',
  'spec: {a: 1}\nspec: {a: 2}\n',
  'data:\n  a: 1\n  a: 1\n',
  'data:\n  true: a\n  yes: b\n',
  'data:\n  1: a\n  "1": b\n',
  'data:\n  __proto__: a\n  constructor: b\n  toString: c\n',
  'list: &l [a]\nagain: *l\n',
  'data: !!map\n  a: 1\n',
  '? complex\n: key\n',
  'data:\n  ? a\n  : b\n',
  '[a]: b\n',
  // indentation and separators
  'data:\n  a: 1\n   b: 2\n',
  'data:\n    a: 1\n  b: 2\n',
  'list:\n  - a\n - b\n',
  'list:\n- a\n  - b\n',
  'data:\n\ta: 1\n',
  'data:\n  a:\t1\n',
  'data:\n  a: 1\t\n',
  'data:\n  a: 1 \n  b:   \n  c:\n',
  'list:\n-\n- a\n-   \n',
  'list:\n-\n  a: 1\n',
  'data:\n  # comment\n\n  a: 1\n# dedented comment\n  b: 2\n',
  'data:\nlist:\n- a\n',
  'data: x\n- a\n',
  'data:\n  k: v\n  - a\n',
  'data:\n  k:\n  - a\n  - b\n  j: c\n',
  'data:\n  k: - a\n',
  'data:\n  k: a: b\n',
  'data:\n  k: b:\n',
  'data:\n  "k":v\n',
  'data:\n  k : v\n',
  'data:\n  "k" : v\n',
  `data:\n  ${'k'.repeat(1100)}: v\n`,
  'data:\n  a: b\n...\n',
  'data:\n  a: b\n...\ndata2: c\n',
  '%YAML 1.1\n---\ndata: {}\n',
  // templates: Helm built-ins and actions in every kind of scalar, directive lines in and out of scalars
  'data:\n  a: {{ .Values.a }}\n',
  'data:\n  {{ .Values.key }}: v\n',
  'data:\n  "{{ .Values.key }}": v\n',
  'data:\n  app-{{ .Values.key }}: v\n  other-{{ include "x" . }}: w\n',
  'data:\n  s: |\n    {{- if .Values.x }}\n    {{ end }}\n  t: x\n',
  'data:\n  s: |\n    {{ $labels.instance }}\n  {{- end }}\n',
  'data:\n  p: first\n    {{- if x }}\n',
  'data:\n  q: "first\n    {{- if x }}"\n',
  'data:\n  q: \'{{ .Release.Name }}\'\n  r: [a, "{{ .Chart.Name }}", {{x}}]\n  f: {k: app-{{ include "x" . }}}\n',
  'data:\n  a: echo {{workflow.name}} {{ $value }} {{inputs.parameters.x}}\n{{- end }}\n',
  '{{- if .Values.enabled }}\ndata:\n  a: 1\n{{- end }}\n',
  'data:\n  a: x\n  # {{ .Values.commented }}\n  b: |\n    {{ define "t" }}{{ .Labels.alertname }}{{ end }}\n',
  'data:\n  a: "x\n...\n  y"\n',
];

/** Documents as files: the structures and every scalar in every context, with a few whole-file variants. */
export function adversarialFiles(): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = [];
  STRUCTURES.forEach((s, i) => files.push({ name: `structure-${i}.yaml`, text: HEAD + s }));
  SCALARS.forEach((v, i) => CONTEXTS.forEach((c, j) => files.push({ name: `scalar-${i}-${j}.yaml`, text: HEAD + c.replace('{v}', v) })));
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n';
  files.push(
    { name: 'multi.yaml', text: `--- # first\n${pod}---\n${pod}...\n---\n\n---\n# only a comment\n--- x: y\n${pod}---\n${pod}` },
    { name: 'bom.yaml', text: `\uFEFF${pod}` },
    { name: 'bom-inside.yaml', text: `${pod}---\n\uFEFF${pod}` },
    { name: 'crlf.yaml', text: `${pod}---\n${pod}`.replace(/\n/g, '\r\n') },
    { name: 'lone-cr.yaml', text: `${pod}  x: a\rb\n` },
    { name: 'no-newline.yaml', text: `${pod}  s: |+\n    kept` },
    { name: 'no-newline-plain.yaml', text: pod.slice(0, -1) },
    { name: 'empty.yaml', text: '' },
    { name: 'blank.yaml', text: '\n\n  \n' },
    { name: 'indented-root.yaml', text: pod.replace(/^/gm, '  ') },
    { name: 'list.yaml', text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata:\n    name: b\n' },
    { name: 'typed-list.yaml', text: 'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n-   metadata: {name: b}\n' },
    { name: 'long-line.yaml', text: `${pod}    args: [${Array.from({ length: 2000 }, (_, i) => `a${i}`).join(', ')}]\n` },
    { name: 'deep.yaml', text: `${pod}  x:\n${Array.from({ length: 250 }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`).join('\n')} v\n` },
    { name: 'not-a-map.yaml', text: '- a\n---\nplain\n---\n"quoted"\n---\n|\n  block\n' },
    { name: 'stream.json', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"x":1,"x":2}\n' },
    { name: 'pretty.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { 'name': 'c', 'a.b/c': 'd' }, data: { 'k\u00e9': 'v\n"q"', '': 'empty', 'x\\y': '1' } }, null, 4) },
    { name: 'list.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } }, { kind: 'Pod', metadata: { name: 'b' } }] }, null, 2) },
    { name: 'escapes.json', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\\u0061"},"\\u0061":1,"a":2,"big":1e400}' },
    { name: 'numbers.json', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"n"},"n":[1e20,-0,1.0,1E+2,0.000001]}\t\r\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"m"}}' },
    { name: 'nested-keys.json', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","kind":"x"},"b":{"a":{"b":1},"b":2}}\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"x":{"y":1},"x":{"z":2}}' },
    { name: 'many-keys.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'm' }, ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])) }).replace(/}$/, ',"k3":"again","k29":"last"}') },
    { name: 'bad.json', text: '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n{"apiVersion": "v1",}\n{"kind":"Pod"}' },
  );
  return files;
}

const INSERTS = [' ', '  ', '\t', '\n', ':', ': ', '#', ' #', '-', '- ', '"', "'", '|', '>', '[', ']', '{', '}', ',', '&a ', '*a', '!!str ', '---\n', '...\n', '\r\n', '\uFEFF', '? ', '%', '\\', '{{', '\n  ', '\n- '];

/** `count` seeded random edits of `texts`: characters inserted, deleted or replaced, lines duplicated, indented or dedented. */
export function mutations(texts: readonly string[], count: number, seed = 22): string[] {
  const r = rngOf(seed);
  const int = (n: number) => Math.floor(r() * n);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let t = texts[int(texts.length)];
    for (let edits = 1 + int(3); edits > 0; edits--) {
      const at = int(t.length + 1);
      const kind = int(6);
      if (kind <= 1) {
        t = t.slice(0, at) + INSERTS[int(INSERTS.length)] + t.slice(at);
      } else if (kind === 2) {
        t = t.slice(0, at) + t.slice(at + 1 + int(3));
      } else if (kind === 3) {
        t = t.slice(0, at) + INSERTS[int(INSERTS.length)] + t.slice(at + 1);
      } else {
        const lines = t.split('\n');
        const i = int(lines.length);
        if (kind === 4) lines.splice(i, 0, lines[i] ?? '');
        else lines[i] = r() < 0.5 ? `  ${lines[i]}` : lines[i].replace(/^ {1,2}/, '');
        t = lines.join('\n');
      }
    }
    out.push(t);
  }
  return out;
}
