import { DocumentCache, readManifestText } from '../../src/manifest/reader';

const pod = (name: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${extra}`;

/** Reads `texts` in turn through one document cache (as the security diff reads its two sides). */
function readAll(texts: string[], documents: DocumentCache = new Map()) {
  return texts.map((t, i) => readManifestText(t, `f${i}.yaml`, { documents }));
}

describe('documents read before (ReadOptions.documents: the security diff reads both sides through one)', () => {
  test('an identical document is read once: both reads hold the same object, each with its own line', () => {
    const documents: DocumentCache = new Map();
    const [a, b] = readAll([`${pod('a')}---\n${pod('b')}`, `${pod('c')}---\n${pod('b')}---\n${pod('a')}`], documents);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(b.objects.map((o) => [o.manifest.metadata.name, o.line, o.document])).toEqual([['c', 1, 1], ['b', 6, 2], ['a', 11, 3]]);
    expect(b.objects[1].manifest).toBe(a.objects[1].manifest);
    expect(b.objects[2].manifest).toBe(a.objects[0].manifest);
    expect(documents.size).toBe(3);
  });

  test('a cached read equals a fresh read, object for object, line for line', () => {
    const texts = [`${pod('a', 'spec:\n  hostNetwork: yes\n')}---\n${pod('b')}`, `${pod('b')}---\n${pod('a', 'spec:\n  hostNetwork: yes\n')}---\n${pod('c')}`];
    const cached = readAll(texts);
    const fresh = texts.map((t, i) => readManifestText(t, `f${i}.yaml`));
    expect(cached.map((r) => r.objects.map((o) => ({ ...o, manifest: JSON.stringify(o.manifest) }))))
      .toEqual(fresh.map((r) => r.objects.map((o) => ({ ...o, manifest: JSON.stringify(o.manifest) }))));
    expect(cached[1].objects[1].manifest.spec.hostNetwork).toBe(true);
  });

  test('a comment inside a document makes it another text: read again, the same content', () => {
    const [a, b] = readAll([pod('a'), `# note\n${pod('a')}`]);
    expect(b.objects[0].manifest).not.toBe(a.objects[0].manifest);
    expect(b.objects[0].manifest).toEqual(a.objects[0].manifest);
    expect(b.objects[0].line).toBe(2);
  });

  test('one character apart is another document (another spelling is read as written, not taken from the cache)', () => {
    const [a, b] = readAll([pod('a', 'spec:\n  hostNetwork: no\n'), pod('a', 'spec:\n  hostNetwork: on\n')]);
    expect(a.objects[0].manifest.spec.hostNetwork).toBe(false);
    expect(b.objects[0].manifest.spec.hostNetwork).toBe(true);
    expect(b.objects[0].manifest).not.toBe(a.objects[0].manifest);
  });

  test('a document the cache holds is still judged where it stands: its errors come again, at its new line', () => {
    const noKind = 'apiVersion: v1\nmetadata:\n  name: x\n';
    const [a, b] = readAll([noKind, `${pod('p')}---\n${noKind}`]);
    expect(a.errors.map((e) => e.message)).toEqual(['f0.yaml:1: document 1: no kind: not a Kubernetes object (kubectl refuses it: "Object \'Kind\' is missing")']);
    expect(b.errors.map((e) => e.message)).toEqual(['f1.yaml:6: document 2: no kind: not a Kubernetes object (kubectl refuses it: "Object \'Kind\' is missing")']);
  });

  test('templates and Lists are never cached: each read reports or expands them itself', () => {
    const documents: DocumentCache = new Map();
    const template = pod('a', 'spec:\n  image: {{ .Values.image }}\n');
    const list = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n';
    const [a, b] = readAll([`${template}---\n${list}`, `${list}---\n${template}`], documents);
    expect(documents.size).toBe(0);
    expect(a.errors).toHaveLength(1);
    expect(b.errors).toHaveLength(1);
    expect(b.objects.map((o) => [o.manifest.kind, o.line, o.itemPath])).toEqual([['ConfigMap', 4, [0]]]);
    expect(b.objects[0].manifest).not.toBe(a.objects[0].manifest);
  });
});
