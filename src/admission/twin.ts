/**
 * The admission twin of an audit rule: the same check written in CEL, for a
 * ValidatingAdmissionPolicy that enforces it in the cluster. A rule that can be decided from the
 * one object under admission declares its twin beside its TypeScript check (src/audit/rules/*);
 * `BaselineAdmissionPolicy` assembles the policies, and the test suite runs every rule test's
 * objects through both and fails on any disagreement (test/audit/util.ts, test/util/admission.ts).
 */
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX } from '../audit/rule-ids';

/** The resources (and operations) a twin matches. */
export interface TwinResources {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** @default CREATE and UPDATE */
  readonly operations?: readonly string[];
}

/** A named CEL expression, evaluated in order; later ones may use earlier ones as `variables.<name>`. */
export interface TwinExpression {
  readonly name: string;
  readonly expression: string;
}

/** A CEL condition that must hold, and the message the API server returns when it does not. */
export interface TwinValidation {
  readonly expression: string;
  readonly message: string;
}

/** The CEL twin of one audit rule. */
export interface AdmissionTwin {
  readonly match: readonly TwinResources[];
  /** Conditions under which the object is checked at all (all must hold). */
  readonly matchConditions?: readonly TwinExpression[];
  readonly variables?: readonly TwinExpression[];
  readonly validations: readonly TwinValidation[];
}

/** A CEL string literal. */
export function celString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list of string literals. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** The minimum length of a reason the cluster accepts in an acknowledgement (the audit checks more at synth). */
export const MIN_REASON_LENGTH = 20;

/**
 * The match condition that lets an acknowledged object through, as the audit does: the rule's
 * `ack.cdk8s-secure-baseline.io/<RULE-ID>` annotation with a reason of 20 characters or more.
 */
export function notAcknowledged(ruleId: string): TwinExpression {
  const key = celString(`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${ruleId}`);
  return {
    name: 'not-acknowledged',
    expression: `!has(object.metadata.annotations) || !(${key} in object.metadata.annotations) || size(object.metadata.annotations[${key}]) < ${MIN_REASON_LENGTH}`,
  };
}

/** The ValidatingAdmissionPolicy `spec` of a twin (without failurePolicy and paramKind). */
export function twinPolicySpec(ruleId: string, twin: AdmissionTwin): Record<string, unknown> {
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: twin.match.map((m) => ({
        apiGroups: [...m.apiGroups],
        apiVersions: ['*'],
        operations: [...(m.operations ?? ['CREATE', 'UPDATE'])],
        resources: [...m.resources],
      })),
    },
    matchConditions: [...(twin.matchConditions ?? []), notAcknowledged(ruleId)].map((c) => ({ name: c.name, expression: c.expression })),
    ...(twin.variables && twin.variables.length > 0 ? { variables: twin.variables.map((v) => ({ name: v.name, expression: v.expression })) } : {}),
    validations: twin.validations.map((v) => ({ expression: v.expression, message: `${ruleId}: ${v.message}`, reason: 'Forbidden' })),
  };
}

/**
 * Audit rules that `BaselineAdmissionPolicy` guards with a policy of its own (they need the app's
 * namespaces and levels, or its StorageClasses), by the BaselineAdmissionRule that does.
 */
export const GUARDED_BY_POLICY: Readonly<Record<string, string>> = {
  'SB-NS-PSS': 'POD_SECURITY',
  'SB-MESH-ISTIO-PEER-AUTH': 'PEER_AUTHENTICATION_STRICT',
  'SB-RBAC-CLUSTER-ADMIN': 'NO_CLUSTER_ADMIN_BINDING',
  'SB-STORAGE-CLASS-UNVERIFIED': 'ENCRYPTED_STORAGE',
};

/** Why a rule that looks at one object has no CEL twin, by rule ID (or ID prefix ending in '-'). */
export const NO_TWIN_REASONS: ReadonlyArray<readonly [string, string]> = [
  ['SB-PSS-', 'in the cluster by Pod Security Admission itself, at the level and version of the namespace\'s enforce labels (which POD_SECURITY guards); those on a container\'s securityContext also by AUDIT_RULES on each ephemeral container kubectl debug adds (policy `<prefix>-ephemeral-containers`), whatever the namespace enforces'],
  ['SB-SA-AUTOMOUNT', 'at synth time only: the API server\'s controllers create and update ServiceAccounts (every namespace\'s "default"), which a policy on them would block'],
  ['SB-NET-POLICY-', 'at synth time only: deciding ipBlocks exactly needs CEL\'s cidr library, which this project cannot evaluate to prove the twin equal to the audit'],
  ['SB-SECRET-ENV-LITERAL', 'at synth time only: the shared secret detector\'s name and value heuristics are not expressible in CEL'],
  ['SB-SECRET-LITERAL', 'at synth time only: the shared secret detector\'s heuristics (names, configuration-file lines, command lines, credential formats in every string) are not expressible in CEL'],
  ['SB-MESH-LINKERD-AUTHN-OPEN', 'at synth time only: NetworkAuthentication ranges need exact IP arithmetic (as SB-NET-POLICY-*)'],
  ['SB-STORAGE-CLASS-UNENCRYPTED', 'at synth time only: StorageClasses are cluster-scoped, and a policy on them would judge every chart\'s'],
];
