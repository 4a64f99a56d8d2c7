import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AdmissionPolicyApiVersion, AdmissionValidationAction, BaselineAdmissionRule } from './admission-policy-options';
import { storageClassManifestEncryption } from './audit/rules/storage-class-unencrypted';
import { EncryptedVolume } from './encrypted-volume';
import { PodSecurityLevel } from './namespace-options';
import { validateActions, validateForbiddenClusterRoles, validateRules } from './private/admission-policy-props';
import { GUARDED_KINDS, LEVEL_RANK, policySpecs } from './private/admission-policy-specs';
import { lazy } from './private/lazy';
import { fail, makeClusterScoped, show, validateDnsLabel, validateDnsSubdomain } from './private/validation';
import { BOOTSTRAP_CLUSTER_ROLES, bootstrapRules } from './rbac/bootstrap-roles';
import { refusedBuiltInClusterRoles } from './rbac/risk-model';
import { SecureNamespace } from './secure-namespace';

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
    const { rules, managers } = validateRules(this, props);
    const { actions, annotations } = validateActions(this, props);

    this.additionalNamespaces = [...new Set(props.additionalNamespaces ?? [])];
    this.additionalNamespaces.forEach((n, i) => validateDnsLabel(this, `additionalNamespaces[${i}]`, n));
    this.extraStorageClasses = [...new Set(props.encryptedStorageClasses ?? [])];
    this.extraStorageClasses.forEach((n, i) => validateDnsSubdomain(this, `encryptedStorageClasses[${i}]`, n));
    const forbidden = validateForbiddenClusterRoles(this, props, BaselineAdmissionPolicy.DEFAULT_FORBIDDEN_CLUSTER_ROLES);

    const specs = policySpecs(rules, {
      managers,
      forbidden,
      levels: () => this._levels(),
      baselineObjects: () => this._baselineObjects(),
      encryptedStorageClasses: () => this._encryptedStorageClasses(),
    });
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
