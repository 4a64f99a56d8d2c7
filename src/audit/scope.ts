/**
 * Internal: which findings an audit reports — the one implementation behind the CLI's scoping
 * flags (`--namespace`, `--kind`, `--name`, their `--exclude-*` twins, `--min-severity`) and the
 * `reportScope` option of `SecurityAudit`, `auditManifests` and the cdk8s-cli plugin.
 *
 * Every object is still audited, so cross-object rules (a NetworkPolicy protecting a workload, a
 * Role a binding references) see the whole input; scoping only decides which findings are
 * reported and can fail the audit, and the counts are recomputed from those.
 */
import { closestWord } from './exceptions';
import { AuditResult, AuditScope, Finding, Severity } from './types';
import { compileExcludes, nameMatcher, pathExcluded } from '../private/glob';

/** What decides which findings are reported: the CLI's scope and `AuditScope` alike. */
export interface ScopeSelection {
  readonly namespaces?: readonly string[];
  readonly excludeNamespaces?: readonly string[];
  readonly kinds?: readonly string[];
  readonly excludeKinds?: readonly string[];
  /** Object name patterns (`*`, `?`). */
  readonly names?: readonly string[];
  readonly excludeNames?: readonly string[];
  /** Construct path globs, as `--exclude-path` matches files (in-app only: the CLI has no construct paths). */
  readonly excludeConstructPaths?: readonly string[];
  readonly minSeverity?: Severity;
}

/** The namespace an object belongs to for scoping: its own; a Namespace object belongs to itself. */
export function scopeNamespace(f: Finding): string {
  const r = f.resource!;
  if (r.kind === 'Namespace' && !r.apiVersion.includes('/')) return r.name;
  return r.namespace ?? '';
}

/**
 * Whether a finding is reported under `scope`. Findings without an object (in-app acknowledgement
 * findings, exceptions) are always in scope; cluster-scoped objects are out of scope when
 * `namespaces` names namespaces.
 */
export function scopeFilter(scope: ScopeSelection): (f: Finding) => boolean {
  const ns = nameMatcher(scope.namespaces ?? [], false);
  const exNs = nameMatcher(scope.excludeNamespaces ?? [], false);
  const kind = nameMatcher(scope.kinds ?? [], true);
  const exKind = nameMatcher(scope.excludeKinds ?? [], true);
  const name = nameMatcher(scope.names ?? [], false);
  const exName = nameMatcher(scope.excludeNames ?? [], false);
  const exPaths = scope.excludeConstructPaths ?? [];
  const exPath = exPaths.length > 0 ? compileExcludes(exPaths) : undefined;
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
    if (exPath && f.constructPath !== undefined && pathExcluded(f.constructPath, exPath.globs, exPath.anchored)) return false;
    return true;
  };
}

/** A result of `objectCount` objects and these findings, counted as the engine counts them. */
export function countFindings(objectCount: number, findings: Finding[], failOnWarnings: boolean): AuditResult {
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
  return { objectCount, findings, violations, warnings, acknowledged, passed: violations === 0 };
}

/** The result with only `findings`, its counts recomputed as the engine counts them. */
export function withFindings(result: AuditResult, findings: Finding[], failOnWarnings: boolean): AuditResult {
  return countFindings(result.objectCount, findings, failOnWarnings);
}

/** The result with only the findings in `scope`, and how many were left out. */
export function applyScope(
  result: AuditResult, scope: ScopeSelection | undefined, failOnWarnings: boolean,
): { result: AuditResult; outOfScope: number } {
  if (scope === undefined) return { result, outOfScope: 0 };
  const inScope = result.findings.filter(scopeFilter(scope));
  if (inScope.length === result.findings.length) return { result, outOfScope: 0 };
  return { result: withFindings(result, inScope, failOnWarnings), outOfScope: result.findings.length - inScope.length };
}

/** The keys of `AuditScope`: its pattern lists, then `minSeverity`. */
const LIST_KEYS = ['namespaces', 'excludeNamespaces', 'kinds', 'excludeKinds', 'names', 'excludeNames', 'excludeConstructPaths'] as const;
type ListKey = (typeof LIST_KEYS)[number];
const SCOPE_KEYS: readonly string[] = [...LIST_KEYS, 'minSeverity'];

const EXAMPLES: Record<ListKey, string> = {
  namespaces: 'namespaces: [\'shop\', \'team-*\']',
  excludeNamespaces: 'excludeNamespaces: [\'kube-system\']',
  kinds: 'kinds: [\'Deployment\', \'StatefulSet\']',
  excludeKinds: 'excludeKinds: [\'CustomResourceDefinition\']',
  names: 'names: [\'api-*\']',
  excludeNames: 'excludeNames: [\'*-test\']',
  excludeConstructPaths: 'excludeConstructPaths: [\'platform/vendor\']',
};

/**
 * Throws on an invalid `reportScope`: not an object, an unknown key, a list that is not a list of
 * patterns, a pattern that is empty or cannot match (characters that never occur in what it
 * matches), a `minSeverity` that is not a Severity. The error starts with `where`.
 */
export function validateAuditScope(scope: AuditScope | undefined, where: string): void {
  if (scope === undefined) return;
  const fail = (problem: string, fix: string): never => {
    throw new Error(`${where}: reportScope${problem}. Fix: ${fix}`);
  };
  if (scope === null || typeof scope !== 'object' || Array.isArray(scope)) {
    fail(` must be an object, got ${JSON.stringify(scope)}`, `pass the options, e.g. reportScope: { ${EXAMPLES.excludeNamespaces} }`);
  }
  for (const key of Object.keys(scope)) {
    if (SCOPE_KEYS.includes(key)) continue;
    if (key === 'excludePaths' || key === 'paths') {
      fail(`.${key} is an option of the CLI only: the objects of an app come from constructs, not from files`,
        `leave out the findings of the objects under a construct with ${EXAMPLES.excludeConstructPaths} (construct paths, matched as excludePaths matches files)`);
    }
    fail(`.${key} is not an option (did you mean ${JSON.stringify(closestWord(key, SCOPE_KEYS))}?)`, `use the options ${SCOPE_KEYS.join(', ')}`);
  }
  for (const key of LIST_KEYS) {
    const list: unknown = scope[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(`.${key} must be a list of patterns, got ${JSON.stringify(list)}`, `write a list, e.g. ${EXAMPLES[key]}`);
    (list as unknown[]).forEach((p, i) => {
      const problem = patternProblem(key, p);
      if (problem) fail(`.${key}[${i}] ${problem.problem}`, problem.fix ?? `e.g. ${EXAMPLES[key]}`);
    });
  }
  const m: unknown = scope.minSeverity;
  if (m !== undefined && m !== Severity.ERROR && m !== Severity.WARNING) {
    fail(`.minSeverity must be a Severity, got ${JSON.stringify(m)}`, 'pass Severity.ERROR (report errors only) or Severity.WARNING (the default: report everything)');
  }
}

/** Namespace names are RFC 1123 labels; patterns add `*` and `?`. */
const NAMESPACE_PATTERN = /^[a-z0-9*?-]+$/;
/** Kinds are CamelCase alphanumerics (matched in any case). */
const KIND_PATTERN = /^[A-Za-z0-9*?]+$/;

/** What is wrong with one pattern of `key`, and how to fix it when the generic example would not say. */
function patternProblem(key: ListKey, p: unknown): { problem: string; fix?: string } | undefined {
  const got = JSON.stringify(p);
  if (typeof p !== 'string') return { problem: `must be a string, got ${got}` };
  if (p.trim() === '') return { problem: 'is empty: it would match nothing', fix: `remove it, or write a pattern, e.g. ${EXAMPLES[key]}` };
  if (p.trim() !== p) return { problem: `${got} has spaces around it, which never occur in what it matches`, fix: `write ${JSON.stringify(p.trim())}` };
  switch (key) {
    case 'namespaces':
    case 'excludeNamespaces': {
      if (NAMESPACE_PATTERN.test(p)) return undefined;
      const slash = p.indexOf('/');
      if (slash > 0) return { problem: `${got} names an object, not a namespace`, fix: `put ${JSON.stringify(p.slice(0, slash))} in ${key} and ${JSON.stringify(p.slice(slash + 1))} in ${key === 'namespaces' ? 'names' : 'excludeNames'}` };
      const lower = p.toLowerCase();
      return {
        problem: `${got} can match no namespace: namespace names are lowercase letters, digits and "-" (patterns add * and ?)`,
        fix: NAMESPACE_PATTERN.test(lower) ? `write ${JSON.stringify(lower)}` : `write the namespace as kubectl shows it, e.g. ${EXAMPLES[key]}`,
      };
    }
    case 'kinds':
    case 'excludeKinds': {
      if (KIND_PATTERN.test(p)) return undefined;
      const bare = p.slice(p.lastIndexOf('/') + 1).split('.')[0];
      return {
        problem: `${got} can match no kind: a kind is letters and digits, without API group or version (patterns add * and ?)`,
        fix: bare !== '' && KIND_PATTERN.test(bare) ? `write ${JSON.stringify(bare)}` : `write the kind as in the manifest, e.g. ${EXAMPLES[key]}`,
      };
    }
    case 'names':
    case 'excludeNames': {
      const bad = /[/%]/.exec(p);
      if (!bad) return undefined;
      const slash = p.indexOf('/');
      return {
        problem: `${got} can match no object: names never contain "${bad[0]}"`,
        fix: bad[0] === '/' && slash > 0
          ? `put ${JSON.stringify(p.slice(0, slash))} in ${key === 'names' ? 'namespaces' : 'excludeNamespaces'} and ${JSON.stringify(p.slice(slash + 1))} in ${key}`
          : `write the object name as in metadata.name, e.g. ${EXAMPLES[key]}`,
      };
    }
    case 'excludeConstructPaths':
      if (p.startsWith('/')) {
        return { problem: `${got} can match no construct: construct paths start with the id of the App's child, not "/"`, fix: `write ${JSON.stringify(p.replace(/^\/+/, ''))} (as construct.node.path shows it)` };
      }
      if (/\/\//.test(p)) return { problem: `${got} can match no construct: construct paths have no empty ids ("//")`, fix: `write ${JSON.stringify(p.replace(/\/{2,}/g, '/'))}` };
      return undefined;
  }
}
