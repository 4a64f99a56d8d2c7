#!/usr/bin/env node
/**
 * `cdk8s-secure-baseline audit [options] [PATH...]` (options: audit-args.ts)
 *
 * Audits Kubernetes manifests (YAML or JSON files, or folders of them) with the Baseline audit,
 * reading them as kubectl does (src/manifest/reader.ts). Findings carry file:line:column
 * (positions.ts); scoping (scope.ts), a config file with exceptions (config.ts,
 * ../audit/exceptions.ts) and an accepted-findings baseline (../audit/baseline.ts) let a team
 * adopt it on an existing repo.
 * Exit codes: 0 no violations, 1 violations, 2 usage or read errors (read errors outrank findings),
 * 3 internal errors (internal-error.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AuditArgs, USAGE, UsageError, parseAuditArgs } from './audit-args';
import { RulesFileError, loadRules } from './audit-rules';
import { ConfigError, LoadedConfig, loadConfig, mergeSettings } from './config';
import { reportUncaught } from './internal-error';
import { filePositionIndex } from './positions';
import { EMPTY_SCOPE, Scope, expandPaths, scopeFilter, withFindings } from './scope';
import { packageVersion } from './version';
import { BaselineFile, BaselineOutcome, applyBaseline, parseBaseline, renderBaseline } from '../audit/baseline';
import { EngineInput, runAudit } from '../audit/engine';
import { exceptionOrigins } from '../audit/exceptions';
import { FindingPosition, ReportOptions, TOOL_NAME, renderJson, renderSarif, summaryLine } from '../audit/report';
import { writeGroupedText } from '../audit/report-text';
import { selectRules } from '../audit/rule-selection';
import { AuditOptions, Finding } from '../audit/types';
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

export { USAGE };

/** The command line with the config file applied: what the audit runs with. */
interface ParsedArgs {
  readonly format: AuditArgs['format'];
  readonly groupBy: AuditArgs['groupBy'];
  readonly output?: string;
  readonly metricsFile?: string;
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly configFile?: string;
  readonly paths: string[];
  readonly options: AuditOptions;
  readonly scope: Scope;
}

/** Applies the config file: each option given as a flag replaces the file's. */
function resolveArgs(args: AuditArgs, config: LoadedConfig): ParsedArgs {
  const s = mergeSettings(config.settings, args.settings);
  const paths = s.paths ?? [];
  if (paths.length === 0) throw new UsageError(`no PATH given${config.file !== undefined ? ` (and ${config.file} has no "paths")` : ''}`);
  const baseline = args.noBaseline ? undefined : s.baseline;
  if (args.output !== undefined && args.writeBaseline !== undefined && path.resolve(args.output) === path.resolve(args.writeBaseline)) {
    throw new UsageError(`--output and --write-baseline both name ${JSON.stringify(args.output)}; write the report and the baseline to different files`);
  }
  const options: AuditOptions = {
    disabledRules: s.disabledRules ?? [],
    encryptedStorageClasses: s.encryptedStorageClasses ?? [],
    externalRoles: s.externalRoles ?? [],
    failOnWarnings: s.failOnWarnings === true,
    ...(s.exceptions !== undefined ? { exceptions: s.exceptions } : {}),
    ...(args.today !== undefined ? { today: args.today } : {}),
    ...loadRules(s.rules ?? [], s.packs ?? []),
  };
  const scope: Scope = {
    ...EMPTY_SCOPE,
    ...Object.fromEntries((['excludePaths', 'namespaces', 'excludeNamespaces', 'kinds', 'excludeKinds', 'names', 'excludeNames'] as const)
      .filter((k) => s[k] !== undefined).map((k) => [k, s[k]])),
    ...(s.minSeverity !== undefined ? { minSeverity: s.minSeverity } : {}),
  };
  return {
    format: args.format,
    groupBy: args.groupBy,
    output: args.output,
    metricsFile: args.metricsFile,
    baseline,
    writeBaseline: args.writeBaseline,
    configFile: config.file,
    paths,
    options,
    scope,
  };
}

/** Positions of the findings about exceptions (expired, unused): the exception's entry in the config file. */
function addExceptionPositions(findings: readonly Finding[], options: AuditOptions, positions: Map<Finding, FindingPosition>): void {
  for (const f of findings) {
    const m = !f.resource && f.file !== undefined ? /^exceptions\[(\d+)\]$/.exec(f.jsonPath ?? '') : null;
    const e = m ? options.exceptions?.[Number(m[1])] : undefined;
    const origin = e ? exceptionOrigins.get(e) : undefined;
    if (!origin || origin.file !== f.file) continue;
    const column = origin.column !== undefined ? { column: origin.column, objectColumn: origin.column } : {};
    positions.set(f, { line: origin.line, objectLine: origin.line, ...column, positionOf: 'object' });
  }
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

/**
 * Runs the CLI; returns the exit code. Never throws: an unexpected error is an internal error (exit
 * 3, see internal-error.ts; `--debug` prints its stack), an operating-system error an I/O error (exit 2).
 */
export function runCli(argv: string[], io: CliIo = defaultIo): number {
  // The subcommands parse --debug themselves; the audit takes it out of its arguments here.
  const audit = !SUBCOMMANDS.includes(argv[0]);
  const debug = argv.includes('--debug');
  try {
    return runCliUnsafe(audit ? argv.filter((a) => a !== '--debug') : argv, io);
  } catch (e) {
    return reportUncaught(e, io.stderr, debug);
  }
}

const SUBCOMMANDS = ['reachability', 'rbac', 'who-can', 'diff'];

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
  let parsed: ParsedArgs;
  try {
    const args = parseAuditArgs(argv);
    if (args === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (args === 'version') {
      io.stdout(`${packageVersion()}\n`);
      return 0;
    }
    parsed = resolveArgs(args, loadConfig(args.config, args.noConfig));
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(e.problems.map((m) => `error: ${m}\n`).join(''));
      return 2;
    }
    if (e instanceof RulesFileError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  // Files to read: --exclude-path applied, and the baseline and config files never read as manifests.
  const skip = new Set([parsed.baseline, parsed.writeBaseline, parsed.configFile]
    .filter((f): f is string => f !== undefined).map((f) => path.resolve(f)));
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

  let baselineDoc: BaselineFile | undefined;
  try {
    baselineDoc = readBaseline(parsed);
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
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
  addExceptionPositions(result.findings, parsed.options, positions);
  const reportOptions: ReportOptions = {
    positions,
    groupBy: parsed.groupBy,
    rules: selectRules(parsed.options, 'security audit').report,
    ...(inScope.length !== audited.findings.length ? { outOfScope: audited.findings.length - inScope.length } : {}),
    ...(baseline ? { baseline } : {}),
  };
  // The text report is written out as it is made: on a large repo it is megabytes.
  const render = (write: (chunk: string) => void) => (parsed.format === 'json' ? write(renderJson(result, failOnWarnings, reportOptions))
    : parsed.format === 'sarif' ? write(renderSarif(result, reportOptions))
      : writeGroupedText(result, summaryLine(result, reportOptions), failOnWarnings, reportOptions, write));
  if (parsed.metricsFile) writeFile(parsed.metricsFile, renderAuditMetrics(result, failOnWarnings, Date.now() / 1000));
  if (parsed.output) {
    writeChunks(parsed.output, render);
    io.stdout(`${summaryLine(result, reportOptions)}\n`);
  } else {
    render(io.stdout);
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

/**
 * The baseline applied, if any; throws when it cannot be read. A baseline that does not exist yet
 * is created by --write-baseline naming it too (there is nothing to shrink).
 */
function readBaseline(parsed: ParsedArgs): BaselineFile | undefined {
  const file = parsed.baseline;
  if (file === undefined) return undefined;
  if (parsed.writeBaseline !== undefined && path.resolve(file) === path.resolve(parsed.writeBaseline) && !fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch {
    throw new Error(`baseline ${file} cannot be read (no such file?). Fix: create it with --write-baseline ${file}, or name the file written by --write-baseline`);
  }
  return parseBaseline(text, file);
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text, 'utf-8');
}

/** `writeFile` with the text handed over in chunks. */
function writeChunks(file: string, render: (write: (chunk: string) => void) => void): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    render((chunk) => {
      const bytes = Buffer.from(chunk, 'utf-8');
      for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    });
  } finally {
    fs.closeSync(fd);
  }
}

if (require.main === module) {
  try {
    process.exitCode = runCli(process.argv.slice(2));
  } catch (e) {
    process.exitCode = reportUncaught(e, (t) => process.stderr.write(t), process.argv.includes('--debug'));
  }
}
