/**
 * The panels of SecurityDashboard: a Grafana dashboard model (schemaVersion 39) over the same
 * metrics SecurityAlerts reads (sources cited in src/monitoring/alert-rules.ts). Every query is
 * parsed with the PromQL grammar and evaluated by promtool against the alert tests' series
 * (test/promtool/default/*.test.yaml, `promql_expr_test`).
 */
import { AUDIT_METRIC_PREFIX } from './alert-rules';

/** One query of a panel. */
export interface PanelQuery {
  readonly expr: string;
  readonly legendFormat: string;
  /** An instant query (tables, bar gauges) rather than a range query. */
  readonly instant?: boolean;
}

/** One panel, before layout. */
interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type: 'timeseries' | 'bargauge' | 'stat';
  readonly unit: string;
  readonly queries: PanelQuery[];
  readonly min?: number;
  readonly max?: number;
  /** Threshold colours from the lowest value up (the first step has no value). */
  readonly thresholds?: ReadonlyArray<{ readonly color: string; readonly value?: number }>;
}

const ISTIO_PAIR = 'source_workload_namespace, source_workload, destination_workload_namespace, destination_workload';
const ISTIO_PAIR_LEGEND = '{{source_workload_namespace}}/{{source_workload}} → {{destination_workload_namespace}}/{{destination_workload}}';

/** The panels, in display order. */
export const PANELS: readonly PanelSpec[] = [
  {
    title: 'mTLS coverage per namespace',
    description: 'Share of requests (Istio, at the destination sidecar) and of inbound connections (Linkerd, loopback excluded) that arrived over mutual TLS. Anything below 100% is plaintext inside the mesh (for Linkerd, kubelet probes count as plaintext).',
    type: 'timeseries',
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [
      {
        expr: 'sum by (destination_workload_namespace) (rate(istio_requests_total{reporter="destination",connection_security_policy="mutual_tls"}[5m])) / sum by (destination_workload_namespace) (rate(istio_requests_total{reporter="destination"}[5m]))',
        legendFormat: 'istio {{destination_workload_namespace}}',
      },
      {
        expr: 'sum by (namespace) (rate(tcp_open_total{direction="inbound",peer="src",tls="true"}[5m])) / sum by (namespace) (rate(tcp_open_total{direction="inbound",peer="src",no_tls_reason!="loopback"}[5m]))',
        legendFormat: 'linkerd {{namespace}}',
      },
    ],
  },
  {
    title: 'Plaintext traffic by source → destination',
    description: 'Istio requests whose connection_security_policy is not mutual_tls, and Linkerd inbound connections without a TLS identity (kubelet probes included), per second.',
    type: 'timeseries',
    unit: 'reqps',
    min: 0,
    queries: [
      {
        expr: `sum by (${ISTIO_PAIR}) (rate(istio_requests_total{reporter="destination",connection_security_policy!="mutual_tls"}[5m]))`,
        legendFormat: `istio ${ISTIO_PAIR_LEGEND}`,
      },
      {
        expr: 'sum by (namespace, pod) (rate(tcp_open_total{direction="inbound",peer="src",tls="no_identity",no_tls_reason="no_tls_from_remote"}[5m]))',
        legendFormat: 'linkerd → {{namespace}}/{{pod}}',
      },
    ],
  },
  {
    title: 'Denied requests by source → destination',
    description: 'Requests Istio answers with 403 at the destination, and requests and connections Linkerd denies (client_id is the caller\'s mesh identity, empty for plaintext callers), per second.',
    type: 'timeseries',
    unit: 'reqps',
    min: 0,
    queries: [
      {
        expr: `sum by (${ISTIO_PAIR}) (rate(istio_requests_total{reporter="destination",response_code="403"}[5m]))`,
        legendFormat: `istio ${ISTIO_PAIR_LEGEND}`,
      },
      {
        expr: 'sum by (client_id, namespace, srv_name) (rate(inbound_http_authz_deny_total[5m]))',
        legendFormat: 'linkerd http {{client_id}} → {{namespace}}/{{srv_name}}',
      },
      {
        expr: 'sum by (client_id, namespace, srv_name) (rate(inbound_tcp_authz_deny_total[5m]))',
        legendFormat: 'linkerd tcp {{client_id}} → {{namespace}}/{{srv_name}}',
      },
    ],
  },
  {
    title: 'Admission policy denials, warnings and audits (per 10 minutes)',
    description: 'Requests the API server\'s ValidatingAdmissionPolicies refused (deny) or let through with a warning or an audit annotation: attempts to drift from the baseline.',
    type: 'timeseries',
    unit: 'short',
    min: 0,
    queries: [
      {
        expr: 'sum by (policy, enforcement_action) (increase(apiserver_validating_admission_policy_check_total{enforcement_action!="allow"}[10m]))',
        legendFormat: '{{enforcement_action}} {{policy}}',
      },
    ],
  },
  {
    title: 'Certificates by days to expiry',
    description: 'Days until each cert-manager Certificate expires, soonest first. MtlsService certificates renew 8 hours before expiry, so a bar near zero is a failed renewal.',
    type: 'bargauge',
    unit: 'none',
    min: 0,
    thresholds: [{ color: 'red' }, { color: 'orange', value: 1 }, { color: 'green', value: 7 }],
    queries: [
      {
        expr: 'sort((max by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds > 0) - time()) / 86400)',
        legendFormat: '{{namespace}}/{{name}}',
        instant: true,
      },
    ],
  },
  {
    title: 'NetworkPolicy drops',
    description: 'Packets Cilium drops because a network policy denies them, per second: the agent\'s counter per direction, and Hubble\'s per protocol where Hubble metrics are enabled.',
    type: 'timeseries',
    unit: 'pps',
    min: 0,
    queries: [
      {
        expr: 'sum by (direction) (rate(cilium_drop_count_total{reason=~"Policy denied.*"}[5m]))',
        legendFormat: 'cilium {{direction}}',
      },
      {
        expr: 'sum by (protocol) (rate(hubble_drop_total{reason=~"POLICY_DENIED|POLICY_DENY|Policy denied.*"}[5m]))',
        legendFormat: 'hubble {{protocol}}',
      },
    ],
  },
  {
    title: 'Security audit in CI',
    description: 'Violations found by the last `cdk8s-secure-baseline audit --metrics-file` run each pipeline pushed.',
    type: 'stat',
    unit: 'none',
    thresholds: [{ color: 'green' }, { color: 'red', value: 1 }],
    queries: [
      {
        expr: `max by (job) (${AUDIT_METRIC_PREFIX}_violations)`,
        legendFormat: '{{job}}',
        instant: true,
      },
    ],
  },
];

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function thresholdSteps(t: PanelSpec['thresholds']): any[] {
  return (t ?? [{ color: 'green' }]).map((s) => ({ color: s.color, value: s.value ?? null }));
}

/** The Grafana panel models, laid out two per row (24 columns, 8 rows high). */
export function panelModels(): any[] {
  return PANELS.map((p, i) => ({
    id: i + 1,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: DATASOURCE,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    targets: p.queries.map((q, j) => ({
      refId: String.fromCharCode(65 + j),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legendFormat,
      range: !q.instant,
      instant: q.instant === true,
    })),
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        thresholds: { mode: 'absolute', steps: thresholdSteps(p.thresholds) },
        ...(p.type === 'bargauge' ? { decimals: 1 } : {}),
      },
      overrides: [],
    },
    options: p.type === 'timeseries'
      ? { legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['max', 'lastNotNull'] }, tooltip: { mode: 'multi', sort: 'desc' } }
      : p.type === 'bargauge'
        ? { orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true, reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } }
        : { colorMode: 'background', graphMode: 'none', textMode: 'value_and_name', reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
  }));
}
