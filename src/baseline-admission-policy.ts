import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { celList, celString, twinPolicySpec } from './admission/twin';
import { ENFORCE_VERSION_LABEL, MIN_POD_SECURITY_VERSION, enforceVersionCel } from './audit/pod-security-version';
import { ALL_RULES } from './audit/rules';
import { storageClassManifestEncryption } from './audit/rules/storage-class-unencrypted';
import { EncryptedVolume } from './encrypted-volume';
import { acknowledgementAnnotation } from './private/acknowledge';
import { lazy } from './private/lazy';
import { fail, makeClusterScoped, show, validateDnsLabel, validateDnsSubdomain, validateReason } from './private/validation';
import { BOOTSTRAP_CLUSTER_ROLES, bootstrapRules } from './rbac/bootstrap-roles';
import { refusedBuiltInClusterRoles } from './rbac/risk-model';
import { PodSecurityLevel, SecureNamespace } from './secure-namespace';

/** The API version of the admission policy objects. */
export enum AdmissionPolicyApiVersion {
  /** `admissionregistration.k8s.io/v1`: Kubernetes 1.30 and later. The default. */
  V1 = 'admissionregistration.k8s.io/v1',
  /** `admissionregistration.k8s.io/v1beta1`: Kubernetes 1.28 and 1.29 (the API must be enabled). */
  V1BETA1 = 'admissionregistration.k8s.io/v1beta1',
}

/** What the API server does with a request that a rule refuses. */
export enum AdmissionValidationAction {
  /** Refuse the request. The default. */
  DENY = 'Deny',
  /** Accept it, with a warning to the client (kubectl prints it). */
  WARN = 'Warn',
  /** Accept it, and record the failure in the audit log. */
  AUDIT = 'Audit',
}

/** A rule of BaselineAdmissionPolicy. */
export enum BaselineAdmissionRule {
  /**
   * The namespaces of this app keep their Pod Security `enforce` label at the level the
   * SecureNamespace set (or stricter), and their `enforce-version` (if set) at `latest` or a
   * version whose `restricted` includes every check of the audit (v1.34 or newer).
   */
  POD_SECURITY = 'pod-security',
  /**
   * No Istio PeerAuthentication in those namespaces weakens mutual TLS below STRICT, also per port
   * (`portLevelMtls`).
   */
  PEER_AUTHENTICATION_STRICT = 'peer-authentication-strict',
  /**
   * No RoleBinding in those namespaces grants a built-in ClusterRole with power the RBAC risk model
   * refuses (`cluster-admin`, `admin`, `edit`, `system:node`, ...: the forbidden ClusterRoles), nor
   * binds a `system:` user or group (SB-RBAC-DANGEROUS-GROUP's twin).
   */
  NO_CLUSTER_ADMIN_BINDING = 'no-cluster-admin-binding',
  /** PersistentVolumeClaims in those namespaces are created only on encrypting StorageClasses. */
  ENCRYPTED_STORAGE = 'encrypted-storage',
  /**
   * Every audit rule that can be decided from the object under admission, enforced by its CEL
   * twin (one policy per rule, named after it: `<prefix>-sb-ctr-image-tag`, ...): images pinned,
   * read-only root filesystems, requests and limits, no NodePort/LoadBalancer Services, mesh TLS
   * kept by DestinationRules and Linkerd authorization, Roles without wildcards or the RBAC risk
   * model's dangerous rows, RoleBindings without system: subjects. The rule's acknowledgement
   * annotation (a reason of 20 characters or more) admits the object, as in the audit. RULES.md
   * lists which rules are enforced here and which need the whole app (synth time only).
   */
  AUDIT_RULES = 'audit-rules',
  /**
   * The baseline's own NetworkPolicies and mesh policies (those this app puts in the protected
   * namespaces) cannot be deleted or have their spec changed by anyone but the GitOps controller
   * (`baselineManagers`), so `kubectl delete networkpolicy default-deny` does not remove the
   * baseline. Only with `baselineManagers`; not part of the default rules.
   */
  BASELINE_OBJECTS = 'baseline-objects',
}

/** Kinds whose objects BASELINE_OBJECTS guards, by API group. */
const GUARDED_KINDS: Array<{ group: string; kind: string; resource: string }> = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies' },
  { group: 'security.istio.io', kind: 'PeerAuthentication', resource: 'peerauthentications' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', resource: 'authorizationpolicies' },
  { group: 'networking.istio.io', kind: 'Sidecar', resource: 'sidecars' },
  { group: 'networking.istio.io', kind: 'DestinationRule', resource: 'destinationrules' },
  { group: 'policy.linkerd.io', kind: 'Server', resource: 'servers' },
  { group: 'policy.linkerd.io', kind: 'AuthorizationPolicy', resource: 'authorizationpolicies' },
  { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', resource: 'meshtlsauthentications' },
];

/** Props of BaselineAdmissionPolicy. */
export interface BaselineAdmissionPolicyProps {
  /**
   * Prefix of the policy and binding names (cluster-wide objects: give each app that emits one its
   * own prefix).
   * @default "secure-baseline"
   */
  readonly namePrefix?: string;
  /**
   * The rules to enforce.
   * @default - all of BaselineAdmissionRule
   */
  readonly rules?: BaselineAdmissionRule[];
  /**
   * The API version of the objects.
   * @default AdmissionPolicyApiVersion.V1
   */
  readonly apiVersion?: AdmissionPolicyApiVersion;
  /**
   * What happens to a refused request. Without DENY the rules only report, which needs
   * `notEnforcedReason`. DENY and WARN cannot be combined.
   * @default [AdmissionValidationAction.DENY]
   */
  readonly validationActions?: AdmissionValidationAction[];
  /**
   * Why the rules report instead of refusing (required when `validationActions` lacks DENY).
   * Recorded as an acknowledgement annotation on every binding.
   * @default - none
   */
  readonly notEnforcedReason?: string;
  /**
   * The user names allowed to change and delete the baseline's own policies (BASELINE_OBJECTS):
   * your GitOps controller's, e.g.
   * `system:serviceaccount:argocd:argocd-application-controller` or
   * `system:serviceaccount:flux-system:kustomize-controller`. Required for BASELINE_OBJECTS.
   * @default - none
   */
  readonly baselineManagers?: string[];
  /**
   * Namespaces outside this app that the rules also protect (Pod Security level `restricted`).
   * @default - only the SecureNamespaces of this app
   */
  readonly additionalNamespaces?: string[];
  /**
   * StorageClasses known to encrypt, in addition to those of the app's EncryptedVolumes and the
   * app's StorageClasses whose provisioner and parameters enable encryption (the label
   * `cdk8s-secure-baseline.io/encrypted` alone never makes a class trusted).
   * @default - none
   */
  readonly encryptedStorageClasses?: string[];
  /**
   * ClusterRoles that no RoleBinding in the protected namespaces may reference.
   * @default - the built-in ClusterRoles that hold power the RBAC risk model refuses (reading every
   * Secret, impersonation, escalation, kube-system/aws-auth) in a namespace:
   * `BaselineAdmissionPolicy.DEFAULT_FORBIDDEN_CLUSTER_ROLES`
   */
  readonly forbiddenClusterRoles?: string[];
}

/** One ValidatingAdmissionPolicy and its binding. */
interface PolicySpec {
  rule: BaselineAdmissionRule;
  /** The name suffix (and construct id): the rule, or the audit rule ID of a twin. */
  name?: string;
  resourceRules: Array<{ apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }>;
  matchConditions?: Array<{ name: string; expression: string }>;
  variables?: Array<{ name: string; expression: any }>;
  validations: Array<{ expression: any; message: string; reason: string }>;
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

const NOT_ENFORCED_RULE_ID = 'SB-ADMISSION-NOT-ENFORCED';
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const LEVEL_RANK: Record<string, number> = { [PodSecurityLevel.PRIVILEGED]: 0, [PodSecurityLevel.BASELINE]: 1, [PodSecurityLevel.RESTRICTED]: 2 };


/**
 * Keeps the baseline from drifting through `kubectl`: `ValidatingAdmissionPolicy` and
 * `ValidatingAdmissionPolicyBinding` objects (CEL, evaluated in the API server, no webhook) that
 * refuse, in the SecureNamespaces of this app:
 *
 * - a Namespace whose `pod-security.kubernetes.io/enforce` label is missing or weaker than the
 *   level the SecureNamespace set, or whose `enforce-version` pins a version older than v1.34
 *   (the first whose `restricted` level includes every check of the audit);
 * - an Istio PeerAuthentication weaker than STRICT mTLS (also per port);
 * - a RoleBinding to `cluster-admin`;
 * - a PersistentVolumeClaim on a StorageClass not known to encrypt (known by name: the app's
 *   EncryptedVolumes, `encryptedStorageClasses`, and the app's StorageClasses whose provisioner
 *   and parameters enable encryption; never by a label).
 *
 * The protected namespaces are selected by their `kubernetes.io/metadata.name` label, which the
 * API server sets and nobody can change or remove, and are collected from the app when it is
 * synthesized. `failurePolicy: Fail`: if a rule cannot be evaluated, the request is refused.
 *
 * @example
 * new BaselineAdmissionPolicy(clusterChart, 'Admission', { encryptedStorageClasses: ['gp3-encrypted'] });
 */
export class BaselineAdmissionPolicy extends Construct {
  /**
   * The built-in ClusterRoles no RoleBinding in a protected namespace may reference by default:
   * those whose rules (from the API server's bootstrap policy, aggregation included) hold power
   * the RBAC risk model refuses.
   */
  public static readonly DEFAULT_FORBIDDEN_CLUSTER_ROLES: string[] = refusedBuiltInClusterRoles(BOOTSTRAP_CLUSTER_ROLES, bootstrapRules);

  /** The ValidatingAdmissionPolicy objects, by rule, in the order of BaselineAdmissionRule. */
  public readonly policies: ApiObject[] = [];
  /** The ValidatingAdmissionPolicyBinding objects, in the same order. */
  public readonly bindings: ApiObject[] = [];

  private readonly additionalNamespaces: string[];
  private readonly extraStorageClasses: string[];

  constructor(scope: Construct, id: string, props: BaselineAdmissionPolicyProps = {}) {
    super(scope, id);
    const prefix = validateDnsLabel(this, 'namePrefix', props.namePrefix ?? 'secure-baseline', 40);
    const apiVersion = props.apiVersion ?? AdmissionPolicyApiVersion.V1;
    if (!Object.values(AdmissionPolicyApiVersion).includes(apiVersion)) {
      fail(this, `apiVersion ${show(apiVersion)} is not supported`, 'use AdmissionPolicyApiVersion.V1 (Kubernetes ≥ 1.30) or V1BETA1 (1.28–1.29)');
    }
    const rules = props.rules ?? Object.values(BaselineAdmissionRule)
      .filter((r) => r !== BaselineAdmissionRule.BASELINE_OBJECTS || props.baselineManagers !== undefined);
    const managers = [...new Set(props.baselineManagers ?? [])].sort();
    if (rules.includes(BaselineAdmissionRule.BASELINE_OBJECTS) && managers.length === 0) {
      fail(this, 'BASELINE_OBJECTS needs baselineManagers', 'list the user name of your GitOps controller, e.g. baselineManagers: ["system:serviceaccount:argocd:argocd-application-controller"]; without one nobody could update the baseline');
    }
    managers.forEach((m, i) => {
      if (typeof m !== 'string' || m.trim() === '' || /\s/.test(m)) fail(this, `baselineManagers[${i}] ${show(m)} is not a user name`, 'write the exact user name, e.g. "system:serviceaccount:argocd:argocd-application-controller"');
    });
    if (rules.length === 0) fail(this, 'rules is empty', 'list at least one BaselineAdmissionRule, or leave rules out for all of them');
    for (const r of rules) {
      if (!Object.values(BaselineAdmissionRule).includes(r)) fail(this, `rule ${show(r)} is not a BaselineAdmissionRule`, `use ${Object.values(BaselineAdmissionRule).map((v) => show(v)).join(', ')}`);
    }
    if (new Set(rules).size !== rules.length) fail(this, `rules ${show(rules)} lists a rule twice`, 'list each rule once');

    const actions = props.validationActions ?? [AdmissionValidationAction.DENY];
    if (actions.length === 0) fail(this, 'validationActions is empty', 'use [AdmissionValidationAction.DENY] (or WARN / AUDIT with notEnforcedReason)');
    for (const a of actions) {
      if (!Object.values(AdmissionValidationAction).includes(a)) fail(this, `validation action ${show(a)} is not supported`, 'use AdmissionValidationAction.DENY, WARN or AUDIT');
    }
    if (new Set(actions).size !== actions.length) fail(this, `validationActions ${show(actions)} lists an action twice`, 'list each action once');
    if (actions.includes(AdmissionValidationAction.DENY) && actions.includes(AdmissionValidationAction.WARN)) {
      fail(this, 'validationActions combines "Deny" and "Warn"', 'use [DENY] (optionally with AUDIT); the API server refuses Deny with Warn because a denied request already reports why');
    }
    const annotations: Record<string, string> = {};
    if (!actions.includes(AdmissionValidationAction.DENY)) {
      annotations[acknowledgementAnnotation(NOT_ENFORCED_RULE_ID)] = validateReason(this, `validationActions ${show(actions)} without "Deny"`, props.notEnforcedReason);
    } else if (props.notEnforcedReason !== undefined) {
      fail(this, 'notEnforcedReason is set but validationActions includes "Deny"', 'remove notEnforcedReason; it is only for rules that report instead of refusing');
    }

    this.additionalNamespaces = [...new Set(props.additionalNamespaces ?? [])];
    this.additionalNamespaces.forEach((n, i) => validateDnsLabel(this, `additionalNamespaces[${i}]`, n));
    this.extraStorageClasses = [...new Set(props.encryptedStorageClasses ?? [])];
    this.extraStorageClasses.forEach((n, i) => validateDnsSubdomain(this, `encryptedStorageClasses[${i}]`, n));
    const forbidden = [...new Set(props.forbiddenClusterRoles ?? BaselineAdmissionPolicy.DEFAULT_FORBIDDEN_CLUSTER_ROLES)].sort();
    if (forbidden.length === 0) fail(this, 'forbiddenClusterRoles is empty', 'list at least "cluster-admin", or leave NO_CLUSTER_ADMIN_BINDING out of rules');
    forbidden.forEach((n, i) => {
      // RBAC object names are path segments: ':' is allowed (system:node).
      if (typeof n !== 'string' || n.length > 253 || !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(n)) {
        fail(this, `forbiddenClusterRoles[${i}] ${show(n)} is not a ClusterRole name`, "use lowercase letters, digits, '-', '.' and ':', starting and ending with a letter or digit");
      }
    });

    const specs: PolicySpec[] = [];
    const ordered = Object.values(BaselineAdmissionRule).filter((r) => rules.includes(r));
    for (const rule of ordered) {
      switch (rule) {
        case BaselineAdmissionRule.AUDIT_RULES:
          specs.push(...twinSpecs());
          break;
        case BaselineAdmissionRule.BASELINE_OBJECTS:
          specs.push({
            rule,
            resourceRules: GUARDED_KINDS.map((k) => ({ apiGroups: [k.group], apiVersions: ['*'], operations: ['UPDATE', 'DELETE'], resources: [k.resource] })),
            matchConditions: [{ name: 'not-a-baseline-manager', expression: `!(request.userInfo.username in ${celList(managers)})` }],
            variables: [{ name: 'baseline', expression: lazy(() => celList(this._baselineObjects())) }],
            validations: [{
              expression: "!((oldObject.kind + '/' + oldObject.metadata.namespace + '/' + oldObject.metadata.name) in variables.baseline)"
                + " || (request.operation == 'UPDATE' && has(object.spec) == has(oldObject.spec) && (!has(object.spec) || object.spec == oldObject.spec))",
              message: `The baseline's own NetworkPolicies and mesh policies change only through GitOps (${managers.join(', ')}); change them in code.`,
              reason: 'Forbidden',
            }],
          });
          break;
        case BaselineAdmissionRule.POD_SECURITY:
          specs.push({
            rule,
            resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }],
            variables: [
              { name: 'expectedLevels', expression: lazy(() => `{${this._levels().map(([n, l]) => `${celString(n)}: ${celString(l)}`).join(', ')}}`) },
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
          });
          break;
        case BaselineAdmissionRule.PEER_AUTHENTICATION_STRICT:
          specs.push({
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
          });
          break;
        case BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING:
          specs.push({
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
          });
          break;
        case BaselineAdmissionRule.ENCRYPTED_STORAGE:
          specs.push({
            rule,
            // CREATE only: storageClassName is immutable, and refusing updates would block the
            // finalizer removal of claims that predate the policy.
            resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['persistentvolumeclaims'] }],
            variables: [{ name: 'encryptedStorageClasses', expression: lazy(() => celList(this._encryptedStorageClasses())) }],
            validations: [{
              expression: 'has(object.spec.storageClassName) && object.spec.storageClassName in variables.encryptedStorageClasses',
              message: 'PersistentVolumeClaims in the secure baseline namespaces use a StorageClass that encrypts with a customer-managed key (an EncryptedVolume\'s, or one listed in encryptedStorageClasses); claims without a class or with another one are refused.',
              reason: 'Forbidden',
            }],
          });
          break;
      }
    }

    const namespaceSelector = {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: lazy(() => this._namespaces()) }],
    };
    for (const spec of specs) {
      const suffix = spec.name ?? spec.rule;
      const name = `${prefix}-${suffix}`;
      this.policies.push(makeClusterScoped(new ApiObject(this, `Policy-${suffix}`, {
        apiVersion,
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: spec.resourceRules },
          ...(spec.matchConditions ? { matchConditions: spec.matchConditions } : {}),
          ...(spec.variables ? { variables: spec.variables } : {}),
          validations: spec.validations,
        },
      })));
      this.bindings.push(makeClusterScoped(new ApiObject(this, `Binding-${suffix}`, {
        apiVersion,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name, ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}) },
        spec: {
          policyName: name,
          validationActions: [...actions],
          matchResources: { namespaceSelector },
        },
      })));
    }
  }

  /**
   * The protected namespaces and the Pod Security level each must keep, sorted by name: the
   * SecureNamespaces of the app, then `additionalNamespaces` (restricted).
   * @internal
   */
  public _levels(): Array<[string, string]> {
    const levels = new Map<string, string>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof SecureNamespace) {
        const previous = levels.get(c.name);
        // Two SecureNamespaces with one name: keep the stricter level.
        if (previous === undefined || LEVEL_RANK[c.podSecurityLevel] > LEVEL_RANK[previous]) levels.set(c.name, c.podSecurityLevel);
      }
    }
    for (const n of this.additionalNamespaces) if (!levels.has(n)) levels.set(n, PodSecurityLevel.RESTRICTED);
    if (levels.size === 0) {
      fail(this, 'protects no namespace', 'create SecureNamespaces in the same app, or list namespaces in additionalNamespaces');
    }
    return [...levels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * `Kind/namespace/name` of the app's NetworkPolicies and mesh policies in the protected
   * namespaces (BASELINE_OBJECTS), sorted.
   * @internal
   */
  public _baselineObjects(): string[] {
    const namespaces = new Set(this._namespaces());
    const out = new Set<string>();
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ApiObject)) continue;
      const group = c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '';
      const ns = c.metadata.namespace;
      if (ns !== undefined && namespaces.has(ns) && GUARDED_KINDS.some((k) => k.group === group && k.kind === c.kind)) {
        out.add(`${c.kind}/${ns}/${c.name}`);
      }
    }
    return [...out].sort();
  }

  /** @internal */
  public _namespaces(): string[] {
    return this._levels().map(([n]) => n);
  }

  /**
   * The StorageClasses known to encrypt, by name: those of the app's EncryptedVolumes,
   * `encryptedStorageClasses`, and the app's StorageClass objects whose provisioner and parameters
   * enable encryption (as the audit's SB-STORAGE-CLASS-UNENCRYPTED verifies them); sorted. A label
   * alone never adds a class (an NFS class labelled "encrypted" is not encrypted). A named class
   * that the app itself defines without encryption is an error.
   * @internal
   */
  public _encryptedStorageClasses(): string[] {
    const names = new Set<string>(this.extraStorageClasses);
    const appClasses = new Map<string, any>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof EncryptedVolume) names.add(c.storageClassName);
      if (c instanceof ApiObject && c.kind === 'StorageClass' && c.apiVersion === 'storage.k8s.io/v1' && typeof c.metadata.name === 'string') {
        appClasses.set(c.metadata.name, c.toJson());
      }
    }
    for (const name of [...names]) {
      const manifest = appClasses.get(name);
      if (manifest !== undefined && storageClassManifestEncryption(manifest) === 'unencrypted') {
        fail(this, `StorageClass ${show(name)} is listed as encrypting, but the app defines it with provisioner ${show(manifest.provisioner)} without its encryption parameter`, 'enable encryption in the StorageClass parameters, or remove it from encryptedStorageClasses');
      }
    }
    for (const [name, manifest] of appClasses) {
      if (storageClassManifestEncryption(manifest) === 'encrypted') names.add(name);
    }
    if (names.size === 0) {
      fail(this, 'knows no encrypting StorageClass for the ENCRYPTED_STORAGE rule', 'create EncryptedVolumes in the same app, list the classes in encryptedStorageClasses, or leave BaselineAdmissionRule.ENCRYPTED_STORAGE out of rules');
    }
    return [...names].sort();
  }
}
