/**
 * `reportScope`: the in-app audit reports (and fails on) the findings the CLI's scoping options
 * would report — every object still audited, cluster-scoped objects out when namespaces are
 * named, findings about no object always in, counts recomputed — and refuses patterns that can
 * match nothing, naming the construct, the value and the fix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { ALL_FINDINGS, findingKey, scopeApp, scopeManifests } from './scope-fixture';
import { AuditScope, RuleIds, SecurityAudit, Severity, SecurityAuditProps } from '../../src';
import { auditManifests } from '../../src/audit/engine';
import { expectValidManifests } from '../util/schema';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'audit-scope-'));
}

/** The findings `SecurityAudit.of(app).audit()` reports under `reportScope`. */
function inApp(reportScope: AuditScope | undefined, props: SecurityAuditProps = {}): string[] {
  const app = scopeApp(tmpdir());
  return SecurityAudit.of(app, { writeReports: false, printSummary: false, reportScope, ...props }).audit().findings.map(findingKey);
}

/** Synthesizes the app; what synth threw (or undefined) and what it printed. */
function synth(props: SecurityAuditProps): { error?: string; printed: string[]; reports: string; outdir: string } {
  const outdir = tmpdir();
  const app = scopeApp(outdir);
  SecurityAudit.of(app, props);
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  let error: string | undefined;
  let printed: string[];
  try {
    app.synth();
  } catch (e) {
    error = (e as Error).message;
  } finally {
    printed = write.mock.calls.map((c) => String(c[0]));
    write.mockRestore();
  }
  return { error, printed, reports: `${outdir}-reports`, outdir };
}

const only = (...keys: string[]) => ALL_FINDINGS.filter((k) => keys.some((s) => k.includes(s)));
const except = (...keys: string[]) => ALL_FINDINGS.filter((k) => !keys.some((s) => k.includes(s)));

describe('SecurityAudit reportScope', () => {
  test('the fixture is schema-valid and, unscoped, has findings in both namespaces and of every kind', () => {
    expectValidManifests(scopeManifests());
    expect(inApp(undefined)).toEqual(ALL_FINDINGS);
    expect(inApp({})).toEqual(ALL_FINDINGS);
  });

  test.each<[string, AuditScope, string[]]>([
    ['namespaces', { namespaces: ['shop'] }, only('/shop/')],
    ['namespaces (pattern; cluster-scoped objects out)', { namespaces: ['bill*'] }, only('/billing/')],
    ['excludeNamespaces (cluster-scoped objects stay)', { excludeNamespaces: ['shop'] }, except('/shop/')],
    ['kinds (any case)', { kinds: ['deployment'] }, only('Deployment/')],
    ['excludeKinds', { excludeKinds: ['Deployment', 'Service'] }, ['SB-RBAC-SECRETS ClusterRole//secret-reader']],
    ['names', { names: ['api'] }, only('/api')],
    ['excludeNames (* and ?)', { excludeNames: ['*-reader', 'a?i'] }, except('/api', 'secret-reader')],
    ['excludeConstructPaths (anchored)', { excludeConstructPaths: ['platform/vendor'] }, except('/agent', 'secret-reader')],
    ['excludeConstructPaths (an id at any depth)', { excludeConstructPaths: ['vendor'] }, except('/agent', 'secret-reader')],
    ['excludeConstructPaths (**)', { excludeConstructPaths: ['platform/**'] }, except('/agent', 'secret-reader')],
    ['excludeConstructPaths (one object)', { excludeConstructPaths: ['shop/Service-edge'] }, except('Service/shop/edge')],
    ['minSeverity error', { minSeverity: Severity.ERROR }, except('LIVENESS')],
    ['minSeverity warning', { minSeverity: Severity.WARNING }, ALL_FINDINGS],
    ['combined: namespace, kind, excluded name, least severity', { namespaces: ['billing'], kinds: ['Deployment'], excludeNames: ['ledger'], minSeverity: Severity.ERROR },
      ['SB-PSS-PRIVILEGED Deployment/billing/agent']],
    ['combined: excluded namespace and construct path', { excludeNamespaces: ['shop'], excludeConstructPaths: ['platform'] }, only('ledger', 'billing/api')],
    ['combined: include and exclude the same namespace', { namespaces: ['shop', 'billing'], excludeNamespaces: ['shop'] }, only('/billing/')],
  ])('%s', (_name, reportScope, expected) => {
    expect(inApp(reportScope)).toEqual(expected);
    // The same engine behind auditManifests: the same findings but those under a construct path.
    if (reportScope.excludeConstructPaths === undefined) {
      expect(auditManifests(scopeManifests(), { reportScope }).findings.map(findingKey)).toEqual(expected);
    }
  });

  test('every object is still audited: scoping kinds away adds no finding about what is left, and the object count stays', () => {
    const app = scopeApp(tmpdir());
    const result = SecurityAudit.of(app, { writeReports: false, printSummary: false, reportScope: { kinds: ['Deployment'] } }).audit();
    // Had the NetworkPolicies, Namespaces and ServiceAccounts been dropped, the Deployments would
    // have network, namespace and account findings too.
    expect(result.findings.map(findingKey)).toEqual(only('Deployment/'));
    expect(result.objectCount).toBe(13);
  });

  test('counts are those of the findings in scope', () => {
    const app = scopeApp(tmpdir());
    SecurityAudit.acknowledge(app.node.findChild('shop').node.findChild('Service-edge'), RuleIds.SVC_EXPOSED, 'NodePort reached by the store terminals through the firewall; ticket NET-7');
    const result = SecurityAudit.of(app, { writeReports: false, printSummary: false, reportScope: { namespaces: ['shop'] } }).audit();
    expect(result).toMatchObject({ objectCount: 13, violations: 1, warnings: 1, acknowledged: 1, passed: false });
    const warningsFail = SecurityAudit.auditManifests(scopeManifests(), { failOnWarnings: true, reportScope: { names: ['web'] } });
    expect(warningsFail).toMatchObject({ violations: 1, warnings: 1, acknowledged: 0, passed: false });
    const warningsLeftOut = SecurityAudit.auditManifests(scopeManifests(), { failOnWarnings: true, reportScope: { names: ['web'], minSeverity: Severity.ERROR } });
    expect(warningsLeftOut).toMatchObject({ findings: [], violations: 0, warnings: 0, acknowledged: 0, passed: true });
  });

  test('findings about no object stay in scope (an unused acknowledgement), unless minSeverity leaves warnings out', () => {
    const scoped = (reportScope: AuditScope) => {
      const app = scopeApp(tmpdir());
      SecurityAudit.acknowledge(app.node.findChild('billing'), RuleIds.CTR_IMAGE_TAG, 'images of the billing team are pinned by their admission policy');
      return SecurityAudit.of(app, { writeReports: false, printSummary: false, reportScope }).audit().findings.map(findingKey);
    };
    expect(scoped({ namespaces: ['shop'], kinds: ['Service'] })).toEqual(['SB-ACK-UNUSED construct:billing', 'SB-SVC-EXPOSED Service/shop/edge']);
    expect(scoped({ namespaces: ['shop'], kinds: ['Service'], minSeverity: Severity.ERROR })).toEqual(['SB-SVC-EXPOSED Service/shop/edge']);
  });

  test('synth passes when the only violations are out of scope; the reports and the summary line hold the findings in scope', () => {
    const { error, printed, reports, outdir } = synth({ reportScope: { names: ['web'] } });
    expect(error).toBeUndefined();
    expect(printed).toEqual(['security audit: 13 objects, 0 violations, 0 acknowledged, 1 warnings, 6 out of scope\n']);
    for (const f of fs.readdirSync(outdir)) expectValidManifests(Yaml.load(path.join(outdir, f)));
    const json = JSON.parse(fs.readFileSync(path.join(reports, 'security-audit.json'), 'utf-8'));
    expect(json.summary).toEqual({ objects: 13, violations: 0, warnings: 1, acknowledged: 0, passed: true, outOfScope: 6 });
    expect(json.findings.map(findingKey)).toEqual(['SB-CTR-LIVENESS-PROBE Deployment/shop/web']);
    expect(fs.readFileSync(path.join(reports, 'security-audit.txt'), 'utf-8')).toContain('6 out of scope');
    const sarif = JSON.parse(fs.readFileSync(path.join(reports, 'security-audit.sarif'), 'utf-8'));
    expect(sarif.runs[0].results.map((r: any) => r.ruleId)).toEqual(['SB-CTR-LIVENESS-PROBE']);
    const text = fs.readFileSync(path.join(reports, 'security-audit.txt'), 'utf-8');
    expect(text).toContain('Deployment/shop/web');
    for (const other of ['shop/api', 'billing/', 'secret-reader', 'shop/edge']) expect(text).not.toContain(other);
  });

  test('synth fails when one violation is in scope, and lists only the findings in scope', () => {
    const { error, printed, reports } = synth({ reportScope: { names: ['web', 'edge'] } });
    const txt = path.join(reports, 'security-audit.txt');
    expect(error).toBe('Validation failed with the following errors:\n'
      + `  [] security audit failed: 1 violation in 13 objects (full report: ${txt})\n`
      + '  [] SB-SVC-EXPOSED Service/shop/edge [construct shop/Service-edge]: Service is of type NodePort (at spec.type). '
      + 'Fix: Use a ClusterIP Service behind an Ingress/Gateway with TLS; acknowledge the rule if the exposure is intended.');
    expect(printed).toEqual(['security audit: 13 objects, 1 violations, 0 acknowledged, 1 warnings, 5 out of scope\n']);
    const json = JSON.parse(fs.readFileSync(path.join(reports, 'security-audit.json'), 'utf-8'));
    expect(json.findings.map(findingKey)).toEqual(['SB-CTR-LIVENESS-PROBE Deployment/shop/web', 'SB-SVC-EXPOSED Service/shop/edge']);
    expect(json.summary).toMatchObject({ violations: 1, warnings: 1, passed: false });
  });

  test('failOnWarnings fails on a warning in scope, and not on one minSeverity leaves out', () => {
    expect(synth({ printSummary: false, failOnWarnings: true, reportScope: { names: ['web'] } }).error).toMatch(/security audit failed: 1 violation in 13 objects/);
    expect(synth({ printSummary: false, failOnWarnings: true, reportScope: { names: ['web'], minSeverity: Severity.ERROR } }).error).toBeUndefined();
  });
});

describe('reportScope validation: the construct, the value and the fix', () => {
  const of = (reportScope: any) => () => SecurityAudit.of(scopeApp(tmpdir()).node.findChild('shop'), { reportScope });

  test.each<[string, any, string]>([
    ['an empty pattern', { namespaces: ['shop', ''] },
      'shop: SecurityAudit: reportScope.namespaces[1] is empty: it would match nothing. Fix: remove it, or write a pattern, e.g. namespaces: [\'shop\', \'team-*\']'],
    ['spaces around a pattern', { excludeNames: [' api'] },
      'shop: SecurityAudit: reportScope.excludeNames[0] " api" has spaces around it, which never occur in what it matches. Fix: write "api"'],
    ['an uppercase namespace', { excludeNamespaces: ['Kube-System'] },
      'shop: SecurityAudit: reportScope.excludeNamespaces[0] "Kube-System" can match no namespace: namespace names are lowercase letters, digits and "-" (patterns add * and ?). Fix: write "kube-system"'],
    ['a namespace with a dot', { namespaces: ['shop.prod'] },
      'shop: SecurityAudit: reportScope.namespaces[0] "shop.prod" can match no namespace: namespace names are lowercase letters, digits and "-" (patterns add * and ?). Fix: write the namespace as kubectl shows it, e.g. namespaces: [\'shop\', \'team-*\']'],
    ['namespace/name as a namespace', { namespaces: ['shop/api'] },
      'shop: SecurityAudit: reportScope.namespaces[0] "shop/api" names an object, not a namespace. Fix: put "shop" in namespaces and "api" in names'],
    ['a kind with its group', { kinds: ['Deployment.apps'] },
      'shop: SecurityAudit: reportScope.kinds[0] "Deployment.apps" can match no kind: a kind is letters and digits, without API group or version (patterns add * and ?). Fix: write "Deployment"'],
    ['a kind with its apiVersion', { excludeKinds: ['apps/v1/Deployment'] },
      'shop: SecurityAudit: reportScope.excludeKinds[0] "apps/v1/Deployment" can match no kind: a kind is letters and digits, without API group or version (patterns add * and ?). Fix: write "Deployment"'],
    ['namespace/name as a name', { excludeNames: ['shop/api'] },
      'shop: SecurityAudit: reportScope.excludeNames[0] "shop/api" can match no object: names never contain "/". Fix: put "shop" in excludeNamespaces and "api" in excludeNames'],
    ['a name with %', { names: ['api%20'] },
      'shop: SecurityAudit: reportScope.names[0] "api%20" can match no object: names never contain "%". Fix: write the object name as in metadata.name, e.g. names: [\'api-*\']'],
    ['an absolute construct path', { excludeConstructPaths: ['/platform/vendor'] },
      'shop: SecurityAudit: reportScope.excludeConstructPaths[0] "/platform/vendor" can match no construct: construct paths start with the id of the App\'s child, not "/". Fix: write "platform/vendor" (as construct.node.path shows it)'],
    ['an empty construct id', { excludeConstructPaths: ['platform//vendor'] },
      'shop: SecurityAudit: reportScope.excludeConstructPaths[0] "platform//vendor" can match no construct: construct paths have no empty ids ("//"). Fix: write "platform/vendor"'],
    ['a pattern that is not a string', { kinds: [7] },
      'shop: SecurityAudit: reportScope.kinds[0] must be a string, got 7. Fix: e.g. kinds: [\'Deployment\', \'StatefulSet\']'],
    ['a string instead of a list', { namespaces: 'shop' },
      'shop: SecurityAudit: reportScope.namespaces must be a list of patterns, got "shop". Fix: write a list, e.g. namespaces: [\'shop\', \'team-*\']'],
    ['minSeverity not a Severity', { minSeverity: 'Error' },
      'shop: SecurityAudit: reportScope.minSeverity must be a Severity, got "Error". Fix: pass Severity.ERROR (report errors only) or Severity.WARNING (the default: report everything)'],
    ['an unknown key', { excludeNamespace: ['kube-system'] },
      'shop: SecurityAudit: reportScope.excludeNamespace is not an option (did you mean "excludeNamespaces"?). Fix: use the options namespaces, excludeNamespaces, kinds, excludeKinds, names, excludeNames, excludeConstructPaths, minSeverity'],
    ['the CLI\'s excludePaths', { excludePaths: ['vendor'] },
      'shop: SecurityAudit: reportScope.excludePaths is an option of the CLI only: the objects of an app come from constructs, not from files. Fix: leave out the findings of the objects under a construct with excludeConstructPaths: [\'platform/vendor\'] (construct paths, matched as excludePaths matches files)'],
    ['not an object', ['shop'],
      'shop: SecurityAudit: reportScope must be an object, got ["shop"]. Fix: pass the options, e.g. reportScope: { excludeNamespaces: [\'kube-system\'] }'],
  ])('%s', (_name, reportScope, message) => {
    expect(of(reportScope)).toThrow(message);
    let thrown = '';
    try {
      of(reportScope)();
    } catch (e) {
      thrown = (e as Error).message;
    }
    expect(thrown).toBe(message);
  });

  test('auditManifests names the audit instead of a construct', () => {
    expect(() => auditManifests([], { reportScope: { kinds: ['Deployment.apps'] } })).toThrow(
      'security audit: reportScope.kinds[0] "Deployment.apps" can match no kind: a kind is letters and digits, without API group or version (patterns add * and ?). Fix: write "Deployment"');
    expect(() => SecurityAudit.auditManifests([], { reportScope: { minSeverity: 'fatal' as Severity } })).toThrow(
      'security audit: reportScope.minSeverity must be a Severity, got "fatal". Fix: pass Severity.ERROR (report errors only) or Severity.WARNING (the default: report everything)');
  });

  test('an app-level audit names <root>; valid patterns of every kind are accepted', () => {
    expect(() => SecurityAudit.of(scopeApp(tmpdir()), { reportScope: { names: [''] } })).toThrow(
      '<root>: SecurityAudit: reportScope.names[0] is empty: it would match nothing. Fix: remove it, or write a pattern, e.g. names: [\'api-*\']');
    expect(() => SecurityAudit.of(scopeApp(tmpdir()), {
      printSummary: false,
      reportScope: {
        namespaces: ['shop', 'team-?', '*'],
        excludeNamespaces: ['kube-system'],
        kinds: ['Deployment', 'cron*'],
        excludeKinds: ['CustomResourceDefinition'],
        names: ['system:aggregate-to-edit', 'api.v2', 'Web_1'],
        excludeNames: ['*-test'],
        excludeConstructPaths: ['vendor', 'platform/**', 'a/{b,c}'],
        minSeverity: Severity.WARNING,
      },
    })).not.toThrow();
  });
});
