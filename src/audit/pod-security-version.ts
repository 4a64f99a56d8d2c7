/**
 * Internal: the one table of which Pod Security Standards version makes `restricted` mean what
 * the audit checks. Pod Security Admission evaluates a namespace at its
 * `pod-security.kubernetes.io/enforce-version`; a pinned older version skips every check added
 * since. From the upstream checks (k8s.io/pod-security-admission/policy, `MinimumVersion` of
 * each check):
 *
 * - runAsNonRoot, restricted volume types, procMount, hostPath, host namespaces/ports,
 *   privileged, AppArmor, SELinux, sysctls: v1.0
 * - allowPrivilegeEscalation (restricted): v1.8
 * - seccompProfile (restricted): v1.19
 * - capabilities drop ALL / add only NET_BIND_SERVICE (restricted): v1.22
 * - runAsUser != 0 (restricted): v1.23
 * - host probes and lifecycle hooks (baseline `hostProbesAndHostLifecycle`): v1.34
 *
 * So `restricted` covers every Pod Security rule of the audit (SB-PSS-*) from v1.34 on. A version
 * newer than the cluster is evaluated as the cluster's latest, so pinning v1.34 is safe on older
 * clusters; `latest` (and no version label, which defaults to latest) is accepted.
 *
 * The audit rule (SB-NS-PSS) and the admission policy (BaselineAdmissionPolicy POD_SECURITY) both
 * use the regular expression below, so they cannot disagree.
 *
 * Later versions also admit what earlier ones refused, and the pod rules follow the version the
 * pod's namespace pins (`podSecurityMinor`): they never drop a check for an old pin (SB-NS-PSS
 * reports the pin), but they grant an upstream relaxation only from the version that brought it:
 *
 * - v1.25: pods with `spec.os.name: windows` are exempt from allowPrivilegeEscalation, seccompProfile
 *   and capabilities (restricted): `allowPrivilegeEscalation_1_25`, `seccompProfileRestricted_1_25`,
 *   `capabilitiesRestricted_1_25`. The API server refuses those fields on a Windows pod, so the
 *   rules only stop requiring them there; a value set on a Windows pod is still reported.
 * - v1.27, v1.29, v1.32, v1.37: more safe sysctls (`SAFE_SYSCTLS_SINCE`).
 */
import type { AuditContext, PodView } from './context';
import type { Issue, RuleDefinition } from './rule';

/** The oldest Pod Security Standards minor version (of v1) whose `restricted` level covers every SB-PSS rule. */
export const MIN_POD_SECURITY_MINOR = 34;

/** `v1.34`. */
export const MIN_POD_SECURITY_VERSION = `v1.${MIN_POD_SECURITY_MINOR}`;

/** The label pinning the version of the enforced level. */
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/** A regular expression (RE2 and JavaScript) for decimal numbers ≥ `min`, without leading zeros. */
export function atLeastPattern(min: number): string {
  const digits = String(min);
  const alternatives: string[] = [];
  // Same number of digits: walk the digits of `min`, branching upwards at each position.
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const rest = digits.length - i - 1;
    const lowest = i === 0 ? Math.max(d + 1, 1) : d + 1;
    if (lowest <= 9) alternatives.push(`${digits.slice(0, i)}${lowest === 9 ? '9' : `[${lowest}-9]`}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  alternatives.push(digits);
  // More digits.
  alternatives.push(`[1-9][0-9]{${digits.length},}`);
  return `(${alternatives.join('|')})`;
}

/** The full-match pattern of an accepted enforce-version value: `latest` or `v1.N` with N ≥ the minimum. */
export const ACCEPTED_VERSION_PATTERN = `^(latest|v1\\.${atLeastPattern(MIN_POD_SECURITY_MINOR)})$`;

const ACCEPTED = new RegExp(ACCEPTED_VERSION_PATTERN);
const VALID = /^(latest|v1\.(0|[1-9][0-9]*))$/;

/** Why an enforce-version value does not make `restricted` mean what the audit checks, or undefined when it does (or is unset). */
export function enforceVersionProblem(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  if (ACCEPTED.test(version)) return undefined;
  if (!VALID.test(version)) return `${ENFORCE_VERSION_LABEL} ${JSON.stringify(version)} is not a Pod Security Standards version ("v1.N" or "latest")`;
  return `${ENFORCE_VERSION_LABEL} ${JSON.stringify(version)} pins a version older than ${MIN_POD_SECURITY_VERSION}, which skips checks the audit relies on (seccomp since v1.19, capabilities since v1.22, runAsUser since v1.23, host probes since v1.34)`;
}

/**
 * A CEL expression (Kubernetes ValidatingAdmissionPolicy) that is true when the Namespace `ns`
 * (a CEL expression, e.g. `object`) has no enforce-version label or an accepted one.
 */
export function enforceVersionCel(ns: string): string {
  const label = `'${ENFORCE_VERSION_LABEL}'`;
  const pattern = ACCEPTED_VERSION_PATTERN.replace(/\\/g, '\\\\');
  return `!has(${ns}.metadata.labels) || !(${label} in ${ns}.metadata.labels) || ${ns}.metadata.labels[${label}].matches('${pattern}')`;
}

/** The newest Pod Security Standards minor version this table knows: `latest`, and no label, mean this one. */
export const LATEST_POD_SECURITY_MINOR = 37;

/** From this version on, restricted exempts Windows pods (`spec.os.name: windows`) from the Linux-only controls. */
export const WINDOWS_EXEMPT_MINOR = 25;

/**
 * The safe sysctls of the baseline `sysctls` check, by the version that made them safe
 * (k8s.io/pod-security-admission/policy/check_sysctls.go).
 */
export const SAFE_SYSCTLS_SINCE: ReadonlyArray<{ readonly minor: number; readonly names: readonly string[] }> = [
  { minor: 0, names: ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range'] },
  { minor: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  { minor: 29, names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { minor: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { minor: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

/** The sysctls the Pod Security Standards allow at a version. */
export function safeSysctls(minor: number): string[] {
  return SAFE_SYSCTLS_SINCE.filter((s) => s.minor <= minor).flatMap((s) => s.names);
}

/** The version from which a sysctl is safe, or undefined when no version this table knows allows it. */
export function sysctlSafeSince(name: string): number | undefined {
  return SAFE_SYSCTLS_SINCE.find((s) => s.names.includes(name))?.minor;
}

/**
 * The minor version Pod Security Admission evaluates for an enforce-version label value, capped at
 * the newest version this table knows. No label, `latest` and a value that is not a version all
 * mean latest, as upstream's `api.ParseVersion` falls back to latest.
 */
export function podSecurityMinor(version: string | undefined): number {
  const m = version === undefined ? null : /^v1\.(0|[1-9][0-9]*)$/.exec(version);
  return m === null ? LATEST_POD_SECURITY_MINOR : Math.min(Number(m[1]), LATEST_POD_SECURITY_MINOR);
}

const MINORS = new WeakMap<AuditContext, Map<string, number>>();

/**
 * The Pod Security version a pod is evaluated at: its namespace's enforce-version, or latest when
 * the namespace is not among the audited objects.
 */
export function podSecurityMinorOf(ctx: AuditContext, pod: PodView): number {
  // Every Pod Security rule asks for every pod: read each namespace's version once per audit.
  let byNamespace = MINORS.get(ctx);
  if (byNamespace === undefined) {
    byNamespace = new Map();
    MINORS.set(ctx, byNamespace);
  }
  let minor = byNamespace.get(pod.obj.namespace);
  if (minor === undefined) {
    const ns = ctx.find('', 'Namespace', '', pod.obj.namespace);
    minor = podSecurityMinor(ns?.labels[ENFORCE_VERSION_LABEL]);
    byNamespace.set(pod.obj.namespace, minor);
  }
  return minor;
}

/** Whether a pod is a Windows pod that restricted exempts from the Linux-only controls at a version. */
export function windowsExempt(pod: PodView, minor: number): boolean {
  const os = pod.spec.os;
  return minor >= WINDOWS_EXEMPT_MINOR && os !== null && typeof os === 'object' && os.name === 'windows';
}

/**
 * Builds a rule that inspects every pod spec independently (as `podRule`), at the Pod Security
 * version of its namespace.
 */
export function podSecurityRule(info: Omit<RuleDefinition, 'check'>, fn: (pod: PodView, out: Issue[], minor: number) => void): RuleDefinition {
  return {
    ...info,
    check: (ctx) => {
      const out: Issue[] = [];
      for (const pod of ctx.pods) fn(pod, out, podSecurityMinorOf(ctx, pod));
      return out;
    },
  };
}
