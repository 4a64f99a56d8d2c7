/**
 * Internal: the shape of a rule and helpers shared by the rule files.
 */
import { AuditContext, ContainerView, K8sObject, PodView, asArray, isObject } from './context';
import { RuleInfo } from './types';
import { AdmissionTwin } from '../admission/twin';

/** What a rule reports; the engine adds the rule ID, severity and acknowledgements. */
export interface Issue {
  readonly obj?: K8sObject;
  readonly message: string;
  readonly jsonPath?: string;
  /** Overrides the rule's generic fix. */
  readonly fix?: string;
  /** For findings without an object. */
  readonly constructPath?: string;
}

/** A rule: metadata plus a pure function over the indexed object set. */
export interface RuleDefinition extends RuleInfo {
  readonly check: (ctx: AuditContext) => Issue[];
  /**
   * The same check in CEL, when it can be decided from the one object under admission:
   * `BaselineAdmissionPolicy` enforces it in the cluster. Rules without one need the whole app
   * (other objects, the reachability model, RBAC across bindings) and run at synth time only.
   */
  readonly admission?: AdmissionTwin;
}

/** Metadata of a rule and, optionally, its admission twin. */
export interface RuleSpec extends RuleInfo {
  readonly admission?: AdmissionTwin;
}

/** Builds a rule that inspects every pod spec independently. */
export function podRule(info: RuleSpec, fn: (pod: PodView, out: Issue[]) => void): RuleDefinition {
  return {
    ...info,
    check: (ctx) => {
      const out: Issue[] = [];
      for (const pod of ctx.pods) fn(pod, out);
      return out;
    },
  };
}

/** Builds a rule that inspects every object of the given kinds independently. */
export function kindRule(
  info: RuleSpec,
  kinds: string[],
  group: string | undefined,
  fn: (obj: K8sObject, out: Issue[], ctx: AuditContext) => void,
): RuleDefinition {
  return {
    ...info,
    check: (ctx) => {
      const out: Issue[] = [];
      for (const kind of kinds) {
        for (const obj of ctx.ofKind(kind, group)) fn(obj, out, ctx);
      }
      return out;
    },
  };
}


export function containerSc(c: ContainerView): any {
  return c.securityContext;
}

export function podSc(pod: PodView): any {
  return pod.securityContext;
}

export function q(value: unknown): string {
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// RBAC helpers

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** A PolicyRule of a Role / ClusterRole with its location. */
export interface RbacRuleView {
  readonly obj: K8sObject;
  readonly rule: any;
  readonly index: number;
  readonly path: string;
}

/** Every PolicyRule of every Role and ClusterRole. */
export function rbacRules(ctx: AuditContext): RbacRuleView[] {
  const out: RbacRuleView[] = [];
  for (const kind of ['Role', 'ClusterRole']) {
    for (const obj of ctx.ofKind(kind, RBAC_GROUP)) {
      asArray(obj.manifest.rules).forEach((rule: any, index: number) => {
        if (isObject(rule)) out.push({ obj, rule, index, path: `rules[${index}]` });
      });
    }
  }
  return out;
}

export { strings } from '../rbac/policy-rule';

/** RoleBindings and ClusterRoleBindings. */
export function bindings(ctx: AuditContext): K8sObject[] {
  return [...ctx.ofKind('RoleBinding', RBAC_GROUP), ...ctx.ofKind('ClusterRoleBinding', RBAC_GROUP)];
}

/** `ServiceAccount "ns/name"`, `Group "system:masters"`. */
export function subjectLabel(s: any): string {
  const ns = s.kind === 'ServiceAccount' && s.namespace ? `${s.namespace}/` : '';
  return `${s.kind} "${ns}${s.name}"`;
}

/** `ClusterRole "view"`. */
export function roleRefLabel(binding: K8sObject): string {
  const ref = isObject(binding.manifest.roleRef) ? binding.manifest.roleRef : {};
  return `${ref.kind} "${ref.name}"`;
}

export function subjects(binding: K8sObject): any[] {
  return asArray(binding.manifest.subjects).filter(isObject);
}

/** The ServiceAccount a pod spec runs as. */
export function podServiceAccount(spec: any): string {
  const n = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof n === 'string' && n !== '' ? n : 'default';
}
