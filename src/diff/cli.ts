/**
 * `cdk8s-secure-baseline diff BASE HEAD [--format md|json|sarif|text] [--fail-on WHAT[,WHAT...]]`
 *
 * Exit codes: 0 nothing the --fail-on choices name, 1 something they name, 2 usage or read errors.
 */
import { DiffChange, SecurityDiffItem } from './types';
import { packageVersion } from '../cli/version';
import { SecurityDiff, SecurityDiffResult } from '../security-diff';

/** What `--fail-on` can name, and the weakening changes each one fails on. */
export const FAIL_ON: { readonly [name: string]: readonly DiffChange[] } = {
  'new-paths': [DiffChange.PATH_ADDED, DiffChange.PATH_WIDENED, DiffChange.LAYER_OPENED, DiffChange.EXPOSURE_ADDED, DiffChange.UNMODELLED_POLICY_CHANGED],
  'exposure': [DiffChange.EXPOSURE_ADDED],
  'new-capabilities': [DiffChange.CAPABILITY_GAINED],
  'new-findings': [DiffChange.FINDING_INTRODUCED, DiffChange.ACKNOWLEDGEMENT_REMOVED],
  'new-acknowledgements': [DiffChange.ACKNOWLEDGEMENT_ADDED, DiffChange.ACKNOWLEDGEMENT_REWORDED],
  'privileges': [DiffChange.PRIVILEGE_RAISED],
  'data': [DiffChange.DATA_WEAKENED, DiffChange.IMAGE_DIGEST_DROPPED, DiffChange.IMAGE_REGISTRY_CHANGED],
  'enforcement': [DiffChange.ENFORCEMENT_WEAKENED],
  'any': Object.values(DiffChange),
};

export const DIFF_USAGE = `Usage: cdk8s-secure-baseline diff BASE HEAD [--format md|json|sarif|text] [--fail-on WHAT[,WHAT...]] [--output FILE]

Compares two synthesized baselines (folders searched recursively for *.yaml, *.yml and *.json, or
files; BASE before the change, HEAD after it) in security terms: connectivity (paths added, removed,
widened, exposure to the internet, network policies the reachability proof does not model), identity
and RBAC (capabilities each subject gained or lost), audit findings introduced and resolved and
acknowledgements added, removed or re-worded, pod security (privilege changes per workload), data
(encryption, retention, backups; images that lost a digest or changed registry) and enforcement
(admission policies, Pod Security levels, mesh modes). Objects are matched by group, kind, namespace
and name and compared by content: reordering documents, files or keys is no change.

Options:
  --format md|json|sarif|text   report format (default: md, for a pull-request comment);
                                sarif holds the findings the head introduces only
  --fail-on WHAT[,WHAT...]      fail (exit 1) on a weakening change of these kinds (repeatable):
                                new-paths, exposure, new-capabilities, new-findings,
                                new-acknowledgements, privileges, data, enforcement, any
  --output FILE                 write the report to FILE; the summary line goes to stdout
  -h, --help                    show this help

Exit codes: 0 no change that --fail-on names (without --fail-on: always, when both sides were read),
1 a change that --fail-on names, 2 usage or read errors (any unreadable document of either side).
`;

export interface DiffCliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Writes a file (the CLI's --output). */
  readonly writeFile: (file: string, text: string) => void;
}

/** The items that make `--fail-on` fail. */
export function failingItems(result: SecurityDiffResult, failOn: readonly string[]): SecurityDiffItem[] {
  const changes = new Set(failOn.flatMap((f) => FAIL_ON[f] ?? []));
  return result.items.filter((i) => i.weakens && changes.has(i.change));
}

export function runDiffCli(argv: string[], io: DiffCliIo): number {
  const args = argv[0] === 'diff' ? argv.slice(1) : [...argv];
  if (args.length === 0) { io.err(DIFF_USAGE); return 2; }
  let format = 'md';
  let output: string | undefined;
  const failOn: string[] = [];
  const paths: string[] = [];
  const usage = (message: string) => { io.err(`error: ${message}\n\n${DIFF_USAGE}`); return 2; };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) { inline = a.slice(a.indexOf('=') + 1); a = a.slice(0, a.indexOf('=')); }
    const value = (): string | undefined => inline ?? args[++i];
    if (a === '-h' || a === '--help') { io.out(DIFF_USAGE); return 0; }
    if (a === '--version') { io.out(`${packageVersion()}\n`); return 0; }
    if (a === '--format') {
      const f = value();
      if (f !== 'md' && f !== 'json' && f !== 'sarif' && f !== 'text') return usage(`--format must be md, json, sarif or text, got ${JSON.stringify(f ?? null)}`);
      format = f;
    } else if (a === '--fail-on') {
      const v = value();
      if (v === undefined || v === '') return usage('--fail-on needs a value');
      for (const name of v.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        if (FAIL_ON[name] === undefined) return usage(`--fail-on ${JSON.stringify(name)} is not a choice; use one of ${Object.keys(FAIL_ON).join(', ')}`);
        failOn.push(name);
      }
    } else if (a === '--output') {
      output = value();
      if (output === undefined || output === '') return usage('--output needs a value');
    } else if (a.startsWith('-') && a !== '-') {
      return usage(`unknown option ${a}`);
    } else {
      paths.push(a);
    }
  }
  if (paths.length !== 2) return usage(`diff needs exactly two paths, BASE and HEAD, got ${paths.length}${paths.length > 0 ? ` (${paths.map((p) => JSON.stringify(p)).join(', ')})` : ''}`);
  let result: SecurityDiffResult;
  try {
    result = SecurityDiff.betweenFiles([paths[0]], [paths[1]]);
  } catch (e) {
    io.err(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const report = format === 'json' ? `${JSON.stringify(result.toJson(), null, 2)}\n`
    : format === 'sarif' ? result.toSarif()
      : format === 'text' ? result.toText() : result.toMarkdown();
  if (output !== undefined) {
    io.writeFile(output, report);
    io.out(`${result.summary}\n`);
  } else {
    io.out(report);
  }
  const failing = failingItems(result, failOn);
  if (failing.length > 0) {
    io.err(`security diff: ${failing.length} change${failing.length === 1 ? '' : 's'} that --fail-on ${failOn.join(',')} names\n`);
    return 1;
  }
  return 0;
}
