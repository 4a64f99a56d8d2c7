/**
 * Internal: what the audit CLI looks at and reports.
 *
 * - `--exclude-path GLOB`: files (or whole folders) that are not read at all — their objects do
 *   not exist for the audit, and their read errors do not count (vendored or generated YAML).
 * - `--namespace` / `--exclude-namespace` / `--kind` / `--exclude-kind` / `--name` /
 *   `--exclude-name`: which objects' findings are reported. Every object read is still audited, so cross-object rules (a NetworkPolicy
 *   protecting a workload, a Role a binding references) see the whole input.
 * - `--min-severity error`: warnings are not reported (and cannot fail the audit).
 *
 * Which findings are reported is decided by `../audit/scope.ts`, which the in-app audit's
 * `reportScope` option shares; this file keeps what only the CLI has: the options as flags give
 * them, and the files `--exclude-path` leaves unread.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ScopeSelection } from '../audit/scope';
import { Severity } from '../audit/types';
import { compileExcludes, pathExcluded } from '../private/glob';

export { compileExcludes, globToRegExp, pathExcluded } from '../private/glob';
export { scopeFilter, scopeNamespace, withFindings } from '../audit/scope';

/** The scoping options of the audit CLI. */
export interface Scope extends ScopeSelection {
  readonly excludePaths: readonly string[];
  readonly namespaces: readonly string[];
  readonly excludeNamespaces: readonly string[];
  readonly kinds: readonly string[];
  readonly excludeKinds: readonly string[];
  /** Object name patterns (`*`, `?`). */
  readonly names: readonly string[];
  readonly excludeNames: readonly string[];
  readonly minSeverity: Severity;
}

export const EMPTY_SCOPE: Scope = {
  excludePaths: [], namespaces: [], excludeNamespaces: [], kinds: [], excludeKinds: [], names: [], excludeNames: [], minSeverity: Severity.WARNING,
};

/**
 * The paths to read once `--exclude-path` is applied: folders are walked as the reader walks them
 * (`*.yaml`, `*.yml`, `*.json`, sorted, dot-entries and node_modules skipped) and the files not
 * excluded are named one by one; paths that do not exist are passed on for the reader to report.
 * Files in `skip` (resolved paths: the baseline files) are left out silently.
 */
export function expandPaths(
  paths: readonly string[], excludes: readonly string[], skip: ReadonlySet<string>, display: (file: string) => string,
): { paths: string[]; excluded: number } {
  if (excludes.length === 0 && ![...skip].some((f) => fs.existsSync(f))) return { paths: [...paths], excluded: 0 };
  const { globs, anchored } = compileExcludes(excludes);
  const out: string[] = [];
  let excluded = 0;
  const consider = (file: string) => {
    if (skip.has(path.resolve(file))) return;
    if (pathExcluded(display(file), globs, anchored)) excluded++;
    else out.push(file);
  };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      out.push(dir); // the reader reports it
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (pathExcluded(display(full), globs, anchored)) excluded++;
        else walk(full);
      } else if (/\.(ya?ml|json)$/i.test(entry.name) && (entry.isFile() || isFile(full))) {
        consider(full);
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(p);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) walk(p);
    else if (stat) consider(p);
    else out.push(p);
  }
  return { paths: out, excluded };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
