/**
 * The app the scoping tests audit: findings in two namespaces (shop, billing), of several kinds
 * (Deployment, Service, ClusterRole), of both severities, and under three charts, one of them
 * with a `vendor` construct. Each namespace has its default-deny and ServiceAccount, so scoping a
 * kind away must not create findings about the objects left in scope.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { clone, clusterRole, compliantPodSpec, deployment, scaffold } from './util';

function privileged(name: string, ns: string): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return deployment(name, ns, spec);
}

function noLivenessProbe(name: string, ns: string): any {
  const spec = compliantPodSpec();
  delete spec.containers[0].livenessProbe;
  return deployment(name, ns, spec);
}

/** Each group of objects and the construct path they are added under. */
export function scopeFixture(): Array<{ path: string; objects: any[] }> {
  return [
    {
      path: 'shop',
      objects: [...scaffold('shop'), privileged('api', 'shop'), noLivenessProbe('web', 'shop'),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'shop' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } }],
    },
    { path: 'billing', objects: [...scaffold('billing'), privileged('ledger', 'billing'), noLivenessProbe('api', 'billing')] },
    { path: 'platform/vendor', objects: [clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]), privileged('agent', 'billing')] },
  ];
}

/** Every object of the fixture, in order. */
export function scopeManifests(): any[] {
  return scopeFixture().flatMap((g) => g.objects);
}

/** The fixture as an App: charts shop, billing and platform (its objects under platform/vendor). */
export function scopeApp(outdir: string): App {
  const app = new App({ outdir });
  const charts = new Map<string, Chart>();
  for (const group of scopeFixture()) {
    const [chartId, ...rest] = group.path.split('/');
    const chart = charts.get(chartId) ?? new Chart(app, chartId);
    charts.set(chartId, chart);
    const parent = rest.reduce<Construct>((scope, id) => new Construct(scope, id), chart);
    for (const o of group.objects) new ApiObject(parent, `${o.kind}-${o.metadata.name}`, clone(o));
  }
  return app;
}

/** Each finding as `RULE Kind/namespace/name` (`RULE construct:<path>` when it is about no object). */
export function findingKey(f: { ruleId: string; resource?: { kind: string; namespace?: string; name: string }; constructPath?: string }): string {
  const r = f.resource;
  return r ? `${f.ruleId} ${r.kind}/${r.namespace ?? ''}/${r.name}` : `${f.ruleId} construct:${f.constructPath}`;
}

/** The findings of the unscoped audit of the fixture, sorted as the audit sorts them. */
export const ALL_FINDINGS = [
  'SB-CTR-LIVENESS-PROBE Deployment/billing/api',
  'SB-CTR-LIVENESS-PROBE Deployment/shop/web',
  'SB-PSS-PRIVILEGED Deployment/billing/agent',
  'SB-PSS-PRIVILEGED Deployment/billing/ledger',
  'SB-PSS-PRIVILEGED Deployment/shop/api',
  'SB-RBAC-SECRETS ClusterRole//secret-reader',
  'SB-SVC-EXPOSED Service/shop/edge',
];
