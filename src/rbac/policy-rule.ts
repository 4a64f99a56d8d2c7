/**
 * How the API server's RBAC authorizer reads one PolicyRule (upstream
 * `pkg/apis/rbac/v1/evaluation_helpers.go`: VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches): exact, case-sensitive strings, `*` for "every", and `*\/sub` for one
 * subresource of every resource (`pods/*` matches nothing but a resource literally named so).
 */

/** A PolicyRule as read from a manifest, or from the bootstrap data. */
export interface PolicyRuleLike {
  readonly apiGroups?: readonly unknown[];
  readonly resources?: readonly unknown[];
  readonly verbs?: readonly unknown[];
  readonly resourceNames?: readonly unknown[];
  readonly nonResourceURLs?: readonly unknown[];
}

/** The string entries of a list field (anything else the API server would refuse). */
export function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
}

/** A rule's lists as sets, read once per rule object (rules are checked against many rows). */
interface NormalizedRule {
  readonly verbs: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly named: boolean;
}

const NORMALIZED = new WeakMap<PolicyRuleLike, NormalizedRule>();

function normalized(rule: PolicyRuleLike): NormalizedRule {
  let n = NORMALIZED.get(rule);
  if (!n) {
    n = {
      verbs: new Set(strings(rule.verbs)),
      groups: new Set(strings(rule.apiGroups)),
      resources: new Set(strings(rule.resources)),
      named: restrictsNames(strings(rule.resourceNames)),
    };
    NORMALIZED.set(rule, n);
  }
  return n;
}

export function verbMatches(rule: PolicyRuleLike, verb: string): boolean {
  const verbs = normalized(rule).verbs;
  return verbs.has('*') || verbs.has(verb);
}

export function groupMatches(rule: PolicyRuleLike, group: string): boolean {
  const groups = normalized(rule).groups;
  return groups.has('*') || groups.has(group);
}

/** `resource` may carry a subresource: `pods/exec`. */
export function resourceMatches(rule: PolicyRuleLike, resource: string): boolean {
  const resources = normalized(rule).resources;
  if (resources.has('*') || resources.has(resource)) return true;
  const slash = resource.indexOf('/');
  return slash >= 0 && resources.has(`*${resource.slice(slash)}`);
}

/**
 * Whether resourceNames restrict a rule. The authorizer compares the request's object name with
 * each entry, and requests that name no object (create, list, watch, deletecollection) carry the
 * name "": an entry "" lets those through on every object. No object is named "", so a rule
 * holding one is read as not restricted by name at all.
 */
function restrictsNames(names: readonly string[]): boolean {
  return names.length > 0 && !names.includes('');
}

/** Whether the rule is restricted to named objects. */
export function hasResourceNames(rule: PolicyRuleLike): boolean {
  return normalized(rule).named;
}

/** Whether a PolicyRule grants `verb` on `group`/`resource` for at least one object name. */
export function grants(rule: PolicyRuleLike, verb: string, group: string, resource: string): boolean {
  return verbMatches(rule, verb) && groupMatches(rule, group) && resourceMatches(rule, resource);
}

/** Whether the rule grants `verb` on the object called `name` (unnamed rules grant every name). */
export function grantsName(rule: PolicyRuleLike, name: string): boolean {
  const names = strings(rule.resourceNames);
  return !restrictsNames(names) || names.includes(name);
}

/** The subset of `verbs` a PolicyRule grants on `group`/`resource`. */
export function grantedVerbs(rule: PolicyRuleLike, verbs: readonly string[], group: string, resource: string): string[] {
  return verbs.filter((v) => grants(rule, v, group, resource));
}

/** `get, list on secrets`, `create on apps/deployments`. */
export function describeAccess(verbs: readonly string[], group: string, resource: string): string {
  return `${verbs.join(', ')} on ${group === '' ? '' : `${group}/`}${resource}`;
}
