import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { panelModels } from './monitoring/dashboard-panels';
import { registerAppChecks } from './private/app-checks';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './private/validation';
import { SecureNamespace } from './secure-namespace';

/** Props of SecurityDashboard. */
export interface SecurityDashboardProps {
  /**
   * The ConfigMap name.
   * @default "security-baseline-dashboard"
   */
  readonly name?: string;
  /**
   * The namespace of the ConfigMap: Grafana's, or any when the sidecar searches every namespace
   * (kube-prometheus-stack's default, `grafana.sidecar.dashboards.searchNamespace: ALL`).
   * @default - the SecureNamespace the construct is created in; required outside one
   */
  readonly namespace?: string;
  /**
   * The dashboard title.
   * @default "Security baseline"
   */
  readonly title?: string;
  /**
   * The dashboard uid (its URL in Grafana: `/d/<uid>`); also names the JSON file in the ConfigMap.
   * @default "security-baseline"
   */
  readonly uid?: string;
  /**
   * The label the Grafana sidecar selects dashboards by (`grafana.sidecar.dashboards.label`).
   * @default "grafana_dashboard"
   */
  readonly sidecarLabel?: string;
  /**
   * Its value (`grafana.sidecar.dashboards.labelValue`).
   * @default "1"
   */
  readonly sidecarLabelValue?: string;
}

const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * A Grafana dashboard of the baseline's security signals, as a ConfigMap that the Grafana sidecar
 * of kube-prometheus-stack loads (label `grafana_dashboard: "1"`): mTLS coverage per namespace,
 * plaintext and denied traffic by source and destination (Istio, Linkerd), admission policy
 * denials, certificates by days to expiry, NetworkPolicy drops (Cilium, Hubble) and the audit's
 * violations in CI. It reads the metrics SecurityAlerts alerts on; the data source is a variable.
 *
 * @example
 * new SecurityDashboard(monitoringNs, 'Dashboard');
 */
export class SecurityDashboard extends Construct {
  /** The ConfigMap object. */
  public readonly configMap: ApiObject;
  /** The dashboard model (the JSON the ConfigMap carries). */
  public readonly dashboardJson: string;

  constructor(scope: Construct, id: string, props: SecurityDashboardProps = {}) {
    super(scope, id);
    registerAppChecks(this);
    const name = validateDnsSubdomain(this, 'name', props.name ?? 'security-baseline-dashboard');
    const namespace = props.namespace ?? SecureNamespace.tryOf(this)?.name;
    if (namespace === undefined) {
      fail(this, 'has no namespace', 'create it inside a SecureNamespace or give `namespace` (Grafana\'s, or any when the sidecar searches all namespaces)');
    }
    validateDnsLabel(this, 'namespace', namespace);
    const title = props.title ?? 'Security baseline';
    if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
      fail(this, `title ${show(title)} is empty or longer than 200 characters`, 'give a short title, e.g. "Security baseline"');
    }
    const uid = props.uid ?? 'security-baseline';
    if (typeof uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(uid)) {
      fail(this, `uid ${show(uid)} is not a valid Grafana dashboard uid`, 'use at most 40 letters, digits, "-" and "_"');
    }
    const label = props.sidecarLabel ?? 'grafana_dashboard';
    if (typeof label !== 'string' || !LABEL_NAME.test(label) || label.split('/').pop()!.length > 63) {
      fail(this, `sidecarLabel ${show(label)} is not a valid Kubernetes label key`, 'use the label of `grafana.sidecar.dashboards.label`, e.g. "grafana_dashboard"');
    }
    const labelValue = props.sidecarLabelValue ?? '1';
    if (typeof labelValue !== 'string' || !LABEL_VALUE.test(labelValue) || labelValue.length > 63) {
      fail(this, `sidecarLabelValue ${show(labelValue)} is not a valid Kubernetes label value`, 'use the value of `grafana.sidecar.dashboards.labelValue`, e.g. "1"');
    }

    const dashboard = {
      annotations: { list: [] },
      description: 'cdk8s-secure-baseline: mTLS coverage, plaintext and denied traffic, admission denials, certificate expiry, NetworkPolicy drops and the audit in CI.',
      editable: false,
      graphTooltip: 1,
      links: [],
      panels: panelModels(),
      refresh: '1m',
      schemaVersion: 39,
      tags: ['cdk8s-secure-baseline', 'security'],
      templating: {
        list: [{
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
          refresh: 1,
          regex: '',
        }],
      },
      time: { from: 'now-6h', to: 'now' },
      timepicker: {},
      timezone: 'browser',
      title,
      uid,
      version: 1,
    };
    this.dashboardJson = JSON.stringify(dashboard, undefined, 2) + '\n';
    this.configMap = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: { [label]: labelValue } },
      data: { [`${uid}.json`]: this.dashboardJson },
    });
  }
}
