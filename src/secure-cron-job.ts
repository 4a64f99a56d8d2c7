import { ApiObject, Cron, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CallingWorkload, CallingWorkloadProps } from './calling-workload';
import { PodLifecycle } from './mesh/types';
import { jobSpecFields } from './private/job';
import { fail, show } from './private/validation';
import { boundedInteger, wholeSeconds } from './private/workload-validation';
import { JobOptions } from './secure-job';

/** What a CronJob does when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run. The default: two runs of a batch job rarely expect each other. */
  FORBID = 'Forbid',
  /** Stop the running one and start the new one. */
  REPLACE = 'Replace',
  /** Run both. */
  ALLOW = 'Allow',
}

/** Props of a SecureCronJob. */
export interface SecureCronJobProps extends CallingWorkloadProps, JobOptions {
  /** When to run, e.g. `Cron.daily()` or `Cron.schedule({ minute: '30', hour: '2' })`. */
  readonly schedule: Cron;
  /**
   * The IANA time zone the schedule is read in.
   * @default "Etc/UTC" - independent of the control plane's local time
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs.
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * How late a run may still start (after a control-plane outage, say); later runs are skipped
   * (10 seconds, the controller's resolution, to 1 day).
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished successful Jobs kept (0 to 100; `ttlAfterFinished` may delete them earlier).
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept for inspection (0 to 100; `ttlAfterFinished` may delete them earlier).
   * @default 1
   */
  readonly failedJobsHistoryLimit?: number;
}

const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/**
 * A hardened CronJob: the same pod as a SecureJob, on a schedule read in an explicit time zone,
 * with `concurrencyPolicy: Forbid`, a starting deadline and bounded history by default.
 *
 * @example
 * const report = new SecureCronJob(ns, 'nightly-report', {
 *   image: 'ghcr.io/acme/report:3.2.0',
 *   schedule: Cron.schedule({ minute: '30', hour: '2' }),
 * });
 * orders.allowFrom(report);
 */
export class SecureCronJob extends CallingWorkload {
  /** The CronJob (escape hatch: `addJsonPatch`; the pod hardening is re-applied after patches). */
  public readonly workload: ApiObject;

  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id);
    let spec!: Record<string, any>;
    let job!: Record<string, number>;
    const core = this._init(props, 52, 'it names the CronJob, whose Jobs append 11 characters', PodLifecycle.RUN_TO_COMPLETION, () => {
      const schedule = props.schedule?.expressionString;
      if (typeof schedule !== 'string' || schedule.trim().split(/\s+/).length !== 5) {
        fail(this, `schedule ${show(schedule)} is not a five-field cron expression`, 'use Cron.daily(), Cron.hourly() or Cron.schedule({ minute, hour, day, month, weekDay })');
      }
      const timeZone = props.timeZone ?? 'Etc/UTC';
      if (typeof timeZone !== 'string' || !TIME_ZONE.test(timeZone) || timeZone === 'Local' || timeZone.length > 64) {
        fail(this, `timeZone ${show(timeZone)} is not an IANA time zone name`, 'write a zone of the tz database, e.g. "Europe/Berlin" or "Etc/UTC"');
      }
      const concurrencyPolicy = props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID;
      if (!Object.values(ConcurrencyPolicy).includes(concurrencyPolicy)) {
        fail(this, `concurrencyPolicy ${show(concurrencyPolicy)} is not a concurrency policy`, 'use ConcurrencyPolicy.FORBID, REPLACE or ALLOW');
      }
      spec = {
        schedule,
        timeZone,
        concurrencyPolicy,
        startingDeadlineSeconds: wholeSeconds(this, 'startingDeadline', props.startingDeadline ?? Duration.minutes(5), 10, 86400,
          'the controller checks schedules every 10 seconds, and a run later than a day is better skipped'),
        successfulJobsHistoryLimit: boundedInteger(this, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit ?? 3, 0, 100, 'finished Jobs and their pods take space in etcd'),
        failedJobsHistoryLimit: boundedInteger(this, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit ?? 1, 0, 100, 'finished Jobs and their pods take space in etcd'),
      };
      job = jobSpecFields(this, props);
    });
    this.workload = new ApiObject(this, 'CronJob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        ...spec,
        jobTemplate: {
          metadata: { labels: core.labels },
          spec: {
            ...job,
            template: core.podTemplate(props, core.container(props, { ports: this._containerPorts() }), { head: { restartPolicy: 'Never' } }),
          },
        },
      },
    });
    core.harden(this.workload, props);
    this._finish(props);
  }
}
