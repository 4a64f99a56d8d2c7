/**
 * `cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json] [--openings] [--max-paths N] [--api-server CIDR[:PORT]]...`
 *
 * Manifests are read as kubectl reads them (src/manifest/reader.ts). The report is aggregated
 * (aggregate.ts, classes.ts); `--openings` reports only openings (openings.ts).
 * Exit codes: 0 no extra paths, 1 extra paths, unmodelled policies or differing duplicates (with --openings: openings and --fail-on-openings),
 * 2 usage or read errors (read errors outrank paths), 3 internal errors.
 */
import { BUNDLE_ABOVE } from './aggregate';
import { Reachability } from './analyzer';
import { AggregateSink } from './classes';
import { writeOpenings, writeReport } from './cli-output';
import { reportUncaught } from '../cli/internal-error';
import { packageVersion } from '../cli/version';
import { readManifestFiles } from '../manifest/reader';
import { parseCidr } from '../private/validation';

export const REACHABILITY_USAGE = `Usage: cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json] [--openings [--fail-on-openings]]
       [--bundle auto|always|never] [--max-paths N] [--api-server CIDR[:PORT]]... [--debug]

Computes who can talk to whom from the NetworkPolicies and mesh policies in PATH, compares it with
the paths the library declared, and prints the matrix, the extra (undeclared) paths and the missing
(declared but blocked) ones.

PATH is a file, or a folder searched recursively for *.yaml, *.yml and *.json (files named
explicitly are read whatever their extension). Manifests are read as kubectl reads them:
multi-document YAML, JSON streams (a file starting with "{"), List and typed *List objects
expanded, YAML 1.1 scalars as Kubernetes decodes them (yes/on/y are true, 0644 is octal 420).
Unreadable documents, documents that are not Kubernetes objects, unrendered Helm templates, alias
bombs and duplicate keys are read errors, reported with file:line on stderr; the readable objects
are still analysed and printed.

The report is aggregated: workloads that the policies cannot tell apart (the same NetworkPolicies
select them, the same peers and declarations name them) are one endpoint "ns/name (+N alike)".
--bundle auto (the default) also bundles a list of more than 500 paths: paths with the same ports
whose receivers admit the same senders become one path between sets of endpoints ("set#3 (450)"),
each group and set listed once, so that the report grows with the distinct (senders, receivers,
ports) combinations, not with the pairs of workloads; --bundle always bundles every list, never none.

Options: --format text|mermaid|dot|json (default text), -h/--help this help, --version the version
of cdk8s-secure-baseline, --debug the stack of an internal error.

--max-paths N prints at most N paths of each list (paths, extra paths, missing paths, openings)
and counts the rest; the exit code still covers them all.

--openings (intent-free, for third-party YAML that declares no intent) reports only openings, one
line per receiver, kind, ports and layer with the number of senders and examples: paths from
addresses outside the cluster (internet), from the pods of every namespace (all-namespaces), to a
cloud metadata endpoint (169.254.169.254, fd00:ec2::254) and from workloads of other namespaces
(cross-namespace, on ports not open to all namespaces anyway). It exits 0 whatever it finds, unless
--fail-on-openings is given: then openings exit 1.

--api-server CIDR[:PORT] (repeatable) names the Kubernetes API server's endpoints: the addresses
and port of the default/kubernetes EndpointSlice (kubectl get endpointslices -n default -l
kubernetes.io/service-name=kubernetes), not the ClusterIP; without PORT every TCP port counts. It
adds the api-server endpoint and two findings: ServiceAccounts with RBAC bindings (or a projected
API token) whose pods cannot reach it (granted but unreachable), and pods without any that can
(reachable but ungranted).

Network policies the proof does not model (AdminNetworkPolicy, BaselineAdminNetworkPolicy, Calico
NetworkPolicy and GlobalNetworkPolicy, any other *NetworkPolicy kind) may allow what the modelled
ones (networking.k8s.io/v1 NetworkPolicy, cilium.io/v2 CiliumNetworkPolicy and
CiliumClusterwideNetworkPolicy, Istio and Linkerd authorization) deny: they are listed, and they
count as findings, since the proof cannot vouch for the paths they allow. So do objects defined
more than once with different content: the proof reads the last copy (kubectl apply keeps it), but
Helm and kubectl create keep the first.

Exit codes: 0 no extra paths, 1 extra paths (or pods that reach the API server without API access,
or policies the proof does not model, or objects defined twice differently; with --openings:
openings, such policies or such objects, only with --fail-on-openings), 2 usage or read errors
(read errors take precedence over extra paths),
3 internal error (a failure of cdk8s-secure-baseline, not a finding).
Without arguments this help goes to stderr and the exit code is 2.
`;

const FORMATS = ['text', 'mermaid', 'dot', 'json'];

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** The parsed command line. */
export interface ReachabilityArgs {
  readonly format: string;
  readonly paths: string[];
  readonly apiServers: Array<{ cidrs: string[]; port?: number }>;
  readonly openings: boolean;
  readonly failOnOpenings: boolean;
  /** undefined: no cap. */
  readonly maxPaths?: number;
  /** Bundle path lists longer than this; undefined: never. */
  readonly bundleAbove?: number;
  readonly debug: boolean;
}

export function runReachabilityCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  try {
    return run(argv, io);
  } catch (e) {
    return reportUncaught(e, io.err, argv.includes('--debug'));
  }
}

class ArgError extends Error {}

/** The command line, `'help'`, `'version'`, or throws ArgError. */
function parseArgs(args: string[]): ReachabilityArgs | 'help' | 'version' {
  let format = 'text';
  let maxPaths: number | undefined;
  let bundleAbove: number | undefined = BUNDLE_ABOVE;
  const flags = { openings: false, failOnOpenings: false, debug: false };
  const paths: string[] = [];
  const apiServers: Array<{ cidrs: string[]; port?: number }> = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (name: string) => (a === name ? args[++i] : a.startsWith(`${name}=`) ? a.slice(name.length + 1) : undefined);
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--version') return 'version';
    if (a === '--openings') { flags.openings = true; continue; }
    if (a === '--fail-on-openings') { flags.failOnOpenings = true; continue; }
    if (a === '--debug') { flags.debug = true; continue; }
    if (a === '-f') { format = args[++i]; continue; }
    const f = value('--format');
    if (f !== undefined || a === '--format') { format = f as string; continue; }
    const m = value('--max-paths');
    if (m !== undefined || a === '--max-paths') {
      if (m === undefined || !/^[0-9]+$/.test(m)) throw new ArgError(`--max-paths must be a whole number (got ${JSON.stringify(m ?? null)})`);
      maxPaths = Number(m);
      continue;
    }
    const b = value('--bundle');
    if (b !== undefined || a === '--bundle') {
      if (b !== 'auto' && b !== 'always' && b !== 'never') throw new ArgError(`--bundle must be auto, always or never (got ${JSON.stringify(b ?? null)})`);
      bundleAbove = b === 'auto' ? BUNDLE_ABOVE : b === 'always' ? 0 : undefined;
      continue;
    }
    const api = value('--api-server');
    if (api !== undefined || a === '--api-server') {
      const cm = /^(.+\/[0-9]{1,3})(?::([0-9]{1,5}))?$/.exec(api ?? '');
      const port = cm?.[2] === undefined ? undefined : Number(cm[2]);
      if (!cm || !parseCidr(cm[1]) || (port !== undefined && (port < 1 || port > 65535))) {
        throw new ArgError(`--api-server must be CIDR[:PORT], e.g. 10.0.0.10/32:6443 or fd00::10/128:443 (got ${JSON.stringify(api ?? null)})`);
      }
      apiServers.push({ cidrs: [cm[1]], port });
      continue;
    }
    if (a.startsWith('-')) throw new ArgError(`unknown option ${a}\n${REACHABILITY_USAGE}`);
    paths.push(a);
  }
  if (!FORMATS.includes(format)) throw new ArgError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`);
  if (flags.openings && format !== 'text' && format !== 'json') throw new ArgError(`--openings prints text or json (got --format ${format})`);
  if (flags.failOnOpenings && !flags.openings) throw new ArgError('--fail-on-openings needs --openings');
  if (paths.length === 0) throw new ArgError(`no PATH given\n${REACHABILITY_USAGE}`);
  return { format, paths, apiServers, maxPaths, bundleAbove, ...flags };
}

function run(argv: string[], io: CliIo): number {
  const args0 = argv[0] === 'reachability' ? argv.slice(1) : [...argv];
  if (args0.length === 0) { io.err(REACHABILITY_USAGE); return 2; }
  let args: ReachabilityArgs | 'help' | 'version';
  try {
    args = parseArgs(args0);
  } catch (e) {
    if (!(e instanceof ArgError)) throw e;
    io.err(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
    return 2;
  }
  if (args === 'help') { io.out(REACHABILITY_USAGE); return 0; }
  if (args === 'version') { io.out(`${packageVersion()}\n`); return 0; }
  const read = readManifestFiles(args.paths);
  const errors = read.errors.map((e) => e.message);
  if (read.files.length === 0 && errors.length === 0) errors.push(`no *.yaml, *.yml or *.json files found in ${args.paths.join(', ')}`);
  if (errors.length > 0) io.err(errors.map((e) => `error: ${e}\n`).join(''));
  if (read.files.length === 0) return 2;
  let findings: boolean;
  try {
    const sink = new AggregateSink();
    const result = Reachability._aggregate(read.objects.map((o) => o.manifest), args.apiServers, sink);
    findings = args.openings ? writeOpenings(result, sink, args, io.out) && args.failOnOpenings
      : writeReport(result, sink, args, io.out) > 0;
  } catch (e) {
    return reportUncaught(e, io.err, args.debug);
  }
  if (errors.length > 0) {
    io.err(`error: ${errors.length} read error(s): the analysis covers only the objects that could be read\n`);
    return 2;
  }
  return findings ? 1 : 0;
}
