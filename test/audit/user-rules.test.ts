import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { ApiObject, App, Chart, Testing, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { SARIF_SUBSET_SCHEMA } from './sarif-schema';
import { clone, compliantBundle, compliantPodSpec, deployment } from './util';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, AuditRuleContext, AuditRuleIssue, Finding, IAuditRule, RulePack, SecurityAudit, Severity } from '../../src/audit';
import { runCli } from '../../src/cli/audit';
import { expectValidManifests } from '../util/schema';

/**
 * The house rules of the tests, as a platform team ships them: a CommonJS module exporting
 * `rules` and `packs`, loaded by the app (require) and by the CLI (--rules).
 */
const HOUSE_RULES = `
const { RulePack, Severity } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src'))});

const registryAllowList = {
  id: 'ACME-REGISTRY-ALLOWLIST',
  severity: Severity.ERROR,
  area: 'Supply chain',
  description: 'Container images must come from ghcr.io/acme/.',
  fix: 'Mirror the image into ghcr.io/acme/ and reference it from there.',
  standards: { kubescape: ['C-0078'] },
  helpUri: 'https://acme.example.com/platform/rules#registry',
  check(context) {
    const issues = [];
    for (const pod of context.podSpecs) {
      for (const c of pod.containers) {
        const image = c.container.image;
        if (typeof image !== 'string' || !image.startsWith('ghcr.io/acme/')) {
          issues.push({ resource: pod.resource, jsonPath: c.path + '.image', message: c.label + ' uses image ' + JSON.stringify(image) + ' from outside ghcr.io/acme/' });
        }
      }
    }
    return issues;
  },
};

const teamLabel = {
  id: 'ACME-TEAM-LABEL',
  severity: Severity.WARNING,
  description: 'Deployments carry the label acme.io/team.',
  fix: 'Add the label acme.io/team with the owning team.',
  check(context) {
    return context.ofKind('Deployment', 'apps')
      .filter((d) => d.labels['acme.io/team'] === undefined)
      .map((d) => ({ resource: d, jsonPath: 'metadata.labels', message: 'has no acme.io/team label' }));
  },
};

exports.rules = [registryAllowList, teamLabel];
exports.packs = [RulePack.custom('acme', [registryAllowList, teamLabel], [RulePack.podSecurityRestricted()])];
`;

const REASON = 'mirrored upstream image, reviewed by the platform team (SEC-12)';

/** The objects of the shop: web's image is acknowledged by annotation; api's is from ghcr.io/acme/. */
function shop(): any[] {
  const [ns, deny, sa, web] = compliantBundle();
  web.metadata.annotations = { [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}ACME-REGISTRY-ALLOWLIST`]: REASON };
  const api = deployment('api', 'shop', compliantPodSpec('web'));
  api.metadata.labels = { 'acme.io/team': 'checkout' };
  api.spec.template.spec.containers[0].image = 'ghcr.io/acme/api:1.0.0';
  return [ns, deny, sa, web, api];
}

function addObjects(scope: Construct, objects: any[]): void {
  objects.forEach((o, i) => {
    const { apiVersion, kind, metadata, ...rest } = clone(o);
    new ApiObject(scope, `o${i}-${kind}-${metadata.name}`, { apiVersion, kind, metadata, ...rest });
  });
}

/** What app and CLI must agree on. */
function essence(f: Finding | any) {
  return { ruleId: f.ruleId, resource: f.resource, jsonPath: f.jsonPath, message: f.message, acknowledged: f.acknowledged ?? f.status === 'acknowledged', reason: f.acknowledgement?.reason };
}

const image = (ctx: AuditRuleContext): AuditRuleIssue[] => ctx.podSpecs.map((p) => ({ resource: p.resource, message: 'is checked' }));
function rule(id: string, check: (ctx: AuditRuleContext) => AuditRuleIssue[] = image): IAuditRule {
  return { id, severity: Severity.ERROR, description: 'A house rule of the tests.', fix: 'Follow the house rule.', check };
}

describe('user rules and rule packs', () => {
  let dir: string;
  let cwd: string;
  let house: { rules: IAuditRule[]; packs: RulePack[] };
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-rules-'));
    process.chdir(dir);
    fs.writeFileSync('house-rules.js', HOUSE_RULES);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    house = require(path.join(dir, 'house-rules.js'));
  });
  afterEach(() => process.chdir(cwd));

  function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr };
  }

  test('a custom pack in the app and in the CLI on the same YAML: same findings, acknowledgement, JSON, SARIF and text reports', () => {
    const app = new App({ outdir: path.join(dir, 'dist') });
    addObjects(new Chart(app, 'shop'), shop());
    SecurityAudit.of(app, { packs: house.packs, printSummary: false });
    app.synth();
    const synthesized = Yaml.load(path.join(dir, 'dist', 'shop.k8s.yaml'));
    expectValidManifests(synthesized);

    const reports = path.join(dir, 'dist-reports');
    const json = JSON.parse(fs.readFileSync(path.join(reports, 'security-audit.json'), 'utf-8'));
    expect(json.summary).toEqual({ objects: 5, violations: 0, warnings: 1, acknowledged: 1, passed: true });
    expect(json.findings.map((f: any) => [f.ruleId, f.status, `${f.resource.kind}/${f.resource.name}`, f.jsonPath, f.message, f.acknowledgement?.source])).toEqual([
      ['ACME-REGISTRY-ALLOWLIST', 'acknowledged', 'Deployment/web', 'spec.template.spec.containers[0].image', 'container "web" uses image "registry.example.com/web:1.2.3" from outside ghcr.io/acme/', 'annotation'],
      ['ACME-TEAM-LABEL', 'warning', 'Deployment/web', 'metadata.labels', 'has no acme.io/team label', undefined],
    ]);

    const sarif = JSON.parse(fs.readFileSync(path.join(reports, 'security-audit.sarif'), 'utf-8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
    ajv.addFormat('uri-reference', /^[^\s]*$/);
    expect(ajv.compile(SARIF_SUBSET_SCHEMA)(sarif)).toBe(true);
    const driverRules = sarif.runs[0].tool.driver.rules;
    // The pack's rules only: PSS (restricted), the audit's own rules, and the house rules.
    expect(driverRules.map((r: any) => r.id)).toEqual(SecurityAudit.rules(house.packs[0]).map((r) => r.id));
    expect(driverRules.find((r: any) => r.id === 'ACME-REGISTRY-ALLOWLIST')).toEqual({
      id: 'ACME-REGISTRY-ALLOWLIST',
      name: 'AcmeRegistryAllowlist',
      shortDescription: { text: 'Container images must come from ghcr.io/acme/.' },
      fullDescription: { text: 'Container images must come from ghcr.io/acme/. Standards: kubescape: C-0078.' },
      help: {
        text: 'Container images must come from ghcr.io/acme/.\nFix: Mirror the image into ghcr.io/acme/ and reference it from there.',
        markdown: 'Container images must come from ghcr.io/acme/.\n\n**Fix:** Mirror the image into ghcr.io/acme/ and reference it from there.\n\n**Standards:** kubescape: C-0078',
      },
      helpUri: 'https://acme.example.com/platform/rules#registry',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'kubernetes', 'Supply chain'] },
    });
    expect(driverRules.find((r: any) => r.id === 'ACME-TEAM-LABEL')).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { tags: ['security', 'kubernetes', 'Custom'] } });
    expect(driverRules.find((r: any) => r.id === 'ACME-TEAM-LABEL').helpUri).toBeUndefined();
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, driverRules[r.ruleIndex].id, r.suppressions?.[0].justification])).toEqual([
      ['ACME-REGISTRY-ALLOWLIST', 'ACME-REGISTRY-ALLOWLIST', REASON],
      ['ACME-TEAM-LABEL', 'ACME-TEAM-LABEL', undefined],
    ]);

    const text = fs.readFileSync(path.join(reports, 'security-audit.txt'), 'utf-8');
    expect(text).toContain('  warning      ACME-TEAM-LABEL  has no acme.io/team label (at metadata.labels)\n');
    expect(text).toContain(`  acknowledged ACME-REGISTRY-ALLOWLIST  container "web" uses image "registry.example.com/web:1.2.3" from outside ghcr.io/acme/ (at spec.template.spec.containers[0].image)\n    acknowledged by annotation: ${REASON}\n`);
    expect(text).toContain('  ACME-TEAM-LABEL  warning  1 warning\n    fix: Add the label acme.io/team with the owning team.\n');

    // The CLI on the YAML the app wrote, with the same module: the same findings.
    const out = cli(['audit', '--rules', './house-rules.js', '--format', 'json', 'dist']);
    expect([out.code, out.stderr]).toEqual([0, '']);
    expect(JSON.parse(out.stdout).findings.map(essence)).toEqual(json.findings.map(essence));
    const inApp = SecurityAudit.of(app).audit().findings.map(essence);
    expect(inApp).toEqual(JSON.parse(out.stdout).findings.map(essence));
    const sarifCli = JSON.parse(cli(['audit', '--rules', './house-rules.js', '--format', 'sarif', 'dist']).stdout);
    expect(sarifCli.runs[0].tool.driver.rules).toEqual(driverRules);
    expect(cli(['audit', '--rules', './house-rules.js', 'dist']).stdout).toContain('  warning      ACME-TEAM-LABEL  dist/shop.k8s.yaml:');
  });

  test('user rules with every built-in rule: violations fail the CLI (exit 1) and the synth; construct acknowledgements, exceptions, disabledRules and baselines apply', () => {
    const objects = shop();
    objects[4].spec.template.spec.containers[0].image = 'docker.io/library/busybox:1.36';
    fs.writeFileSync('app.yaml', objects.map((o) => YAML.stringify(o)).join('---\n'));
    const failing = cli(['audit', '--rules', './house-rules.js', '--pack', 'baseline', 'app.yaml']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('  violation    ACME-REGISTRY-ALLOWLIST  app.yaml:');
    expect(cli(['audit', '--rules', './house-rules.js', '--write-baseline', 'accepted.json', 'app.yaml']).code).toBe(0);
    expect(JSON.parse(fs.readFileSync('accepted.json', 'utf-8')).findings.map((e: any) => e.ruleId)).toEqual(['ACME-REGISTRY-ALLOWLIST', 'ACME-TEAM-LABEL']);
    expect(cli(['audit', '--rules', './house-rules.js', '--baseline', 'accepted.json', 'app.yaml']).code).toBe(0);
    expect(cli(['audit', '--rules', './house-rules.js', '--disable', 'ACME-REGISTRY-ALLOWLIST', 'app.yaml']).code).toBe(0);
    fs.writeFileSync('.secure-baseline.yaml', 'rules: [./house-rules.js]\npacks: [nsa]\nexceptions:\n  - ruleId: ACME-REGISTRY-ALLOWLIST\n    name: api\n    reason: busybox is mirrored by the registry proxy, ticket SEC-99\n');
    const excepted = cli(['audit', '--format', 'json', 'app.yaml']);
    expect(excepted.code).toBe(0);
    expect(JSON.parse(excepted.stdout).findings.filter((f: any) => f.ruleId.startsWith('ACME')).map((f: any) => [f.ruleId, f.resource.name, f.status])).toEqual([
      ['ACME-REGISTRY-ALLOWLIST', 'api', 'acknowledged'],
      ['ACME-REGISTRY-ALLOWLIST', 'web', 'acknowledged'],
      ['ACME-TEAM-LABEL', 'web', 'warning'],
    ]);

    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    addObjects(chart, objects);
    SecurityAudit.of(app, { rules: house.rules, printSummary: false, writeReports: false });
    expect(() => Testing.synth(chart)).toThrow('  [] ACME-REGISTRY-ALLOWLIST Deployment/shop/api [construct shop/o4-Deployment-api]: container "web" uses image "docker.io/library/busybox:1.36" from outside ghcr.io/acme/ (at spec.template.spec.containers[0].image). Fix: Mirror the image into ghcr.io/acme/ and reference it from there.');
    SecurityAudit.acknowledge(chart, 'ACME-REGISTRY-ALLOWLIST', 'the shop images are mirrored by the registry proxy (SEC-99)');
    SecurityAudit.acknowledge(chart, 'ACME-TEAM-LABEL', 'the shop team label is added by the GitOps overlay');
    const result = SecurityAudit.of(app).audit();
    expect(result.findings.filter((f) => f.ruleId.startsWith('ACME') || f.ruleId === 'SB-ACK-UNUSED').map((f) => [f.ruleId, f.resource?.name, f.acknowledgement?.source ?? 'none'])).toEqual([
      ['ACME-REGISTRY-ALLOWLIST', 'api', 'construct'],
      ['ACME-REGISTRY-ALLOWLIST', 'web', 'annotation'],
      ['ACME-TEAM-LABEL', 'web', 'construct'],
    ]);
    objects[3].metadata.labels = { 'acme.io/team': 'web' };
    objects[4].spec.template.spec.containers[0].image = 'ghcr.io/acme/api:1.0.0';
    expect(SecurityAudit.auditManifests(objects, { rules: house.rules }).findings.map((f) => f.ruleId)).toEqual(['ACME-REGISTRY-ALLOWLIST']);
  });

  test('annotations naming user rules are valid only when the rule runs; unused construct acknowledgements of user rules are reported', () => {
    const objects = shop();
    const [,,, web] = objects;
    web.metadata.annotations[`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}ACME-REGISTRY-ALOWLIST`] = REASON;
    const without = SecurityAudit.auditManifests(objects).findings.filter((f) => f.ruleId === 'SB-ACK-INVALID').map((f) => f.message);
    expect(without).toEqual([
      'annotation ack.cdk8s-secure-baseline.io/ACME-REGISTRY-ALLOWLIST names an unknown rule ID "ACME-REGISTRY-ALLOWLIST"',
      'annotation ack.cdk8s-secure-baseline.io/ACME-REGISTRY-ALOWLIST names an unknown rule ID "ACME-REGISTRY-ALOWLIST"',
    ]);
    const withRules = SecurityAudit.auditManifests(objects, { rules: house.rules }).findings.filter((f) => f.ruleId === 'SB-ACK-INVALID');
    expect(withRules.map((f) => [f.message, f.fix])).toEqual([[
      'annotation ack.cdk8s-secure-baseline.io/ACME-REGISTRY-ALOWLIST names an unknown rule ID "ACME-REGISTRY-ALOWLIST"',
      'Rename the annotation to ack.cdk8s-secure-baseline.io/ACME-REGISTRY-ALLOWLIST (or another ID from RULES.md).',
    ]]);

    const app = Testing.app();
    const chart = new Chart(app, 'x');
    addObjects(chart, shop().slice(0, 3));
    SecurityAudit.of(app, { rules: house.rules, printSummary: false, writeReports: false });
    SecurityAudit.acknowledge(chart, 'ACME-TEAM-LABEL', 'no deployment in this chart needs a team label');
    expect(SecurityAudit.of(app).audit().findings.map((f) => [f.ruleId, f.message])).toEqual([
      ['SB-ACK-UNUSED', 'acknowledgement of ACME-TEAM-LABEL on construct "x" (reason: "no deployment in this chart needs a team label") matches no finding'],
    ]);
    SecurityAudit.acknowledge(chart, 'ACME-TEAM-LABLE', 'no deployment in this chart needs a team label');
    expect(() => SecurityAudit.of(app).audit()).toThrow('x: SecurityAudit.acknowledge() names an unknown rule ID "ACME-TEAM-LABLE". Fix: use one of the rule IDs listed in RULES.md (exported as RuleIds) or the ID of a rule passed in `rules` or `packs`, e.g. did you mean "ACME-TEAM-LABEL"?');
  });

  test('packs select exactly the built-in rules of their standard; the audit\'s own rules always run', () => {
    expect(RulePack.podSecurityRestricted().builtInRuleIds).toEqual([
      'SB-NS-PSS', 'SB-PSS-APPARMOR', 'SB-PSS-CAPABILITIES-ADD', 'SB-PSS-CAPABILITIES-DROP', 'SB-PSS-HOST-NAMESPACES', 'SB-PSS-HOST-PATH',
      'SB-PSS-HOST-PORTS', 'SB-PSS-HOST-PROBES', 'SB-PSS-HOST-PROCESS', 'SB-PSS-PRIVILEGE-ESCALATION', 'SB-PSS-PRIVILEGED', 'SB-PSS-PROC-MOUNT',
      'SB-PSS-RUN-AS-NON-ROOT', 'SB-PSS-RUN-AS-ROOT-USER', 'SB-PSS-SECCOMP', 'SB-PSS-SELINUX', 'SB-PSS-SYSCTLS', 'SB-PSS-VOLUME-TYPES',
    ]);
    expect(RulePack.podSecurityBaseline().builtInRuleIds).toEqual([
      'SB-PSS-APPARMOR', 'SB-PSS-CAPABILITIES-ADD', 'SB-PSS-HOST-NAMESPACES', 'SB-PSS-HOST-PATH', 'SB-PSS-HOST-PORTS', 'SB-PSS-HOST-PROBES',
      'SB-PSS-HOST-PROCESS', 'SB-PSS-PRIVILEGED', 'SB-PSS-PROC-MOUNT', 'SB-PSS-SECCOMP', 'SB-PSS-SELINUX', 'SB-PSS-SYSCTLS',
    ]);
    expect(RulePack.nsa().builtInRuleIds).toEqual([
      'SB-CTR-READONLY-ROOTFS', 'SB-CTR-RESOURCE-LIMITS', 'SB-NET-WORKLOAD-ISOLATION', 'SB-PSS-APPARMOR', 'SB-PSS-CAPABILITIES-ADD',
      'SB-PSS-HOST-NAMESPACES', 'SB-PSS-HOST-PORTS', 'SB-PSS-PRIVILEGE-ESCALATION', 'SB-PSS-PRIVILEGED', 'SB-PSS-RUN-AS-NON-ROOT',
      'SB-PSS-RUN-AS-ROOT-USER', 'SB-PSS-SECCOMP', 'SB-PSS-SELINUX', 'SB-RBAC-CLUSTER-ADMIN', 'SB-RBAC-POD-EXEC', 'SB-SA-AUTOMOUNT',
      'SB-SA-POD-AUTOMOUNT', 'SB-SECRET-ENV-LITERAL', 'SB-SECRET-LITERAL',
    ]);
    const cis = RulePack.cis().builtInRuleIds;
    expect(cis).toEqual(expect.arrayContaining(['SB-ADMISSION-NOT-ENFORCED', 'SB-NET-NS-DEFAULT-DENY', 'SB-PSS-PRIVILEGED', 'SB-RBAC-CLUSTER-ADMIN', 'SB-SECRET-ENV-REF']));
    expect(cis.filter((id) => ['SB-CTR-IMAGE-TAG', 'SB-PSS-APPARMOR', 'SB-SVC-EXPOSED'].includes(id))).toEqual([]);
    const all = SecurityAudit.rules();
    for (const id of cis) expect(all.find((r) => r.id === id)!.standards.cis!.length).toBeGreaterThan(0);
    expect(RulePack.baseline().builtInRuleIds).toEqual(all.map((r) => r.id).filter((id) => !/^SB-(ACK-|META-DUPLICATE)/.test(id)));
    expect(RulePack.builtInNames()).toEqual(['baseline', 'pod-security-baseline', 'pod-security-restricted', 'cis', 'nsa']);
    expect(SecurityAudit.rules(RulePack.custom('only-house', house.rules)).map((r) => [r.id, r.area])).toEqual([
      ['ACME-REGISTRY-ALLOWLIST', 'Supply chain'], ['ACME-TEAM-LABEL', 'Custom'],
      ['SB-ACK-EXPIRED', 'Acknowledgements'], ['SB-ACK-INVALID', 'Acknowledgements'], ['SB-ACK-UNUSED', 'Acknowledgements'], ['SB-META-DUPLICATE', 'Metadata'],
    ]);

    // A pack runs its rules only: a privileged container with a "latest" image, twice.
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    spec.containers[0].image = 'ghcr.io/acme/web:latest';
    const objects = [...compliantBundle().slice(0, 3), deployment('web', 'shop', spec), deployment('web', 'shop', spec)];
    const ids = (packs: RulePack[]) => [...new Set(SecurityAudit.auditManifests(objects, { packs }).findings.map((f) => f.ruleId))];
    expect(ids([RulePack.podSecurityRestricted()])).toEqual(['SB-META-DUPLICATE', 'SB-PSS-PRIVILEGED']);
    expect(ids([])).toEqual(['SB-META-DUPLICATE']);
    expect(ids([RulePack.baseline()])).toEqual(['SB-CTR-IMAGE-TAG', 'SB-META-DUPLICATE', 'SB-PSS-PRIVILEGED']);
    expect(cli(['audit', '--pack', 'cis,pod-security-baseline', '--format', 'json', '--no-config', write(objects)]).stdout).toContain('"ruleId": "SB-PSS-PRIVILEGED"');
    expect(cli(['audit', '--pack', 'cis,pod-security-baseline', '--format', 'json', '--no-config', write(objects)]).stdout).not.toContain('SB-CTR-IMAGE-TAG');
  });

  function write(objects: any[]): string {
    fs.writeFileSync('objects.yaml', objects.map((o) => YAML.stringify(o)).join('---\n'));
    return 'objects.yaml';
  }

  test('bad rule IDs, collisions, invalid rules and packs are errors naming the rule, the problem and the fix', () => {
    const audit = (options: any) => () => SecurityAudit.auditManifests(shop(), options);
    expect(audit({ rules: [rule('SB-PSS-PRIVILEGED')] })).toThrow('security audit: rules[0] has the rule ID "SB-PSS-PRIVILEGED", the ID of a built-in rule. Fix: give the rule an ID with a prefix of your own, e.g. "ACME-PSS-PRIVILEGED"');
    expect(audit({ rules: [rule('SB-MINE')] })).toThrow('security audit: rules[0] has the rule ID "SB-MINE", which starts with "SB-", the prefix reserved for the built-in rules. Fix: give the rule an ID with a prefix of your own, e.g. "ACME-MINE"');
    expect(audit({ rules: [rule('acme-registry')] })).toThrow('security audit: rules[0] has the rule ID "acme-registry", which is not a valid rule ID. Fix: write uppercase letters and digits in dash-separated words, starting with a prefix of your own, at most 63 characters, e.g. "ACME-REGISTRY-ALLOWLIST"');
    expect(audit({ rules: [rule('REGISTRY')] })).toThrow('security audit: rules[0] has the rule ID "REGISTRY", which is not a valid rule ID.');
    expect(audit({ rules: [rule(`ACME-${'X'.repeat(59)}`)] })).toThrow('which is not a valid rule ID');
    expect(audit({ rules: [rule('ACME-A'), rule('ACME-A')] })).toThrow('security audit: rules[0] and rules[1] are two different rules with the ID "ACME-A". Fix: give each rule its own ID (the same rule object may be listed more than once)');
    expect(audit({ rules: [{ ...house.rules[1] }], packs: house.packs })).toThrow('security audit: rules[0] and packs[0] "acme" rules[1] are two different rules with the ID "ACME-TEAM-LABEL".');
    expect(audit({ rules: [house.rules[1]], packs: house.packs })).not.toThrow();
    expect(audit({ rules: [{ ...rule('ACME-A'), severity: 'high' }] })).toThrow('security audit: rules[0] (ACME-A) has the severity "high". Fix: use Severity.ERROR or Severity.WARNING');
    expect(audit({ rules: [{ ...rule('ACME-A'), fix: ' ' }] })).toThrow('security audit: rules[0] (ACME-A) has no fix. Fix: say how to fix a finding of the rule');
    expect(audit({ rules: [{ id: 'ACME-A' }] })).toThrow('security audit: rules[0] is not an audit rule: it is an object without a check(context) method. Fix: pass an object with id, severity, description, fix and a check(context) method (IAuditRule)');
    expect(audit({ packs: ['cis'] })).toThrow('security audit: packs[0] is not a RulePack: it is "cis". Fix: pass packs made by RulePack.baseline(), RulePack.cis(), ... or RulePack.custom()');
    expect(() => SecurityAudit.of(Testing.app(), { rules: [rule('acme')] })).toThrow('<root>: SecurityAudit: rules[0] has the rule ID "acme", which is not a valid rule ID.');
    expect(() => RulePack.custom('acme', [rule('ACME-A'), rule('ACME-A')])).toThrow('RulePack.custom("acme"): rules[0] and rules[1] are two different rules with the ID "ACME-A".');
    expect(() => RulePack.custom('cis', [])).toThrow('RulePack.custom("cis"): the name is the name of a built-in pack. Fix: name the pack in lowercase letters, digits and dashes, e.g. "acme-house-rules"');
    expect(() => RulePack.custom('Acme Rules', [])).toThrow('RulePack.custom("Acme Rules"): the name is not a valid pack name.');
    expect(() => RulePack.named('pss')).toThrow('RulePack.named(): unknown rule pack "pss". Fix: use one of baseline, pod-security-baseline, pod-security-restricted, cis, nsa');
    expect(cli(['audit', '--pack', 'pss', 'x.yaml']).stderr).toMatch(/^error: --pack: unknown rule pack "pss"; the built-in packs are baseline, pod-security-baseline, pod-security-restricted, cis, nsa\n/);
    fs.writeFileSync('.secure-baseline.yaml', 'packs: [pss]\n');
    expect(cli(['audit', 'x.yaml']).stderr).toBe('error: .secure-baseline.yaml:1:9: packs[0]: unknown rule pack "pss"; the built-in packs are baseline, pod-security-baseline, pod-security-restricted, cis, nsa. Fix: e.g. packs: [pod-security-restricted, cis]\n');
    fs.writeFileSync('empty.js', 'exports.other = 1;\n');
    expect(cli(['audit', '--no-config', '--rules', 'empty.js', 'x.yaml'])).toEqual({ code: 2, stdout: '', stderr: 'error: --rules empty.js exports neither rules nor packs. Fix: export rules (a list of IAuditRule) and/or packs (a list of RulePack), e.g. module.exports = { rules: [registryAllowList] }\n' });
    expect(cli(['audit', '--no-config', '--rules', 'missing.js', 'x.yaml']).stderr).toMatch(/^error: --rules missing\.js cannot be loaded: Cannot find module /);
    fs.writeFileSync('twice.js', 'exports.rules = require(\'./house-rules.js\').rules.map((r) => ({ ...r }));\n');
    fs.writeFileSync('x.yaml', YAML.stringify(shop()[0]));
    expect(cli(['audit', '--no-config', '--rules', 'house-rules.js', '--rules', 'twice.js', 'x.yaml']).stderr).toBe('error: security audit: house-rules.js rules[0] and twice.js rules[0] are two different rules with the ID "ACME-REGISTRY-ALLOWLIST". Fix: give each rule its own ID (the same rule object may be listed more than once)\n');
  });

  test('a rule that throws or returns a bad issue fails the audit with an error naming the rule', () => {
    const boom = rule('ACME-BOOM', () => { throw new Error('no registry list configured'); });
    const message = 'security audit: rule ACME-BOOM failed: its check() threw Error: no registry list configured. Fix: correct the rule; a rule reports what it finds as issues and never throws';
    expect(() => SecurityAudit.auditManifests(shop(), { rules: [boom] })).toThrow(message);
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    addObjects(chart, shop());
    SecurityAudit.of(app, { rules: [boom], printSummary: false });
    expect(() => Testing.synth(chart)).toThrow(message);
    fs.writeFileSync('boom.js', 'exports.rules = [{ id: "ACME-BOOM", severity: "error", description: "d", fix: "f", check() { throw new Error("no registry list configured"); } }];\n');
    fs.writeFileSync('x.yaml', YAML.stringify(shop()[3]));
    expect(cli(['audit', '--no-config', '--rules', 'boom.js', 'x.yaml'])).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\n` });

    const foreign = rule('ACME-FOREIGN', (ctx) => [{ resource: { ...ctx.objects[0] } as any, message: 'copied' }]);
    expect(() => SecurityAudit.auditManifests(shop(), { rules: [foreign] })).toThrow('security audit: rule ACME-FOREIGN: check() returned an issue (index 0) that names a resource that is not one of the context\'s objects. Fix: report an object taken from the context (objects, ofKind, inNamespace, find or podSpecs[].resource)');
    const notList = rule('ACME-UNDEFINED', () => undefined as any);
    expect(() => SecurityAudit.auditManifests(shop(), { rules: [notList] })).toThrow('security audit: rule ACME-UNDEFINED: check() returned undefined instead of a list of issues. Fix: return an array (empty when the rule finds nothing)');
  });

  test('the context: objects, kinds, namespaces, lookups and pod specs as jsii-safe views', () => {
    let seen: any;
    const probe = rule('ACME-PROBE', (ctx) => {
      const web = ctx.find('apps', 'Deployment', 'shop', 'web')!;
      seen = {
        objects: ctx.objects.map((o) => `${o.kind}/${o.name}`),
        sameView: ctx.ofKind('Deployment', 'apps')[0] === web && ctx.podSpecs[0].resource === web,
        inNamespace: ctx.inNamespace('ServiceAccount', 'shop', '').map((o) => o.name),
        none: [ctx.ofKind('Deployment', 'batch'), ctx.find('', 'Secret', 'shop', 'x')],
        web: [web.apiVersion, web.group, web.namespace, web.location, web.constructPath, web.file, web.manifest.spec.selector.matchLabels.app],
        pod: [ctx.podSpecs[0].specPath, ctx.podSpecs[0].containers.map((c) => [c.name, c.path, c.label, c.securityContext.readOnlyRootFilesystem])],
      };
      return [];
    });
    const objects = shop();
    delete objects[3].metadata.annotations;
    expect(SecurityAudit.auditManifests(objects, { rules: [probe] }).findings).toEqual([]);
    expect(seen).toEqual({
      objects: ['Namespace/shop', 'NetworkPolicy/default-deny', 'ServiceAccount/web', 'Deployment/web', 'Deployment/api'],
      sameView: true,
      inNamespace: ['web'],
      none: [[], undefined],
      web: ['apps/v1', 'apps', 'shop', 'input 4', undefined, undefined, 'web'],
      pod: ['spec.template.spec', [['web', 'spec.template.spec.containers[0]', 'container "web"', true]]],
    });
  });
});
