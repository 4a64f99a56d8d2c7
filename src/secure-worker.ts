import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CallingWorkload, CallingWorkloadProps } from './calling-workload';
import { HealthCheck } from './health-check';
import { PodLifecycle } from './mesh/types';
import { createPodDisruptionBudget, spreadAndAntiAffinity } from './private/pod-scheduling';
import { fail, show } from './private/validation';

/** Props of a SecureWorker. */
export interface SecureWorkerProps extends CallingWorkloadProps {
  /**
   * Number of replicas (at least 1).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Liveness probe: a command (`HealthCheck.exec`) that fails when the process is wedged and must
   * be restarted. A worker serves no port to callers (a metrics port is Prometheus' only), so port
   * probes are refused.
   * @default - none: the kubelet restarts the container when its process exits, but not when it
   * hangs (the audit and Polaris warn; give a command to detect a hung worker)
   */
  readonly liveness?: HealthCheck;
  /**
   * Readiness probe: a command (`HealthCheck.exec`) that succeeds once the worker is processing
   * (a rollout waits for it before replacing the next pod). Kept distinct from liveness.
   * @default - none: a pod counts as ready when its container has started (the audit and Polaris warn)
   */
  readonly readiness?: HealthCheck;
}

/**
 * A hardened background worker: a Deployment whose pods serve nothing — no Service, no port, no
 * port probes — and call only the services that admitted it with `MtlsService.allowFrom(worker)`.
 * It gets its own LeastPrivilegeServiceAccount, a PodDisruptionBudget, spread over nodes and
 * zones, the namespace mesh, and a NetworkPolicy without ingress. With `metrics`, Prometheus
 * scrapes a metrics port (a headless Service and a ServiceMonitor) and is the only ingress.
 *
 * @example
 * const worker = new SecureWorker(ns, 'mailer', { image: 'ghcr.io/acme/mailer:2.0.1' });
 * smtpRelay.allowFrom(worker);
 */
export class SecureWorker extends CallingWorkload {
  /** The Deployment (escape hatch: `addJsonPatch`; the pod hardening is re-applied after patches). */
  public readonly workload: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: ApiObject;

  constructor(scope: Construct, id: string, props: SecureWorkerProps) {
    super(scope, id);
    let replicas!: number;
    const core = this._init(props, 63, 'it names the Deployment', PodLifecycle.LONG_RUNNING, () => {
      replicas = props.replicas ?? 2;
      if (!Number.isInteger(replicas) || replicas < 1) {
        fail(this, `replicas ${show(replicas)} is below 1`, 'run at least 1 replica (2 or more for availability)');
      }
    });
    const probes: Record<string, any> = {};
    for (const [what, key, check, defaults] of [
      ['readiness probe', 'readinessProbe', props.readiness, { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 3 }],
      ['liveness probe', 'livenessProbe', props.liveness, { initialDelaySeconds: 10, periodSeconds: 15, failureThreshold: 4 }],
    ] as const) {
      if (check === undefined) continue;
      if (!check._isExec) {
        fail(this, `the ${what} probes a port, but a worker opens none`, 'probe with a command: HealthCheck.exec(["/app/healthcheck"]), or leave it out');
      }
      probes[key] = check._render(this, what, 0, defaults);
    }
    if (probes.readinessProbe && JSON.stringify(probes.readinessProbe) === JSON.stringify(probes.livenessProbe)) {
      fail(this, 'the readiness and liveness probes are identical', 'make them differ (e.g. different commands or timings): a failing identical liveness probe restarts pods that are merely busy');
    }
    const container = core.container(props, { ports: this._containerPorts(), probes });
    this.workload = new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: core.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: core.podTemplate(props, container, { tail: spreadAndAntiAffinity(core.selectorLabels) }),
      },
    });
    core.harden(this.workload, props);
    // Draining nodes takes down at most one worker at a time, so the queue keeps moving.
    this.podDisruptionBudget = createPodDisruptionBudget(this, core, replicas);
    this._finish(props);
  }
}
