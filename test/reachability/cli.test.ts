import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildShop } from '../../examples/shop/app';
import { runReachabilityCli } from '../../src/reachability/cli';

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

  test('exits 2 on usage and parse errors', () => {
    expect(run([]).code).toBe(2);
    expect(run([dir, '--format', 'svg']).code).toBe(2);
    expect(run([dir, '--bogus']).code).toBe(2);
    const bad = path.join(os.tmpdir(), `bad-${process.pid}.yaml`);
    fs.writeFileSync(bad, 'kind: [unclosed');
    expect(run([bad]).code).toBe(2);
    expect(run(['--help']).code).toBe(0);
  });
});
