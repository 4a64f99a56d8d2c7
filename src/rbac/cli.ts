/**
 * `cdk8s-secure-baseline rbac [--format md|json] [--fail-on-undeclared] PATH...` and
 * `cdk8s-secure-baseline who-can VERB RESOURCE [-n NAMESPACE] [--name OBJECT] [--format text|json] PATH...`
 *
 * Manifests are read as kubectl reads them (src/manifest/reader.ts).
 * Exit codes: 0 ok, 1 undeclared power (rbac with --fail-on-undeclared), 2 usage or read errors, 3 internal error
 * (read errors outrank findings).
 */
import * as path from 'path';
import { proveRbac } from './proof';
import { renderRbacJson, renderRbacMarkdown, undeclaredMessages } from './render';
import { WhoCanQuery, parseResourceArg, renderWhoCan, whoCan, whoCanJson } from './who-can';
import { AuditContext } from '../audit/context';
import { flattenLists } from '../audit/engine';
import { reportUncaught } from '../cli/internal-error';
import { packageVersion } from '../cli/version';
import { readManifestFiles } from '../manifest/reader';

const READING = `PATH is a file, or a folder searched recursively for *.yaml, *.yml and *.json (files named
explicitly are read whatever their extension), read as kubectl reads them (see "audit --help").
Unreadable documents are read errors, reported with file:line on stderr; the readable objects are
still analysed and printed.`;

export const RBAC_USAGE = `Usage: cdk8s-secure-baseline rbac [--format md|json] [--fail-on-undeclared] PATH...

The RBAC proof: for every subject in PATH (each subject of every RoleBinding and
ClusterRoleBinding, every ServiceAccount a workload runs as, every ServiceAccount object),
the dangerous capabilities it holds (read secrets, exec into pods, run workloads,
escalate, change policy, ..., and cluster-admin, which holds them all), where (a namespace
or cluster-wide), through which binding and role (aggregated ClusterRoles and the API
server's built-in roles resolved; a group binding such as system:serviceaccounts:<ns>
holds for every ServiceAccount of the group), and whether each is declared: the
audit rule's acknowledgement (ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>) is on
the role or binding it comes from, as LeastPrivilegeServiceAccount writes it for a grant
given with a reason. Prints a Markdown report (undeclared power first, a table per
subject, the subjects x capabilities matrix) or JSON.

${READING}

Options:
  --format md|json         report format (default: md)
  --fail-on-undeclared     exit 1 when a subject holds undeclared power (listed on stderr)
  -h, --help               show this help
  --version                print the version of cdk8s-secure-baseline

Exit codes: 0 done (no undeclared power, or not asked to fail on it), 1 undeclared power
with --fail-on-undeclared, 2 usage or read errors (read errors take precedence), 3 internal error.
Without arguments this help goes to stderr and the exit code is 2.
`;

export const WHO_CAN_USAGE = `Usage: cdk8s-secure-baseline who-can VERB RESOURCE [-n NAMESPACE] [--name OBJECT] [--format text|json] PATH...

Which subjects in PATH can do VERB on RESOURCE, through which binding and role,
cluster-wide or in which namespace: the same effective RBAC as the rbac proof
(aggregated ClusterRoles and built-in roles resolved; a ServiceAccount, User or Group
of the input also gets what its groups get, e.g. system:serviceaccounts:<ns> and
system:authenticated). A RoleBinding holds only in its namespace, a ClusterRoleBinding
everywhere; cluster-scoped resources (nodes, persistentvolumes, clusterroles, ...) are
granted by ClusterRoleBindings only, a namespace object also by RoleBindings in it.

RESOURCE is spelled as for kubectl auth can-i: secrets, pods/exec, deployments.apps,
deployments.v1.apps/scale (resource[.version].group[/subresource]); without a group a
built-in resource gets its API group (deployments: apps), anything else the core group.

${READING}

Options:
  -n, --namespace NAMESPACE  only what holds in NAMESPACE (default: every namespace)
  --name OBJECT              one object: rules limited by resourceNames count only when
                             they name it (without --name they count, and the answer
                             lists the names they allow; list, watch, deletecollection
                             and create of a resource name no object, so such rules
                             never grant them)
  --format text|json         output format (default: text)
  -h, --help                 show this help
  --version                  print the version of cdk8s-secure-baseline

Exit codes: 0 answered (whether or not anyone can), 2 usage or read errors, 3 internal error.
Without arguments this help goes to stderr and the exit code is 2.
`;

/** Where the subcommands write. */
export interface RbacCliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const defaultIo: RbacCliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

class UsageError extends Error {}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

/** Reads PATHs into an audit context; undefined (after printing the errors) when nothing could be read. */
function load(paths: string[], io: RbacCliIo): { ctx?: AuditContext; readErrors: number } {
  const read = readManifestFiles(paths, { displayName: display });
  const errors = read.errors.map((e) => e.message);
  if (read.files.length === 0 && errors.length === 0) errors.push(`no *.yaml, *.yml or *.json files found in ${paths.join(', ')}`);
  if (errors.length > 0) io.err(errors.map((e) => `error: ${e}\n`).join(''));
  if (read.files.length === 0) return { readErrors: errors.length };
  const ctx = new AuditContext(flattenLists(read.objects.map((o) => ({ manifest: o.manifest, file: o.file }))), {});
  return { ctx, readErrors: errors.length };
}

interface Parsed {
  readonly flags: Map<string, string | true>;
  readonly positional: string[];
}

/** Options with a value (`--x V`, `--x=V`, `-n V`) and switches; the rest is positional. */
function parse(args: string[], withValue: Record<string, string>, switches: string[]): Parsed | 'help' | 'version' {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--version') return 'version';
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (withValue[a] !== undefined) {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${a} needs a value`);
      flags.set(withValue[a], v);
    } else if (switches.includes(a) && inline === undefined) {
      flags.set(a, true);
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { flags, positional };
}

function guarded(usage: string, io: RbacCliIo, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n\n${usage}`);
      return 2;
    }
    // Anything else escaped the analysis: an internal error (3), or an operating-system error (2).
    return reportUncaught(e, io.err, false, false);
  }
}

function readErrorsLine(n: number): string {
  return `error: ${n} read error(s): the analysis covers only the objects that could be read\n`;
}

/** `rbac [--format md|json] [--fail-on-undeclared] PATH...`; argv without the subcommand. Returns the exit code. */
export function runRbacCli(argv: string[], io: RbacCliIo = defaultIo): number {
  if (argv.length === 0) { io.err(RBAC_USAGE); return 2; }
  return guarded(RBAC_USAGE, io, () => {
    const p = parse(argv, { '--format': '--format', '-f': '--format' }, ['--fail-on-undeclared']);
    if (p === 'help') { io.out(RBAC_USAGE); return 0; }
    if (p === 'version') { io.out(`${packageVersion()}\n`); return 0; }
    const format = (p.flags.get('--format') ?? 'md') as string;
    if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json, got ${JSON.stringify(format)}`);
    if (p.positional.length === 0) throw new UsageError('no PATH given');
    const { ctx, readErrors } = load(p.positional, io);
    if (!ctx) return 2;
    const proof = proveRbac(ctx);
    io.out(format === 'json' ? renderRbacJson(proof) : renderRbacMarkdown(proof));
    const undeclared = p.flags.has('--fail-on-undeclared') ? undeclaredMessages(proof) : [];
    if (undeclared.length > 0) io.err(undeclared.map((m) => `undeclared: ${m}\n`).join(''));
    if (readErrors > 0) { io.err(readErrorsLine(readErrors)); return 2; }
    return undeclared.length > 0 ? 1 : 0;
  });
}

/** `who-can VERB RESOURCE [-n NAMESPACE] [--name OBJECT] [--format text|json] PATH...`; argv without the subcommand. */
export function runWhoCanCli(argv: string[], io: RbacCliIo = defaultIo): number {
  if (argv.length === 0) { io.err(WHO_CAN_USAGE); return 2; }
  return guarded(WHO_CAN_USAGE, io, () => {
    const p = parse(argv, { '-n': 'namespace', '--namespace': 'namespace', '--name': 'name', '--format': 'format', '-f': 'format' }, []);
    if (p === 'help') { io.out(WHO_CAN_USAGE); return 0; }
    if (p === 'version') { io.out(`${packageVersion()}\n`); return 0; }
    const format = (p.flags.get('format') ?? 'text') as string;
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got ${JSON.stringify(format)}`);
    const [verb, resourceArg, ...paths] = p.positional;
    if (verb === undefined || resourceArg === undefined) throw new UsageError('VERB and RESOURCE are required');
    if (resourceArg.startsWith('/')) throw new UsageError(`non-resource URLs (${resourceArg}) are not supported: RESOURCE must be resource[.group][/subresource]`);
    let resource;
    try {
      resource = parseResourceArg(resourceArg);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (paths.length === 0) throw new UsageError('no PATH given');
    const namespace = p.flags.get('namespace') as string | undefined;
    const name = p.flags.get('name') as string | undefined;
    const query: WhoCanQuery = { verb, resource, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}) };
    const { ctx, readErrors } = load(paths, io);
    if (!ctx) return 2;
    const answers = whoCan(ctx, query);
    io.out(format === 'json' ? `${JSON.stringify(whoCanJson(query, answers), null, 2)}\n` : renderWhoCan(query, answers));
    if (readErrors > 0) { io.err(readErrorsLine(readErrors)); return 2; }
    return 0;
  });
}
