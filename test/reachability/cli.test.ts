import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildShop } from '../../examples/shop/app';
import { Reachability } from '../../src/reachability/analyzer';
import { REACHABILITY_USAGE, runReachabilityCli } from '../../src/reachability/cli';

function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = runReachabilityCli(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

describe('cdk8s-secure-baseline reachability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-cli-'));
  const app = new App({ outdir: dir });
  buildShop(app);
  app.synth();

  test('prints the matrix and exits 0 on the shop', () => {
    const r = run(['reachability', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('shop/checkout');
    expect(r.out).toContain('Extra paths (0):');
    expect(r.out).toContain('Missing paths (0):');
  });

  test('--format mermaid, dot and json', () => {
    expect(run([dir, '--format', 'mermaid']).out).toMatch(/^flowchart LR/);
    expect(run([dir, '--format=dot']).out).toMatch(/^digraph reachability/);
    expect(JSON.parse(run([dir, '--format', 'json']).out).extraPaths).toEqual([]);
  });

  test('exits 1 on extra paths', () => {
    const extra = path.join(dir, 'extra');
    fs.mkdirSync(extra, { recursive: true });
    fs.writeFileSync(path.join(extra, 'open.yaml'), [
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: open, namespace: shop-data}',
      'spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}',
    ].join('\n'));
    const r = run([dir]);
    fs.rmSync(extra, { recursive: true });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[effective\] shop-data\/orders-db reaches internet on \*/);
  });

  test('no arguments: the usage on stderr, exit 2; --help on stdout, exit 0', () => {
    expect(run([])).toEqual({ code: 2, out: '', err: REACHABILITY_USAGE });
    expect(run(['reachability'])).toEqual({ code: 2, out: '', err: REACHABILITY_USAGE });
    expect(run(['--help'])).toEqual({ code: 0, out: REACHABILITY_USAGE, err: '' });
    expect(run(['-h'])).toEqual({ code: 0, out: REACHABILITY_USAGE, err: '' });
    expect(REACHABILITY_USAGE).toContain('Without arguments this help goes to stderr and the exit code is 2.');
  });

  test('--version prints the package version, exit 0', () => {
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version;
    expect(run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(run(['reachability', dir, '--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  test('exits 2 on usage and parse errors', () => {
    expect(run([]).code).toBe(2);
    expect(run([dir, '--format', 'svg']).code).toBe(2);
    expect(run([dir, '--bogus']).code).toBe(2);
    const bad = path.join(os.tmpdir(), `bad-${process.pid}.yaml`);
    fs.writeFileSync(bad, 'kind: [unclosed');
    expect(run([bad]).code).toBe(2);
    expect(run(['--help']).code).toBe(0);
    expect(run([path.join(dir, 'missing.yaml')]).code).toBe(2);
  });

  test('read errors exit 2 (outranking extra paths) with file:line on stderr; what was read is still analysed', () => {
    const extra = path.join(dir, 'extra');
    fs.mkdirSync(extra, { recursive: true });
    fs.writeFileSync(path.join(extra, 'open.yaml'), [
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: open, namespace: shop-data}',
      'spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}', '---', 'kind: [unclosed',
    ].join('\n'));
    const bomb = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol, namespace: shop}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    'bcdefghi'.split('').forEach((c, i) => bomb.push(`  ${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`));
    fs.writeFileSync(path.join(extra, 'bomb.yaml'), bomb.join('\n'));
    const r = run([dir]);
    fs.rmSync(extra, { recursive: true });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/\[effective\] shop-data\/orders-db reaches internet on \*/);
    expect(r.err).toMatch(/error: .*extra\/bomb\.yaml:\d+: document 1: document contains excessive aliasing/);
    expect(r.err).toMatch(/error: .*extra\/open\.yaml:6: document 2: YAML syntax error/);
  });

  test('JSON files in folders and JSON streams (with Lists) are read', () => {
    const extra = path.join(dir, 'extra');
    fs.mkdirSync(extra, { recursive: true });
    fs.writeFileSync(path.join(extra, 'open.json'), `${JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'open', namespace: 'shop-data' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] },
    })}\n{"apiVersion": "v1", "kind": "List", "items": []}\n`);
    const r = run([dir]);
    fs.rmSync(extra, { recursive: true });
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\[effective\] shop-data\/orders-db reaches internet on \*/);
  });

  test('Reachability.loadManifests / fromFiles use the same reader and throw with every read error (file:line)', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-load-'));
    fs.writeFileSync(path.join(d, 'a.json'), '{"apiVersion": "v1", "kind": "PodList", "items": [{"metadata": {"name": "p"}, "spec": {"hostNetwork": true}}]}');
    fs.writeFileSync(path.join(d, 'b.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n');
    expect(Reachability.loadManifests([d]).map((o) => [o.kind, o.metadata.name])).toEqual([['Pod', 'p'], ['Namespace', 'ns1']]);
    fs.writeFileSync(path.join(d, 'c.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: m\n');
    expect(() => Reachability.fromFiles([d])).toThrow(/c\.yaml:\d+: document 1: YAML syntax error/);
    fs.rmSync(d, { recursive: true });
  });
});
