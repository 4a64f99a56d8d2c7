/**
 * `cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json] [--api-server CIDR[:PORT]]...`
 *
 * Manifests are read as kubectl reads them (src/manifest/reader.ts).
 * Exit codes: 0 no extra paths, 1 extra paths, 2 usage or read errors (read errors outrank paths).
 */
import { Reachability, ReachabilityResult } from './analyzer';
import { packageVersion } from '../cli/version';
import { readManifestFiles } from '../manifest/reader';
import { parseCidr } from '../private/validation';

export const REACHABILITY_USAGE = `Usage: cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json] [--api-server CIDR[:PORT]]...

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

Options: --format text|mermaid|dot|json (default text), -h/--help this help, --version the version
of cdk8s-secure-baseline.

--api-server CIDR[:PORT] (repeatable) names the Kubernetes API server's endpoints: the addresses
and port of the default/kubernetes EndpointSlice (kubectl get endpointslices -n default -l
kubernetes.io/service-name=kubernetes), not the ClusterIP; without PORT every TCP port counts. It
adds the api-server endpoint and two findings: ServiceAccounts with RBAC bindings (or a projected
API token) whose pods cannot reach it (granted but unreachable), and pods without any that can
(reachable but ungranted).

Exit codes: 0 no extra paths, 1 extra paths (or pods that reach the API server without API access),
2 usage or read errors (read errors take precedence over extra paths). Without arguments this help goes to stderr and the exit code is 2.
`;

const FORMATS = ['text', 'mermaid', 'dot', 'json'];

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

function text(r: ReachabilityResult): string {
  const out = [r.matrix()];
  if (r.unknownNamespaces.length > 0) out.push(`Namespaces without manifests (isolated by nothing we can see): ${r.unknownNamespaces.join(', ')}\n`);
  out.push(`Extra paths (${r.extraPaths.length}):\n${r.extraPaths.map((e) => `  [${e.layer}] ${e.message}\n`).join('') || '  none\n'}`);
  out.push(`Missing paths (${r.missingPaths.length}):\n${r.missingPaths.map((m) => `  ${m.message}\n`).join('') || '  none\n'}`);
  if (r.grantedButUnreachable.length > 0) out.push(`Granted but unreachable API server (${r.grantedButUnreachable.length}):\n${r.grantedButUnreachable.map((f) => `  ${f.message}\n`).join('')}`);
  if (r.reachableButUngranted.length > 0) out.push(`Reachable but ungranted API server (${r.reachableButUngranted.length}):\n${r.reachableButUngranted.map((f) => `  ${f.message}\n`).join('')}`);
  if (r.warnings.length > 0) out.push(`Warnings:\n${r.warnings.map((w) => `  ${w}\n`).join('')}`);
  return out.join('\n');
}

export function runReachabilityCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  try {
    return run(argv, io);
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

function run(argv: string[], io: CliIo): number {
  const args = argv[0] === 'reachability' ? argv.slice(1) : [...argv];
  if (args.length === 0) { io.err(REACHABILITY_USAGE); return 2; }
  let format = 'text';
  const paths: string[] = [];
  const apiServers: Array<{ cidrs: string[]; port?: number }> = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') { io.out(REACHABILITY_USAGE); return 0; }
    if (a === '--version') { io.out(`${packageVersion()}\n`); return 0; }
    if (a === '--format' || a === '-f') {
      format = args[++i];
    } else if (a.startsWith('--format=')) {
      format = a.slice('--format='.length);
    } else if (a === '--api-server' || a.startsWith('--api-server=')) {
      const value = a === '--api-server' ? args[++i] : a.slice('--api-server='.length);
      const m = /^(.+\/[0-9]{1,3})(?::([0-9]{1,5}))?$/.exec(value ?? '');
      const port = m?.[2] === undefined ? undefined : Number(m[2]);
      if (!m || !parseCidr(m[1]) || (port !== undefined && (port < 1 || port > 65535))) {
        io.err(`--api-server must be CIDR[:PORT], e.g. 10.0.0.10/32:6443 or fd00::10/128:443 (got ${JSON.stringify(value ?? null)})\n`);
        return 2;
      }
      apiServers.push({ cidrs: [m[1]], port });
    } else if (a.startsWith('-')) {
      io.err(`unknown option ${a}\n${REACHABILITY_USAGE}`);
      return 2;
    } else {paths.push(a);}
  }
  if (!FORMATS.includes(format)) { io.err(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})\n`); return 2; }
  if (paths.length === 0) { io.err(`no PATH given\n${REACHABILITY_USAGE}`); return 2; }
  const read = readManifestFiles(paths);
  const errors = read.errors.map((e) => e.message);
  if (read.files.length === 0 && errors.length === 0) errors.push(`no *.yaml, *.yml or *.json files found in ${paths.join(', ')}`);
  if (errors.length > 0) io.err(errors.map((e) => `error: ${e}\n`).join(''));
  if (read.files.length === 0) return 2;
  const result: ReachabilityResult = Reachability._fromManifests(read.objects.map((o) => o.manifest), {}, apiServers);
  switch (format) {
    case 'mermaid': io.out(result.toMermaid()); break;
    case 'dot': io.out(result.toDot()); break;
    case 'json': io.out(`${JSON.stringify(result.toJson(), null, 2)}\n`); break;
    default: io.out(text(result));
  }
  if (errors.length > 0) {
    io.err(`error: ${errors.length} read error(s): the analysis covers only the objects that could be read\n`);
    return 2;
  }
  return result.extraPaths.length > 0 || result.reachableButUngranted.length > 0 ? 1 : 0;
}
