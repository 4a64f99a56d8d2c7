/**
 * Prometheus' own engine over SecurityAlerts and SecurityDashboard.
 *
 * - `promtool check rules` on every rule group the alert variants below synthesize and, with
 *   `--example DIR`, on every PrometheusRule in the example's manifests;
 * - `promtool test rules` on every fixture in test/promtool/<variant>/: input series where each
 *   alert must fire (labels and annotations after `for:`) and where it must stay silent, and
 *   `promql_expr_test`s of the dashboard's queries over the same series.
 *
 * A fixture names `rules.yaml` in `rule_files`: the rules its variant synthesizes right now are
 * written there, beside a copy of the fixture, in a temporary folder. test/security-alerts-
 * promtool.test.ts runs the same functions under jest; .ci/run runs this script:
 *
 *   ts-node -T -P test/tsconfig.json scripts/promtool.ts --example dist/
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { CiliumDropMetric, SecurityAlerts, SecurityAlertsProps } from '../src';

/** The fixtures, one folder per variant. */
export const FIXTURES = path.join(__dirname, '..', 'test', 'promtool');

/**
 * The alert variants the fixtures test: between them, every option that changes an expression
 * is both set and unset (test/security-alerts-promtool.test.ts checks that).
 */
export const VARIANTS: { readonly [name: string]: SecurityAlertsProps } = {
  default: {},
  scoped: {
    namespaces: ['shop', 'payments'],
    certificateExpiryThreshold: Duration.days(2),
    certificateRenewalGrace: Duration.minutes(90),
    denialsPerSecond: 0.5,
    ciliumDropsPerSecond: 12.5,
    ciliumDropMetric: CiliumDropMetric.HUBBLE,
    linkerdPlaintextConnectionsPerSecond: 0.25,
    admissionPolicyPrefix: 'shop-baseline',
    auditMaxAge: Duration.days(1),
    criticalSeverity: 'page',
    warningSeverity: 'ticket',
    labels: { team: 'platform' },
    runbookBaseUrl: 'https://runbooks.example.com/security',
  },
};

/** A Prometheus rule file: what a PrometheusRule's spec holds. */
export interface RuleFile {
  readonly groups: Array<{ name: string; rules: Array<Record<string, any>> }>;
}

/** The rule file SecurityAlerts synthesizes with `props`. */
export function synthRuleFile(props: SecurityAlertsProps): RuleFile {
  const chart = new Chart(new App({ outdir: os.tmpdir() }), 'alerts');
  new SecurityAlerts(chart, 'Alerts', { namespace: 'monitoring', ...props });
  const rule = chart.toJson().find((o: any) => o.kind === 'PrometheusRule');
  return rule.spec;
}

/** The fixture files of a variant, sorted. */
export function fixtureFiles(variant: string): string[] {
  const dir = path.join(FIXTURES, variant);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.test.yaml')).sort().map((f) => path.join(dir, f));
}

/** The promtool binary on PATH, or undefined. */
export function findPromtool(): string | undefined {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf-8' });
  return r.status === 0 ? 'promtool' : undefined;
}

/** Runs promtool; its exit code and combined output. */
export function runPromtool(args: string[], cwd?: string): { code: number; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf-8' });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** Writes `rules` as rules.yaml into a new temporary folder, with copies of `fixtures`; returns the folder. */
export function stage(rules: RuleFile, fixtures: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rules));
  for (const f of fixtures) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  return dir;
}

/** Every PrometheusRule's spec in the *.yaml files of `dir`, by `<file>:<namespace>/<name>`. */
export function manifestRuleFiles(dir: string): Map<string, RuleFile> {
  const out = new Map<string, RuleFile>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf-8'))) {
      const o = doc.toJS();
      if (o?.kind === 'PrometheusRule') out.set(`${f}:${o.metadata.namespace}/${o.metadata.name}`, o.spec);
    }
  }
  return out;
}

/** `promtool check rules` on one rule file; problems as text (empty when it passes). */
export function checkRules(rules: RuleFile): string {
  const dir = stage(rules, []);
  try {
    const r = runPromtool(['check', 'rules', 'rules.yaml'], dir);
    return r.code === 0 ? '' : r.output;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool test rules` on fixtures against `rules`; failures as text (empty when all pass). */
export function testRules(rules: RuleFile, fixtures: string[]): string {
  const dir = stage(rules, fixtures);
  try {
    const r = runPromtool(['test', 'rules', ...fixtures.map((f) => path.basename(f))], dir);
    return r.code === 0 ? '' : r.output;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(argv: string[]): number {
  if (!findPromtool()) {
    process.stderr.write('error: promtool is not on PATH (Debian: apt-get install prometheus)\n');
    return 2;
  }
  const at = argv.indexOf('--example');
  const sources = new Map<string, RuleFile>();
  for (const [name, props] of Object.entries(VARIANTS)) sources.set(`variant ${name}`, synthRuleFile(props));
  if (at >= 0) {
    const found = manifestRuleFiles(argv[at + 1]);
    if (found.size === 0) throw new Error(`no PrometheusRule in ${argv[at + 1]}`);
    for (const [k, v] of found) sources.set(k, v);
  }
  let failed = 0;
  for (const [name, rules] of sources) {
    const problems = checkRules(rules);
    const count = rules.groups.reduce((n, g) => n + g.rules.length, 0);
    process.stdout.write(`promtool check rules: ${name}: ${rules.groups.length} groups, ${count} rules ${problems ? 'FAILED' : 'ok'}\n`);
    if (problems) {
      failed++;
      process.stdout.write(problems);
    }
  }
  for (const [name, props] of Object.entries(VARIANTS)) {
    const fixtures = fixtureFiles(name);
    const problems = testRules(synthRuleFile(props), fixtures);
    process.stdout.write(`promtool test rules: variant ${name}: ${fixtures.length} files ${problems ? 'FAILED' : 'ok'}\n`);
    if (problems) {
      failed++;
      process.stdout.write(problems);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
