/**
 * The container-level checks of the Pod Security rules (SB-PSS-*) in CEL, over the variables of a
 * pod twin: `variables.containers` (the containers judged) and `variables.spec` (their pod spec,
 * whose securityContext they inherit). Each decides for a container exactly what its audit rule
 * (src/audit/rules/pss-*.ts) reports about that container, at the Pod Security versions
 * BaselineAdmissionRule.POD_SECURITY accepts (latest, or v1.34 and later): Windows pods
 * (`spec.os.name: windows`, exempt since v1.25) need no capabilities drop, allowPrivilegeEscalation
 * or seccomp profile, but one they set is still judged. Pod-level findings (the pod's own
 * securityContext, volumes, host namespaces, AppArmor annotations) are not repeated here.
 *
 * Pods in the cluster leave these rules to Pod Security Admission at the namespace's level
 * (NO_TWIN_REASONS); the ephemeral containers policy (./ephemeral.ts) uses these checks so that a
 * container added to a running pod (kubectl debug) meets them whatever the namespace enforces.
 * Ports, probes and lifecycle hooks are not here: the API server refuses them on ephemeral
 * containers before admission (SB-PSS-HOST-PORTS and SB-PSS-HOST-PROBES cannot apply).
 *
 * test/admission/ephemeral-containers.test.ts runs each check and its audit rule on the same pods.
 */
import { TwinValidation, celList, celString } from './twin';
import { RuleIds } from '../audit/rule-ids';

/** CEL: `c.<path>` is set (each step guarded with has()). */
function set(path: string): string {
  const steps = path.split('.');
  return steps.map((_, i) => `has(c.${steps.slice(0, i + 1).join('.')})`).join(' && ');
}

/** CEL: `c.<path>` is set and equals `value` (a CEL literal; a value of another type is not equal). */
function is(path: string, value: string): string {
  return `(${set(path)} && c.${path} == ${value})`;
}

/** CEL: the pod's securityContext sets `field`. */
function podSets(field: string): string {
  return `(has(variables.spec.securityContext) && has(variables.spec.securityContext.${field}))`;
}

/** CEL: a Windows pod, which Pod Security (v1.25 on) exempts from the Linux-only restricted controls. */
const WINDOWS = "(has(variables.spec.os) && has(variables.spec.os.name) && variables.spec.os.name == 'windows')";

/** The deprecated per-container seccomp annotation (src/audit/rules/pss-seccomp.ts). */
const SECCOMP_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

const SECCOMP_ANNOTATION = `object.metadata.annotations[${celString(SECCOMP_ANNOTATION_PREFIX)} + c.name]`;

/** SELinux types Pod Security baseline allows ('' is unset). */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** One Pod Security rule's container check. */
export interface ContainerCheck {
  readonly ruleId: string;
  readonly validation: TwinValidation;
}

/** The container checks, by rule ID. */
export const POD_SECURITY_CONTAINER_CHECKS: readonly ContainerCheck[] = [
  {
    ruleId: RuleIds.PSS_APPARMOR,
    validation: {
      expression: `variables.containers.all(c, !(${set('securityContext.appArmorProfile.type')}) || c.securityContext.appArmorProfile.type in ['RuntimeDefault', 'Localhost'])`,
      message: 'no container sets appArmorProfile.type other than RuntimeDefault or Localhost',
    },
  },
  {
    ruleId: RuleIds.PSS_CAPABILITIES_ADD,
    validation: {
      // Case-insensitive, with or without CAP_, as the audit compares.
      expression: `variables.containers.all(c, !(${set('securityContext.capabilities.add')}) || c.securityContext.capabilities.add.all(x, string(x).matches('(?i)^(CAP_)?NET_BIND_SERVICE$')))`,
      message: 'containers add no capability other than NET_BIND_SERVICE',
    },
  },
  {
    ruleId: RuleIds.PSS_CAPABILITIES_DROP,
    validation: {
      expression: `variables.containers.all(c, (${WINDOWS} && !(${set('securityContext.capabilities')}))`
        + ` || ((${set('securityContext.capabilities.drop')}) && c.securityContext.capabilities.drop.exists(d, string(d).matches('(?i)^ALL$'))))`,
      message: 'every container drops ALL capabilities (securityContext.capabilities.drop: ["ALL"])',
    },
  },
  {
    ruleId: RuleIds.PSS_HOST_PROCESS,
    validation: {
      expression: `variables.containers.all(c, !${is('securityContext.windowsOptions.hostProcess', 'true')})`,
      message: 'no container runs as a Windows HostProcess (windowsOptions.hostProcess: true)',
    },
  },
  {
    ruleId: RuleIds.PSS_PRIVILEGE_ESCALATION,
    validation: {
      expression: `variables.containers.all(c, ${is('securityContext.allowPrivilegeEscalation', 'false')}`
        + ` || (${WINDOWS} && !${is('securityContext.allowPrivilegeEscalation', 'true')}))`,
      message: 'every container sets securityContext.allowPrivilegeEscalation: false',
    },
  },
  {
    ruleId: RuleIds.PSS_PRIVILEGED,
    validation: {
      expression: `variables.containers.all(c, !${is('securityContext.privileged', 'true')})`,
      message: 'no container runs privileged (securityContext.privileged: true)',
    },
  },
  {
    ruleId: RuleIds.PSS_PROC_MOUNT,
    validation: {
      expression: `variables.containers.all(c, !(${set('securityContext.procMount')}) || c.securityContext.procMount == 'Default')`,
      message: 'containers use the Default /proc mount type',
    },
  },
  {
    ruleId: RuleIds.PSS_RUN_AS_NON_ROOT,
    validation: {
      // A pod that says runAsNonRoot: false is reported on the pod, not again on each container.
      expression: `variables.containers.all(c, !${is('securityContext.runAsNonRoot', 'false')} && (${is('securityContext.runAsNonRoot', 'true')}`
        + ` || (${podSets('runAsNonRoot')} && (variables.spec.securityContext.runAsNonRoot == true || variables.spec.securityContext.runAsNonRoot == false))))`,
      message: 'every container runs with runAsNonRoot: true (its own, or the pod\'s)',
    },
  },
  {
    ruleId: RuleIds.PSS_RUN_AS_ROOT_USER,
    validation: {
      expression: `variables.containers.all(c, !${is('securityContext.runAsUser', '0')})`,
      message: 'no container sets runAsUser: 0 (root)',
    },
  },
  {
    ruleId: RuleIds.PSS_SECCOMP,
    validation: {
      // Without a type of its own, the container runs the pod's profile; the audit also reports
      // an `unconfined` annotation naming it (the API server copies those into unset fields).
      expression: `variables.containers.all(c, (${set('securityContext.seccompProfile.type')})`
        + " ? c.securityContext.seccompProfile.type in ['RuntimeDefault', 'Localhost']"
        + ` : (!(has(object.metadata.annotations) && (${celString(SECCOMP_ANNOTATION_PREFIX)} + c.name) in object.metadata.annotations && ${SECCOMP_ANNOTATION} == 'unconfined')`
        + ` && (${podSets('seccompProfile')} && has(variables.spec.securityContext.seccompProfile.type) || ${WINDOWS})))`,
      message: 'every container runs with the RuntimeDefault or a Localhost seccomp profile (its own, or the pod\'s), never Unconfined',
    },
  },
  {
    ruleId: RuleIds.PSS_SELINUX,
    validation: {
      expression: `variables.containers.all(c, !(${set('securityContext.seLinuxOptions')})`
        + ` || ((!has(c.securityContext.seLinuxOptions.type) || c.securityContext.seLinuxOptions.type in ${celList(SELINUX_TYPES)})`
        + " && (!has(c.securityContext.seLinuxOptions.user) || c.securityContext.seLinuxOptions.user == '')"
        + " && (!has(c.securityContext.seLinuxOptions.role) || c.securityContext.seLinuxOptions.role == '')))",
      message: 'no container sets a custom SELinux user or role, or a type other than the container types',
    },
  },
];
