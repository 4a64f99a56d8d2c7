/**
 * The in-app analyzers (SecurityAudit, Reachability.analyze) and the CLI (audit, reachability
 * over the synthesized YAML) read one object model: for the same objects they must give the same
 * findings and the same extra paths. The app below uses the escape hatches an attacker (or a
 * hurried colleague) would: a `kind: List` holding an allow-all NetworkPolicy, a custom resource
 * embedding a privileged pod spec, a mesh-wide Istio ALLOW-all, egress to 0.0.0.0/0.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Mesh, MtlsService, Reachability, SecureNamespace, SecurityAudit } from '../../src';
import { runCli } from '../../src/cli/audit';
import { runReachabilityCli } from '../../src/reachability/cli';

const IMAGE = 'ghcr.io/acme/api:1.2.3';

function buildApp(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop');
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop', mesh: Mesh.istio() });
  const api = new MtlsService(ns, 'api', { image: IMAGE, port: 8080 });
  api.allowFrom(new MtlsService(ns, 'web', { image: IMAGE, port: 8080 }));
  const extras = new Chart(app, 'extras');
  new ApiObject(extras, 'bundle', {
    apiVersion: 'v1',
    kind: 'List',
    items: [{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-everything', namespace: 'shop' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
    }],
  } as any);
  new ApiObject(extras, 'scaledjob', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: { name: 'drain', namespace: 'shop' },
    spec: {
      jobTargetRef: {
        template: {
          metadata: { labels: { app: 'drain' } },
          spec: { hostPID: true, containers: [{ name: 'drain', image: IMAGE, securityContext: { privileged: true } }] },
        },
      },
      triggers: [],
    },
  } as any);
  new ApiObject(extras, 'mesh-wide', {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'allow-all', namespace: 'istio-system' },
    spec: { action: 'ALLOW', rules: [{}] },
  });
  return app;
}

function key(f: any): string {
  const r = f.resource ?? {};
  return [f.ruleId, r.kind, r.namespace ?? '', r.name, f.jsonPath ?? '', f.message, f.acknowledged === true].join(' | ');
}

describe('in-app analyzers and the CLI agree on the same objects', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agree-'));
  const app = buildApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml'));

  test('the app synthesized its charts', () => {
    expect(files.sort()).toEqual(['extras.k8s.yaml', 'shop.k8s.yaml']);
  });

  test('audit: same findings in the app and from the YAML, and they include every escape hatch', () => {
    const inApp = SecurityAudit.of(app, { writeReports: false, printSummary: false }).audit();
    let out = '';
    const code = runCli(['audit', '--format', 'json', outdir], { stdout: (t) => { out += t; }, stderr: () => undefined });
    const cli = JSON.parse(out);
    expect(code).toBe(1);
    expect(cli.findings.map(key).sort()).toEqual(inApp.findings.map(key).sort());
    const ruleIds = new Set(inApp.findings.filter((f) => !f.acknowledged).map((f) => f.ruleId));
    // The privileged hostPID pod inside the ScaledJob is found where it is.
    expect(inApp.findings).toEqual(expect.arrayContaining([
      expect.objectContaining({ ruleId: 'SB-PSS-PRIVILEGED', resource: expect.objectContaining({ kind: 'ScaledJob' }), jsonPath: 'spec.jobTargetRef.template.spec.containers[0].securityContext.privileged' }),
      expect.objectContaining({ ruleId: 'SB-PSS-HOST-NAMESPACES', resource: expect.objectContaining({ kind: 'ScaledJob' }) }),
    ]));
    // The allow-all policy inside the List and the mesh-wide ALLOW are findings.
    const permissive = inApp.findings.filter((f) => f.resource?.name === 'allow-everything' || f.resource?.name === 'allow-all');
    expect(permissive.length).toBeGreaterThanOrEqual(2);
    expect(ruleIds.size).toBeGreaterThan(2);
  });

  test('reachability: same extra paths in the app and from the YAML, and the List policy opens paths', () => {
    const inApp = Reachability.analyze(app);
    let out = '';
    const code = runReachabilityCli(['--format', 'json', outdir], { out: (t) => { out += t; }, err: () => undefined });
    const cli = JSON.parse(out);
    expect(code).toBe(1);
    const msgs = (paths: any[]) => paths.map((p) => p.message).sort();
    expect(msgs(cli.extraPaths)).toEqual(msgs(inApp.extraPaths));
    expect(inApp.extraPaths.length).toBeGreaterThan(0);
    expect(msgs(inApp.extraPaths).some((m) => /internet|0\.0\.0\.0/.test(m))).toBe(true);
  });
});
