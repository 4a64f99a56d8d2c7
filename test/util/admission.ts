/**
 * The API server's evaluation of a ValidatingAdmissionPolicy, for tests: match constraints
 * (group, resource, operation), match conditions, variables in order, validations; anything but
 * `true` — false, or an evaluation error under failurePolicy Fail — refuses. CEL by @bufbuild/cel.
 */
import { pluralOf } from '../../src/manifest/cluster-scoped';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@bufbuild/cel');

/** JSON → CEL values: objects become maps, integers CEL ints. */
export function toCel(v: any): any {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return Number.isInteger(v) ? BigInt(v) : v;
}

/** What the API server decides for one request. */
export interface AdmissionDecision {
  /** Whether the policy applies (resource, operation and match conditions). */
  readonly matched: boolean;
  readonly allowed: boolean;
  /** Messages of the failed validations, and evaluation errors. */
  readonly messages: string[];
}

function run(expression: string, bindings: any): { value?: any; error?: string } {
  try {
    const value = cel.run(expression, bindings);
    if (cel.isCelError?.(value)) return { error: String(value.message ?? value) };
    return { value };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function groupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Evaluates a ValidatingAdmissionPolicy `spec` for `operation` on `object` (and `oldObject`). */
export function admit(spec: any, object: any, operation = 'CREATE', oldObject: any = null, username = 'alice@example.com'): AdmissionDecision {
  const subject = object ?? oldObject;
  const group = groupOf(subject?.apiVersion);
  const resource = pluralOf(String(subject?.kind ?? ''));
  const rules = spec.matchConstraints?.resourceRules ?? [];
  const inScope = rules.some((r: any) => (r.apiGroups.includes('*') || r.apiGroups.includes(group))
    && (r.resources.includes('*') || r.resources.includes(resource))
    && (r.operations.includes('*') || r.operations.includes(operation)));
  if (!inScope) return { matched: false, allowed: true, messages: [] };
  const variables = new Map<string, any>();
  const bindings = () => ({
    object: object === null ? null : toCel(object),
    oldObject: oldObject === null ? null : toCel(oldObject),
    variables,
    request: toCel({ operation, userInfo: { username } }),
  });
  for (const c of spec.matchConditions ?? []) {
    const r = run(c.expression, bindings());
    if (r.error !== undefined) return { matched: true, allowed: false, messages: [`matchCondition ${c.name}: ${r.error}`] };
    if (r.value !== true) return { matched: false, allowed: true, messages: [] };
  }
  for (const v of spec.variables ?? []) {
    const r = run(v.expression, bindings());
    // An unused variable's error would not surface in the API server (variables are lazy); one
    // that a validation uses fails that validation below.
    variables.set(v.name, r.error !== undefined ? undefined : r.value);
  }
  const messages: string[] = [];
  for (const v of spec.validations ?? []) {
    const r = run(v.expression, bindings());
    if (r.error !== undefined) messages.push(`error in ${v.expression}: ${r.error}`);
    else if (r.value !== true) messages.push(v.message);
  }
  return { matched: true, allowed: messages.length === 0, messages };
}
