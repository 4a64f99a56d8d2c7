import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Cron, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { Document, isAlias, isNode, parseAllDocuments, visit } from 'yaml';
import { buildShop } from '../examples/shop/app';
import {
  BaselineAdmissionPolicy, CertificateIssuer, EncryptedVolume, HealthCheck, LeastPrivilegeServiceAccount, Mesh, MtlsService, PodHardening,
  ReachabilityCheck, SecureCronJob, SecureJob, SecureNamespace, SecureWorker, SecurityAlerts, SecurityAudit, VolumeBackup, VolumeEncryption,
} from '../src';
import { isLabelValue, versionLabelValue } from '../src/private/labels';
import { defaultReportDir } from '../src/private/report-dir';
import { unshareJson } from '../src/private/unshare';

/**
 * Output hygiene: what lands in the folder Argo CD / Flux apply is plain manifests — no YAML
 * anchors or aliases (`&a1` / `*a1`, written by the `yaml` stringifier when one JS object is
 * referenced twice), no reports, and label values the API server accepts.
 */

function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Anchors and aliases of the YAML documents in `text`, as "file: path (&name|*name)". */
function anchorsAndAliases(file: string, text: string): string[] {
  const found: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!(doc instanceof Document)) throw new Error(`${file}: not a YAML stream`);
    expect(doc.errors).toEqual([]);
    visit(doc, {
      Node(_key, node, ancestors) {
        const where = ancestors.filter((a: any) => isNode(a?.key) || typeof a?.key === 'string')
          .map((a: any) => (isNode(a.key) ? String((a.key as any).value) : a.key)).join('.');
        if (isAlias(node)) found.push(`${file}: ${where} (*${node.source})`);
        else if (isNode(node) && node.anchor) found.push(`${file}: ${where} (&${node.anchor})`);
      },
    });
  }
  return found;
}

/** Anchors and aliases in the YAML and JSON files of `dir` (JSON is YAML). */
function anchorsAndAliasesIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().flatMap((f) => anchorsAndAliases(f, fs.readFileSync(path.join(dir, f), 'utf-8')));
}

/** Every construct of the library with its common options, in every mesh, next to the shop. */
function buildEverything(app: App): void {
  const meshes = { istio: Mesh.istio(), ambient: Mesh.istio({ ambient: true }), linkerd: Mesh.linkerd(), plain: Mesh.none() };
  for (const [name, mesh] of Object.entries(meshes)) {
    const chart = new Chart(app, `all-${name}`, { disableResourceNameHashes: true });
    const ns = new SecureNamespace(chart, 'ns', { name: `all-${name}`, mesh, admins: ['admins'], deployers: ['deployers'], viewers: ['viewers'] });
    const certificate = name === 'plain' ? { issuer: CertificateIssuer.clusterIssuer('internal-ca') } : undefined;
    const volume = new EncryptedVolume(ns, 'data', {
      name: 'data',
      size: '5Gi',
      encryption: VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' }),
      backups: [VolumeBackup.csiSnapshots()],
    });
    const api = new MtlsService(ns, 'api', {
      image: 'ghcr.io/acme/api:1.2.3',
      port: 8443,
      replicas: 2,
      certificate,
      readiness: HealthCheck.http('/ready'),
      liveness: HealthCheck.http('/healthz'),
      env: { LOG_LEVEL: 'info' },
      secretMounts: [{ secretName: 'api-tls', mountPath: '/etc/api-secrets' }],
      volumes: [{ volume, mountPath: '/data' }],
    });
    api.allowFrom(new MtlsService(ns, 'web', { image: 'ghcr.io/acme/web:2.0.0', port: 8080, certificate }));
    api.allowFrom(new SecureWorker(ns, 'worker', { image: 'ghcr.io/acme/worker:1.0.0', certificate }));
    api.allowFrom(new SecureJob(ns, 'migrate', { image: 'ghcr.io/acme/migrate:1.4.0', certificate }));
    api.allowFrom(new SecureCronJob(ns, 'report', { image: 'ghcr.io/acme/report:1.0.0', schedule: Cron.daily(), certificate }));
    new LeastPrivilegeServiceAccount(ns, 'robot', { name: 'robot' });
  }
  // PodHardening on a hand-written pod with several containers: one securityContext each.
  const raw = new Chart(app, 'raw', { namespace: 'all-plain', disableResourceNameHashes: true });
  // One object in three places of the props: cdk8s renders props into fresh objects.
  const resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
  const deployment = new ApiObject(raw, 'multi', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'multi' },
    spec: {
      selector: { matchLabels: { app: 'multi' } },
      template: {
        metadata: { labels: { app: 'multi' } },
        spec: {
          serviceAccountName: 'robot',
          initContainers: [{ name: 'init', image: 'ghcr.io/acme/init:1.0.0', resources }],
          containers: [{ name: 'a', image: 'ghcr.io/acme/a:1.0.0', resources }, { name: 'b', image: 'ghcr.io/acme/b:1.0.0', resources }],
        },
      },
    },
  });
  PodHardening.apply(deployment);
  const platform = new Chart(app, 'all-platform', { disableResourceNameHashes: true });
  new BaselineAdmissionPolicy(platform, 'admission', { namePrefix: 'all-baseline' });
  new SecurityAlerts(platform, 'alerts', { name: 'all-security-alerts', namespace: 'monitoring', namespaces: Object.keys(meshes).map((m) => `all-${m}`) });
}

describe('no YAML anchors or aliases in the synthesized output', () => {
  test('the shop and every construct: files written by app.synth(), and Yaml.stringify of each chart', () => {
    const outdir = tmpdir('hygiene-');
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    SecurityAudit.of(app, { printSummary: false });
    new ReachabilityCheck(app, 'reachability');
    buildShop(app);
    buildEverything(app);
    app.synth();
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('all-'))).toHaveLength(5);
    expect(anchorsAndAliasesIn(outdir)).toEqual([]);
    expect(anchorsAndAliasesIn(`${outdir}-reports`)).toEqual([]);
    for (const chart of app.charts) {
      expect(anchorsAndAliases(chart.node.id, Yaml.stringify(...Testing.synth(chart)))).toEqual([]);
    }
  });

  test('the example app as `cdk8s synth` writes it (its main.ts, with CDK8S_OUTDIR)', () => {
    const outdir = tmpdir('hygiene-shop-');
    const saved = process.env.CDK8S_OUTDIR;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => require('../examples/shop/main'));
    } finally {
      if (saved === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = saved;
      log.mockRestore();
    }
    // Only manifests in the folder the GitOps tool applies; the reports beside it.
    expect(fs.readdirSync(outdir).sort()).toEqual(['payments.k8s.yaml', 'shop-data.k8s.yaml', 'shop-platform.k8s.yaml', 'shop-web.k8s.yaml', 'shop.k8s.yaml']);
    expect(fs.readdirSync(`${outdir}-reports`).sort()).toEqual([
      'rbac.json', 'rbac.md', 'reachability.dot', 'reachability.md', 'reachability.mmd', 'security-audit.json', 'security-audit.sarif', 'security-audit.txt',
    ]);
    expect(anchorsAndAliasesIn(outdir)).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, 'shop.k8s.yaml'), 'utf-8')).not.toMatch(/[&*]a\d+\b/);
  });

  test('the check sees anchors and aliases when an object is shared', () => {
    const shared = { type: 'RuntimeDefault' };
    expect(anchorsAndAliases('x', Yaml.stringify({ a: shared, b: shared }))).toEqual(['x: a (&a1)', 'x: b (*a1)']);
  });

  test('unshareJson copies what is reached twice, in place, and leaves the rest alone', () => {
    const shared = { drop: ['ALL'], nested: { list: [1, 2] } };
    const list = [shared];
    const json: any = { a: shared, b: shared, c: { d: shared, e: list, f: list }, g: null, h: 'x' };
    expect(unshareJson(json)).toBe(json);
    expect(json.a).toBe(shared);
    expect(json.b).not.toBe(shared);
    expect(json.b).toEqual(shared);
    expect(json.b.nested).not.toBe(shared.nested);
    expect(json.c.d).toEqual(shared);
    expect(json.c.f).not.toBe(json.c.e);
    expect(json.c.f[0]).not.toBe(shared);
    expect(anchorsAndAliases('x', Yaml.stringify(json))).toEqual([]);
  });

  test('PodHardening renders fresh objects even when something shared them before it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    const sc = { runAsUser: 10001 };
    const env = [{ name: 'A', value: 'b' }];
    const d = new ApiObject(chart, 'd', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'a', image: 'ghcr.io/acme/a:1.0.0' }, { name: 'b', image: 'ghcr.io/acme/b:1.0.0' }] } } },
    });
    const render = d.toJson.bind(d);
    (d as any).toJson = () => {
      const json = render();
      for (const c of json.spec.template.spec.containers) Object.assign(c, { env, securityContext: sc });
      return json;
    };
    PodHardening.apply(d);
    expect(anchorsAndAliases('d', Yaml.stringify(...Testing.synth(chart)))).toEqual([]);
  });
});

describe('reports go beside the manifests folder', () => {
  test('<outdir>-reports, for relative, absolute and trailing-slash outdirs', () => {
    expect(defaultReportDir('dist')).toBe('dist-reports');
    expect(defaultReportDir('dist/')).toBe('dist-reports');
    expect(defaultReportDir('./out/manifests//')).toBe(path.join('out', 'manifests-reports'));
    expect(defaultReportDir('/srv/gitops/apps')).toBe('/srv/gitops/apps-reports');
    expect(defaultReportDir('.')).toBe(`${process.cwd()}-reports`);
    expect(defaultReportDir('..')).toBe(`${path.dirname(process.cwd())}-reports`);
  });

  test('reportDir (SecurityAudit) and outdir (ReachabilityCheck) still choose the folder', () => {
    const outdir = tmpdir('hygiene-dir-');
    const reports = path.join(tmpdir('hygiene-own-'), 'reports');
    const app = new App({ outdir });
    SecurityAudit.of(app, { printSummary: false, reportDir: reports });
    new ReachabilityCheck(app, 'reachability', { outdir: reports });
    buildShop(app);
    app.synth();
    expect(fs.readdirSync(reports).sort()).toEqual([
      'reachability.dot', 'reachability.md', 'reachability.mmd', 'security-audit.json', 'security-audit.sarif', 'security-audit.txt',
    ]);
    expect(fs.existsSync(`${outdir}-reports`)).toBe(false);
    expect(fs.readdirSync(outdir).every((f) => f.endsWith('.k8s.yaml'))).toBe(true);
  });
});

describe('app.kubernetes.io/version is always a valid label value', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const versionOf = (image: string): string | undefined => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const ns = new SecureNamespace(chart, 'ns', { name: 'shop', mesh: Mesh.istio() });
    new MtlsService(ns, 'api', { image, port: 8080 });
    const d = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const labels = [d.metadata.labels, d.spec.template.metadata.labels];
    expect(labels[0]['app.kubernetes.io/version']).toEqual(labels[1]['app.kubernetes.io/version']);
    return labels[0]['app.kubernetes.io/version'];
  };

  test.each([
    ['ghcr.io/acme/api:1.2.3', '1.2.3'],
    [`ghcr.io/acme/api:1.2.3@${digest}`, '1.2.3'],
    [`ghcr.io/acme/api@${digest}`, undefined],
    ['ghcr.io/acme/api:1.2.3-', '1.2.3'],
    ['ghcr.io/acme/api:1.2.3_', '1.2.3'],
    ['ghcr.io/acme/api:_1.2.3.', '1.2.3'],
    ['ghcr.io/acme/api:___', undefined],
    [`ghcr.io/acme/api:${'1'.repeat(62)}-x`, `${'1'.repeat(62)}`],
    [`ghcr.io/acme/api:2024.06.01-${'f'.repeat(100)}`, `2024.06.01-${'f'.repeat(52)}`],
    [`ghcr.io/acme/api:${'v'.repeat(128)}`, 'v'.repeat(63)],
  ])('%s → %s', (image, expected) => {
    const v = versionOf(image);
    expect(v).toBe(expected);
    if (v !== undefined) expect(isLabelValue(v)).toBe(true);
  });

  test('a tag with "+" is not an image reference (the registry grammar has no "+"), so it never becomes a label', () => {
    expect(() => versionOf('ghcr.io/acme/api:v1+build.5')).toThrow(/image "ghcr.io\/acme\/api:v1\+build.5" is not a valid image reference/);
  });

  test('versionLabelValue: verbatim when valid; otherwise characters replaced, cut to 63, trimmed; deterministic', () => {
    expect(versionLabelValue(undefined)).toBeUndefined();
    expect(versionLabelValue('v1+build.5')).toBe('v1_build.5');
    expect(versionLabelValue('1.2.3+')).toBe('1.2.3');
    expect(versionLabelValue('')).toBe('');
    for (const tag of ['1.2.3-', '-x-', `${'a'.repeat(62)}._b`, 'v1+build.5', `x${'-'.repeat(70)}y`]) {
      const v = versionLabelValue(tag);
      expect(v === undefined || isLabelValue(v)).toBe(true);
      expect(versionLabelValue(tag)).toBe(v);
    }
    expect(isLabelValue('a'.repeat(64))).toBe(false);
    expect(isLabelValue('a-')).toBe(false);
    expect(isLabelValue('a.b_c-d')).toBe(true);
  });
});
