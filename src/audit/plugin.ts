import { EngineInput, runScopedAudit } from './engine';
import { summaryLine, writeReports } from './report';
import { selectRules } from './rule-selection';
import { AuditOptions, Finding, Severity } from './types';
import { ReadDiagnostic, readManifestFiles } from '../manifest/reader';

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

/**
 * The plugin reads the synthesized files itself with the manifest reader instead of cdk8s-cli's
 * `context.parseManifest`: that one uses the `yaml` package's YAML 1.2 defaults (`yes` stays a
 * string, `0644` is 644), while the cluster decodes them as go-yaml v2 does (`true`, 420).
 */
function readFiles(files: readonly string[]): { inputs: Array<{ manifest: any; file: string }>; errors: ReadDiagnostic[] } {
  const read = readManifestFiles(files);
  return { inputs: read.objects.map((o) => ({ manifest: o.manifest, file: o.file })), errors: read.errors };
}

/** Rule name under which read errors are reported to cdk8s-cli. */
const READ_ERROR_RULE = 'SB-MANIFEST-READ-ERROR';

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
    const read = readFiles([...ctx.manifests].sort());
    for (const { manifest, file } of read.inputs) {
      const name = manifest?.metadata?.name;
      inputs.push({ manifest, file, constructPath: typeof name === 'string' ? metadata[name]?.path : undefined });
    }
    const { result, outOfScope } = runScopedAudit(inputs, this.props);
    if (read.errors.length > 0) {
      // Read errors fail the validation: what could not be read was not audited.
      ctx.report.addViolation({
        ruleName: READ_ERROR_RULE,
        recommendation: 'Every manifest must be readable as kubectl reads it; what cannot be read is not audited.',
        fix: 'Fix the document at the reported line (or render templates first).',
        violatingResources: read.errors.map((e) => ({ resourceName: e.document !== undefined ? `document ${e.document}` : '', manifestPath: e.file, locations: [e.message] })),
      });
    }
    const rules = selectRules(this.props, 'security audit').report;
    if (this.props.reportDir) writeReports(this.props.reportDir, 'security-audit', result, this.props.failOnWarnings === true, { rules, ...(outOfScope > 0 ? { outOfScope } : {}) });

    const byRule = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (f.acknowledged) continue;
      const list = byRule.get(f.ruleId);
      if (list) list.push(f);
      else byRule.set(f.ruleId, [f]);
    }
    for (const [ruleId, findings] of byRule) {
      const rule = rules.find((r) => r.id === ruleId)!;
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
    ctx.report.submit(result.passed && read.errors.length === 0 ? 'success' : 'failure', {
      objects: String(result.objectCount),
      violations: String(result.violations),
      warnings: String(result.warnings),
      acknowledged: String(result.acknowledged),
      ...(read.errors.length > 0 ? { readErrors: String(read.errors.length) } : {}),
    });
  }
}
