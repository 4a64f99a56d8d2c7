import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-READINESS-PROBE', () => {
  test('compliant workloads pass; Jobs, CronJobs, run-once Pods and init containers are exempt', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].readinessProbe;
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec: { ...spec, restartPolicy: 'Never' } } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec } } } } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'once', namespace: 'shop' }, spec: { ...spec, restartPolicy: 'Never' } };
    const withInit = compliantPodSpec();
    withInit.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
    expect(findings(RuleIds.CTR_READINESS_PROBE, [...compliantBundle(), job, cron, pod, deployment('api', 'shop', withInit)])).toEqual([]);
  });

  test('flags long-running containers without a readiness probe', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].readinessProbe;
    expect(findings(RuleIds.CTR_READINESS_PROBE, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].readinessProbe', message: 'container "web" has no readinessProbe' },
    ]);
  });
});
