/**
 * The alerting rules of SecurityAlerts, as plain data (the construct validates its props and
 * wraps these groups in a PrometheusRule).
 *
 * Every metric name and label value below is taken from the exporter's own source or reference
 * documentation, cited next to the rule that reads it. The rules are unit-tested with Prometheus'
 * own engine (`promtool test rules`, test/promtool/) and every PromQL expression is parsed with
 * the official grammar (@prometheus-io/lezer-promql) in test/security-alerts.test.ts.
 */

/** One alerting rule (a PrometheusRule `rules` entry). */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** One rule group. */
export interface AlertRuleGroup {
  readonly name: string;
  readonly rules: AlertRule[];
}

/** Validated settings of SecurityAlerts. */
export interface AlertSettings {
  /** The groups to emit, by their SecurityAlertGroup value, in emission order. */
  readonly groups: readonly string[];
  /** Sorted namespaces to watch; empty for all. */
  readonly namespaces: readonly string[];
  readonly expirySeconds: number;
  readonly graceSeconds: number;
  readonly denialsPerSecond: number;
  readonly ciliumDropsPerSecond: number;
  /** "agent" or "hubble". */
  readonly ciliumDropMetric: string;
  readonly linkerdPlaintextPerSecond: number;
  /** Prefix of the ValidatingAdmissionPolicy names to watch; undefined for all. */
  readonly admissionPolicyPrefix?: string;
  readonly auditMaxAgeSeconds: number;
  readonly criticalSeverity: string;
  readonly warningSeverity: string;
  readonly extraLabels: Record<string, string>;
  readonly runbookBaseUrl: string;
  /** Renders a whole number of seconds as a Go duration ("4h", "1h30m"). */
  readonly duration: (seconds: number) => string;
}

/** The audit's metrics, as `cdk8s-secure-baseline audit --metrics-file` writes them (src/monitoring/audit-metrics.ts). */
export const AUDIT_METRIC_PREFIX = 'cdk8s_secure_baseline_audit';

/** Builds the rule groups for `s`. */
export function alertRuleGroups(s: AlertSettings): AlertRuleGroup[] {
  const nsMatcher = (label: string) => (s.namespaces.length ? `${label}=~"${s.namespaces.join('|')}"` : '');
  const selector = (...matchers: string[]) => {
    const m = matchers.filter(Boolean);
    return m.length ? `{${m.join(',')}}` : '';
  };
  const rule = (alert: string, expr: string, forDuration: string, severity: string, summary: string, description: string): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { ...s.extraLabels, severity },
    annotations: { summary, description, runbook_url: `${s.runbookBaseUrl}#${alert.toLowerCase()}` },
  });
  const critical = s.criticalSeverity;
  const warning = s.warningSeverity;

  const builders: Record<string, () => AlertRuleGroup> = {
    // cert-manager controller metrics (cert-manager pkg/metrics/metrics.go):
    // certmanager_certificate_expiration_timestamp_seconds, ..._renewal_timestamp_seconds and
    // certmanager_certificate_ready_status{condition="True|False|Unknown"}, labelled name, namespace.
    'certificates': () => {
      const cm = nsMatcher('namespace');
      return {
        name: 'security-baseline.certificates',
        rules: [
          rule(
            'CertificateExpiringSoon',
            `max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds${selector(cm)} > 0) - time() < ${s.expirySeconds}`,
            '5m', critical,
            'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}',
            `cert-manager has not renewed the certificate and it expires in less than ${s.duration(s.expirySeconds)}; when it does, mTLS between the workloads that use it fails.`,
          ),
          rule(
            'CertificateRenewalOverdue',
            `time() - max by (namespace, name) (certmanager_certificate_renewal_timestamp_seconds${selector(cm)} > 0) > ${s.graceSeconds}`,
            '5m', warning,
            'Certificate {{ $labels.namespace }}/{{ $labels.name }} is overdue for renewal',
            `cert-manager should have renewed the certificate more than ${s.duration(s.graceSeconds)} ago; check the Certificate's events and its issuer.`,
          ),
          rule(
            'CertificateNotReady',
            `max by (namespace, name) (certmanager_certificate_ready_status${selector(cm, 'condition!="True"')}) == 1`,
            '15m', warning,
            'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready',
            'The Certificate has not been Ready for 15 minutes: its Secret is missing, stale or does not match the spec.',
          ),
        ],
      };
    },
    // Istio standard metrics (istio.io docs/reference/config/metrics): istio_requests_total with
    // reporter, response_code and destination_workload(_namespace).
    'istio-authorization': () => ({
      name: 'security-baseline.istio',
      rules: [rule(
        'IstioAuthorizationDenialsHigh',
        `sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total${selector('reporter="destination"', 'response_code="403"', nsMatcher('destination_workload_namespace'))}[5m])) > ${s.denialsPerSecond}`,
        '5m', warning,
        'Workload {{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }} denies {{ $value | humanize }} requests/s',
        'The destination sidecar answers many requests with 403 (AuthorizationPolicy denials, or 403s of the application itself): a caller without an allowFrom, a misconfigured client, or someone probing.',
      )],
    }),
    // Istio standard metrics (istio.io docs/reference/config/metrics, "Connection Security
    // Policy"): `mutual_tls` when the request arrived over Istio mTLS, reported by the destination;
    // anything else there is cleartext. istio_tcp_connections_opened_total carries the same label
    // for TCP traffic.
    'istio-plaintext': () => {
      const by = 'sum by (source_workload_namespace, source_workload, destination_workload_namespace, destination_workload)';
      const sel = selector('reporter="destination"', 'connection_security_policy!="mutual_tls"', nsMatcher('destination_workload_namespace'));
      return {
        name: 'security-baseline.istio-plaintext',
        rules: [rule(
          'IstioPlaintextTraffic',
          `${by} (rate(istio_requests_total${sel}[5m])) > 0 or ${by} (rate(istio_tcp_connections_opened_total${sel}[5m])) > 0`,
          '5m', critical,
          '{{ $labels.destination_workload_namespace }}/{{ $labels.destination_workload }} receives plaintext traffic from {{ $labels.source_workload_namespace }}/{{ $labels.source_workload }}',
          'The destination sidecar accepts requests or connections without mutual TLS: a PeerAuthentication in PERMISSIVE or DISABLE mode (for the namespace or a port) lets a client outside the mesh talk in cleartext.',
        )],
      };
    },
    // linkerd2-proxy inbound/src/metrics/authz.rs: inbound_http_authz_deny_total,
    // inbound_tcp_authz_deny_total, inbound_tcp_authz_terminate_total, labelled srv_kind, srv_name.
    'linkerd-authorization': () => {
      const sel = selector(nsMatcher('namespace'));
      return {
        name: 'security-baseline.linkerd',
        rules: [
          rule(
            'LinkerdHttpAuthorizationDenialsHigh',
            `sum by (namespace, srv_kind, srv_name) (rate(inbound_http_authz_deny_total${sel}[5m])) > ${s.denialsPerSecond}`,
            '5m', warning,
            'Server {{ $labels.namespace }}/{{ $labels.srv_name }} denies {{ $value | humanize }} HTTP requests/s',
            'Linkerd proxies deny many HTTP requests to this Server (no AuthorizationPolicy admits the caller): a caller without an allowFrom, an unmeshed client, or someone probing.',
          ),
          rule(
            'LinkerdTcpAuthorizationDenialsHigh',
            `sum by (namespace, srv_kind, srv_name) (rate(inbound_tcp_authz_deny_total${sel}[5m])) > ${s.denialsPerSecond}`,
            '5m', warning,
            'Server {{ $labels.namespace }}/{{ $labels.srv_name }} denies {{ $value | humanize }} TCP connections/s',
            'Linkerd proxies refuse many TCP connections to this Server (no AuthorizationPolicy admits the client).',
          ),
          rule(
            'LinkerdConnectionsTerminatedByPolicy',
            `sum by (namespace, srv_kind, srv_name) (rate(inbound_tcp_authz_terminate_total${sel}[5m])) > ${s.denialsPerSecond}`,
            '5m', warning,
            'Server {{ $labels.namespace }}/{{ $labels.srv_name }} terminates {{ $value | humanize }} connections/s after policy changes',
            'Linkerd closes established connections because an authorization change no longer admits them; expected briefly after a policy change, suspicious when it continues.',
          ),
        ],
      };
    },
    // linkerd2-proxy app/core/src/transport/labels.rs: tcp_open_total of accepted connections is
    // labelled direction, peer="src" and tls="true" (with client_id) | "no_identity" (with
    // no_tls_reason) | "disabled" | "opaque"; tls/src/server.rs: no_tls_reason
    // "no_tls_from_remote" is a peer that sent no TLS ClientHello (the others are "loopback",
    // "port_skipped" and "disabled", which are local or configured on purpose).
    'linkerd-plaintext': () => ({
      name: 'security-baseline.linkerd-plaintext',
      rules: [rule(
        'LinkerdPlaintextConnections',
        `sum by (namespace, pod) (rate(tcp_open_total${selector('direction="inbound"', 'peer="src"', 'tls="no_identity"', 'no_tls_reason="no_tls_from_remote"', nsMatcher('namespace'))}[10m])) > ${s.linkerdPlaintextPerSecond}`,
        '10m', warning,
        'Pod {{ $labels.namespace }}/{{ $labels.pod }} accepts {{ $value | humanize }} plaintext connections/s',
        'The Linkerd proxy accepts many inbound connections without a TLS identity: a client outside the mesh, or one that skips its proxy. Kubelet probes are plaintext too, which is why the threshold is above zero.',
      )],
    }),
    // Cilium agent metric cilium_drop_count_total{reason, direction} (Documentation/observability/
    // metrics.rst) and Hubble's hubble_drop_total{reason, protocol}; "Policy denied" is the agent's
    // reason text, POLICY_DENIED / POLICY_DENY the flow.DropReason names Hubble uses.
    'cilium-policy-drops': () => ({
      name: 'security-baseline.cilium',
      rules: [rule(
        'CiliumPolicyDropsHigh',
        s.ciliumDropMetric === 'agent'
          ? `sum by (pod, direction) (rate(cilium_drop_count_total{reason=~"Policy denied.*"}[5m])) > ${s.ciliumDropsPerSecond}`
          : `sum without (instance, pod) (rate(hubble_drop_total{reason=~"POLICY_DENIED|POLICY_DENY|Policy denied.*"}[5m])) > ${s.ciliumDropsPerSecond}`,
        '10m', warning,
        'Cilium drops {{ $value | humanize }} packets/s because a network policy denies them',
        'Many packets are dropped by network policy (default-deny without a matching allow rule): a missing allowFrom or allowEgressTo, a workload reaching for something it should not, or a scan.',
      )],
    }),
    // kube-apiserver staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/metrics/
    // metrics.go: apiserver_validating_admission_policy_check_total{policy, policy_binding,
    // error_type="no_error|compile_error|invalid_error|out_of_budget",
    // enforcement_action="allow|deny|warn|audit"} (BETA stability).
    'admission-policy': () => {
      const metric = 'apiserver_validating_admission_policy_check_total';
      const policy = s.admissionPolicyPrefix === undefined ? '' : `policy=~"${s.admissionPolicyPrefix}-.*"`;
      return {
        name: 'security-baseline.admission',
        rules: [
          rule(
            'AdmissionPolicyDenials',
            `sum by (policy, policy_binding) (increase(${metric}${selector('enforcement_action="deny"', policy)}[10m])) > 0`,
            '0m', warning,
            'Admission policy {{ $labels.policy }} denied {{ $value | humanize }} requests in 10 minutes',
            'The API server refused requests that break the baseline (a privileged pod, a missing default-deny, ...): someone or something tried to drift from it. The audit log names the user and the object.',
          ),
          rule(
            'AdmissionPolicyWarnings',
            `sum by (policy, policy_binding, enforcement_action) (increase(${metric}${selector('enforcement_action=~"warn|audit"', policy)}[10m])) > 0`,
            '0m', warning,
            'Admission policy {{ $labels.policy }} let {{ $value | humanize }} violating requests through with {{ $labels.enforcement_action }}',
            'A binding that only warns or audits admitted requests that break the baseline; the objects are in the cluster now.',
          ),
          rule(
            'AdmissionPolicyErrors',
            `sum by (policy, policy_binding, error_type) (increase(${metric}${selector('error_type!="no_error"', policy)}[10m])) > 0`,
            '0m', warning,
            'Admission policy {{ $labels.policy }} failed to evaluate ({{ $labels.error_type }})',
            'A CEL expression of the policy does not compile, fails or runs out of budget: depending on its failurePolicy, requests are refused or the rule is not enforced.',
          ),
        ],
      };
    },
    // The audit's own metrics file (src/monitoring/audit-metrics.ts), pushed by a pipeline.
    'security-audit': () => ({
      name: 'security-baseline.audit',
      rules: [
        rule(
          'SecurityAuditViolations',
          `${AUDIT_METRIC_PREFIX}_violations > 0`,
          '0m', warning,
          'The last security audit of {{ $labels.job }} found {{ $value }} violations',
          'cdk8s-secure-baseline audit failed on the manifests a pipeline is about to apply (or applied); the report of that run names each finding and its fix.',
        ),
        rule(
          'SecurityAuditStale',
          `time() - ${AUDIT_METRIC_PREFIX}_last_run_timestamp_seconds > ${s.auditMaxAgeSeconds}`,
          '0m', warning,
          'The security audit of {{ $labels.job }} last ran {{ $value | humanizeDuration }} ago',
          `No pipeline has pushed the audit's metrics for more than ${s.duration(s.auditMaxAgeSeconds)}: the audit no longer runs, or no longer reports.`,
        ),
      ],
    }),
  };
  return s.groups.map((g) => builders[g]());
}
