import { compliantPodSpec, findings } from './util';
import { AuditContext, selectorMatches } from '../../src/audit/context';
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
