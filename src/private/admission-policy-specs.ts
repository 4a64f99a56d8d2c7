/**
 * Internal: the ValidatingAdmissionPolicy specs of BaselineAdmissionPolicy, one per rule (or per
 * audit rule with a CEL twin), in CEL evaluated by the API server.
 */
import { lazy } from './lazy';
import { ephemeralContainersPolicy } from '../admission/ephemeral';
import { celList, celString, twinPolicySpec } from '../admission/twin';
import { BaselineAdmissionRule } from '../admission-policy-options';
import { ENFORCE_VERSION_LABEL, MIN_POD_SECURITY_VERSION, enforceVersionCel } from '../audit/pod-security-version';
import { ALL_RULES } from '../audit/rules';
import { PodSecurityLevel } from '../namespace-options';

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** Pod Security levels, weakest first. */
export const LEVEL_RANK: Record<string, number> = {
  [PodSecurityLevel.PRIVILEGED]: 0, [PodSecurityLevel.BASELINE]: 1, [PodSecurityLevel.RESTRICTED]: 2,
};

/** Kinds whose objects BASELINE_OBJECTS guards, by API group. */
export const GUARDED_KINDS: Array<{ group: string; kind: string; resource: string }> = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies' },
  { group: 'security.istio.io', kind: 'PeerAuthentication', resource: 'peerauthentications' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', resource: 'authorizationpolicies' },
  { group: 'networking.istio.io', kind: 'Sidecar', resource: 'sidecars' },
  { group: 'networking.istio.io', kind: 'DestinationRule', resource: 'destinationrules' },
  { group: 'policy.linkerd.io', kind: 'Server', resource: 'servers' },
  { group: 'policy.linkerd.io', kind: 'AuthorizationPolicy', resource: 'authorizationpolicies' },
  { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', resource: 'meshtlsauthentications' },
];

/** One ValidatingAdmissionPolicy and its binding. */
export interface PolicySpec {
  rule: BaselineAdmissionRule;
  /** The name suffix (and construct id): the rule, or the audit rule ID of a twin. */
  name?: string;
  resourceRules: Array<{ apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }>;
  matchConditions?: Array<{ name: string; expression: string }>;
  variables?: Array<{ name: string; expression: any }>;
  validations: Array<{ expression: any; message: string; reason: string }>;
}

/** What the specs read from the construct: validated props, and the app's objects (read at synth time). */
export interface PolicySpecInputs {
  readonly managers: string[];
  readonly forbidden: string[];
  readonly levels: () => Array<[string, string]>;
  readonly baselineObjects: () => string[];
  readonly encryptedStorageClasses: () => string[];
}

/** The specs of `rules`, in the order of BaselineAdmissionRule. */
export function policySpecs(rules: BaselineAdmissionRule[], inputs: PolicySpecInputs): PolicySpec[] {
  const specs: PolicySpec[] = [];
  const ordered = Object.values(BaselineAdmissionRule).filter((r) => rules.includes(r));
  for (const rule of ordered) {
    switch (rule) {
      case BaselineAdmissionRule.AUDIT_RULES:
        specs.push(...twinSpecs(), ephemeralContainersSpec());
        break;
      case BaselineAdmissionRule.BASELINE_OBJECTS:
        specs.push(baselineObjectsSpec(rule, inputs.managers, inputs.baselineObjects));
        break;
      case BaselineAdmissionRule.POD_SECURITY:
        specs.push(podSecuritySpec(rule, inputs.levels));
        break;
      case BaselineAdmissionRule.PEER_AUTHENTICATION_STRICT:
        specs.push(peerAuthenticationSpec(rule));
        break;
      case BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING:
        specs.push(clusterAdminBindingSpec(rule, inputs.forbidden));
        break;
      case BaselineAdmissionRule.ENCRYPTED_STORAGE:
        specs.push(encryptedStorageSpec(rule, inputs.encryptedStorageClasses));
        break;
    }
  }
  return specs;
}

/** The policies of the audit rules that have a CEL twin, sorted by rule ID. */
function twinSpecs(): PolicySpec[] {
  return ALL_RULES.filter((r) => r.admission !== undefined).map((r) => {
    const spec = twinPolicySpec(r.id, r.admission!) as any;
    return {
      rule: BaselineAdmissionRule.AUDIT_RULES,
      name: r.id.toLowerCase(),
      resourceRules: spec.matchConstraints.resourceRules,
      matchConditions: spec.matchConditions,
      variables: spec.variables,
      validations: spec.validations,
    };
  });
}

/**
 * AUDIT_RULES on `pods/ephemeralcontainers` (kubectl debug), which the pod twins do not match: the
 * container rules on each ephemeral container a request adds (src/admission/ephemeral.ts).
 */
function ephemeralContainersSpec(): PolicySpec {
  const p = ephemeralContainersPolicy(ALL_RULES);
  return {
    rule: BaselineAdmissionRule.AUDIT_RULES,
    name: 'ephemeral-containers',
    resourceRules: p.resourceRules,
    variables: p.variables,
    validations: p.validations,
  };
}

/** BASELINE_OBJECTS: the baseline's own policies change only through the GitOps controller. */
function baselineObjectsSpec(rule: BaselineAdmissionRule, managers: string[], baselineObjects: () => string[]): PolicySpec {
  return {
    rule,
    resourceRules: GUARDED_KINDS.map((k) => ({ apiGroups: [k.group], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: [k.resource] })),
    matchConditions: [{ name: 'not-a-baseline-manager', expression: `!(request.userInfo.username in ${celList(managers)})` }],
    variables: [{ name: 'baseline', expression: lazy(() => celList(baselineObjects())) }],
    validations: [{
      expression: "!((oldObject.kind + '/' + oldObject.metadata.namespace + '/' + oldObject.metadata.name) in variables.baseline)"
        + " || (request.operation == 'UPDATE' && has(object.spec) == has(oldObject.spec) && (!has(object.spec) || object.spec == oldObject.spec))",
      message: `The baseline's own NetworkPolicies and mesh policies change only through GitOps (${managers.join(', ')}); change them in code.`,
      reason: 'Forbidden',
    }],
  };
}

/** POD_SECURITY: the enforce level and version of the protected namespaces. */
function podSecuritySpec(rule: BaselineAdmissionRule, levels: () => Array<[string, string]>): PolicySpec {
  return {
    rule,
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }],
    variables: [
      { name: 'expectedLevels', expression: lazy(() => `{${levels().map(([n, l]) => `${celString(n)}: ${celString(l)}`).join(', ')}}`) },
      { name: 'levelRank', expression: `{${Object.entries(LEVEL_RANK).map(([l, r]) => `${celString(l)}: ${r}`).join(', ')}}` },
    ],
    validations: [
      {
        expression: `!(object.metadata.name in variables.expectedLevels) || (has(object.metadata.labels) && '${ENFORCE_LABEL}' in object.metadata.labels && object.metadata.labels['${ENFORCE_LABEL}'] in variables.levelRank && variables.levelRank[object.metadata.labels['${ENFORCE_LABEL}']] >= variables.levelRank[variables.expectedLevels[object.metadata.name]])`,
        message: `The namespaces of the secure baseline keep their ${ENFORCE_LABEL} label at the level the SecureNamespace sets (or stricter); change it in code, with a reason, not with kubectl.`,
        reason: 'Forbidden',
      },
      {
        // The same version table as the audit's SB-NS-PSS (src/audit/pod-security-version.ts).
        expression: enforceVersionCel('object'),
        message: `The namespaces of the secure baseline pin ${ENFORCE_VERSION_LABEL} to "latest" or ${MIN_POD_SECURITY_VERSION} or newer; older versions of the restricted level skip seccomp, capabilities, runAsUser or host probe checks.`,
        reason: 'Forbidden',
      },
    ],
  };
}

/** PEER_AUTHENTICATION_STRICT: no PeerAuthentication below STRICT mTLS, also per port. */
function peerAuthenticationSpec(rule: BaselineAdmissionRule): PolicySpec {
  return {
    rule,
    resourceRules: [{ apiGroups: ['security.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['peerauthentications'] }],
    validations: [
      {
        expression: "(has(object.spec) && has(object.spec.mtls) && has(object.spec.mtls.mode) && object.spec.mtls.mode == 'STRICT') || (has(object.spec) && has(object.spec.selector) && (!has(object.spec.mtls) || !has(object.spec.mtls.mode) || object.spec.mtls.mode == 'UNSET'))",
        message: 'PeerAuthentications in the secure baseline namespaces use mtls.mode STRICT (a workload-level one may leave it UNSET to inherit the namespace\'s STRICT); PERMISSIVE and DISABLE accept plaintext.',
        reason: 'Forbidden',
      },
      {
        expression: "!has(object.spec) || !has(object.spec.portLevelMtls) || object.spec.portLevelMtls.all(port, !has(object.spec.portLevelMtls[port].mode) || object.spec.portLevelMtls[port].mode in ['STRICT', 'UNSET'])",
        message: 'portLevelMtls in the secure baseline namespaces may only be STRICT or UNSET; PERMISSIVE and DISABLE accept plaintext on that port.',
        reason: 'Forbidden',
      },
    ],
  };
}

/** NO_CLUSTER_ADMIN_BINDING: no RoleBinding to a forbidden ClusterRole or a system: subject. */
function clusterAdminBindingSpec(rule: BaselineAdmissionRule, forbidden: string[]): PolicySpec {
  return {
    rule,
    resourceRules: [{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['rolebindings'] }],
    variables: [{ name: 'forbiddenClusterRoles', expression: celList(forbidden) }],
    validations: [{
      expression: "!(object.roleRef.kind == 'ClusterRole' && object.roleRef.name in variables.forbiddenClusterRoles)",
      message: `RoleBindings in the secure baseline namespaces may not grant the ClusterRoles ${forbidden.join(', ')}; grant the exact verbs and resources (LeastPrivilegeServiceAccount.grant) instead.`,
      reason: 'Forbidden',
    }, {
      // The risk model's subject rows (src/rbac/risk-model.ts subjectRisk): every system: name.
      expression: "!has(object.subjects) || object.subjects.all(s, !(s.kind in ['User', 'Group'] && s.name.startsWith('system:')))",
      message: 'RoleBindings in the secure baseline namespaces may not bind system: users or groups (system:masters, system:authenticated, system:serviceaccounts*, system:nodes, ...); bind kind ServiceAccount or an identity-provider group.',
      reason: 'Forbidden',
    }],
  };
}

/** ENCRYPTED_STORAGE: claims only on StorageClasses known to encrypt. */
function encryptedStorageSpec(rule: BaselineAdmissionRule, encryptedStorageClasses: () => string[]): PolicySpec {
  return {
    rule,
    // CREATE only: storageClassName is immutable, and refusing updates would block the
    // finalizer removal of claims that predate the policy.
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['persistentvolumeclaims'] }],
    variables: [{ name: 'encryptedStorageClasses', expression: lazy(() => celList(encryptedStorageClasses())) }],
    validations: [{
      expression: 'has(object.spec.storageClassName) && object.spec.storageClassName in variables.encryptedStorageClasses',
      message: 'PersistentVolumeClaims in the secure baseline namespaces use a StorageClass that encrypts with a customer-managed key (an EncryptedVolume\'s, or one listed in encryptedStorageClasses); claims without a class or with another one are refused.',
      reason: 'Forbidden',
    }],
  };
}
