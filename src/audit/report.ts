/**
 * Internal: renders an AuditResult as JSON, SARIF 2.1.0 and text, and writes the report files.
 * Output is deterministic (sorted findings, fixed key order, no timestamps).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { describeObject } from './context';
import { ALL_RULES } from './rules';
import { AuditResult, Finding, Severity } from './types';

export const TOOL_NAME = 'cdk8s-secure-baseline';
export const TOOL_URI = 'https://github.com/cdk8s-secure-baseline/cdk8s-secure-baseline';
export const RULES_URI = `${TOOL_URI}/blob/main/RULES.md`;
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

let cachedVersion: string | undefined;

/** The package version (from package.json), '0.0.0' when unknown. */
export function toolVersion(): string {
  if (cachedVersion === undefined) {
    cachedVersion = '0.0.0';
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
      if (pkg.name === TOOL_NAME && typeof pkg.version === 'string') cachedVersion = pkg.version;
    } catch {
      // keep the default
    }
  }
  return cachedVersion ?? '0.0.0';
}

/** The one-line summary printed after every audit. */
export function summaryLine(result: AuditResult): string {
  return `security audit: ${result.objectCount} objects, ${result.violations} violations, ${result.acknowledged} acknowledged, ${result.warnings} warnings`;
}

/** `Deployment/shop/web`, or `construct app/x` for findings without an object. */
export function findingSubject(f: Finding): string {
  if (f.resource) return describeObject(f.resource.kind, f.resource.namespace, f.resource.name);
  return `construct ${f.constructPath || '<root>'}`;
}

/** One line per finding, used in synth errors: rule, object, construct path, problem and fix. */
export function formatFinding(f: Finding): string {
  const where = [f.resource && f.constructPath !== undefined ? `construct ${f.constructPath}` : undefined, f.file ? `file ${f.file}` : undefined]
    .filter(x => x !== undefined);
  const at = f.jsonPath ? ` (at ${f.jsonPath})` : '';
  return `${f.ruleId} ${findingSubject(f)}${where.length > 0 ? ` [${where.join(', ')}]` : ''}: ${f.message}${at}. Fix: ${f.fix}`;
}

function status(f: Finding, failOnWarnings: boolean): 'violation' | 'warning' | 'acknowledged' {
  if (f.acknowledged) return 'acknowledged';
  if (f.severity === Severity.ERROR || failOnWarnings) return 'violation';
  return 'warning';
}

/** Human-readable report. */
export function renderText(result: AuditResult, failOnWarnings = false): string {
  const lines: string[] = [summaryLine(result)];
  const sections: Array<['violation' | 'warning' | 'acknowledged', string]> = [
    ['violation', 'Violations'],
    ['warning', 'Warnings'],
    ['acknowledged', 'Acknowledged'],
  ];
  for (const [kind, title] of sections) {
    const list = result.findings.filter(f => status(f, failOnWarnings) === kind);
    if (list.length === 0) continue;
    lines.push('', `${title} (${list.length}):`);
    for (const f of list) {
      lines.push(`  ${f.ruleId}  ${findingSubject(f)}${f.resource && f.constructPath !== undefined ? `  (construct ${f.constructPath})` : ''}${f.file ? `  (file ${f.file})` : ''}`);
      lines.push(`    ${f.message}${f.jsonPath ? ` (at ${f.jsonPath})` : ''}`);
      if (f.acknowledgement) {
        const via = f.acknowledgement.source === 'construct' ? `construct ${f.acknowledgement.constructPath || '<root>'}` : 'annotation';
        lines.push(`    acknowledged by ${via}: ${f.acknowledgement.reason}`);
      } else {
        lines.push(`    fix: ${f.fix}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Machine-readable JSON report. */
export function renderJson(result: AuditResult, failOnWarnings = false): string {
  const doc = {
    tool: { name: TOOL_NAME, version: toolVersion() },
    summary: {
      objects: result.objectCount,
      violations: result.violations,
      warnings: result.warnings,
      acknowledged: result.acknowledged,
      passed: result.passed,
    },
    findings: result.findings.map(f => ({
      ruleId: f.ruleId,
      severity: f.severity,
      status: status(f, failOnWarnings),
      resource: f.resource,
      constructPath: f.constructPath,
      file: f.file,
      jsonPath: f.jsonPath,
      message: f.message,
      fix: f.fix,
      acknowledgement: f.acknowledgement,
    })),
  };
  return JSON.stringify(doc, undefined, 2) + '\n';
}

function fingerprint(f: Finding): string {
  const key = [f.ruleId, f.resource?.kind, f.resource?.namespace, f.resource?.name, f.constructPath, f.jsonPath, f.message].join('\u0000');
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function toUri(file: string): string {
  return file.split(path.sep).join('/');
}

/** SARIF 2.1.0 log. Acknowledged findings carry `suppressions` with the reason as justification. */
export function renderSarifObject(result: AuditResult): any {
  const ruleIndex = new Map<string, number>();
  const rules = ALL_RULES.map((r, i) => {
    ruleIndex.set(r.id, i);
    const standards = Object.entries(r.standards)
      .filter(([, v]) => Array.isArray(v) && v.length > 0)
      .map(([k, v]) => `${k}: ${(v as string[]).join(', ')}`);
    return {
      id: r.id,
      name: r.id.replace(/^SB-/, '').toLowerCase().replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.description },
      fullDescription: { text: `${r.description}${standards.length > 0 ? ` Standards: ${standards.join('; ')}.` : ''}` },
      help: {
        text: `${r.description}\nFix: ${r.fix}`,
        markdown: `${r.description}\n\n**Fix:** ${r.fix}${standards.length > 0 ? `\n\n**Standards:** ${standards.join('; ')}` : ''}`,
      },
      helpUri: `${RULES_URI}#${r.id.toLowerCase()}`,
      defaultConfiguration: { level: r.severity === Severity.ERROR ? 'error' : 'warning' },
      properties: { tags: ['security', 'kubernetes', r.area] },
    };
  });
  const results = result.findings.map(f => {
    const logicalLocations: any[] = [];
    if (f.resource) {
      logicalLocations.push({
        name: f.resource.name,
        fullyQualifiedName: describeObject(f.resource.kind, f.resource.namespace, f.resource.name),
        kind: 'resource',
      });
    }
    if (f.constructPath !== undefined) {
      const segments = f.constructPath.split('/');
      logicalLocations.push({ name: segments[segments.length - 1] || '<root>', fullyQualifiedName: f.constructPath || '<root>', kind: 'module' });
    }
    const location: any = {};
    if (f.file) location.physicalLocation = { artifactLocation: { uri: toUri(f.file) } };
    if (logicalLocations.length > 0) location.logicalLocations = logicalLocations;
    if (f.jsonPath) location.message = { text: f.jsonPath };
    const r: any = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: f.severity === Severity.ERROR ? 'error' : 'warning',
      message: { text: `${findingSubject(f)}: ${f.message}. Fix: ${f.fix}` },
      locations: [location],
      partialFingerprints: { 'cdk8sSecureBaseline/v1': fingerprint(f) },
    };
    if (f.acknowledgement) {
      r.suppressions = [{
        kind: 'inSource',
        status: 'accepted',
        justification: f.acknowledgement.reason,
        properties: {
          channel: f.acknowledgement.source,
          ...(f.acknowledgement.constructPath !== undefined ? { constructPath: f.acknowledgement.constructPath } : {}),
        },
      }];
    }
    return r;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          version: toolVersion(),
          informationUri: TOOL_URI,
          rules,
        },
      },
      results,
    }],
  };
}

export function renderSarif(result: AuditResult): string {
  return JSON.stringify(renderSarifObject(result), undefined, 2) + '\n';
}

/** Writes `<base>.json`, `<base>.sarif` and `<base>.txt` into `dir` (created if needed); returns the paths. */
export function writeReports(dir: string, baseName: string, result: AuditResult, failOnWarnings = false): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [path.join(dir, `${baseName}.json`), renderJson(result, failOnWarnings)],
    [path.join(dir, `${baseName}.sarif`), renderSarif(result)],
    [path.join(dir, `${baseName}.txt`), renderText(result, failOnWarnings)],
  ];
  for (const [file, content] of files) fs.writeFileSync(file, content, 'utf-8');
  return files.map(([file]) => file);
}
