import * as fs from 'fs';
import { EngineInput, runAudit } from './engine';
import { summaryLine, writeReports } from './report';
import { RULES_BY_ID } from './rules';
import { AuditOptions, Finding, Severity } from './types';

/**
 * Properties of the cdk8s-cli validation plugin (the `properties` of the `validations:` entry
 * in cdk8s.yaml).
 */
export interface SecurityAuditValidationProps extends AuditOptions {
  /**
   * Directory to also write `security-audit.json`, `.sarif` and `.txt` into.
   * @default - no report files (the cdk8s-cli report only)
   */
  readonly reportDir?: string;
}

/** The parts of cdk8s-cli's ValidationContext the plugin uses. */
interface CliValidationContext {
  readonly manifests: readonly string[];
  readonly metadata?: { readonly [name: string]: { readonly path: string } };
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger?: { log(message: string): void };
  parseManifest?(manifestPath: string): any[];
}

function parseFile(context: CliValidationContext, file: string): any[] {
  if (typeof context.parseManifest === 'function') return context.parseManifest(file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml');
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8')).map((d: any) => d.toJS());
}

/**
 * cdk8s-cli validation plugin running the Baseline audit over the synthesized manifests, e.g. in a
 * GitOps repository's cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-secure-baseline   # or a local path such as ./node_modules/cdk8s-secure-baseline
 *     version: 1.2.3                   # exact version
 *     class: SecurityAuditValidation
 *     properties:
 *       encryptedStorageClasses: [gp3-encrypted]
 * ```
 *
 * Acknowledgement annotations in the manifests apply. Construct paths come from the construct
 * metadata cdk8s-cli records during `cdk8s synth`.
 */
export class SecurityAuditValidation {
  private readonly props: SecurityAuditValidationProps;

  constructor(props: SecurityAuditValidationProps = {}) {
    this.props = props;
  }

  /**
   * Runs the audit (called by cdk8s-cli with its ValidationContext).
   *
   * @param context the cdk8s-cli `ValidationContext`
   */
  public async validate(context: any): Promise<void> {
    const ctx = context as CliValidationContext;
    const metadata = ctx.metadata ?? {};
    const inputs: EngineInput[] = [];
    for (const file of [...ctx.manifests].sort()) {
      for (const manifest of parseFile(ctx, file)) {
        if (manifest === null || manifest === undefined) continue;
        const name = manifest?.metadata?.name;
        inputs.push({ manifest, file, constructPath: typeof name === 'string' ? metadata[name]?.path : undefined });
      }
    }
    const result = runAudit(inputs, this.props);
    if (this.props.reportDir) writeReports(this.props.reportDir, 'security-audit', result, this.props.failOnWarnings === true);

    const byRule = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (f.acknowledged) continue;
      const list = byRule.get(f.ruleId);
      if (list) list.push(f);
      else byRule.set(f.ruleId, [f]);
    }
    for (const [ruleId, findings] of byRule) {
      const rule = RULES_BY_ID.get(ruleId)!;
      const warning = rule.severity === Severity.WARNING && this.props.failOnWarnings !== true;
      ctx.report.addViolation({
        ruleName: `${ruleId}${warning ? ' (warning)' : ''}`,
        recommendation: rule.description,
        fix: rule.fix,
        violatingResources: findings.map(f => ({
          resourceName: f.resource ? f.resource.name : (f.constructPath ?? ''),
          manifestPath: f.file ?? '',
          locations: [`${f.resource ? `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}` : 'construct'}${f.jsonPath ? ` ${f.jsonPath}` : ''}: ${f.message}`],
        })),
      });
    }
    ctx.logger?.log(summaryLine(result));
    ctx.report.submit(result.passed ? 'success' : 'failure', {
      objects: String(result.objectCount),
      violations: String(result.violations),
      warnings: String(result.warnings),
      acknowledged: String(result.acknowledged),
    });
  }
}
