import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CallingWorkload, CallingWorkloadProps } from './calling-workload';
import { PodLifecycle } from './mesh/types';
import { jobSpecFields } from './private/job';

/** How a Job runs to completion: retries, deadline and clean-up. */
export interface JobOptions {
  /**
   * Retries before the Job fails (pods are never restarted in place: `restartPolicy: Never`).
   * @default 3
   */
  readonly backoffLimit?: number;
  /**
   * How long the Job may run, retries included, before it is killed and fails (1 second to 7 days).
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /**
   * How long a finished Job (and its pods and logs) is kept before it is deleted (0 to 30 days).
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
}

/** Props of a SecureJob. */
export interface SecureJobProps extends CallingWorkloadProps, JobOptions {}

/**
 * A hardened run-to-completion Job: one pod at a time, `restartPolicy: Never`, a retry limit, a
 * deadline and a TTL, its own LeastPrivilegeServiceAccount, and a NetworkPolicy without ingress
 * whose egress is DNS plus the services that admitted it (`MtlsService.allowFrom(job)`); with
 * `metrics`, Prometheus scrapes a metrics port while the Job runs and is the only ingress. Sidecar
 * meshes inject their proxy as a native sidecar, so the Job completes when its container exits.
 *
 * @example
 * const migrate = new SecureJob(ns, 'migrate', { image: 'ghcr.io/acme/migrate:1.4.0', backoffLimit: 1 });
 * database.allowFrom(migrate);
 */
export class SecureJob extends CallingWorkload {
  /** The Job (escape hatch: `addJsonPatch`; the pod hardening is re-applied after patches). */
  public readonly workload: ApiObject;

  constructor(scope: Construct, id: string, props: SecureJobProps) {
    super(scope, id);
    let fields!: Record<string, number>;
    const core = this._init(props, 63, 'it names the Job', PodLifecycle.RUN_TO_COMPLETION, () => {
      fields = jobSpecFields(this, props);
    });
    this.workload = new ApiObject(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        ...fields,
        template: core.podTemplate(props, core.container(props, { ports: this._containerPorts() }), { head: { restartPolicy: 'Never' } }),
      },
    });
    core.harden(this.workload, props);
    this._finish(props);
  }
}
