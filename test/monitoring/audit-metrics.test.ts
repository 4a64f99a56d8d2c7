import { spawnSync } from 'child_process';
import { findPromtool } from '../../scripts/promtool';
import { AcknowledgementSource, AuditResult, Finding, Severity } from '../../src';
import { renderAuditMetrics } from '../../src/monitoring/audit-metrics';

function finding(ruleId: string, severity: Severity, acknowledged = false): Finding {
  return {
    ruleId,
    severity,
    message: 'm',
    fix: 'f',
    acknowledged,
    ...(acknowledged ? { acknowledgement: { ruleId, reason: 'Scraped by the external monitoring VLAN; ticket NET-412', source: AcknowledgementSource.ANNOTATION } } : {}),
  } as Finding;
}

const result: AuditResult = {
  objectCount: 42,
  findings: [
    finding('SB-POD-PRIVILEGED', Severity.ERROR),
    finding('SB-POD-PRIVILEGED', Severity.ERROR),
    finding('SB-SVC-EXPOSED', Severity.ERROR, true),
    finding('SB-IMAGE-TAG', Severity.WARNING),
  ],
  violations: 2,
  warnings: 1,
  acknowledged: 1,
  passed: false,
};

describe('the audit as Prometheus metrics', () => {
  test('gauges of the totals, findings by rule, severity and status, and when it ran', () => {
    expect(renderAuditMetrics(result, false, 1718000000.9)).toBe([
      '# HELP cdk8s_secure_baseline_audit_objects Kubernetes objects the last audit read.',
      '# TYPE cdk8s_secure_baseline_audit_objects gauge',
      'cdk8s_secure_baseline_audit_objects 42',
      '# HELP cdk8s_secure_baseline_audit_violations Findings that fail the audit: unacknowledged errors, and unacknowledged warnings with --fail-on-warnings.',
      '# TYPE cdk8s_secure_baseline_audit_violations gauge',
      'cdk8s_secure_baseline_audit_violations 2',
      '# HELP cdk8s_secure_baseline_audit_warnings Unacknowledged warnings.',
      '# TYPE cdk8s_secure_baseline_audit_warnings gauge',
      'cdk8s_secure_baseline_audit_warnings 1',
      '# HELP cdk8s_secure_baseline_audit_acknowledged Findings acknowledged with a reason.',
      '# TYPE cdk8s_secure_baseline_audit_acknowledged gauge',
      'cdk8s_secure_baseline_audit_acknowledged 1',
      '# HELP cdk8s_secure_baseline_audit_passed 1 when the audit passed, 0 when it failed.',
      '# TYPE cdk8s_secure_baseline_audit_passed gauge',
      'cdk8s_secure_baseline_audit_passed 0',
      '# HELP cdk8s_secure_baseline_audit_findings Findings by rule, severity and status (violation, warning, acknowledged).',
      '# TYPE cdk8s_secure_baseline_audit_findings gauge',
      'cdk8s_secure_baseline_audit_findings{rule="SB-IMAGE-TAG",severity="warning",status="warning"} 1',
      'cdk8s_secure_baseline_audit_findings{rule="SB-POD-PRIVILEGED",severity="error",status="violation"} 2',
      'cdk8s_secure_baseline_audit_findings{rule="SB-SVC-EXPOSED",severity="error",status="acknowledged"} 1',
      '# HELP cdk8s_secure_baseline_audit_last_run_timestamp_seconds When the audit ran, in seconds since the Unix epoch.',
      '# TYPE cdk8s_secure_baseline_audit_last_run_timestamp_seconds gauge',
      'cdk8s_secure_baseline_audit_last_run_timestamp_seconds 1718000000',
      '',
    ].join('\n'));
  });

  test('with failOnWarnings an unacknowledged warning is a violation; a clean audit has no findings samples', () => {
    expect(renderAuditMetrics(result, true, 0)).toContain('cdk8s_secure_baseline_audit_findings{rule="SB-IMAGE-TAG",severity="warning",status="violation"} 1\n');
    const clean = renderAuditMetrics({ objectCount: 3, findings: [], violations: 0, warnings: 0, acknowledged: 0, passed: true }, false, 0);
    expect(clean).toContain('cdk8s_secure_baseline_audit_passed 1\n');
    expect(clean).toContain('# TYPE cdk8s_secure_baseline_audit_findings gauge\n# HELP cdk8s_secure_baseline_audit_last_run_timestamp_seconds');
  });

  test('label values are escaped as the text format requires', () => {
    const odd = { ...result, findings: [finding('SB-"X"\\\nY', Severity.ERROR)] };
    expect(renderAuditMetrics(odd, false, 0)).toContain('{rule="SB-\\"X\\"\\\\\\nY",severity="error",status="violation"} 1');
  });

  (findPromtool() ? test : test.skip)('promtool check metrics accepts the file', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: renderAuditMetrics(result, false, 1718000000), encoding: 'utf-8' });
    expect([r.status, r.stdout + r.stderr]).toEqual([0, '']);
  });
});
