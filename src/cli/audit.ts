#!/usr/bin/env node
/**
 * `cdk8s-secure-baseline audit [--format text|json|sarif] [--output FILE] [--metrics-file FILE] PATH...`
 *
 * Audits Kubernetes manifests (YAML or JSON files, or folders of them) with the Baseline audit,
 * reading them as kubectl does (src/manifest/reader.ts). Findings carry file:line:column
 * (positions.ts); scoping (scope.ts) and an accepted-findings baseline (../audit/baseline.ts)
 * let a team adopt it on an existing repo.
 * Exit codes: 0 no violations, 1 violations, 2 usage or read errors (read errors outrank findings).
 */
import * as fs from 'fs';
import * as path from 'path';
import { filePositionIndex } from './positions';
import { EMPTY_SCOPE, Scope, expandPaths, scopeFilter, withFindings } from './scope';
import { packageVersion } from './version';
import { BaselineOutcome, applyBaseline, parseBaseline, renderBaseline } from '../audit/baseline';
import { EngineInput, runAudit } from '../audit/engine';
import { GroupBy, ReportOptions, TOOL_NAME, renderJson, renderSarif, renderText, summaryLine } from '../audit/report';
import { AuditOptions, Severity } from '../audit/types';
import { runDiffCli } from '../diff/cli';
import { readManifestFiles } from '../manifest/reader';
import { renderAuditMetrics } from '../monitoring/audit-metrics';
import { runRbacCli, runWhoCanCli } from '../rbac/cli';
import { runReachabilityCli } from '../reachability/cli';

/** Where the CLI writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export const USAGE = `Usage: cdk8s-secure-baseline audit [options] PATH...
       cdk8s-secure-baseline reachability [--format text|mermaid|dot|json] PATH...
       cdk8s-secure-baseline rbac [--format md|json] [--fail-on-undeclared] PATH...
       cdk8s-secure-baseline who-can VERB RESOURCE [-n NAMESPACE] [--name OBJECT] PATH...
       cdk8s-secure-baseline diff BASE HEAD [--format md|json|sarif|text] [--fail-on WHAT[,WHAT...]]

Audits Kubernetes manifests: files, or folders searched recursively for *.yaml,
*.yml and *.json (files named explicitly are read whatever their extension).
Manifests are read as kubectl reads them: multi-document YAML, JSON streams (a
file starting with "{"), List and typed *List objects expanded, and YAML 1.1
scalars as Kubernetes decodes them (yes/on/y are true, 0644 is octal 420, 0x10
is 16). Unreadable documents, documents that are not Kubernetes objects,
unrendered Helm templates, alias bombs and duplicate keys are read errors,
reported with file:line; the readable objects are still audited.
Acknowledgement annotations (ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>)
apply.

rbac: the RBAC proof - every subject's dangerous capabilities (read secrets, exec
into pods, run workloads, escalate, cluster-admin, ...), where and through which
binding and role, declared (acknowledged on the role or binding) or not.
who-can: which subjects can do VERB on RESOURCE (secrets, pods/exec,
deployments.apps), through which binding and role, cluster-wide or in which
namespace. "rbac --help" and "who-can --help" describe their options.
diff: what a change did to the security posture between two synthesized baselines
(paths, capabilities, findings, acknowledgements, privileges, data, enforcement);
exit 1 only on what --fail-on names. "diff --help" lists its options and exit codes.

Every finding names its file, line and column: of the field its JSON path names
when the file has it, else of the nearest parent, else of the object.

Options:
  --format text|json|sarif          report format (default: text)
  --group-by object|rule            text report: each object once with its findings, the fix once
                                    per rule and totals (default: object), or each rule once
  --output FILE                     write the report to FILE; the summary line goes to stdout
  --metrics-file FILE               also write the result as Prometheus metrics (text format) to FILE
  --fail-on-warnings                unacknowledged warnings fail the audit too
  --min-severity error|warning      report only findings of this severity or higher (default: warning)
  --disable RULE[,RULE...]          skip rules (repeatable)
  --encrypted-storage-class NAME    an external StorageClass known to encrypt (repeatable)
  --external-role NAME              an external Role/ClusterRole bindings may reference (repeatable)

Scoping (excluded paths are not read; with the other options every object read is
still audited, only what is reported changes):
  --exclude-path GLOB               do not read matching files or folders (repeatable): a glob
                                    without "/" matches a name at any depth (vendor, *.gen.yaml),
                                    one with "/" the path from the working directory (deploy/crds/**)
  --namespace NS[,NS...]            report only objects in these namespaces (repeatable; * and ?
                                    match; cluster-scoped objects are left out)
  --exclude-namespace NS[,NS...]    do not report objects in these namespaces (repeatable)
  --kind KIND[,KIND...]             report only objects of these kinds (repeatable, any case)
  --exclude-kind KIND[,KIND...]     do not report objects of these kinds (repeatable)

Accepted findings (rule + object group/kind/namespace/name + JSON path; not the file, line or
message, so moving or reformatting a manifest keeps a finding accepted):
  --write-baseline FILE             write today's unacknowledged findings (in scope) to FILE and
                                    exit 0; with --baseline, keep only the entries still found
  --baseline FILE                   report and fail only on findings not in FILE, and list the
                                    entries of FILE no longer found

  -h, --help                        show this help
  --version                         print the version of cdk8s-secure-baseline

Exit codes: 0 no violations (with --baseline: no new ones; with --write-baseline
alone: the baseline was written), 1 violations, 2 usage or read errors or an
unreadable baseline (read errors take precedence over violations; the report of
what was read is still printed, and no baseline is written).
Without arguments this help goes to stderr and the exit code is 2.
`;

class UsageError extends Error {}

interface ParsedArgs {
  readonly format: 'text' | 'json' | 'sarif';
  readonly groupBy: GroupBy;
  readonly output?: string;
  readonly metricsFile?: string;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly paths: string[];
  readonly options: AuditOptions;
  readonly scope: Scope;
}

function list(v: string): string[] {
  return v.split(',').map(s => s.trim()).filter(s => s !== '');
}

function parseArgs(argv: string[]): ParsedArgs | 'help' | 'version' {
  const args = [...argv];
  if (args[0] === '-h' || args[0] === '--help') return 'help';
  if (args[0] === '--version') return 'version';
  const command = args.shift();
  if (command !== 'audit') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected "audit", "reachability", "rbac", "who-can" or "diff")`);
  let format: ParsedArgs['format'] = 'text';
  let groupBy: GroupBy = 'object';
  let output: string | undefined;
  let metricsFile: string | undefined;
  let baseline: string | undefined;
  let writeBaseline: string | undefined;
  let minSeverity = Severity.WARNING;
  const scope = {
    excludePaths: [] as string[], namespaces: [] as string[], excludeNamespaces: [] as string[], kinds: [] as string[], excludeKinds: [] as string[],
  };
  let failOnWarnings = false;
  const disabledRules: string[] = [];
  const encryptedStorageClasses: string[] = [];
  const externalRoles: string[] = [];
  const paths: string[] = [];
  while (args.length > 0) {
    let arg = args.shift()!;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined || v === '') throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '--version':
        return 'version';
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, got ${JSON.stringify(f)}`);
        format = f;
        break;
      }
      case '--group-by': {
        const g = value();
        if (g !== 'object' && g !== 'rule') throw new UsageError(`--group-by must be object or rule, got ${JSON.stringify(g)}`);
        groupBy = g;
        break;
      }
      case '--min-severity': {
        const m = value();
        if (m !== Severity.ERROR && m !== Severity.WARNING) throw new UsageError(`--min-severity must be error or warning, got ${JSON.stringify(m)}`);
        minSeverity = m;
        break;
      }
      case '--exclude-path':
        scope.excludePaths.push(value());
        break;
      case '--namespace':
        scope.namespaces.push(...list(value()));
        break;
      case '--exclude-namespace':
        scope.excludeNamespaces.push(...list(value()));
        break;
      case '--kind':
        scope.kinds.push(...list(value()));
        break;
      case '--exclude-kind':
        scope.excludeKinds.push(...list(value()));
        break;
      case '--baseline':
        baseline = value();
        break;
      case '--write-baseline':
        writeBaseline = value();
        break;
      case '--output':
        output = value();
        break;
      case '--metrics-file':
        metricsFile = value();
        break;
      case '--fail-on-warnings':
        failOnWarnings = true;
        break;
      case '--disable':
        disabledRules.push(...value().split(',').map(s => s.trim()).filter(s => s !== ''));
        break;
      case '--encrypted-storage-class':
        encryptedStorageClasses.push(value());
        break;
      case '--external-role':
        externalRoles.push(value());
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('no PATH given');
  if (output !== undefined && writeBaseline !== undefined && path.resolve(output) === path.resolve(writeBaseline)) {
    throw new UsageError(`--output and --write-baseline both name ${JSON.stringify(output)}; write the report and the baseline to different files`);
  }
  return {
    format,
    groupBy,
    output,
    metricsFile,
    baseline,
    writeBaseline,
    paths,
    options: { disabledRules, encryptedStorageClasses, externalRoles, failOnWarnings },
    scope: { ...EMPTY_SCOPE, ...scope, minSeverity },
  };
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

/** Runs the CLI; returns the exit code. Never throws: unexpected errors exit 2. */
export function runCli(argv: string[], io: CliIo = defaultIo): number {
  try {
    return runCliUnsafe(argv, io);
  } catch (e) {
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

function runCliUnsafe(argv: string[], io: CliIo): number {
  if (argv.length === 0) {
    io.stderr(USAGE);
    return 2;
  }
  if (argv[0] === 'reachability') {
    return runReachabilityCli(argv.slice(1), { out: io.stdout, err: io.stderr });
  }
  if (argv[0] === 'rbac') return runRbacCli(argv.slice(1), { out: io.stdout, err: io.stderr });
  if (argv[0] === 'who-can') return runWhoCanCli(argv.slice(1), { out: io.stdout, err: io.stderr });
  if (argv[0] === 'diff') {
    return runDiffCli(argv.slice(1), { out: io.stdout, err: io.stderr, writeFile: (f, t) => { fs.mkdirSync(path.dirname(path.resolve(f)), { recursive: true }); fs.writeFileSync(f, t, 'utf-8'); } });
  }
  let parsed: ParsedArgs | 'help' | 'version';
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }

  // Files to read: --exclude-path applied, and the baseline files themselves never read as manifests.
  const skip = new Set([parsed.baseline, parsed.writeBaseline].filter((f): f is string => f !== undefined).map((f) => path.resolve(f)));
  const expanded = expandPaths(parsed.paths, parsed.scope.excludePaths, skip, display);
  const realPaths = new Map<string, string>();
  const read = expanded.paths.length === 0 ? { objects: [], errors: [], files: [] }
    : readManifestFiles(expanded.paths, { displayName: (f) => { const d = display(f); realPaths.set(d, f); return d; } });
  const errors = read.errors.map((e) => e.message);
  if (read.files.length === 0) {
    if (errors.length === 0) {
      errors.push(expanded.excluded > 0
        ? `no files left to read in ${parsed.paths.join(', ')}: --exclude-path excluded all ${expanded.excluded} file(s) and folder(s) found; exclude less`
        : `no *.yaml, *.yml or *.json files found in ${parsed.paths.join(', ')}`);
    }
    io.stderr(errors.map(e => `error: ${e}\n`).join(''));
    return 2;
  }
  if (errors.length > 0) io.stderr(errors.map(e => `error: ${e}\n`).join(''));

  let baselineDoc;
  if (parsed.baseline !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(parsed.baseline, 'utf-8');
    } catch {
      io.stderr(`error: baseline ${parsed.baseline} cannot be read (no such file?). Fix: create it with --write-baseline ${parsed.baseline}, or name the file written by --write-baseline\n`);
      return 2;
    }
    try {
      baselineDoc = parseBaseline(text, parsed.baseline);
    } catch (e) {
      io.stderr(`error: ${(e as Error).message}\n`);
      return 2;
    }
  }

  const inputs: EngineInput[] = read.objects.map((o) => ({ manifest: o.manifest, file: o.file }));
  let audited;
  try {
    audited = runAudit(inputs, parsed.options);
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const failOnWarnings = parsed.options.failOnWarnings === true;
  const inScope = audited.findings.filter(scopeFilter(parsed.scope));
  let findings = inScope;
  let baseline: BaselineOutcome | undefined;
  if (baselineDoc) {
    const applied = applyBaseline(inScope, baselineDoc, parsed.baseline!);
    findings = applied.findings;
    baseline = applied.outcome;
  }
  const result = withFindings(audited, findings, failOnWarnings);
  const positions = filePositionIndex(read.objects, (d) => realPaths.get(d) ?? d).positions(result.findings);
  const reportOptions: ReportOptions = {
    positions,
    groupBy: parsed.groupBy,
    ...(inScope.length !== audited.findings.length ? { outOfScope: audited.findings.length - inScope.length } : {}),
    ...(baseline ? { baseline } : {}),
  };
  const report = parsed.format === 'json' ? renderJson(result, failOnWarnings, reportOptions)
    : parsed.format === 'sarif' ? renderSarif(result, reportOptions)
      : renderText(result, failOnWarnings, reportOptions);
  if (parsed.metricsFile) writeFile(parsed.metricsFile, renderAuditMetrics(result, failOnWarnings, Date.now() / 1000));
  if (parsed.output) {
    writeFile(parsed.output, report);
    io.stdout(`${summaryLine(result, reportOptions)}\n`);
  } else {
    io.stdout(report);
  }
  if (errors.length > 0) {
    io.stderr(`error: ${errors.length} read error(s): the audit covers only the objects that could be read${parsed.writeBaseline !== undefined ? `; the baseline ${parsed.writeBaseline} was not written` : ''}\n`);
    return 2;
  }
  if (parsed.writeBaseline !== undefined) {
    // Alone: everything in scope is accepted. With --baseline: only what the old baseline accepted and still occurs.
    const accepted = baseline ? baseline.accepted : inScope;
    writeFile(parsed.writeBaseline, renderBaseline(accepted, TOOL_NAME));
    const n = accepted.filter((f) => !f.acknowledged).length;
    io.stderr(`baseline: ${n} accepted finding(s) written to ${parsed.writeBaseline}${baseline ? ` (${baseline.absent.reduce((k, e) => k + (e.count ?? 1), 0)} no longer found removed)` : ''}\n`);
    if (!baseline) return 0;
  }
  return result.passed ? 0 : 1;
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text, 'utf-8');
}

if (require.main === module) {
  try {
    process.exitCode = runCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
