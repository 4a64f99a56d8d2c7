import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { buildShop } from '../examples/shop/app';
import { FIXTURES, VARIANTS, checkRules, findPromtool, fixtureFiles, synthRuleFile, testRules } from '../scripts/promtool';
import { CiliumDropMetric, SecurityAlertGroup, SecurityAlertsProps } from '../src';
import { PANELS } from '../src/monitoring/dashboard-panels';

/**
 * SecurityAlerts under Prometheus' own engine (scripts/promtool.ts, fixtures in test/promtool/).
 * The first block holds with or without promtool: every alert of every variant has a test where
 * it fires and one where it stays silent, and every dashboard query is evaluated. The second
 * runs promtool where it is installed (CI installs it: Debian's `prometheus` package).
 */
const promtool = findPromtool();
const withPromtool = promtool ? test : test.skip;

interface FixtureCoverage {
  readonly fires: Set<string>;
  readonly silent: Set<string>;
  readonly exprs: string[];
  readonly ruleFiles: string[];
}

function coverage(variant: string): FixtureCoverage {
  const out: FixtureCoverage = { fires: new Set(), silent: new Set(), exprs: [], ruleFiles: [] };
  for (const file of fixtureFiles(variant)) {
    const doc = YAML.parse(fs.readFileSync(file, 'utf-8'));
    out.ruleFiles.push(...doc.rule_files);
    for (const group of doc.tests) {
      for (const t of group.alert_rule_test ?? []) (t.exp_alerts?.length ? out.fires : out.silent).add(t.alertname);
      for (const t of group.promql_expr_test ?? []) out.exprs.push(t.expr);
    }
  }
  return out;
}

function alertNames(props: SecurityAlertsProps): string[] {
  return synthRuleFile(props).groups.flatMap((g) => g.rules.map((r) => r.alert));
}

function expressions(props: SecurityAlertsProps): Map<string, string> {
  return new Map(synthRuleFile(props).groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr] as [string, string])));
}

describe('every alert SecurityAlerts can emit has its promtool tests', () => {
  test('the variants are the fixture folders', () => {
    expect(fs.readdirSync(FIXTURES).sort()).toEqual(Object.keys(VARIANTS).sort());
  });

  test.each(Object.keys(VARIANTS))('variant %s: each alert fires in a test (labels and annotations after for:) and stays silent in another', (variant) => {
    const alerts = alertNames(VARIANTS[variant]);
    const c = coverage(variant);
    expect(alerts.length).toBe(15);
    expect(alerts.filter((a) => !c.fires.has(a))).toEqual([]);
    expect(alerts.filter((a) => !c.silent.has(a))).toEqual([]);
    expect([...c.fires, ...c.silent].filter((a) => !alerts.includes(a))).toEqual([]);
    expect([...new Set(c.ruleFiles)]).toEqual(['rules.yaml']);
  });

  test('between them, the variants set and leave unset every option that changes an expression', () => {
    // Every prop (the compiler insists on all of them), each set alone to a non-default value.
    const everyProp: Required<SecurityAlertsProps> = {
      name: 'other-name',
      namespace: 'observability',
      groups: [SecurityAlertGroup.CERTIFICATES],
      namespaces: ['shop'],
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
      runbookBaseUrl: 'https://runbooks.example.com',
      ruleLabels: { release: 'kube-prometheus-stack' },
    };
    const base = expressions({});
    const changing = Object.entries(everyProp).filter(([key, value]) => {
      const changed = expressions({ [key]: value });
      return [...changed].some(([alert, expr]) => base.get(alert) !== expr);
    }).map(([key]) => key);
    expect(changing).toEqual([
      'namespaces', 'certificateExpiryThreshold', 'certificateRenewalGrace', 'denialsPerSecond', 'ciliumDropsPerSecond',
      'ciliumDropMetric', 'linkerdPlaintextConnectionsPerSecond', 'admissionPolicyPrefix', 'auditMaxAge',
    ]);
    const variants = Object.values(VARIANTS) as Array<Record<string, unknown>>;
    for (const key of changing) {
      expect([key, variants.some((v) => v[key] !== undefined), variants.some((v) => v[key] === undefined)]).toEqual([key, true, true]);
    }
  });

  test('every dashboard query is evaluated by promtool over the alert tests\' series, and no other', () => {
    const queries = PANELS.flatMap((p) => p.queries.map((q) => q.expr)).sort();
    expect(Object.keys(VARIANTS).flatMap((v) => coverage(v).exprs).sort()).toEqual(queries);
  });
});

describe('promtool', () => {
  if (!promtool) {
    test('is not installed here: the engine tests are skipped (CI installs it; Debian: apt-get install prometheus)', () => {
      expect(findPromtool()).toBeUndefined();
    });
  }

  withPromtool.each(Object.keys(VARIANTS))('check rules: every rule group of variant %s is valid', (variant) => {
    expect(checkRules(synthRuleFile(VARIANTS[variant]))).toBe('');
  });

  withPromtool('check rules: the example shop\'s PrometheusRule is valid', () => {
    const rules = Testing.synth(buildShop(Testing.app()).platform).filter((o) => o.kind === 'PrometheusRule');
    expect(rules.map((r) => r.metadata.name)).toEqual(['shop-security-alerts']);
    expect(checkRules(rules[0].spec)).toBe('');
  });

  withPromtool.each(Object.keys(VARIANTS).flatMap((v) => fixtureFiles(v).map((f) => [v, path.basename(f)])))(
    'test rules: variant %s, %s', (variant, file) => {
      expect(testRules(synthRuleFile(VARIANTS[variant]), [path.join(FIXTURES, variant, file)])).toBe('');
    });

  describe('the harness fails when it should', () => {
    withPromtool('a threshold that no longer matches its fixture fails the tests', () => {
      // The fixture expects 2 denials/s at payments to fire at a threshold of 1/s.
      const out = testRules(synthRuleFile({ denialsPerSecond: 3 }), [path.join(FIXTURES, 'default', 'istio.test.yaml')]);
      expect(out).toContain('alertname: IstioAuthorizationDenialsHigh');
      expect(out).toContain('FAILED');
    });

    withPromtool('a broken threshold in a fixture fails the tests', () => {
      // The fixture's expiring certificate moved to 5h left: CertificateExpiringSoon no longer fires.
      const fixture = fs.readFileSync(path.join(FIXTURES, 'default', 'certificates.test.yaml'), 'utf-8');
      const broken = fixture.replace("values: '11400x30'", "values: '18600x30'");
      expect(broken).not.toBe(fixture);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'broken-')), 'certificates.test.yaml');
      fs.writeFileSync(file, broken);
      const out = testRules(synthRuleFile({}), [file]);
      expect(out).toContain('alertname: CertificateExpiringSoon');
      expect(out).toMatch(/got:\s*\[\]/);
      expect(testRules(synthRuleFile({}), [path.join(FIXTURES, 'default', 'certificates.test.yaml')])).toBe('');
    });

    withPromtool('check rules refuses an invalid expression', () => {
      const rules = synthRuleFile({ groups: [SecurityAlertGroup.CERTIFICATES] });
      rules.groups[0].rules[0].expr = 'max by (namespace (certmanager_certificate_expiration_timestamp_seconds)';
      expect(checkRules(rules)).toContain('CertificateExpiringSoon');
    });
  });
});
