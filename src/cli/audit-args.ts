/**
 * Internal: the command line of `cdk8s-secure-baseline audit` — its usage text and its parser.
 * The options that the config file (config.ts) can hold too are returned as `AuditSettings`,
 * undefined when not given, so that a flag replaces the file's value only when it is given.
 */
import { packNameProblem } from './audit-rules';
import { AuditSettings } from './config';
import { isIsoDate } from '../audit/exceptions';
import { GroupBy } from '../audit/report';
import { Severity } from '../audit/types';

export const USAGE = `Usage: cdk8s-secure-baseline audit [options] [PATH...]
       cdk8s-secure-baseline reachability [--format text|mermaid|dot|json] [--openings] PATH...
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

Rules (docs/writing-rules.md):
  --rules FILE                      also run the rules of FILE, a CommonJS module (.js) exporting
                                    rules (IAuditRule[]) and/or packs (RulePack[]) (repeatable)
  --pack NAME[,NAME...]             run the built-in rules of these packs only (repeatable):
                                    baseline (every built-in rule), pod-security-baseline,
                                    pod-security-restricted, cis, nsa; without --pack and without
                                    packs from --rules, every built-in rule runs. The SB-ACK-* and
                                    SB-META-DUPLICATE rules always run

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
  --name NAME[,NAME...]             report only objects with these names (repeatable; * and ? match)
  --exclude-name NAME[,NAME...]     do not report objects with these names (repeatable)

Accepted findings (rule + object group/kind/namespace/name + JSON path; not the file, line or
message, so moving or reformatting a manifest keeps a finding accepted):
  --write-baseline FILE             write today's unacknowledged findings (in scope) to FILE and
                                    exit 0; with --baseline, keep only the entries still found
  --baseline FILE                   report and fail only on findings not in FILE, and list the
                                    entries of FILE no longer found
                                    (a missing FILE that --write-baseline names too is created)
  --no-baseline                     do not apply the baseline the config file names
  --today YYYY-MM-DD                the day exceptions expire against (default: today, UTC)

Config file: .secure-baseline.yaml in the working directory, when it exists, or:
  --config FILE                     read the options from FILE (a missing FILE is an error)
  --no-config                       do not read .secure-baseline.yaml
It holds the options above as keys (flags given on the command line replace them, lists are
not merged; PATHs replace "paths"): paths, excludePaths, namespaces, excludeNamespaces, kinds,
excludeKinds, names, excludeNames, minSeverity, disabledRules, failOnWarnings,
encryptedStorageClasses, externalRoles, baseline, rules, packs; and exceptions, a list of {ruleId, kind,
namespace, name, file, reason, expires}: each accepts the findings of its rule on the objects it
selects (kind; namespace and name with * and ?; file, a glob as for --exclude-path) with its
reason, until its expires day is over; then it is reported as SB-ACK-EXPIRED, and when it
matches nothing as SB-ACK-UNUSED. Unknown keys and bad values are errors (exit 2).

  -h, --help                        show this help
  --version                         print the version of cdk8s-secure-baseline
  --debug                           print the stack of an internal error (exit code 3)

Exit codes: 0 no violations (with --baseline: no new ones; with --write-baseline
alone: the baseline was written), 1 violations, 2 usage or read errors or an
unreadable baseline (read errors take precedence over violations; the report of
what was read is still printed, and no baseline is written), 3 internal error (a
failure of cdk8s-secure-baseline, not a finding: please report it).
Without arguments this help goes to stderr and the exit code is 2.
`;

export class UsageError extends Error {}

/** The audit command line. */
export interface AuditArgs {
  readonly format: 'text' | 'json' | 'sarif';
  readonly groupBy: GroupBy;
  readonly output?: string;
  readonly metricsFile?: string;
  readonly writeBaseline?: string;
  readonly config?: string;
  readonly noConfig: boolean;
  readonly noBaseline: boolean;
  readonly today?: string;
  /** The options a config file may hold too, as given on the command line. */
  readonly settings: AuditSettings;
}

function list(v: string): string[] {
  return v.split(',').map(s => s.trim()).filter(s => s !== '');
}

/** List flags: each appends to its setting. */
const LIST_FLAGS: Record<string, { key: keyof AuditSettings; split: boolean }> = {
  '--exclude-path': { key: 'excludePaths', split: false },
  '--namespace': { key: 'namespaces', split: true },
  '--exclude-namespace': { key: 'excludeNamespaces', split: true },
  '--kind': { key: 'kinds', split: true },
  '--exclude-kind': { key: 'excludeKinds', split: true },
  '--name': { key: 'names', split: true },
  '--exclude-name': { key: 'excludeNames', split: true },
  '--disable': { key: 'disabledRules', split: true },
  '--encrypted-storage-class': { key: 'encryptedStorageClasses', split: false },
  '--external-role': { key: 'externalRoles', split: false },
  '--rules': { key: 'rules', split: false },
  '--pack': { key: 'packs', split: true },
};

/** Flags naming a file. */
const FILE_FLAGS: Record<string, 'output' | 'metricsFile' | 'writeBaseline' | 'config'> = {
  '--output': 'output', '--metrics-file': 'metricsFile', '--write-baseline': 'writeBaseline', '--config': 'config',
};

/** Parses `audit ...` (argv[0] is the command). */
export function parseAuditArgs(argv: string[]): AuditArgs | 'help' | 'version' {
  const args = [...argv];
  if (args[0] === '-h' || args[0] === '--help') return 'help';
  if (args[0] === '--version') return 'version';
  const command = args.shift();
  if (command !== 'audit') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected "audit", "reachability", "rbac", "who-can" or "diff")`);
  let format: AuditArgs['format'] = 'text';
  let groupBy: GroupBy = 'object';
  const out: { output?: string; metricsFile?: string; writeBaseline?: string; config?: string; today?: string } = {};
  let noConfig = false;
  let noBaseline = false;
  const settings: Record<string, unknown> = {};
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
    if (FILE_FLAGS[arg]) {
      out[FILE_FLAGS[arg]] = value();
      continue;
    }
    const listFlag = LIST_FLAGS[arg];
    if (listFlag) {
      const v = value();
      const current = (settings[listFlag.key] as string[] | undefined) ?? [];
      settings[listFlag.key] = [...current, ...(listFlag.split ? list(v) : [v])];
      continue;
    }
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
        settings.minSeverity = m;
        break;
      }
      case '--today': {
        const d = value();
        if (!isIsoDate(d)) throw new UsageError(`--today must be a date YYYY-MM-DD, got ${JSON.stringify(d)}`);
        out.today = d;
        break;
      }
      case '--baseline':
        settings.baseline = value();
        break;
      case '--no-config':
        noConfig = true;
        break;
      case '--no-baseline':
        noBaseline = true;
        break;
      case '--fail-on-warnings':
        settings.failOnWarnings = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (out.config !== undefined && noConfig) throw new UsageError('--config and --no-config exclude each other; give one');
  for (const name of (settings.packs as string[] | undefined) ?? []) {
    const problem = packNameProblem(name);
    if (problem !== undefined) throw new UsageError(`--pack: ${problem}`);
  }
  if (paths.length > 0) settings.paths = paths;
  return { format, groupBy, ...out, noConfig, noBaseline, settings: settings as AuditSettings };
}
