/**
 * The reachability CLI on third-party YAML at scale: aggregated output (groups of equivalent
 * workloads, bundled paths) that stays exact, grows linearly, --max-paths, --openings, and exit
 * code 3 for internal errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy, denyAll, np, ns } from './fixtures';
import { foreignCorpus } from './foreign-corpus';
import { runCli } from '../../src/cli/audit';
import { aggregateReport } from '../../src/reachability/aggregate';
import { Reachability } from '../../src/reachability/analyzer';
import { AggregateSink } from '../../src/reachability/classes';
import { CliIo, runReachabilityCli } from '../../src/reachability/cli';

function run(argv: string[], io?: Partial<CliIo>) {
  let out = '';
  let err = '';
  const code = runReachabilityCli(argv, { out: io?.out ?? ((s) => { out += s; }), err: (s) => { err += s; } });
  return { code, out, err };
}

function write(objects: any[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-scale-'));
  fs.writeFileSync(path.join(dir, 'all.json'), objects.map((o) => JSON.stringify(o)).join('\n'));
  return dir;
}

/** Every pair of workloads a path stands for, groups and sets expanded. */
function pairs(paths: Array<{ from: string; to: string; ports: string[] }>, members: Map<string, string[]>): string[] {
  const expand = (id: string): string[] => (members.has(id) ? members.get(id)!.flatMap(expand) : [id]);
  return paths.flatMap((p) => expand(p.from).flatMap((f) => expand(p.to).map((t) => `${f} -> ${t} ${p.ports.join(',')}`))).sort();
}

describe('reachability at scale, on third-party YAML', () => {
  const one = write(foreignCorpus(1));
  const ten = write(foreignCorpus(10));

  test('the aggregated analysis stands for exactly the pair-by-pair one (groups and bundles expanded)', () => {
    const objects = foreignCorpus(3);
    const full = Reachability.fromManifests(objects);
    const sink = new AggregateSink();
    const agg = Reachability._aggregate(objects, [], sink);
    expect(sink.groups.map((g) => [g.id, g.members.length])).toEqual([['shop-1/ad (+26 alike)', 27], ['shop-1/redis (+2 alike)', 3]]);
    expect(agg.edges.length).toBeLessThan(full.edges.length / 5);
    const report = aggregateReport(agg, sink.groups, 0);
    const members = new Map<string, string[]>([
      ...sink.groups.map((g) => [g.id, g.members.map((m) => m.id)] as [string, string[]]),
      ...report.sets.map((s) => [s.id, [...s.members]] as [string, string[]]),
    ]);
    expect(pairs(report.edges, members)).toEqual(pairs(full.edges, new Map()));
    expect(pairs(report.extraPaths, members)).toEqual(pairs(full.extraPaths, new Map()));
    expect(report.pairs).toBe(full.edges.length);
  });

  test('output grows at most linearly: 10 copies print less than 10 times 1 copy, in every format', () => {
    for (const format of ['text', 'json', 'mermaid', 'dot']) {
      const small = run([one, '--format', format]);
      const large = run([ten, '--format', format]);
      expect([small.code, large.code]).toEqual([1, 1]);
      expect(Buffer.byteLength(large.out)).toBeLessThanOrEqual(10 * Buffer.byteLength(small.out));
    }
    const openings = [run([one, '--openings']).out, run([ten, '--openings']).out].map((s) => Buffer.byteLength(s));
    expect(openings[1]).toBeLessThanOrEqual(10 * openings[0]);
  });

  test('JSON is streamed in chunks and parses; groups and sets are listed once', () => {
    const chunks: string[] = [];
    const r = run([ten, '--format', 'json'], { out: (s) => chunks.push(s) });
    expect(r.code).toBe(1);
    const json = JSON.parse(chunks.join(''));
    expect(chunks.length).toBeGreaterThan(1);
    expect(json.groups.find((g: any) => g.id === 'shop-1/ad (+89 alike)').members).toHaveLength(90);
    expect(json.sets.length).toBeGreaterThan(0);
    expect(json.edges.some((e: any) => e.from === 'internet' && e.to.startsWith('set#') && e.pairs === 100)).toBe(true);
    expect(json.notes[0]).toMatch(/run with --openings/);
  });

  test('--max-paths caps every list and counts the rest; the exit code covers them all', () => {
    const text = run([ten, '--max-paths', '5']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^\.\.\. and \d+ more paths \(--max-paths 5 caps the list\)$/m);
    expect(text.out).toMatch(/^ {2}\.\.\. and \d+ more \(--max-paths 5 caps the list\)$/m);
    const json = JSON.parse(run([ten, '--format=json', '--max-paths=5']).out);
    expect(json.edges).toHaveLength(5);
    expect(json.extraPaths).toHaveLength(5);
    expect(json.omitted.edges).toBeGreaterThan(0);
    expect(JSON.parse(run([ten, '--format=json', '--max-paths=0']).out).edges).toEqual([]);
    expect(run([ten, '--max-paths', 'lots'])).toMatchObject({ code: 2, err: '--max-paths must be a whole number (got "lots")\n' });
  });

  test('without any intent of the library, the text report suggests --openings', () => {
    expect(run([one]).out).toContain('for third-party YAML run with --openings');
  });
});

describe('--openings', () => {
  test('reports each kind of opening, one line per receiver, and exits 0 unless --fail-on-openings', () => {
    const dir = write(foreignCorpus(10));
    const r = run([dir, '--openings']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Openings \(\d+\): 12 internet, 12 all-namespaces, 3 metadata-endpoint, 10 cross-namespace$/m);
    expect(r.out).toContain('  [effective] ingress-1/ingress-nginx-controller on TCP/80 TCP/443: 1 sender(s), addresses outside the cluster, e.g. internet\n');
    expect(r.out).toContain('  [effective] shop-1/ad (+89 alike) (90 workloads) on *: pods of every namespace\n');
    expect(r.out).toContain('  [effective] monitoring-1/grafana on TCP/3000: pods of every namespace\n');
    expect(r.out).toContain('  [effective] cidr 169.254.169.254/32 on TCP/80: 10 sender(s), workloads, e.g. monitoring-1/cloud-agent, monitoring-10/cloud-agent, monitoring-2/cloud-agent, ...\n');
    expect(r.out).toMatch(/\[effective\] cidr fd00:ec2::254\/128 on \*: \d+ sender\(s\)/);
    expect(r.out).toContain('  [effective] shop-1/frontend on TCP/8080: 1 sender(s), workloads of other namespaces, e.g. ingress-1/ingress-nginx-controller\n');
    // Cross-namespace paths to receivers open to every namespace are implied, not repeated.
    expect(r.out.split('\ncross-namespace (')[1]).not.toContain('grafana');
    expect(run([dir, '--openings', '--fail-on-openings']).code).toBe(1);
    const json = JSON.parse(run([dir, '--openings', '--format', 'json', '--max-paths', '3']).out);
    expect(json.summary).toEqual({ 'total': 37, 'internet': 12, 'all-namespaces': 12, 'metadata-endpoint': 3, 'cross-namespace': 10 });
    expect(json.openings).toHaveLength(3);
    expect(json.omitted).toEqual({ openings: 34 });
    expect(json.openings[0]).toEqual({
      kind: 'internet', layer: 'effective', to: 'ingress-1/ingress-nginx-controller', receivers: 1, ports: ['TCP/80', 'TCP/443'], senders: 1, examples: ['internet'],
    });
  });

  test('a namespace closed to everything but itself has no openings', () => {
    const dir = write([
      ns('shop'), deploy('shop', 'web'), deploy('shop', 'api'), denyAll('shop'),
      np('shop', 'web-to-api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
      np('shop', 'web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] }),
    ]);
    expect(run([dir, '--openings', '--fail-on-openings'])).toEqual({ code: 0, out: 'Openings (0): 0 internet, 0 all-namespaces, 0 metadata-endpoint, 0 cross-namespace\n', err: '' });
  });

  test('usage: --fail-on-openings needs --openings; --openings prints text or json', () => {
    const dir = write([ns('a')]);
    expect(run([dir, '--fail-on-openings'])).toMatchObject({ code: 2, err: '--fail-on-openings needs --openings\n' });
    expect(run([dir, '--openings', '--format', 'dot'])).toMatchObject({ code: 2, err: '--openings prints text or json (got --format dot)\n' });
  });
});

describe('exit code 3: internal errors', () => {
  const dir = write(foreignCorpus(1));

  test('a failure while printing is an internal error: one line, no stack, exit 3', () => {
    const r = run([dir], { out: () => { throw new RangeError('Invalid string length'); } });
    expect(r.code).toBe(3);
    expect(r.err).toBe('internal error: RangeError: Invalid string length. This is a failure of cdk8s-secure-baseline, not a finding about the input'
      + ' (exit code 3); please report it with the input that triggers it (--debug prints the stack)\n');
  });

  test('--debug adds the stack', () => {
    const r = run([dir, '--debug', '--openings'], { out: () => { throw new Error('boom'); } });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^internal error: boom\. .*\nError: boom\n\s+at /);
  });

  test('an operating-system error while writing (a closed pipe) is an I/O error: exit 2', () => {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
    const r = run([dir], { out: () => { throw epipe; } });
    expect(r).toMatchObject({ code: 2, err: 'error: write EPIPE\n' });
  });

  test('the shared entry (audit) exits 3 the same way, and takes --debug', () => {
    let stderr = '';
    const code = runCli(['audit', dir, '--debug'], { stdout: () => { throw new Error('boom'); }, stderr: (t) => { stderr += t; } });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^internal error: boom\. .*\nError: boom\n\s+at /);
  });
});
