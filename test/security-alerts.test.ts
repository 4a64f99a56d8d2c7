import { Duration, Testing } from 'cdk8s';
import { CiliumDropMetric, SecureNamespace, SecurityAlertGroup, SecurityAlerts, SecurityAlertsProps } from '../src';
import { synthAndValidate } from './util/schema';
import { VARIANTS } from '../scripts/promtool';

/**
 * The official Prometheus PromQL grammar (@prometheus-io/lezer-promql, CommonJS build): every alert
 * expression must parse without an error node.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const promql = require('@prometheus-io/lezer-promql');

/** Offsets of the syntax errors the PromQL grammar finds in `expr` (empty when valid). */
function promqlErrors(expr: string): number[] {
  const tree = promql.parser.parse(expr);
  const errors: number[] = [];
  tree.iterate({ enter: (n: any) => { if (n.type.isError) errors.push(n.from); } });
  return errors;
}

/** The metrics each group may read (verified against the exporters' sources, see docs/security-alerts.md). */
const KNOWN_METRICS = new Set([
  'certmanager_certificate_expiration_timestamp_seconds',
  'certmanager_certificate_renewal_timestamp_seconds',
  'certmanager_certificate_ready_status',
  'istio_requests_total',
  'istio_tcp_connections_opened_total',
  'inbound_http_authz_deny_total',
  'inbound_tcp_authz_deny_total',
  'inbound_tcp_authz_terminate_total',
  'cilium_drop_count_total',
  'hubble_drop_total',
  'tcp_open_total',
  'apiserver_validating_admission_policy_check_total',
  'cdk8s_secure_baseline_audit_violations',
  'cdk8s_secure_baseline_audit_last_run_timestamp_seconds',
]);
const PROMQL_WORDS = new Set(['sum', 'max', 'by', 'without', 'rate', 'increase', 'time', 'on', 'and', 'or', 'unless']);

/** Structural checks that hold with or without the grammar: balanced brackets, closed strings, known metrics. */
function structuralProblems(expr: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let inString = false;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) problems.push(`unbalanced ${ch} at ${i}`);
  }
  if (inString) problems.push('unterminated string');
  if (stack.length) problems.push(`unclosed ${stack.join('')}`);
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '$1 ()').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]');
  const metrics = (withoutStrings.match(/[a-z_][a-z0-9_]*(?=\s*[{[)]|\s*$|\s*[-<>=+*/])/g) ?? [])
    .filter((w) => !PROMQL_WORDS.has(w) && w.includes('_'));
  for (const m of metrics) if (!KNOWN_METRICS.has(m)) problems.push(`unknown metric ${m}`);
  if (metrics.length === 0) problems.push('no metric');
  return problems;
}

function synth(props: SecurityAlertsProps = {}) {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, 'Monitoring', { name: 'monitoring' });
  const alerts = new SecurityAlerts(ns, 'Alerts', props);
  const objs = synthAndValidate(chart);
  return { alerts, rule: objs.find((o) => o.kind === 'PrometheusRule') };
}

function rules(rule: any): any[] {
  return rule.spec.groups.flatMap((g: any) => g.rules);
}

function allExpressions(): string[] {
  const variants: SecurityAlertsProps[] = [
    ...Object.values(VARIANTS),
    { namespaces: ['shop-data'], ciliumDropMetric: CiliumDropMetric.AGENT, admissionPolicyPrefix: 'secure-baseline' },
    { certificateExpiryThreshold: Duration.days(14), certificateRenewalGrace: Duration.minutes(90) },
  ];
  return variants.flatMap((v) => rules(synth(v).rule).map((r) => r.expr));
}

describe('SecurityAlerts defaults', () => {
  const { alerts, rule } = synth();

  test('snapshot', () => {
    expect(rule).toMatchSnapshot();
  });

  test('a monitoring.coreos.com/v1 PrometheusRule in the SecureNamespace with every group', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata).toEqual({ name: 'security-baseline-alerts', namespace: 'monitoring' });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
      'security-baseline.certificates', 'security-baseline.istio', 'security-baseline.istio-plaintext',
      'security-baseline.linkerd', 'security-baseline.linkerd-plaintext', 'security-baseline.cilium',
      'security-baseline.admission', 'security-baseline.audit',
    ]);
    expect(alerts.alertNames).toEqual([
      'CertificateExpiringSoon', 'CertificateRenewalOverdue', 'CertificateNotReady',
      'IstioAuthorizationDenialsHigh', 'IstioPlaintextTraffic',
      'LinkerdHttpAuthorizationDenialsHigh', 'LinkerdTcpAuthorizationDenialsHigh', 'LinkerdConnectionsTerminatedByPolicy',
      'LinkerdPlaintextConnections',
      'CiliumPolicyDropsHigh',
      'AdmissionPolicyDenials', 'AdmissionPolicyWarnings', 'AdmissionPolicyErrors',
      'SecurityAuditViolations', 'SecurityAuditStale',
    ]);
  });

  test('certificate alerts: expiry within 4h is critical; renewal overdue and not ready are warnings', () => {
    const [expiring, overdue, notReady] = rules(rule);
    expect(expiring.expr).toBe('max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds > 0) - time() < 14400');
    expect(expiring.labels).toEqual({ severity: 'critical' });
    expect(overdue.expr).toBe('time() - max by (namespace, name) (certmanager_certificate_renewal_timestamp_seconds > 0) > 3600');
    expect(notReady.expr).toBe('max by (namespace, name) (certmanager_certificate_ready_status{condition!="True"}) == 1');
    expect(notReady.for).toBe('15m');
    expect(notReady.labels).toEqual({ severity: 'warning' });
  });

  test('mesh and CNI denials: Istio 403s at the destination, Linkerd HTTP and TCP denials and terminations, Cilium policy drops', () => {
    const byName = Object.fromEntries(rules(rule).map((r) => [r.alert, r.expr]));
    expect(byName.IstioAuthorizationDenialsHigh).toBe('sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total{reporter="destination",response_code="403"}[5m])) > 1');
    expect(byName.LinkerdHttpAuthorizationDenialsHigh).toBe('sum by (namespace, srv_kind, srv_name) (rate(inbound_http_authz_deny_total[5m])) > 1');
    expect(byName.LinkerdTcpAuthorizationDenialsHigh).toBe('sum by (namespace, srv_kind, srv_name) (rate(inbound_tcp_authz_deny_total[5m])) > 1');
    expect(byName.LinkerdConnectionsTerminatedByPolicy).toBe('sum by (namespace, srv_kind, srv_name) (rate(inbound_tcp_authz_terminate_total[5m])) > 1');
    expect(byName.CiliumPolicyDropsHigh).toBe('sum by (pod, direction) (rate(cilium_drop_count_total{reason=~"Policy denied.*"}[5m])) > 5');
  });

  test('plaintext inside the mesh: Istio requests and connections not over mutual TLS, Linkerd connections without TLS identity', () => {
    const byName = Object.fromEntries(rules(rule).map((r) => [r.alert, r]));
    const by = 'sum by (source_workload_namespace, source_workload, destination_workload_namespace, destination_workload)';
    expect(byName.IstioPlaintextTraffic.expr).toBe(
      `${by} (rate(istio_requests_total{reporter="destination",connection_security_policy!="mutual_tls"}[5m])) > 0`
      + ` or ${by} (rate(istio_tcp_connections_opened_total{reporter="destination",connection_security_policy!="mutual_tls"}[5m])) > 0`);
    expect(byName.IstioPlaintextTraffic.labels).toEqual({ severity: 'critical' });
    expect(byName.LinkerdPlaintextConnections.expr).toBe('sum by (namespace, pod) (rate(tcp_open_total{direction="inbound",peer="src",tls="no_identity",no_tls_reason="no_tls_from_remote"}[10m])) > 1');
    expect(byName.LinkerdPlaintextConnections.for).toBe('10m');
  });

  test('admission policy denials, warnings and errors, and the audit in CI, fire at once', () => {
    const byName = Object.fromEntries(rules(rule).map((r) => [r.alert, r]));
    const metric = 'apiserver_validating_admission_policy_check_total';
    expect(byName.AdmissionPolicyDenials.expr).toBe(`sum by (policy, policy_binding) (increase(${metric}{enforcement_action="deny"}[10m])) > 0`);
    expect(byName.AdmissionPolicyWarnings.expr).toBe(`sum by (policy, policy_binding, enforcement_action) (increase(${metric}{enforcement_action=~"warn|audit"}[10m])) > 0`);
    expect(byName.AdmissionPolicyErrors.expr).toBe(`sum by (policy, policy_binding, error_type) (increase(${metric}{error_type!="no_error"}[10m])) > 0`);
    expect(byName.SecurityAuditViolations.expr).toBe('cdk8s_secure_baseline_audit_violations > 0');
    expect(byName.SecurityAuditStale.expr).toBe('time() - cdk8s_secure_baseline_audit_last_run_timestamp_seconds > 604800');
    for (const a of ['AdmissionPolicyDenials', 'AdmissionPolicyWarnings', 'AdmissionPolicyErrors', 'SecurityAuditViolations', 'SecurityAuditStale']) {
      expect([a, byName[a].for, byName[a].labels]).toEqual([a, '0m', { severity: 'warning' }]);
    }
  });

  test('every alert has a severity, a summary, a description and a runbook link to its section', () => {
    for (const r of rules(rule)) {
      expect(r.labels.severity).toMatch(/^(critical|warning)$/);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(r.annotations.runbook_url).toBe(`${SecurityAlerts.DEFAULT_RUNBOOK_BASE_URL}#${r.alert.toLowerCase()}`);
      expect(r.for).toMatch(/^[0-9]+m$/);
    }
  });
});

describe('SecurityAlerts options', () => {
  test('groups select what is emitted, in a fixed order', () => {
    const { alerts } = synth({ groups: [SecurityAlertGroup.CILIUM_POLICY_DROPS, SecurityAlertGroup.CERTIFICATES] });
    expect(alerts.alertNames).toEqual(['CertificateExpiringSoon', 'CertificateRenewalOverdue', 'CertificateNotReady', 'CiliumPolicyDropsHigh']);
  });

  test('namespaces scope the selectors; thresholds, severities, labels and runbooks are configurable', () => {
    const { rule } = synth({
      namespaces: ['shop', 'payments'],
      denialsPerSecond: 0.5,
      certificateExpiryThreshold: Duration.days(2),
      criticalSeverity: 'page',
      warningSeverity: 'ticket',
      labels: { team: 'platform' },
      runbookBaseUrl: 'https://runbooks.example.com/security',
      ruleLabels: { release: 'kube-prometheus-stack' },
      groups: [SecurityAlertGroup.CERTIFICATES, SecurityAlertGroup.ISTIO_AUTHORIZATION, SecurityAlertGroup.LINKERD_AUTHORIZATION],
    });
    expect(rule.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    const byName = Object.fromEntries(rules(rule).map((r) => [r.alert, r]));
    expect(byName.CertificateExpiringSoon.expr).toBe('max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds{namespace=~"payments|shop"} > 0) - time() < 172800');
    expect(byName.CertificateExpiringSoon.labels).toEqual({ team: 'platform', severity: 'page' });
    expect(byName.CertificateNotReady.expr).toBe('max by (namespace, name) (certmanager_certificate_ready_status{namespace=~"payments|shop",condition!="True"}) == 1');
    expect(byName.CertificateNotReady.labels).toEqual({ team: 'platform', severity: 'ticket' });
    expect(byName.IstioAuthorizationDenialsHigh.expr).toBe('sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total{reporter="destination",response_code="403",destination_workload_namespace=~"payments|shop"}[5m])) > 0.5');
    expect(byName.LinkerdHttpAuthorizationDenialsHigh.expr).toBe('sum by (namespace, srv_kind, srv_name) (rate(inbound_http_authz_deny_total{namespace=~"payments|shop"}[5m])) > 0.5');
    expect(byName.IstioAuthorizationDenialsHigh.annotations.runbook_url).toBe('https://runbooks.example.com/security#istioauthorizationdenialshigh');
  });

  test('admissionPolicyPrefix scopes the admission alerts to the baseline\'s policies; auditMaxAge and the Linkerd threshold tune theirs', () => {
    const { rule } = synth({
      admissionPolicyPrefix: 'shop-baseline',
      auditMaxAge: Duration.hours(36),
      linkerdPlaintextConnectionsPerSecond: 0.25,
      namespaces: ['shop'],
      groups: [SecurityAlertGroup.ADMISSION_POLICY, SecurityAlertGroup.SECURITY_AUDIT, SecurityAlertGroup.LINKERD_PLAINTEXT],
    });
    const byName = Object.fromEntries(rules(rule).map((r) => [r.alert, r]));
    expect(byName.AdmissionPolicyDenials.expr).toBe('sum by (policy, policy_binding) (increase(apiserver_validating_admission_policy_check_total{enforcement_action="deny",policy=~"shop-baseline-.*"}[10m])) > 0');
    expect(byName.AdmissionPolicyErrors.expr).toBe('sum by (policy, policy_binding, error_type) (increase(apiserver_validating_admission_policy_check_total{error_type!="no_error",policy=~"shop-baseline-.*"}[10m])) > 0');
    expect(byName.SecurityAuditStale.expr).toBe('time() - cdk8s_secure_baseline_audit_last_run_timestamp_seconds > 129600');
    expect(byName.SecurityAuditStale.annotations.description).toBe("No pipeline has pushed the audit's metrics for more than 36h: the audit no longer runs, or no longer reports.");
    expect(byName.LinkerdPlaintextConnections.expr).toBe('sum by (namespace, pod) (rate(tcp_open_total{direction="inbound",peer="src",tls="no_identity",no_tls_reason="no_tls_from_remote",namespace=~"shop"}[10m])) > 0.25');
    // Namespaces do not scope what has no namespace (API server and CI metrics).
    expect(byName.SecurityAuditViolations.expr).toBe('cdk8s_secure_baseline_audit_violations > 0');
  });

  test('the Hubble drop metric matches both reason spellings (enum name and description)', () => {
    const { rule } = synth({ ciliumDropMetric: CiliumDropMetric.HUBBLE, groups: [SecurityAlertGroup.CILIUM_POLICY_DROPS] });
    expect(rules(rule)[0].expr).toBe('sum without (instance, pod) (rate(hubble_drop_total{reason=~"POLICY_DENIED|POLICY_DENY|Policy denied.*"}[5m])) > 5');
  });

  test('outside a SecureNamespace the namespace is given', () => {
    const chart = Testing.chart();
    new SecurityAlerts(chart, 'Alerts', { namespace: 'monitoring', name: 'baseline' });
    const rule = synthAndValidate(chart)[0];
    expect(rule.metadata).toEqual({ name: 'baseline', namespace: 'monitoring' });
  });

  test.each([
    [{ groups: [] }, 'test/Monitoring/Alerts: groups is empty. Fix: list at least one SecurityAlertGroup, or leave groups out for all of them'],
    [{ groups: ['dns'] as any }, 'test/Monitoring/Alerts: group "dns" is not a SecurityAlertGroup. Fix: use "certificates", "istio-authorization", "istio-plaintext", "linkerd-authorization", "linkerd-plaintext", "cilium-policy-drops", "admission-policy", "security-audit"'],
    [{ groups: [SecurityAlertGroup.CERTIFICATES, SecurityAlertGroup.CERTIFICATES] }, 'test/Monitoring/Alerts: groups ["certificates","certificates"] lists a group twice. Fix: list each group once'],
    [{ namespaces: [] }, 'test/Monitoring/Alerts: namespaces is empty. Fix: list the namespaces to watch, or leave namespaces out to watch every namespace'],
    [{ namespaces: ['Shop'] }, 'test/Monitoring/Alerts: namespaces[0] "Shop" is not a valid DNS-1123 label'],
    [{ name: 'Alerts' }, 'test/Monitoring/Alerts: name "Alerts" is not a valid DNS-1123 subdomain'],
    [{ certificateExpiryThreshold: Duration.seconds(60) }, 'test/Monitoring/Alerts: certificateExpiryThreshold "1m" is out of range. Fix: use a whole number of seconds from 5m to 2160h'],
    [{ certificateRenewalGrace: Duration.millis(61500) }, 'test/Monitoring/Alerts: certificateRenewalGrace "61500ms" is out of range. Fix: use a whole number of seconds from 1m to 720h'],
    [{ denialsPerSecond: 0 }, 'test/Monitoring/Alerts: denialsPerSecond 0 is not a positive number. Fix: give a rate per second above 0, e.g. 0.5 or 5'],
    [{ ciliumDropsPerSecond: Number.NaN }, 'test/Monitoring/Alerts: ciliumDropsPerSecond null is not a positive number'],
    [{ ciliumDropMetric: 'ebpf' as any }, 'test/Monitoring/Alerts: ciliumDropMetric "ebpf" is not supported. Fix: use CiliumDropMetric.AGENT or CiliumDropMetric.HUBBLE'],
    [{ criticalSeverity: 'sev 1' }, 'test/Monitoring/Alerts: criticalSeverity "sev 1" is not a simple label value'],
    [{ labels: { 'team-name': 'x' } }, 'test/Monitoring/Alerts: alert label "team-name" is not a valid Prometheus label name'],
    [{ labels: { severity: 'page' } }, 'test/Monitoring/Alerts: labels sets "severity". Fix: use criticalSeverity and warningSeverity to name severities'],
    [{ runbookBaseUrl: 'http://wiki/runbooks' }, 'test/Monitoring/Alerts: runbookBaseUrl "http://wiki/runbooks" is not an https URL without a fragment'],
    [{ linkerdPlaintextConnectionsPerSecond: -1 }, 'test/Monitoring/Alerts: linkerdPlaintextConnectionsPerSecond -1 is not a positive number. Fix: give a rate per second above 0, e.g. 0.5 or 5'],
    [{ admissionPolicyPrefix: 'Shop_Baseline' }, 'test/Monitoring/Alerts: admissionPolicyPrefix "Shop_Baseline" is not a valid DNS-1123 label. Fix: use at most 40 lowercase letters, digits and \'-\', starting and ending with a letter or digit'],
    [{ auditMaxAge: Duration.minutes(30) }, 'test/Monitoring/Alerts: auditMaxAge "30m" is out of range. Fix: use a whole number of seconds from 1h to 2160h'],
  ])('bad input %j', (props, message) => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'Monitoring', { name: 'monitoring' });
    expect(() => new SecurityAlerts(ns, 'Alerts', props as SecurityAlertsProps)).toThrow(message);
  });

  test('outside a SecureNamespace without a namespace', () => {
    expect(() => new SecurityAlerts(Testing.chart(), 'Alerts'))
      .toThrow('test/Alerts: has no namespace. Fix: create it inside a SecureNamespace or give `namespace` (the namespace your Prometheus reads rules from)');
  });
});

describe('every PromQL expression', () => {
  const expressions = allExpressions();

  test('is structurally sound and reads only known metrics', () => {
    expect(expressions.length).toBeGreaterThan(20);
    for (const e of expressions) expect([e, structuralProblems(e)]).toEqual([e, []]);
  });

  test('the structural check catches broken expressions', () => {
    expect(structuralProblems('sum(rate(istio_requests_total[5m])')).toEqual(['unclosed (']);
    expect(structuralProblems('rate(istio_request_total[5m]) > 1')).toEqual(['unknown metric istio_request_total']);
    expect(structuralProblems('rate(x{a="b}[5m])')).toContain('unterminated string');
  });

  describe('parses with the official Prometheus grammar (@prometheus-io/lezer-promql)', () => {
    test('without syntax errors', () => {
      for (const e of expressions) expect([e, promqlErrors(e)]).toEqual([e, []]);
    });
    test('and the grammar does reject broken PromQL', () => {
      expect(promqlErrors('sum by (namespace) (rate(istio_requests_total[5m]) > 1').length).toBeGreaterThan(0);
      expect(promqlErrors('rate(istio_requests_total{reporter="destination"[5m])').length).toBeGreaterThan(0);
    });
  });
});
