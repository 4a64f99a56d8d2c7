/**
 * Internal: what the audit CLI looks at and reports.
 *
 * - `--exclude-path GLOB`: files (or whole folders) that are not read at all — their objects do
 *   not exist for the audit, and their read errors do not count (vendored or generated YAML).
 * - `--namespace` / `--exclude-namespace` / `--kind` / `--exclude-kind` / `--name` /
 *   `--exclude-name`: which objects' findings are reported. Every object read is still audited, so cross-object rules (a NetworkPolicy
 *   protecting a workload, a Role a binding references) see the whole input.
 * - `--min-severity error`: warnings are not reported (and cannot fail the audit).
 */
import * as fs from 'fs';
import * as path from 'path';
import { AuditResult, Finding, Severity } from '../audit/types';
import { compileExcludes, nameMatcher, pathExcluded } from '../private/glob';

export { compileExcludes, globToRegExp, pathExcluded } from '../private/glob';

/** The scoping options of the audit CLI. */
export interface Scope {
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

/** The namespace an object belongs to for scoping: its own; a Namespace object belongs to itself. */
export function scopeNamespace(f: Finding): string {
  const r = f.resource!;
  if (r.kind === 'Namespace' && !r.apiVersion.includes('/')) return r.name;
  return r.namespace ?? '';
}

/**
 * Whether a finding is reported under `scope`. Findings without an object (in-app acknowledgement
 * findings) are always in scope; cluster-scoped objects are out of scope when `--namespace` names
 * namespaces.
 */
export function scopeFilter(scope: Scope): (f: Finding) => boolean {
  const ns = nameMatcher(scope.namespaces, false);
  const exNs = nameMatcher(scope.excludeNamespaces, false);
  const kind = nameMatcher(scope.kinds, true);
  const exKind = nameMatcher(scope.excludeKinds, true);
  const name = nameMatcher(scope.names, false);
  const exName = nameMatcher(scope.excludeNames, false);
  return (f) => {
    if (scope.minSeverity === Severity.ERROR && f.severity !== Severity.ERROR) return false;
    if (!f.resource) return true;
    const n = scopeNamespace(f);
    if (ns && (n === '' || !ns(n))) return false;
    if (exNs && n !== '' && exNs(n)) return false;
    if (kind && !kind(f.resource.kind)) return false;
    if (exKind && exKind(f.resource.kind)) return false;
    if (name && !name(f.resource.name)) return false;
    if (exName && exName(f.resource.name)) return false;
    return true;
  };
}

/** The result with only `findings`, its counts recomputed as the engine counts them. */
export function withFindings(result: AuditResult, findings: Finding[], failOnWarnings: boolean): AuditResult {
  let violations = 0;
  let warnings = 0;
  let acknowledged = 0;
  for (const f of findings) {
    if (f.acknowledged) {
      acknowledged++;
    } else if (f.severity === Severity.ERROR) {
      violations++;
    } else {
      warnings++;
      if (failOnWarnings) violations++;
    }
  }
  return { objectCount: result.objectCount, findings, violations, warnings, acknowledged, passed: violations === 0 };
}
