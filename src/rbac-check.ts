import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AuditContext } from './audit/context';
import { flattenLists } from './audit/engine';
import { registerAppChecks } from './private/app-checks';
import { defaultReportDir } from './private/report-dir';
import { isRevalidationDuringAppSynth } from './private/synth';
import { RbacProof, proveRbac } from './rbac/proof';
import { rbacSummaryLine, renderRbacJson, renderRbacMarkdown, undeclaredMessages } from './rbac/render';

/** Props of an RbacCheck. */
export interface RbacCheckProps {
  /**
   * Fail synthesis when a subject holds a dangerous capability (the RBAC risk model's, or
   * cluster-admin) that no acknowledgement on the granting role or binding declares.
   * @default true
   */
  readonly failOnUndeclared?: boolean;
  /**
   * Write `rbac.md` and `rbac.json` (into `outdir`).
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Where the reports go. Keep it out of the folder your GitOps tool applies.
   * @default - `<outdir>-reports`, beside the App's outdir (`dist` → `dist-reports`)
   */
  readonly outdir?: string;
}

/** The RBAC proof over every ApiObject under `scope`, each with its construct path. */
function proveRbacOf(scope: IConstruct): RbacProof {
  const inputs = scope.node.findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => ({ manifest: o.toJson(), constructPath: o.node.path }));
  return proveRbac(new AuditContext(flattenLists(inputs), {}));
}

/**
 * Opt-in synth-time RBAC proof: computes who can do what across every Role, ClusterRole and
 * binding of the App (aggregated ClusterRoles and the API server's built-in roles resolved, groups
 * such as `system:serviceaccounts:<ns>` applied to their members), for every subject and every
 * ServiceAccount a workload runs as; compares the dangerous capabilities each holds with what the
 * app declared (a grant given with a reason, or the audit rule's acknowledgement on the role or
 * binding); writes `rbac.md` (summary, undeclared power, a table per subject, the subjects ×
 * capabilities matrix) and `rbac.json` beside the manifests folder (in `<outdir>-reports`), and
 * fails synthesis on undeclared power, subject by subject.
 *
 * @example
 * new RbacCheck(app, 'rbac');
 * app.synth(); // fails when a raw RoleBinding gives a ServiceAccount the built-in "edit" role
 */
export class RbacCheck extends Construct {
  private markdown?: string;
  private json?: string;
  private messages: string[] = [];
  private summary?: string;

  constructor(scope: Construct, id: string, props: RbacCheckProps = {}) {
    super(scope, id);
    registerAppChecks(this);
    this.node.addValidation({
      validate: () => {
        if (isRevalidationDuringAppSynth()) return [];
        const proof = proveRbacOf(this.node.root);
        this.markdown = renderRbacMarkdown(proof);
        this.json = renderRbacJson(proof);
        this.messages = undeclaredMessages(proof);
        this.summary = rbacSummaryLine(proof);
        if (props.writeReports ?? true) {
          const outdir = props.outdir ?? defaultReportDir(this.node.root instanceof App ? this.node.root.outdir : 'dist');
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(path.join(outdir, 'rbac.md'), this.markdown);
          fs.writeFileSync(path.join(outdir, 'rbac.json'), this.json);
        }
        if (!(props.failOnUndeclared ?? true)) return [];
        return this.messages.map((m) => `${this.node.path}: ${m}`);
      },
    });
  }

  /** The one-line summary of the last validation (subjects, capabilities held, undeclared), once synthesis ran. */
  public get summaryLine(): string | undefined {
    return this.summary;
  }

  /** The Markdown report of the last validation, once synthesis ran. */
  public get markdownReport(): string | undefined {
    return this.markdown;
  }

  /** The JSON report of the last validation, once synthesis ran. */
  public get jsonReport(): string | undefined {
    return this.json;
  }

  /** One message per subject holding undeclared power (empty when everything is declared), once synthesis ran. */
  public get undeclared(): string[] {
    return [...this.messages];
  }
}
