import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { alertRuleGroups } from './monitoring/alert-rules';
import { registerAppChecks } from './private/app-checks';
import { fail, goDuration, show, validateDnsLabel, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';

/** A group of alerts of SecurityAlerts. */
export enum SecurityAlertGroup {
  /** cert-manager certificates near expiry, overdue for renewal, or not ready. */
  CERTIFICATES = 'certificates',
  /** Spikes of requests that Istio sidecars answer with 403 (AuthorizationPolicy denials). */
  ISTIO_AUTHORIZATION = 'istio-authorization',
  /** Requests and connections that Istio sidecars accept without mutual TLS (plaintext inside the mesh). */
  ISTIO_PLAINTEXT = 'istio-plaintext',
  /** Spikes of Linkerd authorization denials (HTTP requests, TCP connections) and policy terminations. */
  LINKERD_AUTHORIZATION = 'linkerd-authorization',
  /** Inbound connections that Linkerd proxies accept without a TLS identity (plaintext inside the mesh). */
  LINKERD_PLAINTEXT = 'linkerd-plaintext',
  /** Spikes of packets that Cilium drops because a network policy denies them. */
  CILIUM_POLICY_DROPS = 'cilium-policy-drops',
  /** ValidatingAdmissionPolicy denials, warnings and evaluation errors reported by the API server (drift attempts). */
  ADMISSION_POLICY = 'admission-policy',
  /** Violations found by `cdk8s-secure-baseline audit --metrics-file` in CI, and an audit that stopped reporting. */
  SECURITY_AUDIT = 'security-audit',
}

/** Which Cilium metric counts policy drops. */
export enum CiliumDropMetric {
  /** The agent's `cilium_drop_count_total` (enabled by default with `prometheus.enabled=true`). */
  AGENT = 'agent',
  /** Hubble's `hubble_drop_total` (needs `hubble.metrics.enabled` to include `drop`). */
  HUBBLE = 'hubble',
}

/** Props of SecurityAlerts. */
export interface SecurityAlertsProps {
  /**
   * The PrometheusRule name.
   * @default "security-baseline-alerts"
   */
  readonly name?: string;
  /**
   * The namespace of the PrometheusRule (one that your Prometheus' `ruleNamespaceSelector` selects).
   * @default - the SecureNamespace the construct is created in; required outside one
   */
  readonly namespace?: string;
  /**
   * The alert groups to include.
   * @default - all of SecurityAlertGroup (an alert on a metric nobody exports never fires)
   */
  readonly groups?: SecurityAlertGroup[];
  /**
   * Only alert on objects in these namespaces.
   * @default - every namespace
   */
  readonly namespaces?: string[];
  /**
   * Alert when a certificate expires in less than this. Keep it below the `renewBefore` of your
   * certificates (MtlsService's default is 8h), so that only a failed renewal fires it.
   * @default Duration.hours(4)
   */
  readonly certificateExpiryThreshold?: Duration;
  /**
   * Alert when a certificate's renewal time has passed by more than this without a renewal.
   * @default Duration.hours(1)
   */
  readonly certificateRenewalGrace?: Duration;
  /**
   * Denied requests (Istio, Linkerd HTTP) or connections (Linkerd TCP) per second, per workload
   * or server, averaged over 5 minutes, above which an alert fires.
   * @default 1
   */
  readonly denialsPerSecond?: number;
  /**
   * Policy-dropped packets per second (per Cilium agent, or per Hubble label set), averaged over
   * 5 minutes, above which an alert fires.
   * @default 5
   */
  readonly ciliumDropsPerSecond?: number;
  /**
   * The Cilium metric to watch.
   * @default CiliumDropMetric.AGENT
   */
  readonly ciliumDropMetric?: CiliumDropMetric;
  /**
   * Inbound connections per second, per pod, averaged over 10 minutes, that a Linkerd proxy
   * accepts without a TLS identity, above which an alert fires. Kubelet probes arrive in
   * plaintext too (about 0.1/s per probe with the default 10s period), so keep it above that.
   * @default 1
   */
  readonly linkerdPlaintextConnectionsPerSecond?: number;
  /**
   * Only alert on ValidatingAdmissionPolicies named `<prefix>-...`: the `namePrefix` of your
   * BaselineAdmissionPolicy.
   * @default - every ValidatingAdmissionPolicy of the cluster
   */
  readonly admissionPolicyPrefix?: string;
  /**
   * Alert when the audit's metrics (pushed by CI with `--metrics-file`) are older than this.
   * @default Duration.days(7)
   */
  readonly auditMaxAge?: Duration;
  /**
   * The `severity` label of alerts that need action now (a certificate about to expire,
   * plaintext traffic inside the mesh).
   * @default "critical"
   */
  readonly criticalSeverity?: string;
  /**
   * The `severity` label of the other alerts.
   * @default "warning"
   */
  readonly warningSeverity?: string;
  /**
   * Extra labels on every alert (e.g. `team`), used by Alertmanager routing.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Base URL of the runbooks: each alert gets `runbook_url: <base>#<alertname in lowercase>`.
   * @default SecurityAlerts.DEFAULT_RUNBOOK_BASE_URL (the runbooks of this library's docs/security-alerts.md)
   */
  readonly runbookBaseUrl?: string;
  /**
   * Extra labels on the PrometheusRule object (e.g. the `release` label a kube-prometheus-stack
   * Prometheus selects rules by).
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Prometheus alerts that matter for this baseline: a `PrometheusRule` (`monitoring.coreos.com/v1`,
 * Prometheus Operator) with certificate alerts (cert-manager: expiring, renewal overdue, not
 * ready), plaintext traffic inside the mesh (Istio, Linkerd), spikes of mesh authorization
 * denials (Istio, Linkerd) and of network policy drops (Cilium), admission policy denials,
 * warnings and errors (drift attempts), and the findings of the audit in CI. Every alert has a
 * severity, a summary, a description and a runbook link; every alert is unit-tested with
 * `promtool test rules`.
 *
 * @example
 * new SecurityAlerts(monitoringNs, 'Alerts', {
 *   groups: [SecurityAlertGroup.CERTIFICATES, SecurityAlertGroup.ISTIO_AUTHORIZATION],
 *   ruleLabels: { release: 'kube-prometheus-stack' },
 * });
 */
export class SecurityAlerts extends Construct {
  /** Where the runbooks of these alerts live by default: the Runbooks section of docs/security-alerts.md on GitHub. */
  public static readonly DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/cdk8s-secure-baseline/cdk8s-secure-baseline/blob/main/docs/security-alerts.md';

  /** The PrometheusRule object. */
  public readonly prometheusRule: ApiObject;
  /** The names of the alerts, in order. */
  public readonly alertNames: string[];

  constructor(scope: Construct, id: string, props: SecurityAlertsProps = {}) {
    super(scope, id);
    registerAppChecks(this);
    const name = validateDnsSubdomain(this, 'name', props.name ?? 'security-baseline-alerts');
    const namespace = props.namespace ?? SecureNamespace.tryOf(this)?.name;
    if (namespace === undefined) {
      fail(this, 'has no namespace', 'create it inside a SecureNamespace or give `namespace` (the namespace your Prometheus reads rules from)');
    }
    validateDnsLabel(this, 'namespace', namespace);

    const groups = props.groups ?? Object.values(SecurityAlertGroup);
    if (groups.length === 0) fail(this, 'groups is empty', 'list at least one SecurityAlertGroup, or leave groups out for all of them');
    for (const g of groups) {
      if (!Object.values(SecurityAlertGroup).includes(g)) {
        fail(this, `group ${show(g)} is not a SecurityAlertGroup`, `use ${Object.values(SecurityAlertGroup).map((v) => show(v)).join(', ')}`);
      }
    }
    if (new Set(groups).size !== groups.length) fail(this, `groups ${show(groups)} lists a group twice`, 'list each group once');

    const namespaces = [...new Set(props.namespaces ?? [])].sort();
    if (props.namespaces !== undefined && namespaces.length === 0) {
      fail(this, 'namespaces is empty', 'list the namespaces to watch, or leave namespaces out to watch every namespace');
    }
    namespaces.forEach((n, i) => validateDnsLabel(this, `namespaces[${i}]`, n));

    const expirySeconds = this.seconds('certificateExpiryThreshold', props.certificateExpiryThreshold ?? Duration.hours(4), 300, 90 * 86400);
    const graceSeconds = this.seconds('certificateRenewalGrace', props.certificateRenewalGrace ?? Duration.hours(1), 60, 30 * 86400);
    const denials = this.rate('denialsPerSecond', props.denialsPerSecond ?? 1);
    const drops = this.rate('ciliumDropsPerSecond', props.ciliumDropsPerSecond ?? 5);
    const dropMetric = props.ciliumDropMetric ?? CiliumDropMetric.AGENT;
    if (!Object.values(CiliumDropMetric).includes(dropMetric)) {
      fail(this, `ciliumDropMetric ${show(dropMetric)} is not supported`, 'use CiliumDropMetric.AGENT or CiliumDropMetric.HUBBLE');
    }
    const linkerdPlaintext = this.rate('linkerdPlaintextConnectionsPerSecond', props.linkerdPlaintextConnectionsPerSecond ?? 1);
    const admissionPolicyPrefix = props.admissionPolicyPrefix === undefined ? undefined : validateDnsLabel(this, 'admissionPolicyPrefix', props.admissionPolicyPrefix, 40);
    const auditMaxAgeSeconds = this.seconds('auditMaxAge', props.auditMaxAge ?? Duration.days(7), 3600, 90 * 86400);
    const critical = this.severity('criticalSeverity', props.criticalSeverity ?? 'critical');
    const warning = this.severity('warningSeverity', props.warningSeverity ?? 'warning');
    const extraLabels = props.labels ?? {};
    for (const k of Object.keys(extraLabels)) {
      if (!LABEL_NAME.test(k) || k.startsWith('__')) fail(this, `alert label ${show(k)} is not a valid Prometheus label name`, 'use letters, digits and underscores, not starting with a digit or "__"');
      if (k === 'severity') fail(this, 'labels sets "severity"', 'use criticalSeverity and warningSeverity to name severities');
    }
    const runbookBase = props.runbookBaseUrl ?? SecurityAlerts.DEFAULT_RUNBOOK_BASE_URL;
    if (!/^https:\/\/[^\s#]+$/.test(runbookBase)) {
      fail(this, `runbookBaseUrl ${show(runbookBase)} is not an https URL without a fragment`, 'give the https URL of the runbook page; each alert appends #<alertname>');
    }

    const ruleGroups = alertRuleGroups({
      groups: Object.values(SecurityAlertGroup).filter((g) => groups.includes(g)),
      namespaces,
      expirySeconds,
      graceSeconds,
      denialsPerSecond: denials,
      ciliumDropsPerSecond: drops,
      ciliumDropMetric: dropMetric,
      linkerdPlaintextPerSecond: linkerdPlaintext,
      admissionPolicyPrefix,
      auditMaxAgeSeconds,
      criticalSeverity: critical,
      warningSeverity: warning,
      extraLabels,
      runbookBaseUrl: runbookBase,
      duration: (seconds) => goDuration(Duration.seconds(seconds))!,
    });

    this.alertNames = ruleGroups.flatMap((g) => g.rules.map((r) => r.alert));
    this.prometheusRule = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name, namespace, ...(props.ruleLabels && Object.keys(props.ruleLabels).length ? { labels: { ...props.ruleLabels } } : {}) },
      spec: { groups: ruleGroups },
    });
  }

  private seconds(what: string, d: Duration, min: number, max: number): number {
    const ms = d.toMilliseconds();
    if (!Number.isFinite(ms) || ms % 1000 !== 0 || ms / 1000 < min || ms / 1000 > max) {
      const value = ms > 0 && ms % 1000 === 0 ? goDuration(d) : `${ms}ms`;
      fail(this, `${what} ${show(value)} is out of range`, `use a whole number of seconds from ${goDuration(Duration.seconds(min))} to ${goDuration(Duration.seconds(max))}`);
    }
    return ms / 1000;
  }

  private rate(what: string, value: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      fail(this, `${what} ${show(value)} is not a positive number`, 'give a rate per second above 0, e.g. 0.5 or 5');
    }
    return value;
  }

  private severity(what: string, value: string): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) {
      fail(this, `${what} ${show(value)} is not a simple label value`, 'use letters, digits, "_", "-" or ".", e.g. "critical" or "page"');
    }
    return value;
  }
}
