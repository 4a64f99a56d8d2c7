/**
 * The audit's result as a Prometheus text-format metrics file (exposition format 0.0.4), written
 * by `cdk8s-secure-baseline audit --metrics-file FILE` so that a pipeline can push it to a
 * Pushgateway (or drop it where node-exporter's textfile collector reads). SecurityAlerts'
 * SECURITY_AUDIT group alerts on these metrics.
 */
import { AUDIT_METRIC_PREFIX } from './alert-rules';
import { AuditResult, Finding, Severity } from '../audit/types';

type Status = 'violation' | 'warning' | 'acknowledged';

function statusOf(f: Finding, failOnWarnings: boolean): Status {
  if (f.acknowledged) return 'acknowledged';
  return f.severity === Severity.ERROR || failOnWarnings ? 'violation' : 'warning';
}

/** A label value escaped as the text format requires (backslash, double quote, line feed). */
function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string, samples: Array<[string, number]>): string {
  const full = `${AUDIT_METRIC_PREFIX}_${name}`;
  return [`# HELP ${full} ${help}`, `# TYPE ${full} gauge`, ...samples.map(([labels, v]) => `${full}${labels} ${v}`)].join('\n') + '\n';
}

/**
 * Renders `result` as metrics. `timestampSeconds` is when the audit ran (Unix seconds, whole);
 * findings are counted by rule, severity and status, sorted so that the file is stable.
 */
export function renderAuditMetrics(result: AuditResult, failOnWarnings: boolean, timestampSeconds: number): string {
  const counts = new Map<string, number>();
  for (const f of result.findings) {
    const key = `{rule="${labelValue(f.ruleId)}",severity="${labelValue(f.severity)}",status="${statusOf(f, failOnWarnings)}"}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const findings = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    gauge('objects', 'Kubernetes objects the last audit read.', [['', result.objectCount]]),
    gauge('violations', 'Findings that fail the audit: unacknowledged errors, and unacknowledged warnings with --fail-on-warnings.', [['', result.violations]]),
    gauge('warnings', 'Unacknowledged warnings.', [['', result.warnings]]),
    gauge('acknowledged', 'Findings acknowledged with a reason.', [['', result.acknowledged]]),
    gauge('passed', '1 when the audit passed, 0 when it failed.', [['', result.passed ? 1 : 0]]),
    gauge('findings', 'Findings by rule, severity and status (violation, warning, acknowledged).', findings),
    gauge('last_run_timestamp_seconds', 'When the audit ran, in seconds since the Unix epoch.', [['', Math.floor(timestampSeconds)]]),
  ].join('');
}
