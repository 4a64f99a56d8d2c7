import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { clusterRole, clusterRoleBinding, deployment, group, role, roleBinding, sa, serviceAccount, user } from './proof-util';
import { USAGE, runCli } from '../../src/cli/audit';
import { RBAC_USAGE, WHO_CAN_USAGE } from '../../src/rbac/cli';
import { isClusterScoped, parseResourceArg } from '../../src/rbac/who-can';

function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

const FIXTURE = [
  deployment('shop', 'api', 'api'),
  serviceAccount('shop', 'batch'),
  roleBinding('shop', 'api-edit', { kind: 'ClusterRole', name: 'edit' }, [sa('shop', 'api')]),
  role('shop', 'reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db', 'api'] }]),
  roleBinding('shop', 'reader', { kind: 'Role', name: 'reader' }, [group('system:serviceaccounts:shop')]),
  clusterRole('ops', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }, { apiGroups: [''], resources: ['nodes', 'namespaces'], verbs: ['get', 'delete'] }]),
  clusterRoleBinding('auditors', { kind: 'ClusterRole', name: 'ops' }, [user('auditor')]),
  roleBinding('pay', 'ops', { kind: 'ClusterRole', name: 'ops' }, [user('payer')]),
];

describe('cdk8s-secure-baseline rbac and who-can', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-cli-'));
    process.chdir(dir);
    fs.mkdirSync('manifests');
    fs.writeFileSync('manifests/all.yaml', FIXTURE.map((o) => YAML.stringify(o)).join('---\n'));
  });
  afterEach(() => process.chdir(cwd));

  test('a failure of the tool itself is an internal error: exit 3, one line, not a finding or a read error', () => {
    for (const args of [['rbac', 'manifests'], ['who-can', 'get', 'secrets', '-n', 'shop', 'manifests']]) {
      let stderr = '';
      const code = runCli(args, { stdout: () => { throw new Error('output closed unexpectedly'); }, stderr: (t) => { stderr += t; } });
      expect(code).toBe(3);
      expect(stderr).toBe('internal error: output closed unexpectedly. This is a failure of cdk8s-secure-baseline, not a finding about the input'
        + ' (exit code 3); please report it with the input that triggers it\n');
    }
  });

  test('help: the top-level usage names both subcommands; each has its own, on stdout with --help, on stderr (exit 2) without arguments', () => {
    expect(USAGE).toContain('cdk8s-secure-baseline rbac [--format md|json] [--fail-on-undeclared] PATH...\n');
    expect(USAGE).toContain('cdk8s-secure-baseline who-can VERB RESOURCE [-n NAMESPACE] [--name OBJECT] PATH...\n');
    expect(run(['rbac', '--help'])).toEqual({ code: 0, stdout: RBAC_USAGE, stderr: '' });
    expect(run(['who-can', '-h'])).toEqual({ code: 0, stdout: WHO_CAN_USAGE, stderr: '' });
    expect(run(['rbac'])).toEqual({ code: 2, stdout: '', stderr: RBAC_USAGE });
    expect(run(['who-can'])).toEqual({ code: 2, stdout: '', stderr: WHO_CAN_USAGE });
    for (const usage of [RBAC_USAGE, WHO_CAN_USAGE]) expect(usage).toContain('Without arguments this help goes to stderr and the exit code is 2.');
    const version = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf-8')).version;
    expect(run(['rbac', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(run(['who-can', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  test('rbac: the Markdown report (exit 0 without --fail-on-undeclared)', () => {
    const r = run(['rbac', 'manifests']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatchSnapshot();
    expect(r.stdout.split('\n')[2]).toBe('RBAC proof: 5 subjects, 3 hold dangerous capabilities (12 held), 12 undeclared (3 subjects).');
  });

  test('rbac --fail-on-undeclared: exit 1, one line per subject on stderr; --format json', () => {
    const r = run(['rbac', '--fail-on-undeclared', '--format=json', 'manifests/all.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').map((l) => l.slice(0, l.indexOf(' holds')))).toEqual([
      'undeclared: ServiceAccount shop/api (workloads: Deployment shop/api)',
      'undeclared: User auditor',
      'undeclared: User payer',
      '',
    ]);
    expect(r.stderr).toContain('undeclared: User payer holds undeclared power: read-secrets in pay through RoleBinding "pay/ops" → ClusterRole "ops" (get, list on secrets) [manifests/all.yaml document 8]; '
      + 'change-namespaces in pay through RoleBinding "pay/ops" → ClusterRole "ops" (delete on namespaces) [manifests/all.yaml document 8]. '
      + 'Fix: grant only what it needs through LeastPrivilegeServiceAccount, each dangerous grant with a reason (grant({ ..., reason })), or acknowledge it with a reason on the binding or role '
      + '(annotation ack.cdk8s-secure-baseline.io/SB-RBAC-NAMESPACE-MODIFY, ack.cdk8s-secure-baseline.io/SB-RBAC-SECRETS), or remove the binding\n');
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ subjects: 5, holding: 3, held: 12, undeclared: 12, undeclaredSubjects: 3, bindings: 4 });
    expect(run(['rbac', '--format', 'json', 'manifests']).stdout).toBe(r.stdout);
    // Declared everywhere: exit 0 even when asked to fail.
    fs.writeFileSync('ok.yaml', YAML.stringify(role('shop', 'r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])));
    expect(run(['rbac', '--fail-on-undeclared', 'ok.yaml']).code).toBe(0);
  });

  test('usage and read errors exit 2; read errors outrank undeclared power, the readable objects are still reported', () => {
    expect(run(['rbac', '--format', 'xml', 'manifests'])).toEqual({ code: 2, stdout: '', stderr: `error: --format must be md or json, got "xml"\n\n${RBAC_USAGE}` });
    expect(run(['rbac', '--bogus', 'manifests'])).toEqual({ code: 2, stdout: '', stderr: `error: unknown option --bogus\n\n${RBAC_USAGE}` });
    expect(run(['rbac', '--fail-on-undeclared'])).toEqual({ code: 2, stdout: '', stderr: `error: no PATH given\n\n${RBAC_USAGE}` });
    expect(run(['rbac', 'missing.yaml'])).toEqual({ code: 2, stdout: '', stderr: 'error: missing.yaml: no such file or directory\n' });
    fs.mkdirSync('empty');
    expect(run(['who-can', 'get', 'secrets', 'empty'])).toEqual({ code: 2, stdout: '', stderr: 'error: no *.yaml, *.yml or *.json files found in empty\n' });
    fs.writeFileSync('manifests/broken.yaml', 'a: [');
    const r = run(['rbac', '--fail-on-undeclared', 'manifests']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('- **User payer**: `read-secrets`');
    expect(r.stderr).toMatch(/^error: manifests\/broken\.yaml:1: /);
    expect(r.stderr).toMatch(/undeclared: User payer holds/);
    expect(r.stderr.endsWith('error: 1 read error(s): the analysis covers only the objects that could be read\n')).toBe(true);
  });

  test('who-can: every scope, groups applied to the accounts of the input, names a rule is limited to', () => {
    expect(run(['who-can', 'get', 'secrets', 'manifests'])).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Who can get secrets: 5 subjects',
        'Group system:serviceaccounts:shop',
        '  in shop, only "api", "db": RoleBinding "shop/reader" → Role "shop/reader"  [manifests/all.yaml document 5]',
        'ServiceAccount shop/api',
        '  in shop: RoleBinding "shop/api-edit" → ClusterRole "edit" (built in)  [manifests/all.yaml document 3]',
        '  in shop, only "api", "db": RoleBinding "shop/reader" → Role "shop/reader", as member of Group system:serviceaccounts:shop  [manifests/all.yaml document 5]',
        'ServiceAccount shop/batch',
        '  in shop, only "api", "db": RoleBinding "shop/reader" → Role "shop/reader", as member of Group system:serviceaccounts:shop  [manifests/all.yaml document 5]',
        'User auditor',
        '  cluster-wide: ClusterRoleBinding "auditors" → ClusterRole "ops"  [manifests/all.yaml document 7]',
        'User payer',
        '  in pay: RoleBinding "pay/ops" → ClusterRole "ops"  [manifests/all.yaml document 8]',
        '',
      ].join('\n'),
    });
  });

  test('who-can -n: RoleBindings of that namespace and ClusterRoleBindings; --name: only rules that name the object', () => {
    expect(run(['who-can', 'get', 'secrets', '-n', 'pay', 'manifests']).stdout).toBe([
      'Who can get secrets in namespace pay: 2 subjects',
      'User auditor',
      '  cluster-wide: ClusterRoleBinding "auditors" → ClusterRole "ops"  [manifests/all.yaml document 7]',
      'User payer',
      '  in pay: RoleBinding "pay/ops" → ClusterRole "ops"  [manifests/all.yaml document 8]',
      '',
    ].join('\n'));
    const other = run(['who-can', 'get', 'secrets', '--namespace=shop', '--name', 'cache', 'manifests']).stdout;
    expect(other.split('\n').filter((l) => !l.startsWith(' '))).toEqual(['Who can get secrets "cache" in namespace shop: 2 subjects', 'ServiceAccount shop/api', 'User auditor', '']);
    expect(run(['who-can', 'get', 'secrets', '-n', 'shop', '--name', 'db', 'manifests']).stdout.split('\n')[0]).toBe('Who can get secrets "db" in namespace shop: 4 subjects');
    // list names no object: a rule limited to names never grants it.
    expect(run(['who-can', 'list', 'secrets', '-n', 'shop', 'manifests']).stdout.split('\n').filter((l) => !l.startsWith(' '))).toEqual([
      'Who can list secrets in namespace shop: 2 subjects', 'ServiceAccount shop/api', 'User auditor', '',
    ]);
  });

  test('who-can: subresources, resource.group, cluster-scoped resources (ClusterRoleBindings only; a namespace also by a RoleBinding in it)', () => {
    expect(run(['who-can', 'create', 'pods/exec', 'manifests']).stdout).toBe([
      'Who can create pods/exec: 1 subject',
      'ServiceAccount shop/api',
      '  in shop: RoleBinding "shop/api-edit" → ClusterRole "edit" (built in)  [manifests/all.yaml document 3]',
      '',
    ].join('\n'));
    expect(run(['who-can', 'patch', 'deployments.apps', '-n', 'shop', 'manifests']).stdout.split('\n')[0]).toBe('Who can patch deployments.apps in namespace shop: 1 subject');
    expect(run(['who-can', 'patch', 'deployments', 'manifests']).stdout.split('\n')[0]).toBe('Who can patch deployments.apps: 1 subject');
    expect(run(['who-can', 'patch', 'deployments.extensions', 'manifests']).stdout.split('\n')[0]).toBe('Who can patch deployments.extensions: 1 subject');
    expect(run(['who-can', 'patch', 'deployments.v1.apps/scale', 'manifests']).stdout.split('\n')[0]).toBe('Who can patch deployments.apps/scale: 1 subject');
    expect(run(['who-can', 'get', 'nodes', '-n', 'pay', 'manifests']).stdout).toBe([
      'Who can get nodes in namespace pay: 1 subject',
      'User auditor',
      '  cluster-wide: ClusterRoleBinding "auditors" → ClusterRole "ops"  [manifests/all.yaml document 7]',
      '',
    ].join('\n'));
    expect(run(['who-can', 'delete', 'namespaces', 'manifests']).stdout).toBe([
      'Who can delete namespaces: 2 subjects',
      'User auditor',
      '  cluster-wide: ClusterRoleBinding "auditors" → ClusterRole "ops"  [manifests/all.yaml document 7]',
      'User payer',
      '  in pay, only "pay": RoleBinding "pay/ops" → ClusterRole "ops"  [manifests/all.yaml document 8]',
      '',
    ].join('\n'));
    expect(run(['who-can', 'delete', 'namespaces', '--name', 'shop', 'manifests']).stdout.split('\n')[0]).toBe('Who can delete namespaces "shop": 1 subject');
    expect(run(['who-can', 'escalate', 'clusterroles', 'manifests'])).toEqual({ code: 0, stdout: 'Nobody in the input can escalate clusterroles.rbac.authorization.k8s.io.\n', stderr: '' });
  });

  test('who-can --format json; usage errors', () => {
    const json = JSON.parse(run(['who-can', 'create', 'pods/exec', '--format', 'json', 'manifests']).stdout);
    expect(json).toEqual({
      query: { verb: 'create', group: '', resource: 'pods/exec', namespace: null, name: null },
      answers: [{
        kind: 'ServiceAccount',
        name: 'api',
        namespace: 'shop',
        label: 'ServiceAccount shop/api',
        scope: 'namespace',
        bindingNamespace: 'shop',
        binding: 'RoleBinding "shop/api-edit"',
        location: 'manifests/all.yaml document 3',
        role: 'ClusterRole "edit" (built in)',
        via: null,
        onlyNames: null,
      }],
    });
    expect(run(['who-can', 'get', 'manifests'])).toEqual({ code: 2, stdout: '', stderr: `error: no PATH given\n\n${WHO_CAN_USAGE}` });
    expect(run(['who-can', 'get'])).toEqual({ code: 2, stdout: '', stderr: `error: VERB and RESOURCE are required\n\n${WHO_CAN_USAGE}` });
    expect(run(['who-can', 'get', 'pods/a/b', 'manifests']).stderr).toMatch(/^error: RESOURCE must be resource\[\.group\]\[\/subresource\], e\.g\. secrets, pods\/exec, deployments\.apps \(got "pods\/a\/b"\)\n\nUsage/);
    expect(run(['who-can', 'get', '/healthz', 'manifests']).stderr).toMatch(/^error: non-resource URLs \(\/healthz\) are not supported/);
    expect(run(['who-can', 'get', 'secrets', '-n', 'manifests']).stderr).toMatch(/^error: no PATH given/);
    expect(run(['who-can', 'get', 'secrets', '--name'])).toEqual({ code: 2, stdout: '', stderr: `error: --name needs a value\n\n${WHO_CAN_USAGE}` });
    expect(run(['who-can', 'get', 'secrets', '--format', 'md', 'manifests']).stderr).toMatch(/^error: --format must be text or json, got "md"/);
  });
});

describe('RESOURCE as kubectl spells it', () => {
  test.each([
    ['secrets', '', 'secrets'],
    ['pods/exec', '', 'pods/exec'],
    ['Pods/Log', '', 'pods/log'],
    ['deployments', 'apps', 'deployments'],
    ['deployments.apps', 'apps', 'deployments'],
    ['deployments.v1.apps/scale', 'apps', 'deployments/scale'],
    ['cronjobs.v1beta1.batch', 'batch', 'cronjobs'],
    ['networkpolicies', 'networking.k8s.io', 'networkpolicies'],
    ['authorizationpolicies.security.istio.io', 'security.istio.io', 'authorizationpolicies'],
    ['widgets', '', 'widgets'],
  ])('%s', (arg, apiGroup, resource) => {
    expect(parseResourceArg(arg)).toEqual({ group: apiGroup, resource });
  });

  test('malformed', () => {
    for (const bad of ['', '/exec', 'pods/', 'pods/a/b', '.apps', 'deployments.']) expect(() => parseResourceArg(bad)).toThrow(/RESOURCE must be/);
  });

  test('cluster-scoped resources', () => {
    expect(isClusterScoped({ group: '', resource: 'nodes/proxy' })).toBe(true);
    expect(isClusterScoped({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles' })).toBe(true);
    expect(isClusterScoped({ group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicies' })).toBe(true);
    expect(isClusterScoped({ group: 'storage.k8s.io', resource: 'storageclasses' })).toBe(true);
    expect(isClusterScoped({ group: '', resource: 'users' })).toBe(true);
    expect(isClusterScoped({ group: '', resource: 'namespaces' })).toBe(false); // checked in the namespace itself
    expect(isClusterScoped({ group: '', resource: 'pods' })).toBe(false);
    expect(isClusterScoped({ group: 'rbac.authorization.k8s.io', resource: 'roles' })).toBe(false);
  });
});
