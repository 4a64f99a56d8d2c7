import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ApiServerEndpoint, IServiceAccount, LeastPrivilegeServiceAccount, RbacCheck, SecureNamespace, SecureWorker, Verb } from '../src';
import { runRbacCli } from '../src/rbac/cli';
import * as proof from '../src/rbac/proof';

const REASON = 'The API starts one export Job per request; approved by platform security (SEC-142).';

/** A shop whose API account has declared grants only. */
function shop(outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-check-'))): { app: App; chart: Chart; ns: SecureNamespace; api: IServiceAccount } {
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop');
  const ns = new SecureNamespace(chart, 'ns', { name: 'shop', apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32'], 6443) });
  const api = new SecureWorker(ns, 'api', { image: 'ghcr.io/acme/api:1.0.0' }).serviceAccount;
  api.grant({ apiGroup: 'batch', resources: ['jobs'], verbs: [Verb.CREATE, Verb.GET], reason: REASON });
  api.grantReadSecret('api-db-credentials');
  api.grantRead({ resources: ['configmaps'] });
  return { app, chart, ns, api };
}

function editBinding(chart: Chart, subjects: any[], name = 'api-edit'): ApiObject {
  return new ApiObject(chart, name, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects,
  });
}

const EDIT = 'RoleBinding "shop/api-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in)';

describe('RbacCheck', () => {
  test('declared grants only: zero undeclared, synth passes, rbac.md and rbac.json beside the manifests folder', () => {
    const { app } = shop();
    const check = new RbacCheck(app, 'rbac');
    app.synth();
    expect(check.undeclared).toEqual([]);
    expect(check.summaryLine).toBe('RBAC proof: 2 subjects, 1 holds dangerous capabilities (1 held), 0 undeclared.');
    expect(fs.readdirSync(`${app.outdir}-reports`).sort()).toEqual(['rbac.json', 'rbac.md']);
    const md = fs.readFileSync(path.join(`${app.outdir}-reports`, 'rbac.md'), 'utf-8');
    expect(md).toBe(check.markdownReport);
    expect(md).toContain('| `run-workloads` | yes | in shop | RoleBinding "shop/api" → Role "shop/api" | create on batch/jobs |');
    expect(JSON.parse(fs.readFileSync(path.join(`${app.outdir}-reports`, 'rbac.json'), 'utf-8')).summary).toEqual({ subjects: 2, holding: 1, held: 1, undeclared: 0, undeclaredSubjects: 0, bindings: 1 });
  });

  test('a raw RoleBinding of the account to the built-in edit fails synth, subject by subject, with the fix', () => {
    const { app, chart, api } = shop();
    editBinding(chart, [{ kind: 'ServiceAccount', name: api.name }]);
    const check = new RbacCheck(app, 'rbac', { writeReports: false });
    const message = 'ServiceAccount shop/api (workloads: Deployment shop/api) holds undeclared power: '
      + `impersonate in shop through ${EDIT} (impersonate on serviceaccounts) [construct "shop/api-edit"]; `
      + `read-secrets in shop through ${EDIT} (get, list, watch on secrets) [construct "shop/api-edit"]; `
      + `exec-into-pods in shop through ${EDIT} (get, create on pods/attach, pods/exec, pods/portforward) [construct "shop/api-edit"]; `
      + `proxy-to-pods in shop through ${EDIT} (get, create, update, patch, delete on pods/proxy, services/proxy) [construct "shop/api-edit"]; `
      + `run-workloads in shop through ${EDIT} (create, update, patch on apps/daemonsets, apps/deployments, apps/replicasets, apps/statefulsets, batch/cronjobs, batch/jobs, extensions/daemonsets, extensions/deployments, extensions/replicasets, pods, replicationcontrollers) [construct "shop/api-edit"]; `
      + `create-tokens in shop through ${EDIT} (create on serviceaccounts/token) [construct "shop/api-edit"]; `
      + `change-network-policy in shop through ${EDIT} (create, update, patch, delete, deletecollection on extensions/networkpolicies, networking.k8s.io/networkpolicies) [construct "shop/api-edit"]. `
      + 'Fix: grant only what it needs through LeastPrivilegeServiceAccount, each dangerous grant with a reason (grant({ ..., reason })), '
      + 'or acknowledge it with a reason on the binding or role (annotation ack.cdk8s-secure-baseline.io/SB-RBAC-ESCALATE, ack.cdk8s-secure-baseline.io/SB-RBAC-POD-EXEC, '
      + 'ack.cdk8s-secure-baseline.io/SB-RBAC-POD-PROXY, ack.cdk8s-secure-baseline.io/SB-RBAC-POLICY-MODIFY, ack.cdk8s-secure-baseline.io/SB-RBAC-SECRETS, '
      + 'ack.cdk8s-secure-baseline.io/SB-RBAC-TOKEN-CREATE, ack.cdk8s-secure-baseline.io/SB-RBAC-WORKLOAD-CREATE), or remove the binding';
    let error: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toBe(`Validation failed with the following errors:\n  [rbac] rbac: ${message}`);
    expect(check.undeclared).toEqual([message]);
  });

  test('a group binding to system:serviceaccounts:shop is reported on the group and on every account of the namespace', () => {
    const { app, chart, ns } = shop();
    new LeastPrivilegeServiceAccount(ns, 'batch');
    editBinding(chart, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:shop' }]);
    const check = new RbacCheck(app, 'rbac', { writeReports: false, failOnUndeclared: false });
    app.synth();
    expect(check.undeclared.map((m) => m.slice(0, m.indexOf(' holds')))).toEqual([
      'Group system:serviceaccounts:shop',
      'ServiceAccount shop/api (workloads: Deployment shop/api)',
      'ServiceAccount shop/batch',
      'ServiceAccount shop/default',
    ]);
    expect(check.undeclared[1]).toContain(', as member of Group system:serviceaccounts:shop (get, list, watch on secrets)');
  });

  test('failOnUndeclared: false reports without failing; outdir puts the reports elsewhere', () => {
    const { app, chart, api } = shop();
    editBinding(chart, [{ kind: 'ServiceAccount', name: api.name }]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-out-'));
    const check = new RbacCheck(app, 'rbac', { failOnUndeclared: false, outdir });
    expect(() => app.synth()).not.toThrow();
    expect(check.undeclared).toHaveLength(1);
    expect(fs.existsSync(`${app.outdir}-reports`)).toBe(false);
    expect(fs.readFileSync(path.join(outdir, 'rbac.md'), 'utf-8')).toContain('- **ServiceAccount shop/api**: `impersonate`, `read-secrets`, `exec-into-pods`');
  });

  test('the CLI over the synthesized YAML proves the same as the app (only where objects were read from differs)', () => {
    const { app, chart, api } = shop();
    editBinding(chart, [{ kind: 'ServiceAccount', name: api.name }]);
    const check = new RbacCheck(app, 'rbac', { failOnUndeclared: false });
    app.synth();
    let out = '';
    let err = '';
    const code = runRbacCli(['--format', 'json', '--fail-on-undeclared', app.outdir], { out: (t) => { out += t; }, err: (t) => { err += t; } });
    expect(code).toBe(1);
    expect(err.split('\n').filter((l) => l !== '').map((l) => l.replace(/ \[[^\]]*\]/g, ''))).toEqual(check.undeclared.map((m) => `undeclared: ${m.replace(/ \[[^\]]*\]/g, '')}`));
    const strip = (json: string) => JSON.parse(json, (key, value) => (key === 'location' ? undefined : value));
    expect(strip(out)).toEqual(strip(check.jsonReport!));
  });

  test('analyzes once per app synth, not once per chart; reports are byte-identical across synths', () => {
    const reports = (): string[] => {
      const { app } = shop();
      new Chart(app, 'other');
      new RbacCheck(app, 'rbac');
      app.synth();
      return ['rbac.md', 'rbac.json'].map((f) => fs.readFileSync(path.join(`${app.outdir}-reports`, f), 'utf-8'));
    };
    const spy = jest.spyOn(proof, 'proveRbac');
    const first = reports();
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(reports()).toEqual(first);
  });
});
