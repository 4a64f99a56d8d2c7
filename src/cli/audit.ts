#!/usr/bin/env node
/**
 * `cdk8s-secure-baseline audit [--format text|json|sarif] [--output FILE] [--metrics-file FILE] PATH...`
 *
 * Audits Kubernetes manifests (YAML or JSON files, or folders of them) with the Baseline audit,
 * reading them as kubectl does (src/manifest/reader.ts).
 * Exit codes: 0 no violations, 1 violations, 2 usage or read errors (read errors outrank findings).
 */
import * as fs from 'fs';
import * as path from 'path';
import { packageVersion } from './version';
import { EngineInput, runAudit } from '../audit/engine';
import { renderJson, renderSarif, renderText, summaryLine } from '../audit/report';
import { AuditOptions } from '../audit/types';
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

Options:
  --format text|json|sarif          report format (default: text)
  --output FILE                     write the report to FILE; the summary line goes to stdout
  --metrics-file FILE               also write the result as Prometheus metrics (text format) to FILE
  --fail-on-warnings                unacknowledged warnings fail the audit too
  --disable RULE[,RULE...]          skip rules (repeatable)
  --encrypted-storage-class NAME    an external StorageClass known to encrypt (repeatable)
  --external-role NAME              an external Role/ClusterRole bindings may reference (repeatable)
  -h, --help                        show this help
  --version                         print the version of cdk8s-secure-baseline

Exit codes: 0 no violations, 1 violations, 2 usage or read errors (read errors
take precedence over violations; the report of what was read is still printed).
Without arguments this help goes to stderr and the exit code is 2.
`;

class UsageError extends Error {}

interface ParsedArgs {
  readonly format: 'text' | 'json' | 'sarif';
  readonly output?: string;
  readonly metricsFile?: string;
  readonly paths: string[];
  readonly options: AuditOptions;
}

function parseArgs(argv: string[]): ParsedArgs | 'help' | 'version' {
  const args = [...argv];
  if (args[0] === '-h' || args[0] === '--help') return 'help';
  if (args[0] === '--version') return 'version';
  const command = args.shift();
  if (command !== 'audit') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected "audit", "reachability", "rbac", "who-can" or "diff")`);
  let format: ParsedArgs['format'] = 'text';
  let output: string | undefined;
  let metricsFile: string | undefined;
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
  return { format, output, metricsFile, paths, options: { disabledRules, encryptedStorageClasses, externalRoles, failOnWarnings } };
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

  const read = readManifestFiles(parsed.paths, { displayName: display });
  const errors = read.errors.map((e) => e.message);
  if (read.files.length === 0) {
    if (errors.length === 0) errors.push(`no *.yaml, *.yml or *.json files found in ${parsed.paths.join(', ')}`);
    io.stderr(errors.map(e => `error: ${e}\n`).join(''));
    return 2;
  }
  if (errors.length > 0) io.stderr(errors.map(e => `error: ${e}\n`).join(''));

  const inputs: EngineInput[] = read.objects.map((o) => ({ manifest: o.manifest, file: o.file }));
  let result;
  try {
    result = runAudit(inputs, parsed.options);
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const failOnWarnings = parsed.options.failOnWarnings === true;
  const report = parsed.format === 'json' ? renderJson(result, failOnWarnings)
    : parsed.format === 'sarif' ? renderSarif(result)
      : renderText(result, failOnWarnings);
  if (parsed.metricsFile) {
    fs.mkdirSync(path.dirname(path.resolve(parsed.metricsFile)), { recursive: true });
    fs.writeFileSync(parsed.metricsFile, renderAuditMetrics(result, failOnWarnings, Date.now() / 1000), 'utf-8');
  }
  if (parsed.output) {
    fs.mkdirSync(path.dirname(path.resolve(parsed.output)), { recursive: true });
    fs.writeFileSync(parsed.output, report, 'utf-8');
    io.stdout(`${summaryLine(result)}\n`);
  } else {
    io.stdout(report);
  }
  if (errors.length > 0) {
    io.stderr(`error: ${errors.length} read error(s): the audit covers only the objects that could be read\n`);
    return 2;
  }
  return result.passed ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = runCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
