/**
 * Internal: validation of the props of BaselineAdmissionPolicy — rules, GitOps managers,
 * validation actions (and the reason when they do not deny), and forbidden ClusterRoles.
 */
import { IConstruct } from 'constructs';
import { acknowledgementAnnotation } from './acknowledge';
import { fail, show, validateReason } from './validation';
import { AdmissionValidationAction, BaselineAdmissionRule } from '../admission-policy-options';
import type { BaselineAdmissionPolicyProps } from '../baseline-admission-policy';

const NOT_ENFORCED_RULE_ID = 'SB-ADMISSION-NOT-ENFORCED';

/** The rules to enforce (default: all, BASELINE_OBJECTS only with managers) and the managers, sorted. */
export function validateRules(scope: IConstruct, props: BaselineAdmissionPolicyProps): { rules: BaselineAdmissionRule[]; managers: string[] } {
  const rules = props.rules ?? Object.values(BaselineAdmissionRule)
    .filter((r) => r !== BaselineAdmissionRule.BASELINE_OBJECTS || props.baselineManagers !== undefined);
  const managers = [...new Set(props.baselineManagers ?? [])].sort();
  if (rules.includes(BaselineAdmissionRule.BASELINE_OBJECTS) && managers.length === 0) {
    fail(scope, 'BASELINE_OBJECTS needs baselineManagers', 'list the user name of your GitOps controller, e.g. baselineManagers: ["system:serviceaccount:argocd:argocd-application-controller"]; without one nobody could update the baseline');
  }
  managers.forEach((m, i) => {
    if (typeof m !== 'string' || m.trim() === '' || /\s/.test(m)) fail(scope, `baselineManagers[${i}] ${show(m)} is not a user name`, 'write the exact user name, e.g. "system:serviceaccount:argocd:argocd-application-controller"');
  });
  if (rules.length === 0) fail(scope, 'rules is empty', 'list at least one BaselineAdmissionRule, or leave rules out for all of them');
  for (const r of rules) {
    if (!Object.values(BaselineAdmissionRule).includes(r)) fail(scope, `rule ${show(r)} is not a BaselineAdmissionRule`, `use ${Object.values(BaselineAdmissionRule).map((v) => show(v)).join(', ')}`);
  }
  if (new Set(rules).size !== rules.length) fail(scope, `rules ${show(rules)} lists a rule twice`, 'list each rule once');
  return { rules, managers };
}

/** The validation actions, and the acknowledgement annotations of the bindings when they do not deny. */
export function validateActions(
  scope: IConstruct, props: BaselineAdmissionPolicyProps,
): { actions: AdmissionValidationAction[]; annotations: Record<string, string> } {
  const actions = props.validationActions ?? [AdmissionValidationAction.DENY];
  if (actions.length === 0) fail(scope, 'validationActions is empty', 'use [AdmissionValidationAction.DENY] (or WARN / AUDIT with notEnforcedReason)');
  for (const a of actions) {
    if (!Object.values(AdmissionValidationAction).includes(a)) fail(scope, `validation action ${show(a)} is not supported`, 'use AdmissionValidationAction.DENY, WARN or AUDIT');
  }
  if (new Set(actions).size !== actions.length) fail(scope, `validationActions ${show(actions)} lists an action twice`, 'list each action once');
  if (actions.includes(AdmissionValidationAction.DENY) && actions.includes(AdmissionValidationAction.WARN)) {
    fail(scope, 'validationActions combines "Deny" and "Warn"', 'use [DENY] (optionally with AUDIT); the API server refuses Deny with Warn because a denied request already reports why');
  }
  const annotations: Record<string, string> = {};
  if (!actions.includes(AdmissionValidationAction.DENY)) {
    annotations[acknowledgementAnnotation(NOT_ENFORCED_RULE_ID)] = validateReason(scope, `validationActions ${show(actions)} without "Deny"`, props.notEnforcedReason);
  } else if (props.notEnforcedReason !== undefined) {
    fail(scope, 'notEnforcedReason is set but validationActions includes "Deny"', 'remove notEnforcedReason; it is only for rules that report instead of refusing');
  }
  return { actions, annotations };
}

/** The forbidden ClusterRoles (`defaults` unless the props name some), sorted. */
export function validateForbiddenClusterRoles(scope: IConstruct, props: BaselineAdmissionPolicyProps, defaults: string[]): string[] {
  const forbidden = [...new Set(props.forbiddenClusterRoles ?? defaults)].sort();
  if (forbidden.length === 0) fail(scope, 'forbiddenClusterRoles is empty', 'list at least "cluster-admin", or leave NO_CLUSTER_ADMIN_BINDING out of rules');
  forbidden.forEach((n, i) => {
    // RBAC object names are path segments: ':' is allowed (system:node).
    if (typeof n !== 'string' || n.length > 253 || !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(n)) {
      fail(scope, `forbiddenClusterRoles[${i}] ${show(n)} is not a ClusterRole name`, "use lowercase letters, digits, '-', '.' and ':', starting and ending with a letter or digit");
    }
  });
  return forbidden;
}
