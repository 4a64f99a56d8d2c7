import { Testing } from 'cdk8s';
import { CiliumDropMetric, SecureNamespace, SecurityAlerts, SecurityDashboard, SecurityDashboardProps } from '../src';
import { synthAndValidate } from './util/schema';

/** The official Prometheus PromQL grammar (@prometheus-io/lezer-promql, CommonJS build). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const promql = require('@prometheus-io/lezer-promql');

/** Syntax error offsets and the metric names a query reads, from the PromQL grammar's tree. */
function parse(expr: string): { errors: number[]; metrics: string[] } {
  const errors: number[] = [];
  const metrics: string[] = [];
  promql.parser.parse(expr).iterate({
    enter: (n: any) => {
      if (n.type.isError) errors.push(n.from);
      if (n.type.name === 'Identifier' && n.node.parent?.type.name === 'VectorSelector') metrics.push(expr.slice(n.from, n.to));
    },
  });
  return { errors, metrics };
}

function synth(props: SecurityDashboardProps = {}) {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, 'Monitoring', { name: 'monitoring' });
  const construct = new SecurityDashboard(ns, 'Dashboard', props);
  const cm = synthAndValidate(chart).find((o) => o.kind === 'ConfigMap' && o.metadata.name === (props.name ?? 'security-baseline-dashboard'));
  return { construct, cm, dashboard: JSON.parse(Object.values(cm.data)[0] as string) };
}

function targets(dashboard: any): any[] {
  return dashboard.panels.flatMap((p: any) => p.targets);
}

describe('SecurityDashboard defaults', () => {
  const { construct, cm, dashboard } = synth();

  test('snapshot', () => {
    expect(cm.metadata).toMatchSnapshot();
    expect(dashboard).toMatchSnapshot();
  });

  test('a ConfigMap the kube-prometheus-stack Grafana sidecar loads: label grafana_dashboard "1", one JSON file', () => {
    expect(cm.metadata).toEqual({ name: 'security-baseline-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' } });
    expect(Object.keys(cm.data)).toEqual(['security-baseline.json']);
    expect(cm.data['security-baseline.json']).toBe(construct.dashboardJson);
    expect(dashboard).toMatchObject({ uid: 'security-baseline', title: 'Security baseline', schemaVersion: 39, editable: false });
  });

  test('panels: mTLS coverage, plaintext and denied traffic, admission denials, certificates, NetworkPolicy drops, the audit', () => {
    expect(dashboard.panels.map((p: any) => [p.id, p.type, p.title])).toEqual([
      [1, 'timeseries', 'mTLS coverage per namespace'],
      [2, 'timeseries', 'Plaintext traffic by source → destination'],
      [3, 'timeseries', 'Denied requests by source → destination'],
      [4, 'timeseries', 'Admission policy denials, warnings and audits (per 10 minutes)'],
      [5, 'bargauge', 'Certificates by days to expiry'],
      [6, 'timeseries', 'NetworkPolicy drops'],
      [7, 'stat', 'Security audit in CI'],
    ]);
    expect(dashboard.panels[0].fieldConfig.defaults).toMatchObject({ unit: 'percentunit', min: 0, max: 1 });
    expect(dashboard.panels[4].targets[0]).toMatchObject({ instant: true, range: false, legendFormat: '{{namespace}}/{{name}}' });
    // Two panels per row, none overlapping.
    expect(dashboard.panels.map((p: any) => `${p.gridPos.x},${p.gridPos.y}`)).toEqual(['0,0', '12,0', '0,8', '12,8', '0,16', '12,16', '0,24']);
  });

  test('every query uses the data source variable, which lists Prometheus data sources', () => {
    expect(dashboard.templating.list).toEqual([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]);
    for (const p of dashboard.panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(targets(dashboard).map((t) => t.refId)).toEqual(['A', 'B', 'A', 'B', 'A', 'B', 'C', 'A', 'A', 'A', 'B', 'A']);
  });

  test('every query parses with the official PromQL grammar and reads only metrics SecurityAlerts alerts on', () => {
    const alertMetrics = new Set([{}, { ciliumDropMetric: CiliumDropMetric.HUBBLE }].flatMap((props) => {
      const chart = Testing.chart();
      const alerts = new SecurityAlerts(chart, 'Alerts', { namespace: 'monitoring', ...props });
      return alerts.prometheusRule.toJson().spec.groups.flatMap((g: any) => g.rules.flatMap((r: any) => parse(r.expr).metrics));
    }));
    for (const t of targets(dashboard)) {
      const { errors, metrics } = parse(t.expr);
      expect([t.expr, errors]).toEqual([t.expr, []]);
      expect(metrics.length).toBeGreaterThan(0);
      for (const m of metrics) expect([t.expr, alertMetrics.has(m)]).toEqual([t.expr, true]);
    }
  });

  test('the grammar check catches a broken query', () => {
    expect(parse('sum by (namespace (rate(tcp_open_total[5m]))').errors.length).toBeGreaterThan(0);
    expect(parse('max by (job) (cdk8s_secure_baseline_audit_violations)').metrics).toEqual(['cdk8s_secure_baseline_audit_violations']);
  });

  test('deterministic: the same JSON text on every synth, indented, ending with a newline', () => {
    const again = synth();
    expect(again.cm.data['security-baseline.json']).toBe(cm.data['security-baseline.json']);
    expect(construct.dashboardJson).toBe(`${JSON.stringify(dashboard, undefined, 2)}\n`);
  });
});

describe('SecurityDashboard options', () => {
  test('name, title, uid and the sidecar label are configurable; outside a SecureNamespace the namespace is given', () => {
    const { cm, dashboard } = synth({ name: 'shop-security', title: 'Shop security', uid: 'shop_security-1', sidecarLabel: 'grafana.example.com/dashboard', sidecarLabelValue: 'shop' });
    expect(cm.metadata.labels).toEqual({ 'grafana.example.com/dashboard': 'shop' });
    expect(Object.keys(cm.data)).toEqual(['shop_security-1.json']);
    expect(dashboard).toMatchObject({ title: 'Shop security', uid: 'shop_security-1' });

    const chart = Testing.chart();
    new SecurityDashboard(chart, 'Dashboard', { namespace: 'grafana' });
    expect(synthAndValidate(chart)[0].metadata).toEqual({ name: 'security-baseline-dashboard', namespace: 'grafana', labels: { grafana_dashboard: '1' } });
  });

  test.each([
    [{ name: 'Dashboard' }, 'test/Monitoring/Dashboard: name "Dashboard" is not a valid DNS-1123 subdomain'],
    [{ namespace: 'Grafana' }, 'test/Monitoring/Dashboard: namespace "Grafana" is not a valid DNS-1123 label'],
    [{ title: ' ' }, 'test/Monitoring/Dashboard: title " " is empty or longer than 200 characters. Fix: give a short title, e.g. "Security baseline"'],
    [{ uid: 'security baseline' }, 'test/Monitoring/Dashboard: uid "security baseline" is not a valid Grafana dashboard uid. Fix: use at most 40 letters, digits, "-" and "_"'],
    [{ uid: 'x'.repeat(41) }, `test/Monitoring/Dashboard: uid "${'x'.repeat(41)}" is not a valid Grafana dashboard uid`],
    [{ sidecarLabel: 'grafana dashboard' }, 'test/Monitoring/Dashboard: sidecarLabel "grafana dashboard" is not a valid Kubernetes label key. Fix: use the label of `grafana.sidecar.dashboards.label`, e.g. "grafana_dashboard"'],
    [{ sidecarLabelValue: 'yes please' }, 'test/Monitoring/Dashboard: sidecarLabelValue "yes please" is not a valid Kubernetes label value. Fix: use the value of `grafana.sidecar.dashboards.labelValue`, e.g. "1"'],
  ])('bad input %j', (props, message) => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Monitoring', { name: 'monitoring' });
    expect(() => new SecurityDashboard(ns, 'Dashboard', props as SecurityDashboardProps)).toThrow(message);
  });

  test('outside a SecureNamespace without a namespace', () => {
    expect(() => new SecurityDashboard(Testing.chart(), 'Dashboard'))
      .toThrow('test/Dashboard: has no namespace. Fix: create it inside a SecureNamespace or give `namespace` (Grafana\'s, or any when the sidecar searches all namespaces)');
  });
});
