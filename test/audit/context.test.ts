import { compliantPodSpec, findings } from './util';
import { AuditContext, selectorMatches } from '../../src/audit/context';
import { auditManifests } from '../../src/audit/engine';
import { RuleIds } from '../../src/audit/rule-ids';

function privileged(): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return spec;
}

const meta = (name: string) => ({ name, namespace: 'shop' });

describe('pod template discovery', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Pod', metadata: meta('pod'), spec: privileged() },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('rc'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('tpl'), template: { spec: privileged() } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('deploy'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('sts'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('ds'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cron'), spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: privileged() } } } } },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: meta('rollout'), spec: { template: { spec: privileged() } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { spec: 'x' } },
    { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: meta('foreign'), spec: { template: { notASpec: true } } },
  ];

  test('every workload kind is audited at the right path', () => {
    expect(findings(RuleIds.PSS_PRIVILEGED, objects).map(f => `${f.object} ${f.jsonPath}`)).toEqual([
      'CronJob/shop/cron spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
      'DaemonSet/shop/ds spec.template.spec.containers[0].securityContext.privileged',
      'Deployment/shop/deploy spec.template.spec.containers[0].securityContext.privileged',
      'Job/shop/job spec.template.spec.containers[0].securityContext.privileged',
      'Pod/shop/pod spec.containers[0].securityContext.privileged',
      'PodTemplate/shop/tpl template.spec.containers[0].securityContext.privileged',
      'ReplicaSet/shop/rs spec.template.spec.containers[0].securityContext.privileged',
      'ReplicationController/shop/rc spec.template.spec.containers[0].securityContext.privileged',
      'Rollout/shop/rollout spec.template.spec.containers[0].securityContext.privileged',
      'StatefulSet/shop/sts spec.template.spec.containers[0].securityContext.privileged',
    ]);
  });

  test('indexes objects by kind, namespace and name; tolerates junk', () => {
    const ctx = new AuditContext([...objects.map(manifest => ({ manifest })), { manifest: null }, { manifest: 'text' }, { manifest: { kind: 'Thing' } }], {});
    expect(ctx.objects).toHaveLength(objects.length + 1);
    expect(ctx.pods).toHaveLength(10);
    expect(ctx.ofKind('Deployment').map(o => o.group)).toEqual(['apps', 'example.com']);
    expect(ctx.ofKind('Deployment', 'apps').map(o => o.name)).toEqual(['deploy']);
    expect(ctx.inNamespace('Pod', 'shop').map(o => o.name)).toEqual(['pod']);
    expect(ctx.find('batch', 'Job', 'shop', 'job')?.name).toBe('job');
    expect(ctx.find('batch', 'Job', 'other', 'job')).toBeUndefined();
  });
});

describe('pod specs found by shape, wherever they sit', () => {
  /** The exact case of the issue: a KEDA ScaledJob with a privileged hostPID container. */
  const scaledJob = (() => {
    const spec = privileged();
    spec.hostPID = true;
    return {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledJob',
      metadata: meta('queue-worker'),
      spec: { jobTargetRef: { parallelism: 1, template: { metadata: { labels: { app: 'worker' } }, spec } }, triggers: [] },
    };
  })();

  test('a KEDA ScaledJob (spec.jobTargetRef.template.spec) is flagged by the pod rules, with its JSON path', () => {
    expect(findings(RuleIds.PSS_PRIVILEGED, [scaledJob])).toEqual([{
      object: 'ScaledJob/shop/queue-worker',
      jsonPath: 'spec.jobTargetRef.template.spec.containers[0].securityContext.privileged',
      message: expect.stringContaining('web'),
    }]);
    expect(findings(RuleIds.PSS_HOST_NAMESPACES, [scaledJob]).map(f => f.jsonPath)).toEqual(['spec.jobTargetRef.template.spec.hostPID']);
    expect(auditManifests([scaledJob]).passed).toBe(false);
  });

  test('the ScaledJob template runs to completion and takes the template metadata', () => {
    const ctx = new AuditContext([{ manifest: scaledJob }], {});
    expect(ctx.pods.map(p => [p.specPath, p.metadataPath, p.labels, p.runsToCompletion, p.templateOnly])).toEqual([
      ['spec.jobTargetRef.template.spec', 'spec.jobTargetRef.template.metadata', { app: 'worker' }, true, false],
    ]);
  });

  test('one object with several pod specs gets one view each; each is audited', () => {
    const pipeline = {
      apiVersion: 'example.com/v1',
      kind: 'Pipeline',
      metadata: meta('build'),
      spec: { stages: [{ name: 'ok', template: { spec: compliantPodSpec() } }, { name: 'bad', template: { spec: privileged() } }] },
    };
    const ctx = new AuditContext([{ manifest: pipeline }], {});
    expect(ctx.pods.map(p => p.specPath)).toEqual(['spec.stages[0].template.spec', 'spec.stages[1].template.spec']);
    expect(findings(RuleIds.PSS_PRIVILEGED, [pipeline]).map(f => f.jsonPath)).toEqual(['spec.stages[1].template.spec.containers[0].securityContext.privileged']);
  });

  test('run-to-completion and template-only meanings are kept', () => {
    const pod = (restartPolicy?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta('p'), spec: { ...compliantPodSpec(), ...(restartPolicy ? { restartPolicy } : {}) } });
    const views = (m: any) => new AuditContext([{ manifest: m }], {}).pods.map(p => [p.specPath, p.metadataPath, p.runsToCompletion, p.templateOnly]);
    expect(views(pod())).toEqual([['spec', 'metadata', false, false]]);
    expect(views(pod('Never'))).toEqual([['spec', 'metadata', true, false]]);
    expect(views(pod('OnFailure'))).toEqual([['spec', 'metadata', true, false]]);
    expect(views({ apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('t'), template: { spec: compliantPodSpec() } })).toEqual([['template.spec', 'template.metadata', false, true]]);
    expect(views({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('c'), spec: { jobTemplate: { spec: { template: { spec: compliantPodSpec() } } } } }))
      .toEqual([['spec.jobTemplate.spec.template.spec', 'spec.jobTemplate.spec.template.metadata', true, false]]);
    // A custom resource with a jobTemplate (e.g. a scheduler's) runs to completion too; a Deployment does not.
    expect(views({ apiVersion: 'example.com/v1', kind: 'Schedule', metadata: meta('s'), spec: { jobTemplate: { spec: { template: { spec: compliantPodSpec() } } } } })[0][2]).toBe(true);
    expect(views({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('d'), spec: { template: { spec: { ...compliantPodSpec(), restartPolicy: 'Never' } } } })[0][2]).toBe(false);
  });

  test('policy objects hold pod patterns, not pods', () => {
    const kyverno = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [{ validate: { pattern: { spec: privileged() } } }] } };
    expect(new AuditContext([{ manifest: kyverno }], {}).pods).toEqual([]);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'web', tier: 'frontend' };
  test.each([
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'api' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, false],
    [{ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, false],
  ])('%j -> %s', (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});
