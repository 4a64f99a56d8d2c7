import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readManifestFiles, readManifestText } from '../../src/manifest/reader';
import { formatFloat32G, resolveScalar } from '../../src/manifest/yaml-scalars';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n';

function one(text: string): any {
  const r = readManifestText(text, 'x.yaml');
  expect(r.errors.map((e) => e.message)).toEqual([]);
  expect(r.objects).toHaveLength(1);
  return r.objects[0].manifest;
}

function errors(text: string, file = 'x.yaml'): string[] {
  return readManifestText(text, file).errors.map((e) => e.message);
}

describe('YAML 1.1 scalars as Kubernetes decodes them (go-yaml v2 resolve.go)', () => {
  test('booleans: yes / on / Y are true', () => {
    const m = one(`${POD}spec:\n  hostNetwork: on\n  hostPID: yes\n  hostIPC: Y\n  automountServiceAccountToken: yes\n  containers:\n  - name: c\n    securityContext: {privileged: yes, readOnlyRootFilesystem: NO, allowPrivilegeEscalation: off}\n`);
    expect(m.spec).toMatchObject({ hostNetwork: true, hostPID: true, hostIPC: true, automountServiceAccountToken: true });
    expect(m.spec.containers[0].securityContext).toEqual({ privileged: true, readOnlyRootFilesystem: false, allowPrivilegeEscalation: false });
  });

  test('numbers: 0644 is octal 420; 0x0, 0o0, 00, 0_0, +0, 0.0, 0e0 are 0; 1e3 is 1000', () => {
    const m = one(`${POD}spec:\n  volumes:\n  - name: v\n    secret: {secretName: s, defaultMode: 0644}\n  x: [0x0, 0o0, 00, 0_0, +0, 0.0, 0e0, 1e3, 0b11, 08, .5, 1_000]\n`);
    expect(m.spec.volumes[0].secret.defaultMode).toBe(420);
    expect(m.spec.x).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 3, 8, 0.5, 1000]);
    for (const v of ['0x0', '0o0', '00', '0.0', '0e0']) {
      expect(one(`${POD}spec:\n  securityContext:\n    runAsUser: ${v}\n`).spec.securityContext.runAsUser).toBe(0);
    }
  });

  test('quoted scalars are strings; explicit tags are honoured; timestamps stay strings', () => {
    const m = one(`${POD}x: ["yes", 'on', "0644", !!str 0644, !!int "3", !!bool "yes", !!float 1, ! 12, 2001-12-14, 2001-12-14T21:59:43.10Z, "null", null, ~, ""]\n`);
    expect(m.x).toEqual(['yes', 'on', '0644', '0644', 3, true, 1, '12', '2001-12-14', '2001-12-14T21:59:43.10Z', 'null', null, null, '']);
  });

  test('no sexagesimal numbers; out-of-range floats stay strings; .inf cannot become JSON', () => {
    expect(one(`${POD}x: [1:20, 190:20:30.15, 1e400]\n`).x).toEqual(['1:20', '190:20:30.15', '1e400']);
    expect(errors(`${POD}x: .inf\n`)).toEqual([expect.stringMatching(/^x\.yaml:5: document 1: .inf cannot be converted to JSON/)]);
  });

  test('map keys become strings as sigs.k8s.io/yaml does; null keys are refused', () => {
    expect(one(`${POD}x: {true: a, 1: b, 0x10: c, 1.5: d, 1e3: e, 'yes': f}\n`).x).toEqual({ true: 'a', 1: 'b', 16: 'c', 1.5: 'd', 1000: 'e', yes: 'f' });
    // `yes:` and `true:` are the same key (true): last wins, reported as a duplicate.
    const dup = readManifestText(`${POD}x:\n  true: a\n  yes: b\n`, 'k.yaml');
    expect(dup.objects[0].manifest.x).toEqual({ true: 'b' });
    expect(dup.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^k\.yaml:7: document 1: duplicate key "true" \(also on line 6\)/)]);
    expect(errors(`${POD}x: {~: a}\n`)[0]).toMatch(/unsupported map key of type: <nil>/);
    expect(formatFloat32G(0.1)).toBe('0.1');
    expect(formatFloat32G(1e21)).toBe('1e+21');
    expect(formatFloat32G(3.14159265358979)).toBe('3.1415927');
    expect(formatFloat32G(1234567)).toBe('1.234567e+06');
    expect(formatFloat32G(0.00001)).toBe('1e-05');
  });

  test('resolveScalar: explicit tags that do not fit are errors', () => {
    expect(() => resolveScalar('tag:yaml.org,2002:int', 'abc', true)).toThrow('cannot decode !!str `abc` as a !!int');
    expect(resolveScalar('tag:yaml.org,2002:int', '0x1F', false)).toEqual({ t: 'int', v: 31n });
  });
});

describe('structure', () => {
  test('merge keys and aliases; duplicate keys are last-wins and reported', () => {
    const text = `${POD}base: &b {x: 1, z: 2}\nspec:\n  <<: *b\n  z: 3\n  list: &l [a]\n  again: *l\n`;
    expect(one(text).spec).toEqual({ x: 1, z: 3, list: ['a'], again: ['a'] });
    const r = readManifestText(`${POD}spec: {a: 1}\nspec: {a: 2}\n`, 'dup.yaml');
    expect(r.objects.map((o) => o.manifest.spec)).toEqual([{ a: 2 }]);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^dup\.yaml:6: document 1: duplicate key "spec" \(also on line 5\)/)]);
  });

  test('a merge after an explicit key replaces it (go-yaml v2 order) and is reported', () => {
    const r = readManifestText(`${POD}base: &b {z: 2}\nspec:\n  z: 3\n  <<: *b\n`, 'm.yaml');
    expect(r.objects[0].manifest.spec).toEqual({ z: 2 });
    expect(r.errors[0].message).toMatch(/^m\.yaml:7: document 1: key "z" is replaced by the "<<" merge/);
  });

  test('a tab in a multi-line flow sequence and an under-indented multi-line quoted scalar are read as kubectl reads them', () => {
    const m = one(`${POD}  annotations:\n    a: "hello\n  world"\n    b: 'x\ny'\nspec:\n  containers:\n  - name: c\n    args: [--a,\n\t--b]\n    command: [sh,\n  -c]\n`);
    expect(m.metadata.annotations).toEqual({ a: 'hello world', b: 'x y' });
    expect(m.spec.containers[0].args).toEqual(['--a', '--b']);
    expect(m.spec.containers[0].command).toEqual(['sh', '-c']);
  });

  test('an alias bomb ends in a clean error; the other documents are read', () => {
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    'bcdefghi'.split('').forEach((c, i) => bomb.push(`  ${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`));
    const r = readManifestText(`${bomb.join('\n')}\n---\n${POD}`, 'bomb.yaml');
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^bomb\.yaml:\d+: document 1: document contains excessive aliasing/)]);
    expect(r.objects.map((o) => [o.manifest.kind, o.document, o.line])).toEqual([['Pod', 2, 15]]);
  });

  test('self-referencing and unknown aliases are errors', () => {
    expect(errors(`${POD}a: &a [*a]\n`)[0]).toMatch(/anchor 'a' value contains itself/);
    expect(errors(`${POD}a: *nope\n`)[0]).toMatch(/unknown anchor 'nope' referenced/);
  });

  test('documents that are not objects, and objects without kind or apiVersion, are errors; empty documents are skipped', () => {
    expect(errors('foo\n--- # c\n42\n---\n# only a comment\n---\n\n---\nnull\n---\n- a\n---\nkind: Pod\nmetadata: {name: x}\n---\napiVersion: v1\n', 's.yaml')).toEqual([
      expect.stringMatching(/^s\.yaml:1: document 1: the document is a string \("foo"\)/),
      expect.stringMatching(/^s\.yaml:3: document 2: the document is a number \(42\)/),
      expect.stringMatching(/^s\.yaml:11: document 6: the document is a list/),
      expect.stringMatching(/^s\.yaml:13: document 7: no apiVersion/),
      expect.stringMatching(/^s\.yaml:16: document 8: no kind: .*Object 'Kind' is missing/),
    ]);
    expect(errors(`--- foo: bar\n${POD}`)[0]).toMatch(/^x\.yaml:1: document 1: content after the document separator/);
  });

  test('syntax errors are per document, with the line', () => {
    const r = readManifestText(`${POD}---\nkind: [unclosed\n---\n${POD}`, 'b.yaml');
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^b\.yaml:6: document 2: YAML syntax error: /)]);
    expect(r.objects.map((o) => [o.document, o.line])).toEqual([[1, 1], [3, 8]]);
  });

  test('documents larger than the bound are errors', () => {
    const r = readManifestText(`${POD}data: {a: ${'x'.repeat(2000)}}\n---\n${POD}`, 'big.yaml', { maxObjectBytes: 1000 });
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^big\.yaml:1: document 1: Pod is \d+ bytes as JSON, more than the 1000 bytes/)]);
    expect(r.objects).toHaveLength(1);
    expect(errors(`${POD}data: {a: ${'x'.repeat(2000)}}\n`, 'x.yaml')).toEqual([]);
    expect(readManifestText(`${POD}${'#'.repeat(200)}\n`, 'x.yaml', { maxDocumentBytes: 100 }).errors[0].message).toMatch(/larger than 100 bytes/);
  });
});

describe('templates', () => {
  test('unrendered Helm templates are refused', () => {
    const msg = /looks like an unrendered Helm\/Go template .*render it first .*helm template/;
    expect(errors(`${POD}  labels: {app: {{ .Values.app }}}\n`)[0]).toMatch(msg);
    expect(errors('apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n')[0]).toMatch(/^x\.yaml:4: document 1: looks like an unrendered/);
    expect(errors(`${POD}  annotations:\n    a: "{{ .Release.Name }}"\n`)[0]).toMatch(msg);
    expect(errors(`${POD}  name: app-{{ include "x" . }}\n`)[0]).toMatch(msg);
    expect(errors(`${POD}spec:\n  containers:\n  {{- range .Values.containers }}\n  - name: x\n  {{- end }}\n`)[0]).toMatch(msg);
    expect(errors(`{{- if .Values.enabled }}\n${POD}{{- end }}\n`)[0]).toMatch(msg);
    expect(errors(`${POD}spec:\n{{ toYaml .Values.spec | indent 2 }}\n`)[0]).toMatch(msg);
  });

  test('rendered content with {{ }} is accepted: PrometheusRule, Argo Workflows, Alertmanager templates', () => {
    const rule = one([
      'apiVersion: monitoring.coreos.com/v1', 'kind: PrometheusRule', 'metadata: {name: r}', 'spec:', '  groups:', '  - name: g', '    rules:',
      '    - alert: Down', '      expr: up == 0', '      annotations:', '        summary: Instance {{ $labels.instance }} down',
      '        description: "{{ if gt $value 1.0 }}{{ $value | humanize }}{{ end }} on {{ $labels.job }}"', '',
    ].join('\n'));
    expect(rule.spec.groups[0].rules[0].annotations.summary).toBe('Instance {{ $labels.instance }} down');
    const wf = one([
      'apiVersion: argoproj.io/v1alpha1', 'kind: Workflow', 'metadata: {name: w}', 'spec:', '  templates:', '  - name: t',
      '    container:', '      image: alpine', '      args:', '      - "{{inputs.parameters.message}}"', '      - echo {{workflow.name}}', '',
    ].join('\n'));
    expect(wf.spec.templates[0].container.args).toEqual(['{{inputs.parameters.message}}', 'echo {{workflow.name}}']);
    one('apiVersion: v1\nkind: Secret\nmetadata: {name: am}\nstringData:\n  t.tmpl: |\n    {{ define "slack.title" }}\n    {{ range .Alerts }}{{ .Labels.alertname }}{{ end }}\n    {{ end }}\n');
  });
});

describe('JSON, Lists and files', () => {
  test('a file starting with { is a JSON stream of concatenated objects', () => {
    const r = readManifestText('  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}{"apiVersion":"v1","kind":"Pod",\n"metadata":{"name":"b"},"x":1,"x":2}\nnull\n', 's.json');
    expect(r.objects.map((o) => [o.manifest.metadata.name, o.document, o.line])).toEqual([['a', 1, 1], ['b', 2, 1]]);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^s\.json:2: document 2: duplicate key "x"/)]);
    expect(errors('{"apiVersion": "v1", "kind": "Pod",}\n', 'bad.json')[0]).toMatch(/^bad\.json:1: document 1: JSON syntax error/);
    // A file starting with [ is YAML for kubectl: a list document, not an object.
    expect(errors('[{"apiVersion": "v1", "kind": "Pod"}]\n', 'arr.json')[0]).toMatch(/the document is a list/);
  });

  test('kind: List and typed lists are expanded; typed-list items get kind and apiVersion; items have their lines', () => {
    const r = readManifestText('apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n- foo\n', 'l.yaml');
    expect(r.objects.map((o) => [o.manifest.apiVersion, o.manifest.kind, o.manifest.metadata.name, o.line, o.document, o.itemPath])).toEqual([
      ['v1', 'Pod', 'a', 4, 1, [0]], ['v1', 'Pod', 'b', 5, 1, [1]], ['v1', 'ConfigMap', 'c', 10, 2, [0]],
    ]);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^l\.yaml:13: document 2: items\[1\]: not a Kubernetes object/)]);
  });

  test('folders: *.yaml, *.yml, *.json, sorted, skipping dot-entries and node_modules; files named explicitly whatever their extension', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reader-'));
    const w = (f: string, t: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), t);
    };
    const pod = (n: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\n`;
    w('b.yml', pod('b'));
    w('a/z.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'z' } }));
    w('c.YAML', pod('c'));
    w('.hidden/h.yaml', pod('h'));
    w('node_modules/n.yaml', pod('n'));
    w('notes.txt', pod('t'));
    const r = readManifestFiles([dir, path.join(dir, 'notes.txt'), path.join(dir, 'missing.yaml')], { displayName: (f) => path.relative(dir, f) });
    expect(r.files).toEqual(['a/z.json', 'b.yml', 'c.YAML', 'notes.txt']);
    expect(r.objects.map((o) => o.manifest.metadata.name)).toEqual(['z', 'b', 'c', 't']);
    expect(r.errors.map((e) => e.message)).toEqual(['missing.yaml: no such file or directory']);
    fs.writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(readManifestFiles([path.join(dir, 'latin1.yaml')], { displayName: (f) => path.relative(dir, f) }).errors[0].message).toMatch(/^latin1\.yaml: cannot read: not valid UTF-8/);
    fs.rmSync(dir, { recursive: true });
  });

  test('CRLF line endings and a byte order mark are read', () => {
    expect(one(`\uFEFF${POD.replace(/\n/g, '\r\n')}spec:\r\n  hostNetwork: on\r\n`).spec).toEqual({ hostNetwork: true });
  });
});
