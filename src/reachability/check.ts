import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Reachability, ReachabilityOptions, ReachabilityResult } from './analyzer';
import { registerAppChecks } from '../private/app-checks';
import { defaultReportDir } from '../private/report-dir';
import { isRevalidationDuringAppSynth } from '../private/synth';

/** Props of a ReachabilityCheck. */
export interface ReachabilityCheckProps extends ReachabilityOptions {
  /**
   * Fail synthesis when a path is open that nothing declares (at either layer), or when the App
   * holds a network policy the proof does not model (it may open paths the proof cannot see).
   * @default true
   */
  readonly failOnExtraPaths?: boolean;
  /**
   * Fail synthesis when a declared path is blocked.
   * @default false - missing paths are reported in reachability.md only
   */
  readonly failOnMissingPaths?: boolean;
  /**
   * Write `reachability.md`, `reachability.mmd` and `reachability.dot` (into `outdir`).
   * @default true
   */
  readonly writeReports?: boolean;
  /**
   * Where the reports go. Keep it out of the folder your GitOps tool applies.
   * @default - `<outdir>-reports`, beside the App's outdir (`dist` → `dist-reports`)
   */
  readonly outdir?: string;
}

/**
 * Opt-in synth-time proof that the synthesized policies allow exactly the declared graph: analyzes
 * every object of the App at validation time, writes the reports beside the manifests folder (in
 * `<outdir>-reports`, not where the GitOps tool applies), and fails
 * synthesis on extra (undeclared) paths.
 *
 * @example
 * new ReachabilityCheck(app, 'reachability');
 * app.synth(); // fails when a NetworkPolicy or mesh policy opens an undeclared path
 */
export class ReachabilityCheck extends Construct {
  /** The result of the last validation, once synthesis ran. */
  public result?: ReachabilityResult;

  constructor(scope: Construct, id: string, props: ReachabilityCheckProps = {}) {
    super(scope, id);
    registerAppChecks(this);
    this.node.addValidation({
      validate: () => {
        if (isRevalidationDuringAppSynth()) return [];
        const result = Reachability.analyze(this.node.root, props);
        this.result = result;
        if (props.writeReports ?? true) {
          const outdir = props.outdir ?? defaultReportDir(this.node.root instanceof App ? this.node.root.outdir : 'dist');
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(path.join(outdir, 'reachability.md'), result.toMarkdown());
          fs.writeFileSync(path.join(outdir, 'reachability.mmd'), result.toMermaid());
          fs.writeFileSync(path.join(outdir, 'reachability.dot'), result.toDot());
        }
        const errors: string[] = [];
        if (props.failOnExtraPaths ?? true) {
          for (const e of result.extraPaths) {
            errors.push(`${this.node.path}: extra path [${e.layer}] ${e.message}. Fix: declare it (MtlsService.allowFrom, SecureNamespace.allowIngressFrom/allowEgressTo) or remove the policy that opens it`);
          }
        }
        if (props.failOnExtraPaths ?? true) {
          for (const f of result.reachableButUngranted) errors.push(`${this.node.path}: ${f.message}`);
          for (const u of result.unmodelledPolicies) errors.push(`${this.node.path}: ${u.message}`);
          for (const d of result.duplicates) if (d.differs) errors.push(`${this.node.path}: ${d.message}`);
        }
        if (props.failOnMissingPaths ?? false) {
          for (const f of result.grantedButUnreachable) errors.push(`${this.node.path}: ${f.message}`);
        }
        if (props.failOnMissingPaths ?? false) {
          for (const m of result.missingPaths) {
            errors.push(`${this.node.path}: missing path ${m.message}. Fix: remove or correct the policy of the blocking layer (${m.blockedBy.join(', ')})`);
          }
        }
        return errors;
      },
    });
  }
}
