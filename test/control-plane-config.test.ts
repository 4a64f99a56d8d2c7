import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Testing, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  AuditLevel, KubeApiServerAuditPolicy, KubeApiServerAuditPolicyProps, KubeApiServerEncryptionConfig, KubeApiServerEncryptionConfigProps,
  SecureNamespace,
} from '../src';

const KMS = { name: 'aws-encryption-provider', endpoint: 'unix:///var/run/kmsplugin/socket.sock' };

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sb-control-plane-'));
}

/** Synthesizes an app with a namespace chart and both files into a fresh directory. */
function synthApp(configure: (chart: Chart) => void, outputType = YamlOutputType.FILE_PER_CHART) {
  const outdir = tmpdir();
  const app = new App({ outdir, yamlOutputType: outputType });
  const chart = new Chart(app, 'cluster');
  new SecureNamespace(chart, 'Shop', { name: 'shop' });
  configure(chart);
  app.synth();
  const files = listFiles(outdir);
  return { outdir, files, read: (f: string) => fs.readFileSync(path.join(outdir, f), 'utf8') };
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`)
    : [`${prefix}${e.name}`])).sort();
}

describe('KubeApiServerAuditPolicy', () => {
  const chart = Testing.chart();
  const policy = new KubeApiServerAuditPolicy(chart, 'Audit').toJson();
  const rules: any[] = policy.rules;
  interface Request { user?: string; groups?: string[]; verb: string; group?: string; resource?: string; namespace?: string; url?: string }
  /** The level of the first rule that matches `req` (the API server's first-match semantics). */
  const firstMatch = (req: Request) => rules.find((r) => {
    if (r.users && !r.users.includes(req.user)) return false;
    if (r.userGroups && !r.userGroups.some((g: string) => (req.groups ?? []).includes(g))) return false;
    if (r.verbs && !r.verbs.includes(req.verb)) return false;
    if (r.namespaces && !r.namespaces.includes(req.namespace)) return false;
    if (r.nonResourceURLs) {
      return req.url !== undefined && r.nonResourceURLs.some((u: string) => (u.endsWith('*') ? req.url!.startsWith(u.slice(0, -1)) : req.url === u));
    }
    if (r.resources) {
      return req.resource !== undefined && r.resources.some((g: any) => g.group === (req.group ?? '') && g.resources.includes(req.resource));
    }
    return true;
  }).level;

  test('snapshot', () => {
    expect(policy).toMatchSnapshot();
  });

  test('audit.k8s.io/v1 Policy that omits RequestReceived and managed fields', () => {
    expect(policy.apiVersion).toBe('audit.k8s.io/v1');
    expect(policy.kind).toBe('Policy');
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.omitManagedFields).toBe(true);
  });

  test.each([
    ['a Secret read by an admin', { user: 'alice', verb: 'get', resource: 'secrets', namespace: 'shop' }, 'Metadata'],
    ['a Secret update', { user: 'ci', verb: 'update', resource: 'secrets', namespace: 'shop' }, 'Metadata'],
    ['a Secret list by a controller', { user: 'system:kube-controller-manager', verb: 'list', resource: 'secrets' }, 'Metadata'],
    ['a ConfigMap patch', { user: 'ci', verb: 'patch', resource: 'configmaps', namespace: 'shop' }, 'Metadata'],
    ['a TokenReview', { user: 'system:kube-apiserver', verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews' }, 'Metadata'],
    ['a ServiceAccount token request', { user: 'system:node:n1', groups: ['system:nodes'], verb: 'create', resource: 'serviceaccounts/token', namespace: 'shop' }, 'Metadata'],
    ['a ClusterRoleBinding created', { user: 'alice', verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' }, 'RequestResponse'],
    ['a Role patched', { user: 'alice', verb: 'patch', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'shop' }, 'RequestResponse'],
    ['a RoleBinding deleted', { user: 'alice', verb: 'delete', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'shop' }, 'RequestResponse'],
    ['a ClusterRole read', { user: 'alice', verb: 'get', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, 'Metadata'],
    ['kube-proxy watching endpoints', { user: 'system:kube-proxy', verb: 'watch', resource: 'endpoints' }, 'None'],
    ['kube-proxy watching EndpointSlices', { user: 'system:kube-proxy', verb: 'watch', group: 'discovery.k8s.io', resource: 'endpointslices' }, 'None'],
    ['a kubelet reading its node', { user: 'system:node:n1', groups: ['system:nodes'], verb: 'get', resource: 'nodes' }, 'None'],
    ['a kubelet renewing its lease', { user: 'system:node:n1', groups: ['system:nodes'], verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' }, 'None'],
    ['leader election', { user: 'system:kube-scheduler', verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' }, 'None'],
    ['/healthz', { user: 'system:anonymous', verb: 'get', url: '/healthz' }, 'None'],
    ['/readyz?verbose', { user: 'system:anonymous', verb: 'get', url: '/readyz/etcd' }, 'None'],
    ['/livez', { user: 'system:anonymous', verb: 'get', url: '/livez' }, 'None'],
    ['/version', { user: 'system:anonymous', verb: 'get', url: '/version' }, 'None'],
    ['an Event', { user: 'system:node:n1', groups: ['system:nodes'], verb: 'create', resource: 'events', namespace: 'shop' }, 'None'],
    ['a Deployment update', { user: 'ci', verb: 'update', group: 'apps', resource: 'deployments', namespace: 'shop' }, 'Metadata'],
    ['a pods/exec', { user: 'alice', verb: 'create', resource: 'pods/exec', namespace: 'shop' }, 'Metadata'],
    ['a kubelet deleting a node (not routine)', { user: 'system:node:n1', groups: ['system:nodes'], verb: 'delete', resource: 'nodes' }, 'Metadata'],
  ])('%s is logged at %s', (_, req, level) => {
    expect([_, firstMatch(req as any)]).toEqual([_, level]);
  });

  test('Secrets, ConfigMaps and tokens are never logged with bodies: no rule before theirs could match them with a body', () => {
    const idx = rules.findIndex((r) => r.level === 'Metadata' && r.resources?.some((g: any) => g.resources.includes('secrets')));
    for (const r of rules.slice(0, idx)) expect(r.level).toBe('None');
  });

  test('defaultLevel and extra sensitive resources', () => {
    const p = new KubeApiServerAuditPolicy(Testing.chart(), 'Audit', {
      defaultLevel: AuditLevel.REQUEST,
      sensitiveResources: [{ group: 'external-secrets.io', resources: ['externalsecrets', 'pushsecrets', 'externalsecrets'] }],
    }).toJson();
    expect(p.rules[p.rules.length - 1]).toEqual({ level: 'Request' });
    expect(p.rules[7].resources).toContainEqual({ group: 'external-secrets.io', resources: ['externalsecrets', 'pushsecrets'] });
  });

  test.each([
    [{ defaultLevel: 'Everything' as any }, 'test/Audit: defaultLevel "Everything" is not an AuditLevel'],
    [{ sensitiveResources: [{ group: 'Bad_Group', resources: ['x'] }] }, 'test/Audit: sensitiveResources[0].group "Bad_Group" is not an API group'],
    [{ sensitiveResources: [{ group: '', resources: [] }] }, 'test/Audit: sensitiveResources[0].resources is empty'],
    [{ sensitiveResources: [{ group: '', resources: ['*'] }] }, 'test/Audit: sensitiveResources[0] resource "*" is not a lowercase plural resource name. Fix: write e.g. "externalsecrets" or "pods/exec"; no wildcards'],
    [{ fileName: '/etc/kubernetes/audit.yaml' }, 'test/Audit: fileName "/etc/kubernetes/audit.yaml" is not a relative .yaml path inside the output directory'],
    [{ fileName: '../audit.yaml' }, 'test/Audit: fileName "../audit.yaml" is not a relative .yaml path inside the output directory'],
    [{ fileName: 'control-plane/./audit.yaml' }, 'test/Audit: fileName "control-plane/./audit.yaml" is not a relative .yaml path'],
    [{ fileName: 'control-plane/audit.json' }, 'test/Audit: fileName "control-plane/audit.json" is not a relative .yaml path'],
  ])('bad input %j', (props, message) => {
    expect(() => new KubeApiServerAuditPolicy(Testing.chart(), 'Audit', props as KubeApiServerAuditPolicyProps)).toThrow(message);
  });
});

describe('KubeApiServerEncryptionConfig', () => {
  test('snapshot', () => {
    expect(new KubeApiServerEncryptionConfig(Testing.chart(), 'Enc', { kms: KMS }).toJson()).toMatchSnapshot();
  });

  test('Secrets encrypted with KMS v2 first, identity only as the last (read) provider', () => {
    expect(new KubeApiServerEncryptionConfig(Testing.chart(), 'Enc', { kms: KMS }).toJson()).toEqual({
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [{
        resources: ['secrets'],
        providers: [
          { kms: { apiVersion: 'v2', name: 'aws-encryption-provider', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '3s' } },
          { identity: {} },
        ],
      }],
    });
  });

  test('ConfigMaps, previous KMS plugins for a key migration, no identity fallback, a timeout', () => {
    const json = new KubeApiServerEncryptionConfig(Testing.chart(), 'Enc', {
      kms: { ...KMS, name: 'kms-2025', timeout: Duration.seconds(10) },
      previousKms: [{ name: 'kms-2024', endpoint: 'unix:///var/run/kmsplugin/old.sock' }],
      encryptConfigMaps: true,
      identityFallback: false,
    }).toJson();
    expect(json.resources[0].resources).toEqual(['secrets', 'configmaps']);
    expect(json.resources[0].providers).toEqual([
      { kms: { apiVersion: 'v2', name: 'kms-2025', endpoint: 'unix:///var/run/kmsplugin/socket.sock', timeout: '10s' } },
      { kms: { apiVersion: 'v2', name: 'kms-2024', endpoint: 'unix:///var/run/kmsplugin/old.sock', timeout: '3s' } },
    ]);
  });

  test.each([
    [{ kms: { ...KMS, endpoint: 'tcp://10.0.0.1:8080' } }, 'test/Enc: kms.endpoint "tcp://10.0.0.1:8080" is not a unix socket with an absolute path. Fix: write "unix:///<absolute path to the plugin socket>"'],
    [{ kms: { ...KMS, endpoint: 'unix://var/run/kms.sock' } }, 'test/Enc: kms.endpoint "unix://var/run/kms.sock" is not a unix socket with an absolute path'],
    [{ kms: { ...KMS, endpoint: 'unix:///var/run/../kms.sock' } }, 'test/Enc: kms.endpoint "unix:///var/run/../kms.sock" is not a unix socket with an absolute path'],
    [{ kms: { ...KMS, endpoint: 'unix:///' } }, 'test/Enc: kms.endpoint "unix:///" is not a unix socket with an absolute path'],
    [{ kms: { ...KMS, name: 'kms:v2' } }, 'test/Enc: kms.name "kms:v2" is not a valid DNS-1123 subdomain'],
    [{ kms: { ...KMS, timeout: Duration.seconds(0) } }, 'test/Enc: kms.timeout "0ms" is out of range. Fix: use whole seconds from Duration.seconds(1) to Duration.seconds(30)'],
    [{ kms: { ...KMS, timeout: Duration.minutes(1) } }, 'test/Enc: kms.timeout "60000ms" is out of range'],
    [{ kms: { ...KMS, timeout: Duration.millis(1500) } }, 'test/Enc: kms.timeout "1500ms" is out of range'],
    [{ previousKms: [{ ...KMS }] }, 'test/Enc: previousKms[0].name "aws-encryption-provider" is used twice. Fix: give every KMS provider its own name'],
    [{ previousKms: [{ name: 'old', endpoint: 'unix:///x y.sock' }] }, 'test/Enc: previousKms[0].endpoint "unix:///x y.sock" is not a unix socket with an absolute path'],
    [{ kms: undefined }, 'test/Enc: has no kms provider'],
  ])('bad input %j', (props, message) => {
    expect(() => new KubeApiServerEncryptionConfig(Testing.chart(), 'Enc', { kms: KMS, ...props } as KubeApiServerEncryptionConfigProps)).toThrow(message);
  });
});

describe('control-plane files in the synth output', () => {
  test('are written as separate files with a header, never into a chart\'s manifests', () => {
    const { files, read } = synthApp((chart) => {
      new KubeApiServerAuditPolicy(chart, 'Audit');
      new KubeApiServerEncryptionConfig(chart, 'Enc', { kms: KMS });
    });
    expect(files).toEqual(['cluster.k8s.yaml', 'control-plane/audit-policy.yaml', 'control-plane/encryption-config.yaml']);
    const manifests = read('cluster.k8s.yaml');
    expect(manifests).not.toMatch(/audit\.k8s\.io|EncryptionConfiguration|apiserver\.config\.k8s\.io/);
    const audit = read('control-plane/audit-policy.yaml');
    expect(audit.startsWith('# kube-apiserver audit policy, generated by cdk8s-secure-baseline (KubeApiServerAuditPolicy).\n# NOT a Kubernetes object: do not kubectl apply it.')).toBe(true);
    const docs = parseAllDocuments(audit).map((d) => d.toJS());
    expect(docs).toHaveLength(1);
    expect(docs[0].kind).toBe('Policy');
    const enc = parseAllDocuments(read('control-plane/encryption-config.yaml')).map((d) => d.toJS());
    expect(enc[0].resources[0].providers[1]).toEqual({ identity: {} });
  });

  test('chart objects of Testing.synth are unaffected', () => {
    const chart = Testing.chart();
    new KubeApiServerAuditPolicy(chart, 'Audit');
    new KubeApiServerEncryptionConfig(chart, 'Enc', { kms: KMS });
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('are deterministic: two synths give byte-identical files', () => {
    const make = (chart: Chart) => {
      new KubeApiServerAuditPolicy(chart, 'Audit', { sensitiveResources: [{ group: 'external-secrets.io', resources: ['pushsecrets', 'externalsecrets'] }] });
      new KubeApiServerEncryptionConfig(chart, 'Enc', { kms: KMS, encryptConfigMaps: true });
    };
    const a = synthApp(make);
    const b = synthApp(make);
    for (const f of ['control-plane/audit-policy.yaml', 'control-plane/encryption-config.yaml']) expect(a.read(f)).toBe(b.read(f));
  });

  test('a custom fileName, and the same files with every output type', () => {
    for (const outputType of [YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_RESOURCE]) {
      const { files } = synthApp((chart) => {
        new KubeApiServerAuditPolicy(chart, 'Audit', { fileName: 'apiserver/policy.yaml' });
      }, outputType);
      expect(files).toContain('apiserver/policy.yaml');
    }
  });

  test('toYaml() and writeTo() for writing them elsewhere', () => {
    const enc = new KubeApiServerEncryptionConfig(Testing.chart(), 'Enc', { kms: KMS });
    const dir = tmpdir();
    const file = enc.writeTo(dir);
    expect(file).toBe(path.join(dir, 'control-plane', 'encryption-config.yaml'));
    expect(fs.readFileSync(file, 'utf8')).toBe(enc.toYaml());
    expect(enc.toYaml()).toContain('kind: EncryptionConfiguration');
  });
});
