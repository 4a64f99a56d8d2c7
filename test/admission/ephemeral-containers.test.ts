/**
 * `kubectl debug` adds an ephemeral container with an UPDATE of the `pods/ephemeralcontainers`
 * subresource (the request's object is the whole Pod). The pod twins match `pods`, which does not
 * match its subresources, so AUDIT_RULES adds one policy on that subresource: the container rules
 * (the container twins and the Pod Security container checks) on each ephemeral container the
 * request adds, with the Pod's acknowledgements. Evaluated with the project's CEL engine
 * (test/util/admission.ts) and compared with the audit on the same Pods.
 */
import { Testing } from 'cdk8s';
import { BaselineAdmissionPolicy, BaselineAdmissionRule, SecureNamespace } from '../../src';
import { containerTwinChecks, ephemeralContainersPolicy } from '../../src/admission/ephemeral';
import { ContainerSet, podTwin } from '../../src/admission/pod';
import { auditManifests } from '../../src/audit/engine';
import { RuleIds } from '../../src/audit/rule-ids';
import { clone, compliantPodSpec } from '../audit/util';
import { AdmissionDecision, admit } from '../util/admission';
import { synthAndValidate } from '../util/schema';

const SUBRESOURCE = 'pods/ephemeralcontainers';
const ACK = 'ack.cdk8s-secure-baseline.io/';
const REASON = 'Debugging the payment timeouts needs strace in the pod; approved in INC-4711.';
const DIGEST = 'busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function synth(rules?: BaselineAdmissionRule[]): any[] {
  const chart = Testing.chart();
  new SecureNamespace(chart, 'Shop', { name: 'shop' });
  new BaselineAdmissionPolicy(chart, 'Admission', { rules: rules ?? [BaselineAdmissionRule.AUDIT_RULES, BaselineAdmissionRule.POD_SECURITY] });
  return synthAndValidate(chart).filter((o) => o.apiVersion.startsWith('admissionregistration.k8s.io/'));
}

const objs = synth();
const policies = objs.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
const policy = policies.find((p) => p.metadata.name === 'secure-baseline-ephemeral-containers');

/**
 * The API server's decision on an UPDATE of `pods/ephemeralcontainers`: matched by a resource
 * rule naming the subresource, then evaluated as any policy (test/util/admission.ts).
 */
function debug(spec: any, pod: any, oldPod: any): AdmissionDecision {
  const rules = spec.matchConstraints.resourceRules;
  if (!rules.some((r: any) => r.apiGroups.includes('') && r.resources.includes(SUBRESOURCE) && r.operations.includes('UPDATE'))) {
    return { matched: false, allowed: true, messages: [] };
  }
  const onPods = { ...spec, matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['*'], operations: ['UPDATE'], resources: ['pods'] }] } };
  return admit(onPods, pod, 'UPDATE', oldPod);
}

/** A running Pod of Deployment "web" (its ReplicaSet's), as the API server keeps it. */
function runningPod(annotations?: Record<string, string>, spec: any = compliantPodSpec()): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d9c4-x2x9q',
      namespace: 'shop',
      ...(annotations ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9c4', uid: 'b1a2', controller: true }],
    },
    spec: clone(spec),
  };
}

/** The debug container of `kubectl debug --profile=restricted`, pinned, with a read-only root filesystem. */
function hardened(name = 'debugger'): any {
  return {
    name,
    image: DIGEST,
    targetContainerName: 'web',
    stdin: true,
    tty: true,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

function withEphemeral(pod: any, ...containers: any[]): any {
  const p = clone(pod);
  p.spec.ephemeralContainers = [...(p.spec.ephemeralContainers ?? []), ...containers];
  return p;
}

/** The rule IDs of the failed validations. */
const refusedBy = (d: AdmissionDecision) => d.messages.map((m) => m.split(':')[0]);

/** Adds `container` to `pod` through the subresource. */
function add(container: any, pod: any = runningPod()): AdmissionDecision {
  return debug(policy.spec, withEphemeral(pod, container), pod);
}

function changed(edit: (c: any) => void, name = 'debugger'): any {
  const c = hardened(name);
  edit(c);
  return c;
}

/** Per rule: an ephemeral container that this rule alone refuses. */
const REFUSED: Array<[string, string, (c: any) => void]> = [
  [RuleIds.CTR_IMAGE_TAG, 'image busybox:latest', (c) => { c.image = 'busybox:latest'; }],
  [RuleIds.CTR_IMAGE_TAG, 'image busybox (no tag)', (c) => { c.image = 'busybox'; }],
  [RuleIds.CTR_READONLY_ROOTFS, 'a writable root filesystem', (c) => { delete c.securityContext.readOnlyRootFilesystem; }],
  [RuleIds.PSS_CAPABILITIES_ADD, 'capabilities.add SYS_PTRACE', (c) => { c.securityContext.capabilities.add = ['SYS_PTRACE']; }],
  [RuleIds.PSS_CAPABILITIES_DROP, 'no capabilities.drop ALL', (c) => { c.securityContext.capabilities = { drop: ['NET_RAW'] }; }],
  [RuleIds.PSS_PRIVILEGE_ESCALATION, 'allowPrivilegeEscalation: true', (c) => { c.securityContext.allowPrivilegeEscalation = true; }],
  [RuleIds.PSS_RUN_AS_NON_ROOT, 'runAsNonRoot: false', (c) => { c.securityContext.runAsNonRoot = false; }],
  [RuleIds.PSS_RUN_AS_ROOT_USER, 'runAsUser: 0', (c) => { c.securityContext.runAsUser = 0; }],
  [RuleIds.PSS_SECCOMP, 'seccompProfile Unconfined', (c) => { c.securityContext.seccompProfile = { type: 'Unconfined' }; }],
  [RuleIds.PSS_PROC_MOUNT, 'procMount Unmasked', (c) => { c.securityContext.procMount = 'Unmasked'; }],
  [RuleIds.PSS_SELINUX, 'an SELinux user', (c) => { c.securityContext.seLinuxOptions = { user: 'system_u' }; }],
  [RuleIds.PSS_APPARMOR, 'appArmorProfile Unconfined', (c) => { c.securityContext.appArmorProfile = { type: 'Unconfined' }; }],
  [RuleIds.PSS_HOST_PROCESS, 'a Windows HostProcess', (c) => { c.securityContext.windowsOptions = { hostProcess: true }; }],
];

describe('the ephemeral containers policy of AUDIT_RULES', () => {
  test('matches UPDATE of pods/ephemeralcontainers only; no other policy matches the subresource', () => {
    expect(policy).toBeDefined();
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: [SUBRESOURCE] }]);
    expect(policy.spec.failurePolicy).toBe('Fail');
    for (const p of policies.filter((x) => x !== policy)) {
      for (const r of p.spec.matchConstraints.resourceRules) {
        expect(r.resources.filter((x: string) => x.includes('/') || x === '*')).toEqual([]);
      }
    }
    const binding = objs.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.spec.policyName === policy.metadata.name);
    expect(binding.metadata.name).toBe('secure-baseline-ephemeral-containers');
    expect(binding.spec.validationActions).toEqual(['Deny']);
  });

  test('checks the container twins that judge every container, and the Pod Security container rules', () => {
    expect(refusedBy({ matched: true, allowed: false, messages: policy.spec.validations.map((v: any) => v.message) })).toEqual([
      RuleIds.CTR_IMAGE_TAG, RuleIds.CTR_READONLY_ROOTFS,
      RuleIds.PSS_APPARMOR, RuleIds.PSS_CAPABILITIES_ADD, RuleIds.PSS_CAPABILITIES_DROP, RuleIds.PSS_HOST_PROCESS,
      RuleIds.PSS_PRIVILEGE_ESCALATION, RuleIds.PSS_PRIVILEGED, RuleIds.PSS_PROC_MOUNT, RuleIds.PSS_RUN_AS_NON_ROOT,
      RuleIds.PSS_RUN_AS_ROOT_USER, RuleIds.PSS_SECCOMP, RuleIds.PSS_SELINUX,
    ]);
    for (const v of policy.spec.validations) expect(v.reason).toBe('Forbidden');
  });

  test('the twin\'s CEL is reused, not copied: the same expression judges the added containers', () => {
    const twin = policies.find((p) => p.metadata.name === 'secure-baseline-sb-ctr-image-tag');
    const own = twin.spec.validations[0].expression;
    expect(policy.spec.validations.filter((v: any) => v.expression.includes(own))).toHaveLength(1);
    expect(policy.spec.variables.map((v: any) => v.name)).toEqual(['spec', 'containers']);
  });

  test('a :latest ephemeral container is denied', () => {
    expect(add(changed((c) => { c.image = 'busybox:latest'; }))).toEqual({
      matched: true,
      allowed: false,
      messages: ['SB-CTR-IMAGE-TAG: every container image is pinned to a tag other than "latest", or to a digest (checked on each ephemeral container this request adds, e.g. with kubectl debug)'],
    });
  });

  test('a privileged ephemeral container is denied (kubectl debug --profile=sysadmin)', () => {
    const sysadmin = { name: 'debugger', image: 'busybox:1.36', securityContext: { privileged: true } };
    expect(refusedBy(add(sysadmin))).toEqual([
      RuleIds.CTR_READONLY_ROOTFS, RuleIds.PSS_CAPABILITIES_DROP, RuleIds.PSS_PRIVILEGE_ESCALATION, RuleIds.PSS_PRIVILEGED,
    ]);
  });

  test('a hardened ephemeral container is admitted', () => {
    expect(add(hardened())).toEqual({ matched: true, allowed: true, messages: [] });
  });

  test.each(REFUSED)('%s refuses %s', (ruleId, _what, edit) => {
    expect(refusedBy(add(changed(edit)))).toEqual([ruleId]);
  });

  test('ephemeral containers already in the pod do not block the next one; a changed one is judged again', () => {
    const before = withEphemeral(runningPod(), { name: 'old', image: 'busybox:latest', securityContext: { privileged: true } });
    expect(debug(policy.spec, withEphemeral(before, hardened()), before).allowed).toBe(true);
    expect(debug(policy.spec, before, before).allowed).toBe(true);
    const edited = clone(before);
    edited.spec.ephemeralContainers[0].image = 'busybox:1.36';
    expect(refusedBy(debug(policy.spec, edited, before))).toContain(RuleIds.PSS_PRIVILEGED);
  });

  test('the pod\'s own containers are not judged again', () => {
    const legacy = runningPod(undefined, { ...compliantPodSpec(), containers: [{ name: 'web', image: 'web:latest' }] });
    expect(add(hardened(), legacy).allowed).toBe(true);
  });

  test('the Pod\'s acknowledgement of a rule admits what that rule refuses, and nothing else', () => {
    const acked = runningPod({ [`${ACK}${RuleIds.CTR_READONLY_ROOTFS}`]: REASON });
    expect(add(changed((c) => { c.securityContext.readOnlyRootFilesystem = false; }), acked).allowed).toBe(true);
    expect(refusedBy(add(changed((c) => { c.securityContext.readOnlyRootFilesystem = false; c.securityContext.privileged = true; }), acked)))
      .toEqual([RuleIds.PSS_PRIVILEGED]);
    const tooShort = runningPod({ [`${ACK}${RuleIds.CTR_READONLY_ROOTFS}`]: 'debugging' });
    expect(refusedBy(add(changed((c) => { c.securityContext.readOnlyRootFilesystem = false; }), tooShort))).toEqual([RuleIds.CTR_READONLY_ROOTFS]);
  });

  test('only with AUDIT_RULES', () => {
    expect(synth([BaselineAdmissionRule.POD_SECURITY]).map((o) => o.metadata.name)).not.toContain('secure-baseline-ephemeral-containers');
  });
});

/** Pods and the ephemeral container added to each: the audit and the policy must agree on every one. */
const COMPARED: Array<[string, any, any]> = [
  ['hardened', runningPod(), hardened()],
  ...REFUSED.map(([, what, edit]): [string, any, any] => [what, runningPod(), changed(edit)]),
  ['privileged', runningPod(), changed((c) => { c.securityContext.privileged = true; })],
  ['NET_BIND_SERVICE added, any case, CAP_ prefix', runningPod(), changed((c) => { c.securityContext.capabilities.add = ['NET_BIND_SERVICE', 'cap_net_bind_service']; })],
  ['drop ["all"]', runningPod(), changed((c) => { c.securityContext.capabilities.drop = ['all']; })],
  ['no securityContext', runningPod(), { name: 'debugger', image: 'busybox:1.36' }],
  ['runAsNonRoot from the pod', runningPod(), changed((c) => { delete c.securityContext.runAsNonRoot; })],
  ['runAsNonRoot nowhere', runningPod(undefined, { ...compliantPodSpec(), securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), changed((c) => { delete c.securityContext.runAsNonRoot; })],
  ['pod says runAsNonRoot: false', runningPod(undefined, { ...compliantPodSpec(), securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }), changed((c) => { delete c.securityContext.runAsNonRoot; })],
  ['pod runs as user 0, the container inherits it', runningPod(undefined, { ...compliantPodSpec(), securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } } }), hardened()],
  ['seccomp from the pod', runningPod(), changed((c) => { delete c.securityContext.seccompProfile; })],
  ['seccomp nowhere', runningPod(undefined, { ...compliantPodSpec(), securityContext: { runAsNonRoot: true } }), changed((c) => { delete c.securityContext.seccompProfile; })],
  ['seccomp Localhost', runningPod(), changed((c) => { c.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'debug.json' }; })],
  ['an unconfined seccomp annotation for its name', runningPod({ 'container.seccomp.security.alpha.kubernetes.io/debugger': 'unconfined' }), changed((c) => { delete c.securityContext.seccompProfile; })],
  ['an unconfined seccomp annotation, overridden by its field', runningPod({ 'container.seccomp.security.alpha.kubernetes.io/debugger': 'unconfined' }), hardened()],
  ['procMount Default', runningPod(), changed((c) => { c.securityContext.procMount = 'Default'; })],
  ['SELinux type container_t', runningPod(), changed((c) => { c.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' }; })],
  ['SELinux type spc_t', runningPod(), changed((c) => { c.securityContext.seLinuxOptions = { type: 'spc_t' }; })],
  ['SELinux role', runningPod(), changed((c) => { c.securityContext.seLinuxOptions = { role: 'sysadm_r' }; })],
  ['appArmor RuntimeDefault', runningPod(), changed((c) => { c.securityContext.appArmorProfile = { type: 'RuntimeDefault' }; })],
  ['Windows pod, nothing Linux-only set', runningPod(undefined, { ...compliantPodSpec(), os: { name: 'windows' }, securityContext: { runAsNonRoot: true } }),
    { name: 'debugger', image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022', securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true } }],
  ['Windows pod, allowPrivilegeEscalation: true', runningPod(undefined, { ...compliantPodSpec(), os: { name: 'windows' }, securityContext: { runAsNonRoot: true } }),
    { name: 'debugger', image: 'nanoserver:ltsc2022', securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: true } }],
  ['acknowledged seccomp and image tag', runningPod({ [`${ACK}${RuleIds.PSS_SECCOMP}`]: REASON, [`${ACK}${RuleIds.CTR_IMAGE_TAG}`]: REASON }),
    changed((c) => { c.image = 'busybox:latest'; c.securityContext.seccompProfile = { type: 'Unconfined' }; })],
];

describe('the policy and the audit decide alike on each added ephemeral container', () => {
  const checked = refusedBy({ matched: true, allowed: false, messages: policy.spec.validations.map((v: any) => v.message) });
  /** Unacknowledged findings of the checked rules, by rule. */
  const counts = (pod: any) => {
    const out = new Map<string, number>();
    for (const f of auditManifests([pod]).findings) {
      if (checked.includes(f.ruleId) && !f.acknowledged) out.set(f.ruleId, (out.get(f.ruleId) ?? 0) + 1);
    }
    return out;
  };

  test.each(COMPARED)('%s', (_what, pod, container) => {
    const after = withEphemeral(pod, container);
    const [b, a] = [counts(pod), counts(after)];
    const flagged = checked.filter((id) => (a.get(id) ?? 0) > (b.get(id) ?? 0));
    expect(refusedBy(debug(policy.spec, after, pod))).toEqual(flagged);
  });

  test('both outcomes are compared for every checked rule', () => {
    const outcomes = new Map<string, Set<boolean>>(checked.map((id) => [id, new Set<boolean>()]));
    for (const [, pod, container] of COMPARED) {
      const refused = refusedBy(add(container, pod));
      for (const id of checked) outcomes.get(id)!.add(refused.includes(id));
    }
    expect([...outcomes].filter(([, o]) => o.size < 2).map(([id]) => id)).toEqual([]);
  });
});

describe('which twins the policy takes', () => {
  const pinned = { expression: "variables.containers.all(c, c.image.contains('@'))", message: 'every container image is pinned to a digest' };

  test('a twin over every container kind, with its other match conditions; not pod-level ones nor those without ephemeral containers', () => {
    const decided = { name: 'decided', expression: "object.metadata.name != 'skip'" };
    expect(containerTwinChecks('SB-X', podTwin([pinned], ContainerSet.ALL, [decided]))).toEqual({ conditions: [decided], validations: [pinned] });
    expect(containerTwinChecks('SB-X', podTwin([pinned], ContainerSet.REGULAR_AND_INIT))).toBeUndefined();
    expect(containerTwinChecks('SB-X', podTwin([{ expression: 'has(variables.spec.hostname)', message: 'a hostname' }]))).toBeUndefined();
    const onRoles = { match: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }], variables: podTwin([pinned]).variables, validations: [pinned] };
    expect(containerTwinChecks('SB-X', onRoles)).toBeUndefined();
  });

  test('a twin\'s other match conditions skip its check as they skip its policy', () => {
    const decided = { name: 'decided', expression: "object.metadata.name != 'skip'" };
    const p = ephemeralContainersPolicy([{ id: 'SB-X', admission: podTwin([pinned], ContainerSet.ALL, [decided]) }]);
    const check = { ...policy.spec, variables: p.variables, validations: p.validations.filter((v) => v.message.startsWith('SB-X: ')) };
    const latest = changed((c) => { c.image = 'busybox:1.36'; });
    expect(debug(check, withEphemeral(runningPod(), latest), runningPod()).allowed).toBe(false);
    const skipped = runningPod();
    skipped.metadata.name = 'skip';
    expect(debug(check, withEphemeral(skipped, latest), skipped).allowed).toBe(true);
  });

  test('a twin with variables the policy does not define is an error', () => {
    const twin = podTwin([pinned]);
    const extended = { ...twin, variables: [...twin.variables!, { name: 'registry', expression: "'registry.example.com'" }] };
    expect(() => ephemeralContainersPolicy([{ id: 'SB-X', admission: extended }]))
      .toThrow('the CEL twin of SB-X declares variables registry, which the ephemeral containers policy does not define; add them to src/admission/ephemeral.ts');
  });
});
