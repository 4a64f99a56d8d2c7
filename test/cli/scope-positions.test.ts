import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { privileged, run, useTempDir, writeFile, yamlDocs } from './util';
import { USAGE } from '../../src/cli/audit';
import { parseJsonPath } from '../../src/cli/positions';
import { compileExcludes, globToRegExp, pathExcluded } from '../../src/cli/scope';
import { compliantBundle, compliantPodSpec, deployment, namespace } from '../audit/util';


describe('audit CLI', () => {
  const tmp = useTempDir('audit-scope');
  const write = (file: string, text: string) => writeFile(tmp(), file, text);
  const json = (args: string[]) => JSON.parse(run([...args, '--format', 'json']).stdout);

  describe('positions', () => {
    test('every finding carries file, line and column; "field" positions point at the key the jsonPath names', () => {
      const spec = compliantPodSpec();
      spec.containers[0].image = 'nginx:latest';
      delete spec.securityContext.runAsNonRoot;
      write('m/a.yaml', `# leading comment\n${yamlDocs([namespace('shop', {}), privileged('api')])}---\n${YAML.stringify({ apiVersion: 'v1', kind: 'List', items: [deployment('web', 'shop', spec)] })}`);
      const report = json(['audit', 'm']);
      expect(report.findings.length).toBeGreaterThan(5);
      const lines = fs.readFileSync(path.join(tmp(), 'm/a.yaml'), 'utf-8').split('\n');
      for (const f of report.findings) {
        expect([f.file, typeof f.line, typeof f.column, typeof f.objectLine, typeof f.objectColumn]).toEqual(['m/a.yaml', 'number', 'number', 'number', 'number']);
        const at = lines[f.line - 1].slice(f.column - 1);
        if (f.positionOf === 'field') {
          const segments = parseJsonPath(f.jsonPath)!;
          const last = segments[segments.length - 1];
          expect(at.startsWith(typeof last === 'number' ? '' : `${last}:`) || at.startsWith(`"${last}":`)).toBe(true);
        }
        expect(lines[f.objectLine - 1].slice(f.objectColumn - 1)).toMatch(/^apiVersion: /);
      }
      const byRule = (id: string, name: string) => report.findings.find((f: any) => f.ruleId === id && f.resource.name === name);
      const priv = byRule('SB-PSS-PRIVILEGED', 'api');
      expect([priv.positionOf, lines[priv.line - 1].trim()]).toEqual(['field', 'privileged: true']);
      expect(priv.objectLine).toBe(lines.indexOf('kind: Deployment'));
      const tag = byRule('SB-CTR-IMAGE-TAG', 'web'); // inside a List: found through items[0]
      expect([tag.positionOf, lines[tag.line - 1].trim()]).toEqual(['field', 'image: nginx:latest']);
      const root = byRule('SB-PSS-RUN-AS-NON-ROOT', 'web'); // missing field: its nearest parent
      expect([root.positionOf, lines[root.line - 1].trim()]).toEqual(['parent', 'securityContext:']);
      const ns = byRule('SB-NS-PSS', 'shop');
      expect(ns.objectLine).toBe(2);
    });

    test('JSON streams, CRLF line ends, quoted path segments and duplicates in one file', () => {
      const first = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'shop' }, spec: { type: 'ClusterIP' } };
      const second = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort' } };
      write('s.json', `${JSON.stringify(first)}\n${JSON.stringify(second, undefined, 2)}\n`);
      const svc = json(['audit', 's.json']).findings.find((f: any) => f.ruleId === 'SB-SVC-EXPOSED');
      expect([svc.line, svc.column, svc.objectLine, svc.objectColumn, svc.positionOf]).toEqual([10, 5, 2, 1, 'field']);

      write('crlf.yaml', yamlDocs([privileged('api')]).replace(/\n/g, '\r\n'));
      const crlf = json(['audit', 'crlf.yaml']).findings.find((f: any) => f.ruleId === 'SB-PSS-PRIVILEGED');
      expect([crlf.line, crlf.column]).toEqual([31, 13]);

      write('ns.yaml', yamlDocs([namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.20' })]));
      const pss = json(['audit', 'ns.yaml']).findings.find((f: any) => f.ruleId === 'SB-NS-PSS');
      expect(pss.jsonPath).toBe('metadata.labels["pod-security.kubernetes.io/enforce-version"]');
      expect([pss.line, pss.column, pss.positionOf]).toEqual([7, 5, 'field']);
      expect(fs.readFileSync('ns.yaml', 'utf-8').split('\n')[6]).toBe('    pod-security.kubernetes.io/enforce-version: v1.20');

      write('dup.yaml', yamlDocs([namespace(), privileged('api'), deployment('api'), privileged('api')]));
      const dups = json(['audit', 'dup.yaml']).findings.filter((f: any) => f.ruleId === 'SB-META-DUPLICATE');
      expect(dups).toHaveLength(2);
      const docStarts = fs.readFileSync('dup.yaml', 'utf-8').split('\n').map((l, i) => (l === 'apiVersion: apps/v1' ? i + 1 : 0)).filter((n) => n > 0);
      expect(dups.map((f: any) => f.objectLine)).toEqual(docStarts.slice(1));
    });

    test('parseJsonPath', () => {
      expect(parseJsonPath('spec.template.spec.containers[0].securityContext')).toEqual(['spec', 'template', 'spec', 'containers', 0, 'securityContext']);
      expect(parseJsonPath('metadata.labels["a.b/c"]')).toEqual(['metadata', 'labels', 'a.b/c']);
      expect(parseJsonPath('spec.portLevelMtls.8080')).toEqual(['spec', 'portLevelMtls', '8080']);
      expect(parseJsonPath('a[')).toBeUndefined();
    });
  });

  describe('scoping', () => {
    test('globs: names at any depth without "/", paths from the working directory with it; folders exclude their content', () => {
      const { globs, anchored } = compileExcludes(['vendor', '*.gen.yaml', './deploy/upstream/', 'charts/**/crds', 'x/{a,b}.yaml']);
      const excluded = (f: string) => pathExcluded(f, globs, anchored);
      expect(['vendor/a.yaml', 'deploy/vendor/x/b.yml', 'a/b.gen.yaml', 'deploy/upstream/x.yaml', 'charts/c/d/crds/x.yaml', 'x/b.yaml'].filter((f) => !excluded(f))).toEqual([]);
      expect(['vendors/a.yaml', 'a/b.yaml', 'other/deploy/upstream/x.yaml', 'charts/crds.yaml', 'x/c.yaml'].filter(excluded)).toEqual([]);
      expect(globToRegExp('a?c').test('abc')).toBe(true);
      expect(globToRegExp('a?c').test('a/c')).toBe(false);
    });

    test('--exclude-path: excluded files are not read at all (their read errors do not count)', () => {
      write('deploy/app.yaml', yamlDocs([...compliantBundle().slice(0, 3), privileged('api')]));
      write('deploy/vendor/upstream.yaml', 'kind: [broken\n');
      expect(run(['audit', 'deploy']).code).toBe(2);
      const r = run(['audit', '--exclude-path', 'vendor', 'deploy']);
      expect([r.code, r.stderr]).toEqual([1, '']);
      expect(run(['audit', '--exclude-path=deploy/vendor/**', 'deploy']).code).toBe(1);
      expect(run(['audit', '--exclude-path', '*.yaml', 'deploy'])).toEqual({
        code: 2, stdout: '', stderr: 'error: no files left to read in deploy: --exclude-path excluded all 2 file(s) and folder(s) found; exclude less\n',
      });
    });

    test('--namespace, --exclude-namespace, --kind, --exclude-kind, --min-severity: only what is reported changes', () => {
      const spec = compliantPodSpec();
      spec.containers[0].imagePullPolicy = 'IfNotPresent';
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'missing' }, subjects: [] };
      write('all.yaml', yamlDocs([...compliantBundle().slice(0, 3), privileged('api'), namespace('kube-system', {}), privileged('agent', 'kube-system'), deployment('pull', 'shop', spec), role]));
      const subjects = (args: string[]) => [...new Set<string>(json(['audit', ...args, 'all.yaml']).findings.map((f: any) => `${f.resource.kind}/${f.resource.namespace ?? f.resource.name}`))].sort();
      expect(subjects([])).toEqual(['ClusterRoleBinding/crb', 'Deployment/kube-system', 'Deployment/shop', 'Namespace/kube-system']);
      expect(subjects(['--namespace', 'shop'])).toEqual(['Deployment/shop']);
      expect(subjects(['--namespace', 'kube-*'])).toEqual(['Deployment/kube-system', 'Namespace/kube-system']);
      expect(subjects(['--exclude-namespace', 'kube-system,other'])).toEqual(['ClusterRoleBinding/crb', 'Deployment/shop']);
      expect(subjects(['--kind', 'deployment'])).toEqual(['Deployment/kube-system', 'Deployment/shop']);
      expect(subjects(['--exclude-kind', 'Deployment', '--exclude-kind', 'Namespace'])).toEqual(['ClusterRoleBinding/crb']);
      const warnings = json(['audit', 'all.yaml']).findings.filter((f: any) => f.severity === 'warning');
      expect(warnings.length).toBeGreaterThan(0);
      const errorsOnly = json(['audit', '--min-severity', 'error', '--fail-on-warnings', 'all.yaml']);
      expect(errorsOnly.findings.filter((f: any) => f.severity === 'warning')).toEqual([]);
      expect(errorsOnly.summary.outOfScope).toBe(warnings.length);
      const r = run(['audit', '--namespace', 'nowhere', 'all.yaml']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^security audit: 8 objects, 0 violations, 0 acknowledged, 0 warnings, \d+ out of scope\n$/);
    });

    test('usage errors name the value and the fix', () => {
      write('ok.yaml', yamlDocs(compliantBundle()));
      expect(run(['audit', '--min-severity', 'info', 'ok.yaml'])).toEqual({ code: 2, stdout: '', stderr: `error: --min-severity must be error or warning, got "info"\n\n${USAGE}` });
      expect(run(['audit', '--group-by', 'file', 'ok.yaml'])).toEqual({ code: 2, stdout: '', stderr: `error: --group-by must be object or rule, got "file"\n\n${USAGE}` });
      expect(run(['audit', 'ok.yaml', '--exclude-path']).stderr).toBe(`error: --exclude-path needs a value\n\n${USAGE}`);
    });
  });
});
