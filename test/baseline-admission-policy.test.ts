import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  AdmissionPolicyApiVersion, AdmissionValidationAction, BaselineAdmissionPolicy, BaselineAdmissionPolicyProps, BaselineAdmissionRule,
  EncryptedVolume, PodSecurityLevel, SecureNamespace, VolumeEncryption,
} from '../src';
import { admit } from './util/admission';
import { synthAndValidate } from './util/schema';
import { enforceVersionProblem } from '../src/audit/pod-security-version';
import { ALL_RULES } from '../src/audit/rules';

/**
 * A CEL evaluator (@bufbuild/cel, CommonJS build): every rule runs on allowed and denied objects.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cel = require('@bufbuild/cel');

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ATTESTATION = 'The platform team manages gold-encrypted with the org CMK; verified in PLAT-1234.';

/** An app with a restricted and a baseline namespace, two encrypting classes and the policy. */
function setup(props: BaselineAdmissionPolicyProps = {}) {
  const chart = Testing.chart();
  const shop = new SecureNamespace(chart, 'Shop', { name: 'shop' });
  const policy = new BaselineAdmissionPolicy(chart, 'Admission', props);
  // Created after the policy: namespaces and classes are collected when the app synthesizes.
  new SecureNamespace(chart, 'Legacy', {
    name: 'legacy',
    podSecurityLevel: PodSecurityLevel.BASELINE,
    podSecurityReason: 'The vendor agent needs hostPath logs until v3 ships; approved in SEC-77.',
  });
  const ebs = new EncryptedVolume(shop, 'Data', { name: 'orders-db', size: '20Gi', encryption: VolumeEncryption.awsEbs({ kmsKeyId: KEY_ARN }) });
  new EncryptedVolume(shop, 'Gold', {
    name: 'ledger',
    size: '5Gi',
    encryption: VolumeEncryption.existingClass({ storageClassName: 'gold-encrypted', attestation: ATTESTATION }),
  });
  const objs = synthAndValidate(chart);
  const of = (kind: string) => objs.filter((o) => o.kind === kind && o.apiVersion.startsWith('admissionregistration.k8s.io/'));
  return { chart, policy, objs, policies: of('ValidatingAdmissionPolicy'), bindings: of('ValidatingAdmissionPolicyBinding'), ebsClass: ebs.storageClassName };
}

function byRule(objs: any[], rule: BaselineAdmissionRule): any {
  const o = objs.find((x) => x.metadata.name === `secure-baseline-${rule}`);
  if (!o) throw new Error(`no object for ${rule}`);
  return o;
}

describe('BaselineAdmissionPolicy objects', () => {
  const { policies, bindings, ebsClass } = setup();

  test('snapshot', () => {
    expect([...policies, ...bindings]).toMatchSnapshot();
  });

  test('one cluster-scoped admissionregistration.k8s.io/v1 policy and binding per rule', () => {
    expect(policies.map((p) => p.metadata.name)).toEqual([
      'secure-baseline-pod-security', 'secure-baseline-peer-authentication-strict',
      'secure-baseline-no-cluster-admin-binding', 'secure-baseline-encrypted-storage',
      // AUDIT_RULES: one policy per audit rule with a CEL twin, by rule ID.
      ...ALL_RULES.filter((r) => r.admission !== undefined).map((r) => `secure-baseline-${r.id.toLowerCase()}`),
      // The container rules on ephemeral containers (kubectl debug's pods/ephemeralcontainers).
      'secure-baseline-ephemeral-containers',
    ]);
    expect(policies.length).toBe(4 + 27 + 1);
    expect(bindings.map((b) => b.spec.policyName)).toEqual(policies.map((p) => p.metadata.name));
    for (const o of [...policies, ...bindings]) {
      expect(o.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(o.metadata.namespace).toBeUndefined();
    }
  });

  test('failurePolicy Fail, Deny, and only the namespaces of the app (by their immutable name label)', () => {
    for (const p of policies) expect(p.spec.failurePolicy).toBe('Fail');
    for (const b of bindings) {
      expect(b.spec.validationActions).toEqual(['Deny']);
      expect(b.spec.matchResources).toEqual({
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['legacy', 'shop'] }] },
      });
    }
  });

  test('each rule matches exactly the resources and operations it guards', () => {
    const rules = (r: BaselineAdmissionRule) => byRule(policies, r).spec.matchConstraints.resourceRules;
    expect(rules(BaselineAdmissionRule.POD_SECURITY)).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }]);
    expect(rules(BaselineAdmissionRule.PEER_AUTHENTICATION_STRICT)).toEqual([{ apiGroups: ['security.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['peerauthentications'] }]);
    expect(rules(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING)).toEqual([{ apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['rolebindings'] }]);
    // CREATE only: updates (finalizer removal) of claims that predate the policy must go through.
    expect(rules(BaselineAdmissionRule.ENCRYPTED_STORAGE)).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['persistentvolumeclaims'] }]);
  });

  test('recorded levels and encrypting classes are baked into the expressions, sorted', () => {
    expect(byRule(policies, BaselineAdmissionRule.POD_SECURITY).spec.variables[0]).toEqual({ name: 'expectedLevels', expression: "{'legacy': 'baseline', 'shop': 'restricted'}" });
    expect(byRule(policies, BaselineAdmissionRule.ENCRYPTED_STORAGE).spec.variables).toEqual([
      { name: 'encryptedStorageClasses', expression: `[${[ebsClass, 'gold-encrypted'].sort().map((c) => `'${c}'`).join(', ')}]` },
    ]);
    expect(byRule(policies, BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING).spec.variables).toEqual([{
      name: 'forbiddenClusterRoles',
      expression: "['admin', 'cluster-admin', 'edit', 'system:aggregate-to-edit', 'system:kube-controller-manager', 'system:node']",
    }]);
  });

  test('every validation has a message and reason Forbidden', () => {
    for (const p of policies) {
      for (const v of p.spec.validations) {
        expect(v.reason).toBe('Forbidden');
        expect(v.message.length).toBeGreaterThan(40);
      }
    }
  });
});

describe('BaselineAdmissionPolicy options', () => {
  test('v1beta1 for Kubernetes 1.28-1.29, Deny with Audit, extra namespaces, classes and roles, a subset of rules', () => {
    const { policies, bindings } = setup({
      apiVersion: AdmissionPolicyApiVersion.V1BETA1,
      validationActions: [AdmissionValidationAction.DENY, AdmissionValidationAction.AUDIT],
      additionalNamespaces: ['payments'],
      encryptedStorageClasses: ['premium-cmk'],
      forbiddenClusterRoles: ['cluster-admin', 'admin'],
      rules: [BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, BaselineAdmissionRule.POD_SECURITY],
      namePrefix: 'shop-baseline',
    });
    expect(policies.map((p) => [p.apiVersion, p.metadata.name])).toEqual([
      ['admissionregistration.k8s.io/v1beta1', 'shop-baseline-pod-security'],
      ['admissionregistration.k8s.io/v1beta1', 'shop-baseline-no-cluster-admin-binding'],
    ]);
    expect(bindings[0].spec.validationActions).toEqual(['Deny', 'Audit']);
    expect(bindings[0].spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['legacy', 'payments', 'shop']);
    expect(policies[0].spec.variables[0].expression).toBe("{'legacy': 'baseline', 'payments': 'restricted', 'shop': 'restricted'}");
    expect(policies[1].spec.variables[0].expression).toBe("['admin', 'cluster-admin']");
  });

  test('Warn or Audit without Deny needs a reason, recorded on every binding', () => {
    const reason = 'Rolling out in audit mode for two weeks before enforcing; tracked in PLAT-999.';
    const { bindings } = setup({ validationActions: [AdmissionValidationAction.WARN, AdmissionValidationAction.AUDIT], notEnforcedReason: reason });
    for (const b of bindings) {
      expect(b.spec.validationActions).toEqual(['Warn', 'Audit']);
      expect(b.metadata.annotations).toEqual({ 'ack.cdk8s-secure-baseline.io/SB-ADMISSION-NOT-ENFORCED': reason });
    }
  });

  test.each([
    [{ validationActions: [AdmissionValidationAction.WARN] }, 'test/Admission: the reason for validationActions ["Warn"] without "Deny" "" is empty or trivial'],
    [{ notEnforcedReason: 'Rolling out in audit mode for two weeks first.' }, 'test/Admission: notEnforcedReason is set but validationActions includes "Deny". Fix: remove notEnforcedReason'],
    [{ validationActions: [AdmissionValidationAction.DENY, AdmissionValidationAction.WARN] }, 'test/Admission: validationActions combines "Deny" and "Warn". Fix: use [DENY] (optionally with AUDIT)'],
    [{ validationActions: [] }, 'test/Admission: validationActions is empty'],
    [{ validationActions: ['Block'] as any }, 'test/Admission: validation action "Block" is not supported'],
    [{ validationActions: [AdmissionValidationAction.DENY, AdmissionValidationAction.DENY] }, 'test/Admission: validationActions ["Deny","Deny"] lists an action twice'],
    [{ rules: [] }, 'test/Admission: rules is empty'],
    [{ rules: ['no-exec'] as any }, 'test/Admission: rule "no-exec" is not a BaselineAdmissionRule'],
    [{ rules: [BaselineAdmissionRule.POD_SECURITY, BaselineAdmissionRule.POD_SECURITY] }, 'test/Admission: rules ["pod-security","pod-security"] lists a rule twice'],
    [{ apiVersion: 'admissionregistration.k8s.io/v1alpha1' as any }, 'test/Admission: apiVersion "admissionregistration.k8s.io/v1alpha1" is not supported'],
    [{ namePrefix: 'Secure' }, 'test/Admission: namePrefix "Secure" is not a valid DNS-1123 label'],
    [{ additionalNamespaces: ['Payments'] }, 'test/Admission: additionalNamespaces[0] "Payments" is not a valid DNS-1123 label'],
    [{ encryptedStorageClasses: ['gp3 encrypted'] }, 'test/Admission: encryptedStorageClasses[0] "gp3 encrypted" is not a valid DNS-1123 subdomain'],
    [{ forbiddenClusterRoles: [] }, 'test/Admission: forbiddenClusterRoles is empty'],
  ])('bad input %j', (props, message) => {
    const chart = Testing.chart();
    new SecureNamespace(chart, 'Shop', { name: 'shop' });
    expect(() => new BaselineAdmissionPolicy(chart, 'Admission', props as BaselineAdmissionPolicyProps)).toThrow(message);
  });

  test('an app without namespaces fails at synth', () => {
    const chart = Testing.chart();
    new BaselineAdmissionPolicy(chart, 'Admission', { rules: [BaselineAdmissionRule.POD_SECURITY] });
    expect(() => Testing.synth(chart)).toThrow('test/Admission: protects no namespace. Fix: create SecureNamespaces in the same app, or list namespaces in additionalNamespaces');
  });

  test('ENCRYPTED_STORAGE without any known encrypting class fails at synth', () => {
    const chart = Testing.chart();
    new SecureNamespace(chart, 'Shop', { name: 'shop' });
    new BaselineAdmissionPolicy(chart, 'Admission');
    expect(() => Testing.synth(chart)).toThrow('test/Admission: knows no encrypting StorageClass for the ENCRYPTED_STORAGE rule. Fix: create EncryptedVolumes in the same app, list the classes in encryptedStorageClasses, or leave BaselineAdmissionRule.ENCRYPTED_STORAGE out of rules');
  });
});

// ---------------------------------------------------------------------------------------------
// The CEL logic, evaluated on allowed and denied objects
// ---------------------------------------------------------------------------------------------

/** JSON → CEL values: objects become maps, integers CEL ints. */
function toCel(v: any): any {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return Number.isInteger(v) ? BigInt(v) : v;
}

/**
 * Evaluates a policy the way the API server does once the binding matched: variables in order,
 * then every validation; anything but `true` (false, or an evaluation error under
 * failurePolicy Fail) refuses. Returns the raw results so tests can tell false from an error.
 */
function evaluate(policy: any, object: any): { allowed: boolean; results: any[] } {
  const variables = new Map<string, any>();
  const bindings = () => ({ object: toCel(object), variables });
  for (const v of policy.spec.variables ?? []) variables.set(v.name, cel.run(v.expression, bindings()));
  const results = policy.spec.validations.map((v: any) => cel.run(v.expression, bindings()));
  return { allowed: results.every((r: any) => r === true), results };
}

function selected(binding: any, namespace: string): boolean {
  return binding.spec.matchResources.namespaceSelector.matchExpressions[0].values.includes(namespace);
}

describe('the CEL rules (evaluated with @bufbuild/cel)', () => {
  const { policies, bindings, ebsClass } = setup();
  const policy = (r: BaselineAdmissionRule) => byRule(policies, r);
  const expectAllowed = (r: BaselineAdmissionRule, obj: any) => {
    expect(evaluate(policy(r), obj)).toEqual({ allowed: true, results: policy(r).spec.validations.map(() => true) });
  };
  const expectDenied = (r: BaselineAdmissionRule, obj: any) => {
    const { allowed, results } = evaluate(policy(r), obj);
    expect(allowed).toBe(false);
    // Denied by the logic (false), not by an evaluation error.
    for (const x of results) expect(typeof x).toBe('boolean');
  };
  const ns = (name: string, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
  const ENFORCE = 'pod-security.kubernetes.io/enforce';

  describe('POD_SECURITY', () => {
    test.each([
      ['shop', 'restricted'], ['legacy', 'baseline'], ['legacy', 'restricted'],
    ])('allows %s enforcing %s', (name, level) => {
      expectAllowed(BaselineAdmissionRule.POD_SECURITY, ns(name, { [ENFORCE]: level, 'kubernetes.io/metadata.name': name }));
    });
    test.each([
      ['shop', { [ENFORCE]: 'baseline' }], ['shop', { [ENFORCE]: 'privileged' }], ['legacy', { [ENFORCE]: 'privileged' }],
      ['shop', { [ENFORCE]: 'Restricted' }], ['shop', { 'kubernetes.io/metadata.name': 'shop' }], ['shop', undefined],
    ])('denies %s with labels %j', (name, labels) => {
      expectDenied(BaselineAdmissionRule.POD_SECURITY, ns(name, labels));
    });
    test.each([['latest'], ['v1.34'], ['v1.35'], ['v1.40'], ['v1.100']])('allows enforce-version %s', (version) => {
      expectAllowed(BaselineAdmissionRule.POD_SECURITY, ns('shop', { [ENFORCE]: 'restricted', [`${ENFORCE}-version`]: version }));
    });
    test.each([['v1.0'], ['v1.33'], ['v1.3'], ['1.34'], ['Latest'], ['v1.034'], ['v1.34.0'], ['']])('denies enforce-version %j (older than v1.34, or not a version)', (version) => {
      expectDenied(BaselineAdmissionRule.POD_SECURITY, ns('shop', { [ENFORCE]: 'restricted', [`${ENFORCE}-version`]: version }));
    });
    test('the CEL and the audit (SB-NS-PSS) decide every version alike: one table', () => {
      const versions = ['latest', 'LATEST', '', 'v1', 'v1.', 'v2.34', 'v1.34 ', ...Array.from({ length: 120 }, (_, i) => `v1.${i}`), 'v1.1000', 'v1.09', 'v1.340'];
      for (const version of versions) {
        const { allowed } = evaluate(policy(BaselineAdmissionRule.POD_SECURITY), ns('shop', { [ENFORCE]: 'restricted', [`${ENFORCE}-version`]: version }));
        expect([version, allowed]).toEqual([version, enforceVersionProblem(version) === undefined]);
      }
    });
    test('other namespaces are neither selected nor refused', () => {
      expect(selected(bindings[0], 'kube-system')).toBe(false);
      expectAllowed(BaselineAdmissionRule.POD_SECURITY, ns('kube-system', { [ENFORCE]: 'privileged' }));
    });
  });

  describe('PEER_AUTHENTICATION_STRICT', () => {
    const pa = (spec?: any) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'x', namespace: 'shop' }, ...(spec ? { spec } : {}) });
    const selector = { matchLabels: { app: 'api' } };
    test.each([
      ['namespace-wide STRICT', { mtls: { mode: 'STRICT' } }],
      ['workload STRICT', { selector, mtls: { mode: 'STRICT' } }],
      ['workload UNSET (inherits the namespace STRICT)', { selector, mtls: { mode: 'UNSET' } }],
      ['workload without mtls', { selector }],
      ['STRICT with STRICT and UNSET ports', { mtls: { mode: 'STRICT' }, portLevelMtls: { 8443: { mode: 'STRICT' }, 9090: { mode: 'UNSET' }, 9091: {} } }],
    ])('allows %s', (_, spec) => {
      expectAllowed(BaselineAdmissionRule.PEER_AUTHENTICATION_STRICT, pa(spec));
    });
    test.each([
      ['namespace-wide PERMISSIVE', { mtls: { mode: 'PERMISSIVE' } }],
      ['namespace-wide DISABLE', { mtls: { mode: 'DISABLE' } }],
      ['namespace-wide UNSET (inherits the mesh default)', { mtls: { mode: 'UNSET' } }],
      ['namespace-wide without mtls', { portLevelMtls: { 8443: { mode: 'STRICT' } } }],
      ['no spec at all', undefined],
      ['workload PERMISSIVE', { selector, mtls: { mode: 'PERMISSIVE' } }],
      ['a PERMISSIVE port', { mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'PERMISSIVE' } } }],
      ['a DISABLE port on a workload', { selector, portLevelMtls: { 9090: { mode: 'DISABLE' } } }],
    ])('denies %s', (_, spec) => {
      expectDenied(BaselineAdmissionRule.PEER_AUTHENTICATION_STRICT, pa(spec));
    });
  });

  describe('NO_CLUSTER_ADMIN_BINDING', () => {
    const rb = (kind: string, name: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name },
      subjects: [{ kind: 'Group', name: 'g', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    test('denies a RoleBinding to the cluster-admin ClusterRole', () => expectDenied(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, rb('ClusterRole', 'cluster-admin')));
    test('allows other ClusterRoles and a Role that happens to be called cluster-admin', () => {
      expectAllowed(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, rb('ClusterRole', 'view'));
      expectAllowed(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, rb('Role', 'cluster-admin'));
    });
    // Issue #14: the built-in edit and admin read every Secret and impersonate service accounts
    // (the RBAC risk model over the bootstrap policy), as cluster-admin's power is refused.
    test.each(['admin', 'edit', 'system:node'])('denies a RoleBinding to the built-in %s', (name) => {
      expectDenied(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, rb('ClusterRole', name));
    });
    test.each([['Group', 'system:nodes'], ['Group', 'system:bootstrappers'], ['User', 'system:anonymous'], ['Group', 'system:serviceaccounts:shop']])('denies binding %s %s', (kind, name) => {
      expectDenied(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, { ...rb('Role', 'r'), subjects: [{ kind: 'Group', name: 'g' }, { kind, name }] });
    });
    test('allows ServiceAccounts (whatever their name) and identity-provider groups', () => {
      expectAllowed(BaselineAdmissionRule.NO_CLUSTER_ADMIN_BINDING, { ...rb('Role', 'r'), subjects: [{ kind: 'ServiceAccount', name: 'system', namespace: 'shop' }, { kind: 'Group', name: 'systems-team' }] });
    });
  });

  describe('ENCRYPTED_STORAGE', () => {
    const pvc = (storageClassName?: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'shop' },
      spec: { accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } }, ...(storageClassName !== undefined ? { storageClassName } : {}) },
    });
    test('allows claims on the classes of the app\'s EncryptedVolumes (created and existing)', () => {
      expectAllowed(BaselineAdmissionRule.ENCRYPTED_STORAGE, pvc(ebsClass));
      expectAllowed(BaselineAdmissionRule.ENCRYPTED_STORAGE, pvc('gold-encrypted'));
    });
    test.each([['standard'], [''], [undefined]])('denies a claim with storageClassName %j', (c) => {
      expectDenied(BaselineAdmissionRule.ENCRYPTED_STORAGE, pvc(c));
    });
  });

  describe('ENCRYPTED_STORAGE trusts class names the app knows encrypt, never a label', () => {
    const storageClass = (chart: any, name: string, provisioner: string, parameters: any, labels?: any) => new ApiObject(chart, `Sc-${name}`, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, ...(labels ? { labels } : {}) }, provisioner, ...(parameters ? { parameters } : {}),
    });
    const pvc = (storageClassName: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { storageClassName } });
    const build = (extra: (chart: any) => void, props: BaselineAdmissionPolicyProps = {}) => {
      const chart = Testing.chart();
      new SecureNamespace(chart, 'Shop', { name: 'shop' });
      new BaselineAdmissionPolicy(chart, 'Admission', { rules: [BaselineAdmissionRule.ENCRYPTED_STORAGE], ...props });
      extra(chart);
      const p = Testing.synth(chart).find((o: any) => o.kind === 'ValidatingAdmissionPolicy');
      return p;
    };

    test('an unencrypted NFS class labelled "encrypted" is refused; a verified EBS class without the label is allowed', () => {
      const p = build((chart) => {
        storageClass(chart, 'nfs-fast', 'nfs.csi.k8s.io', { server: 'nfs.example.com', share: '/data' }, { 'cdk8s-secure-baseline.io/encrypted': 'true' });
        storageClass(chart, 'gp3-cmk', 'ebs.csi.aws.com', { type: 'gp3', encrypted: 'true', kmsKeyId: KEY_ARN });
        storageClass(chart, 'gp3-plain', 'ebs.csi.aws.com', { type: 'gp3' }, { 'cdk8s-secure-baseline.io/encrypted': 'true' });
      }, { encryptedStorageClasses: ['vendor-encrypted'] });
      expect(p.spec.variables).toEqual([{ name: 'encryptedStorageClasses', expression: "['gp3-cmk', 'vendor-encrypted']" }]);
      expect(evaluate(p, pvc('nfs-fast')).allowed).toBe(false);
      expect(evaluate(p, pvc('gp3-plain')).allowed).toBe(false);
      expect(evaluate(p, pvc('gp3-cmk')).allowed).toBe(true);
    });

    test('naming a class the app defines without encryption is an error', () => {
      expect(() => build((chart) => storageClass(chart, 'gp3-plain', 'ebs.csi.aws.com', { type: 'gp3' }), { encryptedStorageClasses: ['gp3-plain'] }))
        .toThrow('test/Admission: StorageClass "gp3-plain" is listed as encrypting, but the app defines it with provisioner "ebs.csi.aws.com" without its encryption parameter');
    });
  });

  test('the evaluator reports errors instead of hiding them (an unguarded field is not "true")', () => {
    const r = cel.run('object.spec.mtls.mode == "STRICT"', { object: toCel({ spec: {} }) });
    expect(r).not.toBe(true);
    expect(typeof r).not.toBe('boolean');
  });
});

describe('AUDIT_RULES: the audit rules\' CEL twins, enforced by the API server', () => {
  const { policies, bindings } = setup();
  const twin = (id: string) => policies.find((p) => p.metadata.name === `secure-baseline-${id.toLowerCase()}`);
  const deploymentWith = (image: string, annotations?: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
  });

  test('each twin policy is bound like the others, with the rule ID in its messages', () => {
    for (const r of ALL_RULES.filter((x) => x.admission !== undefined)) {
      const p = twin(r.id);
      expect(p.spec.failurePolicy).toBe('Fail');
      expect(p.spec.matchConditions.map((c: any) => c.name)).toContain('not-acknowledged');
      for (const v of p.spec.validations) expect(v.message.startsWith(`${r.id}: `)).toBe(true);
      expect(bindings.find((b) => b.spec.policyName === p.metadata.name)).toBeDefined();
    }
  });

  test('an untagged image in a Deployment is denied; pinned, acknowledged, or made by a controller is admitted', () => {
    const spec = twin('SB-CTR-IMAGE-TAG').spec;
    expect(admit(spec, deploymentWith('web:latest'))).toEqual({ matched: true, allowed: false, messages: ['SB-CTR-IMAGE-TAG: every container image is pinned to a tag other than "latest", or to a digest'] });
    expect(admit(spec, deploymentWith('web:1.2.3')).allowed).toBe(true);
    expect(admit(spec, deploymentWith('web', { 'ack.cdk8s-secure-baseline.io/SB-CTR-IMAGE-TAG': 'The vendor publishes only this tag; pinned by digest in the mirror.' })).matched).toBe(false);
    // A reason too short to count acknowledges nothing.
    expect(admit(spec, deploymentWith('web', { 'ack.cdk8s-secure-baseline.io/SB-CTR-IMAGE-TAG': 'todo' })).allowed).toBe(false);
    const owned = { ...deploymentWith('web'), kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }] } };
    expect(admit(spec, owned, 'CREATE', null, 'system:serviceaccount:kube-system:deployment-controller').matched).toBe(false);
    // The same reference written by anyone else proves nothing (test/audit/adversarial/admission-forged-owner.test.ts).
    expect(admit(spec, owned).allowed).toBe(false);
  });

  test('a LoadBalancer Service, a DestinationRule without mesh TLS and a wildcard Role are denied on UPDATE too', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { type: 'LoadBalancer' } };
    expect(admit(twin('SB-SVC-EXPOSED').spec, svc, 'UPDATE', { ...svc, spec: {} }).allowed).toBe(false);
    const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'd', namespace: 'shop' }, spec: { host: 'web', trafficPolicy: { tls: { mode: 'DISABLE' } } } };
    expect(admit(twin('SB-MESH-ISTIO-DR-TLS').spec, dr, 'UPDATE', dr).allowed).toBe(false);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'shop' }, rules: [{ apiGroups: ['*'], resources: ['secrets'], verbs: ['list'] }] };
    expect(admit(twin('SB-RBAC-WILDCARD').spec, role).allowed).toBe(false);
    expect(admit(twin('SB-RBAC-SECRETS').spec, role).allowed).toBe(false);
  });

  test('cluster-scoped RBAC objects are left to the audit (a policy on them would judge every chart\'s)', () => {
    for (const p of policies) {
      for (const r of p.spec.matchConstraints.resourceRules) {
        expect(r.resources).not.toContain('clusterroles');
        expect(r.resources).not.toContain('clusterrolebindings');
      }
    }
  });
});

describe('BASELINE_OBJECTS: the baseline\'s own policies change only through GitOps', () => {
  const MANAGER = 'system:serviceaccount:argocd:argocd-application-controller';
  const build = () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    new SecureNamespace(chart, 'Shop', { name: 'shop' });
    const admission = new BaselineAdmissionPolicy(new Chart(app, 'cluster'), 'Admission', {
      rules: [BaselineAdmissionRule.BASELINE_OBJECTS], baselineManagers: [MANAGER],
    });
    const objs = [...Testing.synth(chart), ...synthAndValidate(admission.node.scope as Chart)];
    return { objs, policy: objs.find((o) => o.kind === 'ValidatingAdmissionPolicy') };
  };

  test('not in the default rules (it needs the GitOps identity); refused without one', () => {
    expect(() => new BaselineAdmissionPolicy(Testing.chart(), 'A', { rules: [BaselineAdmissionRule.BASELINE_OBJECTS] }))
      .toThrow('test/A: BASELINE_OBJECTS needs baselineManagers. Fix: list the user name of your GitOps controller, e.g. baselineManagers: ["system:serviceaccount:argocd:argocd-application-controller"]; without one nobody could update the baseline');
  });

  test('kubectl delete of the default-deny is refused; the GitOps controller may; other policies are not guarded', () => {
    const { objs, policy } = build();
    const deny = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'shop');
    expect(deny).toBeDefined();
    expect(admit(policy.spec, null, 'DELETE', deny).allowed).toBe(false);
    expect(admit(policy.spec, null, 'DELETE', deny, MANAGER).matched).toBe(false);
    const other = { ...deny, metadata: { ...deny.metadata, name: 'someone-elses' } };
    expect(admit(policy.spec, null, 'DELETE', other).allowed).toBe(true);
  });

  test('widening the spec is refused; a label change is not', () => {
    const { objs, policy } = build();
    const deny = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'shop');
    const widened = { ...deny, spec: { ...deny.spec, ingress: [{}] } };
    expect(admit(policy.spec, widened, 'UPDATE', deny).allowed).toBe(false);
    const relabelled = { ...deny, metadata: { ...deny.metadata, labels: { team: 'a' } } };
    expect(admit(policy.spec, relabelled, 'UPDATE', deny).allowed).toBe(true);
  });
});
