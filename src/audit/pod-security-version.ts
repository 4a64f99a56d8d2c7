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
 */

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
