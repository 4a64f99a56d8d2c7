/**
 * `cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json]`
 *
 * Exit codes: 0 no extra paths, 1 extra paths, 2 usage or parse error.
 */
import { Reachability, ReachabilityResult } from './analyzer';

const USAGE = `Usage: cdk8s-secure-baseline reachability PATH... [--format text|mermaid|dot|json]

Computes who can talk to whom from the NetworkPolicies and mesh policies in PATH (YAML/JSON files
or folders), compares it with the paths the library declared, and prints the matrix, the extra
(undeclared) paths and the missing (declared but blocked) ones.

Exit codes: 0 no extra paths, 1 extra paths, 2 usage or parse error.
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
  if (r.warnings.length > 0) out.push(`Warnings:\n${r.warnings.map((w) => `  ${w}\n`).join('')}`);
  return out.join('\n');
}

export function runReachabilityCli(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  const args = argv[0] === 'reachability' ? argv.slice(1) : [...argv];
  let format = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') { io.out(USAGE); return 0; }
    if (a === '--format' || a === '-f') {
      format = args[++i];
    } else if (a.startsWith('--format=')) {
      format = a.slice('--format='.length);
    } else if (a.startsWith('-')) {
      io.err(`unknown option ${a}\n${USAGE}`);
      return 2;
    } else {paths.push(a);}
  }
  if (!FORMATS.includes(format)) { io.err(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})\n`); return 2; }
  if (paths.length === 0) { io.err(`no PATH given\n${USAGE}`); return 2; }
  let result: ReachabilityResult;
  try {
    result = Reachability.fromFiles(paths);
  } catch (e) {
    io.err(`cannot read manifests: ${(e as Error).message}\n`);
    return 2;
  }
  switch (format) {
    case 'mermaid': io.out(result.toMermaid()); break;
    case 'dot': io.out(result.toDot()); break;
    case 'json': io.out(`${JSON.stringify(result.toJson(), null, 2)}\n`); break;
    default: io.out(text(result));
  }
  return result.extraPaths.length > 0 ? 1 : 0;
}
