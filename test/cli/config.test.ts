import { spawnSync } from 'child_process';
import * as path from 'path';
import { latest, privileged, run, useTempDir, writeFile } from './util';
import { documentBlocks } from '../../scripts/readme-blocks';
import { USAGE } from '../../src/cli/audit';
import { CONFIG_KEYS, parseConfig } from '../../src/cli/config';
import { compliantBundle, compliantPodSpec, deployment } from '../audit/util';

const ROOT = path.resolve(__dirname, '..', '..');

function noProbe(name: string, ns = 'shop'): any {
  const spec = compliantPodSpec();
  delete spec.containers[0].livenessProbe;
  return deployment(name, ns, spec);
}
function noReadinessProbe(name: string, ns = 'shop'): any {
  const spec = compliantPodSpec();
  delete spec.containers[0].readinessProbe;
  return deployment(name, ns, spec);
}
const NODE_PORT = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'shop' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] } };

/** `.secure-baseline.yaml`: discovery, precedence over flags, exact validation errors, same scoping as the flags. */
describe('cdk8s-secure-baseline audit: the config file', () => {
  const tmp = useTempDir('audit-config');

  const write = (file: string, content: string | any[]) => writeFile(tmp(), file, content);
  const json = (args: string[]) => JSON.parse(run([...args, '--format', 'json']).stdout);
  const ids = (args: string[]) => json(args).findings.map((f: any) => `${f.ruleId} ${f.resource?.namespace ?? ''}/${f.resource?.name ?? ''}`);
  function fixture(): void {
    write('m/app.yaml', [...compliantBundle(), privileged('api'), noProbe('web2'), NODE_PORT, privileged('agent', 'monitoring')]);
    write('vendor/up.yaml', [privileged('upstream')]);
  }

  test('discovery: .secure-baseline.yaml in the working directory, --config FILE instead, --no-config to skip it', () => {
    fixture();
    expect(ids(['audit', 'm'])).toContain('SB-PSS-PRIVILEGED shop/api');
    write('.secure-baseline.yaml', 'paths: [m]\nkinds: [Service]\n');
    expect(ids(['audit'])).toEqual(['SB-SVC-EXPOSED shop/edge']);
    write('conf/other.yaml', 'paths: [m, vendor]\nnames: [upstream]\n');
    expect(ids(['audit', '--config', 'conf/other.yaml'])).toEqual(['SB-PSS-PRIVILEGED shop/upstream']);
    expect(ids(['audit', '--no-config', 'm'])).toContain('SB-PSS-PRIVILEGED shop/api');
    expect(run(['audit', '--config', 'missing.yaml'])).toEqual({
      code: 2, stdout: '', stderr: 'error: config file missing.yaml cannot be read (no such file?). Fix: name an existing file with --config, or create missing.yaml\n',
    });
    expect(run(['audit', '--config', 'conf/other.yaml', '--no-config']).stderr).toBe(`error: --config and --no-config exclude each other; give one\n\n${USAGE}`);
    write('.secure-baseline.yaml', 'kinds: [Service]\n');
    expect(run(['audit'])).toEqual({ code: 2, stdout: '', stderr: `error: no PATH given (and .secure-baseline.yaml has no "paths")\n\n${USAGE}` });
    // A config file inside the audited folder is not read as a manifest.
    write('m/audit.yaml', 'kinds: [Service]\n');
    expect(run(['audit', '--config', 'm/audit.yaml', 'm'])).toMatchObject({ code: 1, stderr: '' });
  });

  test('precedence: a flag given replaces the file\'s value of its option (lists are not merged), PATHs replace paths', () => {
    fixture();
    write('.secure-baseline.yaml', 'paths: [vendor]\nkinds: [Service]\nminSeverity: error\nexcludeNamespaces: [monitoring]\n');
    expect(ids(['audit', 'm'])).toEqual(['SB-SVC-EXPOSED shop/edge']);
    expect(ids(['audit', 'm', '--kind', 'Deployment'])).toEqual(['SB-PSS-PRIVILEGED shop/api']);
    expect(ids(['audit', 'm', '--kind', 'Deployment', '--min-severity', 'warning'])).toEqual(['SB-CTR-LIVENESS-PROBE shop/web2', 'SB-PSS-PRIVILEGED shop/api']);
    expect(ids(['audit', 'm', '--kind', 'Deployment', '--exclude-namespace', 'shop'])).toEqual(['SB-NET-WORKLOAD-ISOLATION monitoring/agent', 'SB-PSS-PRIVILEGED monitoring/agent']);
    expect(ids(['audit', '--kind', 'Deployment'])).toEqual(['SB-NET-WORKLOAD-ISOLATION shop/upstream', 'SB-PSS-PRIVILEGED shop/upstream']); // the file's paths
  });

  test('scoping via the file equals scoping via the flags on the same input', () => {
    fixture();
    write('m/gen.yaml', [privileged('generated')]);
    const flags = ['--exclude-path', 'gen.yaml', '--namespace', 'shop,team-*', '--exclude-kind', 'Service', '--exclude-name', 'web?',
      '--disable', 'SB-NET-WORKLOAD-ISOLATION', '--min-severity', 'error', '--fail-on-warnings', '--external-role', 'reader', '--encrypted-storage-class', 'gp3'];
    const file = [
      'paths: [m]', 'excludePaths: [gen.yaml]', 'namespaces: [shop, "team-*"]', 'excludeKinds: [Service]', 'excludeNames: ["web?"]',
      'disabledRules: [SB-NET-WORKLOAD-ISOLATION]', 'minSeverity: error', 'failOnWarnings: true', 'externalRoles: [reader]', 'encryptedStorageClasses: [gp3]',
    ].join('\n');
    write('scope.yaml', file);
    const byFlags = run(['audit', '--format', 'json', ...flags, 'm']);
    const byFile = run(['audit', '--format', 'json', '--config', 'scope.yaml']);
    expect(byFile).toEqual(byFlags);
    expect(JSON.parse(byFile.stdout).findings.map((f: any) => `${f.ruleId} ${f.resource.name}`)).toEqual(['SB-PSS-PRIVILEGED api']);
    expect(JSON.parse(byFile.stdout).summary.outOfScope).toBeGreaterThan(0);
    // names / kinds (include) too, and text output alike.
    write('scope.yaml', 'paths: [m]\nnames: ["api", "agent"]\nkinds: [deployment]\n');
    expect(run(['audit', '--config', 'scope.yaml'])).toEqual(run(['audit', '--name', 'api,agent', '--kind', 'deployment', 'm']));
    // Every key of the file is an option of a flag (or PATH...), listed in --help.
    for (const k of CONFIG_KEYS) expect(USAGE).toContain(k.key);
  });

  test('the file\'s baseline: --write-baseline creates it when missing; --no-baseline ignores it', () => {
    fixture();
    write('.secure-baseline.yaml', 'paths: [m]\nbaseline: accepted.json\n');
    expect(run(['audit'])).toEqual({
      code: 2, stdout: '', stderr: 'error: baseline accepted.json cannot be read (no such file?). Fix: create it with --write-baseline accepted.json, or name the file written by --write-baseline\n',
    });
    expect(run(['audit', '--write-baseline', 'accepted.json'])).toMatchObject({ code: 0, stderr: 'baseline: 5 accepted finding(s) written to accepted.json\n' });
    expect(run(['audit'])).toMatchObject({ code: 0, stdout: 'security audit: 8 objects, 0 violations, 0 acknowledged, 0 warnings, 5 accepted by the baseline (0 no longer found)\n' });
    expect(run(['audit', '--no-baseline']).code).toBe(1);
  });

  test('validation: each error names the file, line, column, key, the bad value and the fix; all at once; exit 2', () => {
    fixture();
    write('.secure-baseline.yaml', [
      'paths: [m]',
      'excludeNamespace: [kube-system]',
      'kinds: Deployment',
      'disabledRules: [SB-PSS-PRIVILEDGED, 3]',
      'minSeverity: info',
      'failOnWarnings: sometimes',
      'baseline: ""',
      '',
    ].join('\n'));
    expect(run(['audit'])).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'error: .secure-baseline.yaml:2:1: excludeNamespace: unknown key (did you mean "excludeNamespaces"?). Fix: a config file has the keys paths, excludePaths, namespaces, excludeNamespaces, kinds, excludeKinds, names, excludeNames, minSeverity, disabledRules, failOnWarnings, encryptedStorageClasses, externalRoles, baseline, exceptions, rules, packs',
        'error: .secure-baseline.yaml:3:8: kinds: must be a list of strings, got "Deployment". Fix: write a list, e.g. kinds: [Deployment, StatefulSet]',
        'error: .secure-baseline.yaml:4:17: disabledRules[0]: unknown rule ID "SB-PSS-PRIVILEDGED". Fix: use one of the rule IDs listed in RULES.md (exported as RuleIds), e.g. did you mean "SB-PSS-PRIVILEGED"?',
        'error: .secure-baseline.yaml:4:37: disabledRules[1]: must be a non-empty string, got 3. Fix: e.g. disabledRules: [SB-CTR-LIVENESS-PROBE]',
        'error: .secure-baseline.yaml:5:14: minSeverity: must be error or warning, got "info". Fix: write minSeverity: error (report errors only) or minSeverity: warning (the default)',
        'error: .secure-baseline.yaml:6:17: failOnWarnings: must be true or false, got "sometimes". Fix: e.g. failOnWarnings: true',
        'error: .secure-baseline.yaml:7:11: baseline: must be a file name, got "". Fix: e.g. baseline: .secure-baseline.json',
        '',
      ].join('\n'),
    });
    const err = (text: string) => { try { parseConfig(text, 'c.yaml'); } catch (e) { return (e as Error).message; } return 'no error'; };
    expect(err('kinds: [Deployment\n')).toBe('c.yaml:1:19: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix: correct the YAML');
    expect(err('kinds: [A]\nkinds: [B]\n')).toBe('c.yaml:2:1: duplicate key "kinds" (also on line 1): Kubernetes tooling keeps the last value, strict decoders refuse the document. Fix: correct the YAML');
    expect(err('- paths\n')).toBe('c.yaml:1:1: the file holds a list, not a map of options. Fix: write options such as "excludeNamespaces: [kube-system]" (keys: paths, excludePaths, namespaces, excludeNamespaces, kinds, excludeKinds, names, excludeNames, minSeverity, disabledRules, failOnWarnings, encryptedStorageClasses, externalRoles, baseline, exceptions, rules, packs)');
    expect(err('kinds: [A]\n---\nkinds: [B]\n')).toBe('c.yaml:3:1: a second YAML document: the file holds one document (remove the "---" line and merge the two). Fix: correct the YAML');
    expect(err('names: [api, ""]\n')).toBe('c.yaml:1:14: names[1]: must be a non-empty string, got "". Fix: e.g. names: ["api-*"]');
    expect(err('exceptions: {ruleId: SB-PSS-PRIVILEGED}\n')).toBe('c.yaml:1:13: exceptions: must be a list of exceptions, got {"ruleId":"SB-PSS-PRIVILEGED"}. Fix: write one "- ruleId: ..." entry per exception (keys: ruleId, kind, namespace, name, file, reason, expires)');
    // YAML 1.1 as Kubernetes reads it; empty file and empty keys set nothing.
    expect(parseConfig('failOnWarnings: yes\nkinds:\n', 'c.yaml')).toEqual({ failOnWarnings: true });
    expect(parseConfig('# nothing yet\n', 'c.yaml')).toEqual({});
  });

  test('exceptions: each invalid field is an error at its line (reason missing, unknown rule, bad date, no selector, ...)', () => {
    fixture();
    write('.secure-baseline.yaml', [
      'paths: [m]', //                                                    1
      'exceptions:', //                                                   2
      '  - ruleId: SB-PSS-PRIVILEGED', //                                 3
      '    name: api', //                                                 4
      '  - ruleId: SB-PSS-PRIVILEGED', //                                 5
      '    nmae: api-*', //                                               6
      '    reason: todo', //                                              7
      '    expires: 30.06.2025', //                                       8
      '  - reason: storage driver needs the host devices, reviewed', //   9
      '    kind: ""', //                                                 10
      '  - ruleId: SB-ACK-UNUSED', //                                    11
      '    name: api', //                                                12
      '    reason: storage driver needs the host devices, reviewed', //  13
      '    expires: 2025-02-30', //                                      14
      '  - ruleId: SB-PSS-PRIVILEDGED', //                               15
      '    namespace: [shop]', //                                        16
      '    reason: storage driver needs the host devices, reviewed', //  17
      '',
    ].join('\n'));
    const r = run(['audit']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      'error: .secure-baseline.yaml:3:5: exceptions[0]: has no reason. Fix: say why the findings are acceptable in a full sentence (at least 20 characters and 3 words), e.g. reason: node exporter reads host metrics, reviewed by the platform team',
      'error: .secure-baseline.yaml:6:5: exceptions[1].nmae: unknown key (did you mean "name"?). Fix: an exception has the keys ruleId, kind, namespace, name, file, reason, expires',
      'error: .secure-baseline.yaml:7:13: exceptions[1].reason: "todo" is too short (4 characters, 1 word; at least 20 characters and 3 words are required). Fix: say why the findings are acceptable in a full sentence',
      'error: .secure-baseline.yaml:5:5: exceptions[1]: selects no object. Fix: give at least one of kind, namespace, name, file (to skip a rule everywhere, use disabledRules)',
      'error: .secure-baseline.yaml:8:14: exceptions[1].expires: must be a date YYYY-MM-DD, got "30.06.2025". Fix: write the last day the exception applies, e.g. expires: 2025-12-31',
      'error: .secure-baseline.yaml:9:5: exceptions[2]: has no ruleId. Fix: name the rule whose findings it accepts, e.g. ruleId: SB-PSS-HOST-PATH (RULES.md lists them)',
      'error: .secure-baseline.yaml:10:11: exceptions[2].kind: must be a non-empty string, got "". Fix: write a kind or leave kind out',
      'error: .secure-baseline.yaml:11:13: exceptions[3].ruleId: rule SB-ACK-UNUSED cannot be accepted: it reports an acknowledgement or exception. Fix: correct or remove the acknowledgement or exception it reports',
      'error: .secure-baseline.yaml:14:14: exceptions[3].expires: must be a date YYYY-MM-DD, got "2025-02-30". Fix: write the last day the exception applies, e.g. expires: 2025-12-31',
      'error: .secure-baseline.yaml:15:13: exceptions[4].ruleId: unknown rule ID "SB-PSS-PRIVILEDGED". Fix: use one of the rule IDs listed in RULES.md (exported as RuleIds), e.g. did you mean "SB-PSS-PRIVILEGED"?',
      'error: .secure-baseline.yaml:16:16: exceptions[4].namespace: must be a non-empty string, got ["shop"]. Fix: write a namespace pattern or leave namespace out',
      '',
    ]);
    expect(run(['audit', '--today', '2025-13-01']).stderr).toBe(`error: --today must be a date YYYY-MM-DD, got "2025-13-01"\n\n${USAGE}`);
  });

  test('the recipe of docs/audit-cli.md: the config file with an exception, the day it expires, a flag over the file', () => {
    const blocks = documentBlocks(ROOT);
    const adopt = blocks.find((b) => b.targets.some((t) => t.flow === 'adopt'))!.code.trim().split('\n');
    const configFile = blocks.filter((b) => b.targets.some((t) => t.flow === 'adopt-config' && t.file === '.secure-baseline.yaml'));
    const commands = blocks.filter((b) => b.targets.some((t) => t.flow === 'adopt-config' && t.file === undefined));
    expect([...configFile, ...commands].map((b) => b.doc)).toEqual(['docs/audit-cli.md', 'docs/audit-cli.md']);
    // Today's findings are accepted by the adopt recipe's baseline; a new one comes with an exception.
    write('manifests/app.yaml', [...compliantBundle(), latest('web2')]);
    // The clock of the CLI processes: a fixed day before the exception expires.
    write('clock.js', 'const F = Date.parse("2027-01-15T12:00:00Z"); const D = Date; global.Date = class extends D { constructor(...a) { super(...(a.length ? a : [F])); } static now() { return F; } };\n');
    const cli = `node -r ${require.resolve('ts-node/register/transpile-only')} -r ${path.join(tmp(), 'clock.js')} ${path.join(ROOT, 'src', 'cli', 'audit.ts')}`;
    const env = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') };
    const sh = (line: string) => spawnSync('bash', ['-c', line.split('npx cdk8s-secure-baseline').join(cli)], { cwd: tmp(), env, encoding: 'utf-8' });
    expect(sh(adopt[0]).status).toBe(0);
    write('manifests/storage.yaml', [privileged('storage-node'), noReadinessProbe('worker')]);
    write('.secure-baseline.yaml', configFile[0].code);
    const [today, dayAfter, flag] = commands[0].code.trim().split('\n').map((c) => sh(c));
    expect([today.status, today.stderr]).toEqual([0, '']);
    expect(today.stdout.split('\n')[0]).toBe('security audit: 7 objects, 0 violations, 1 acknowledged, 1 warnings, 1 accepted by the baseline (0 no longer found)');
    expect(today.stdout).toContain('    acknowledged by exception .secure-baseline.yaml:9 exceptions[0], expires 2027-06-30: the CSI node plugin needs device access, reviewed by the platform team (SEC-231)\n');
    expect(dayAfter.status).toBe(1);
    expect(dayAfter.stdout).toContain([
      '.secure-baseline.yaml  (.secure-baseline.yaml:9:5)',
      '  warning      SB-ACK-EXPIRED  .secure-baseline.yaml:9:5  exception of SB-PSS-PRIVILEGED on kind Deployment, namespace shop, name storage-* (reason: "the CSI node plugin needs device access, reviewed by the platform team (SEC-231)") expired on 2027-06-30 (today is 2027-07-01): it no longer accepts the 1 finding it matches, reported again (at exceptions[0])',
    ].join('\n'));
    expect(dayAfter.stdout).toContain('  violation    SB-PSS-PRIVILEGED  manifests/storage.yaml:');
    expect([flag.status, flag.stdout.split('\n')[0]]).toEqual([0, 'security audit: 7 objects, 0 violations, 1 acknowledged, 0 warnings, 1 out of scope, 1 accepted by the baseline (0 no longer found)']);
  }, 90_000);
});
