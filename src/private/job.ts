import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { boundedInteger, wholeSeconds } from './workload-validation';

/** The run-to-completion settings a Job and a CronJob's job template share. */
export interface JobSettings {
  readonly backoffLimit?: number;
  readonly activeDeadline?: Duration;
  readonly ttlAfterFinished?: Duration;
}

/** Defaults of the Job settings. */
export const JOB_DEFAULTS = {
  backoffLimit: 3,
  activeDeadline: Duration.hours(1),
  ttlAfterFinished: Duration.days(1),
};

/** The validated Job spec fields (besides the template). */
export function jobSpecFields(scope: IConstruct, s: JobSettings): Record<string, number> {
  return {
    backoffLimit: boundedInteger(scope, 'backoffLimit', s.backoffLimit ?? JOB_DEFAULTS.backoffLimit, 0, 100,
      'each retry reruns the whole pod; a failing job should fail fast rather than retry for hours'),
    activeDeadlineSeconds: wholeSeconds(scope, 'activeDeadline', s.activeDeadline ?? JOB_DEFAULTS.activeDeadline, 1, 7 * 86400,
      'a Job that hangs is killed after it (at most a week)'),
    ttlSecondsAfterFinished: wholeSeconds(scope, 'ttlAfterFinished', s.ttlAfterFinished ?? JOB_DEFAULTS.ttlAfterFinished, 0, 30 * 86400,
      'finished Jobs and their pods are deleted after it (at most 30 days)'),
  };
}
