import { ApiObject, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LeastPrivilegeServiceAccount, PodHardening, SecureNamespace, SecurityAudit } from '../src';
import { expectValidManifests } from './util/schema';

describe('PodHardening on workloads written with cdk8s-plus-27', () => {
  test('a plain cdk8s-plus Deployment gets the restricted pod and container settings cdk8s-plus cannot express', () => {
    const chart = Testing.chart();
    const d = new kplus.Deployment(chart, 'web', {
      containers: [{ image: 'ghcr.io/acme/web:1.0.0', portNumber: 8080 }],
      initContainers: [{ image: 'ghcr.io/acme/migrate:1.0.0', name: 'migrate' }],
    });
    PodHardening.apply(d, { runAsUser: 12000 });
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    const pod = objs.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.securityContext.runAsUser).toBe(12000);
    expect(pod.securityContext.fsGroupChangePolicy).toBe('OnRootMismatch');
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'] });
      expect(c.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.imagePullPolicy).toBe('Always');
    }
  });

  test('a LeastPrivilegeServiceAccount is a ServiceAccount to cdk8s-plus: the workload runs as it and passes the audit', () => {
    const chart = Testing.chart();
    const ns = new SecureNamespace(chart, 'ns', { name: 'batch' });
    const sa = new LeastPrivilegeServiceAccount(ns, 'reindex');
    const job = new kplus.Job(ns, 'reindex-job', {
      metadata: { namespace: 'batch' },
      serviceAccount: sa, // type-checks against kplus.IServiceAccount structurally
      containers: [{ image: 'ghcr.io/acme/reindex:3.1.0' }],
    });
    PodHardening.apply(job);
    const objs = Testing.synth(chart);
    expectValidManifests(objs);
    expect(objs.find((o) => o.kind === 'Job').spec.template.spec.serviceAccountName).toBe('reindex');
    expect(sa.toSubjectConfiguration()).toEqual({ kind: 'ServiceAccount', name: 'reindex', namespace: 'batch' });
    expect([sa.apiVersion, sa.kind, sa.apiGroup, sa.resourceType, sa.resourceName]).toEqual(['v1', 'ServiceAccount', '', 'serviceaccounts', 'reindex']);
    const result = SecurityAudit.of(chart, { writeReports: false, printSummary: false }).audit();
    expect(result.findings.filter((f) => !f.acknowledged && f.severity === 'error')).toEqual([]);
  });

  test('CronJob and Pod templates are found', () => {
    const chart = Testing.chart();
    const job = new kplus.CronJob(chart, 'nightly', { schedule: Cron.daily(), containers: [{ image: 'ghcr.io/acme/job:2.0.0' }] });
    PodHardening.apply(job);
    const pod = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/p:1.0.0' }] } });
    PodHardening.apply(pod);
    const objs = Testing.synth(chart);
    expect(objs.find((o) => o.kind === 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(objs.find((o) => o.kind === 'Pod').spec.containers[0].securityContext.runAsNonRoot).toBe(true);
  });

  test('host namespaces, hostPath and host ports fail synth with the fix', () => {
    const mk = (spec: any) => {
      const chart = Testing.chart();
      PodHardening.apply(new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }));
      return () => Testing.synth(chart);
    };
    expect(mk({ hostNetwork: true, containers: [{ name: 'c', image: 'x:1' }] })).toThrow('test/pod: pod sets hostNetwork: true. Fix: remove hostNetwork');
    expect(mk({ volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'c', image: 'x:1' }] })).toThrow('test/pod: volume "h" is a hostPath. Fix: use a PersistentVolumeClaim');
    expect(mk({ containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 80, hostPort: 80 }] }] })).toThrow('test/pod: container "c" uses hostPort 80. Fix: remove hostPort');
    expect(mk({ containers: [{ name: 'c', image: 'x:1', env: [{ name: 'API_TOKEN', value: 'abc' }] }] })).toThrow('test/pod: container "c" has env var "API_TOKEN" with a literal value that looks like a secret');
  });

  test('ids below 10000 are refused', () => {
    const chart = Testing.chart();
    const pod = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
    expect(() => PodHardening.apply(pod, { fsGroup: 0 })).toThrow('test/pod: fsGroup 0 is out of range. Fix: use an integer from 10000 to 2147483647');
  });

  test('an object without a pod template is refused at synth', () => {
    const chart = Testing.chart();
    PodHardening.apply(new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    expect(() => Testing.synth(chart)).toThrow('test/cm: ConfigMap "c" has no pod template. Fix: apply PodHardening to a Pod or a workload with spec.template');
  });
});
