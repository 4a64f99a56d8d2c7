/**
 * Agreement with third-party tools, over the team's conformance kit (upstream Pod Security Admission
 * fixtures and Polaris' own per-check fixtures):
 *
 * - Pod Security, every version of the kit: every failing fixture of a control the audit claims —
 *   a rule lists that Pod Security control in its standards — fails the audit too, and every
 *   passing fixture passes the audit's Pod Security rules (no SB-PSS-* finding). Each pod is
 *   audited in a namespace pinned to the fixture's version, as Pod Security Admission evaluates it.
 * - Polaris: every failing fixture of a check the audit claims fails the audit too.
 *
 * Run by .ci/run when the kit is beside the repository:
 *
 *   ts-node -T -P test/tsconfig.json scripts/agreement.ts ../shared/conformance
 *
 * The project's own tests do not depend on the kit (a user's clone does not have it): they run the
 * upstream fixtures vendored in test/fixtures/pod-security with the helpers exported here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SecurityAudit } from '../src';
import { readManifestFiles } from '../src/manifest/reader';

/** Upstream fixture name prefix → the Pod Security control it exercises. */
export const PSS_CONTROLS: Array<[RegExp, string[]]> = [
  [/^allowprivilegeescalation/, ['Restricted: Privilege Escalation']],
  [/^apparmorprofile/, ['Baseline: AppArmor']],
  [/^capabilities_baseline/, ['Baseline: Capabilities']],
  [/^capabilities_restricted/, ['Restricted: Capabilities']],
  [/^hostnamespaces/, ['Baseline: Host Namespaces']],
  [/^hostpathvolumes/, ['Baseline: HostPath Volumes']],
  [/^hostports/, ['Baseline: Host Ports']],
  [/^hostprobesandhostlifecycle/, ['Baseline: Host Probes / Lifecycle Hooks']],
  [/^privileged/, ['Baseline: Privileged Containers']],
  // procmount and procmount_restricted (the restricted check refuses what baseline admits in a user namespace).
  [/^procmount/, ['Baseline: /proc Mount Type']],
  // The restricted volume-type control also refuses hostPath, which its own rule reports.
  [/^restrictedvolumes/, ['Restricted: Volume Types', 'Baseline: HostPath Volumes']],
  [/^runasnonroot/, ['Restricted: Running as Non-root']],
  [/^runasuser/, ['Restricted: Running as Non-root user']],
  [/^seccompprofile_baseline/, ['Baseline: Seccomp']],
  [/^seccompprofile_restricted/, ['Restricted: Seccomp']],
  [/^selinuxoptions/, ['Baseline: SELinux']],
  [/^sysctls/, ['Baseline: Sysctls']],
  [/^windowshostprocess/, ['Baseline: HostProcess']],
];

/** The Pod Security control a fixture file exercises (undefined for the `base*` pods) and the rules that claim it. */
export function pssClaim(file: string): { readonly control?: string; readonly ruleIds: string[] } {
  const controls = PSS_CONTROLS.find(([re]) => re.test(path.basename(file)))?.[1] ?? [];
  const claimedBy = new Set<string>();
  for (const r of SecurityAudit.rules()) {
    if ((r.standards.podSecurity ?? []).some((c) => controls.includes(c))) claimedBy.add(r.id);
  }
  return { control: controls[0], ruleIds: [...claimedBy].sort() };
}

/** The namespace the fixture pods are audited in. */
export const FIXTURE_NAMESPACE = 'pod-security-fixture';

/**
 * Objects that put the given pods (manifests without a namespace) in a Namespace enforcing
 * restricted at `version` (`v1.N`, `latest`, or undefined for no version label).
 */
export function inPinnedNamespace(pods: any[], version: string | undefined): any[] {
  const labels: { [key: string]: string } = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  if (version !== undefined) labels['pod-security.kubernetes.io/enforce-version'] = version;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FIXTURE_NAMESPACE, labels } },
    ...pods.map((p) => ({ ...p, metadata: { ...(p.metadata ?? {}), namespace: FIXTURE_NAMESPACE } })),
  ];
}

/** The unacknowledged Pod Security findings (SB-PSS-*) of pods audited in a namespace pinned to `version`. */
export function podSecurityFindings(pods: any[], version: string | undefined): Array<{ ruleId: string; message: string }> {
  return SecurityAudit.auditManifests(inPinnedNamespace(pods, version)).findings
    .filter((f) => f.ruleId.startsWith('SB-PSS-') && !f.acknowledged)
    .map((f) => ({ ruleId: f.ruleId, message: f.message }));
}

/** Read errors of the kit's files (they count as disagreements: what cannot be read is not audited). */
const readErrors: string[] = [];

/** Reads a kit file as kubectl does (the same reader as the CLI). */
function load(file: string): any[] {
  const read = readManifestFiles([file]);
  readErrors.push(...read.errors.map((e) => e.message));
  return read.objects.map((o) => o.manifest);
}

function main() {
  const kit = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'conformance'));
  const byPolaris = new Map<string, string[]>();
  for (const r of SecurityAudit.rules()) {
    for (const c of r.standards.polaris ?? []) byPolaris.set(c, [...(byPolaris.get(c) ?? []), r.id]);
  }
  const disagreements: string[] = [];
  const notClaimed = new Set<string>();
  let failing = 0;
  let passing = 0;

  // Pod Security: every restricted fixture of every version of the kit, in a namespace pinned to it.
  const pssRoot = path.join(kit, 'pss', 'testdata', 'restricted');
  for (const version of fs.readdirSync(pssRoot).sort()) {
    for (const f of fs.readdirSync(path.join(pssRoot, version, 'fail')).sort()) {
      const { control, ruleIds } = pssClaim(f);
      if (ruleIds.length === 0) {
        notClaimed.add(`pss:${control ?? f}`);
        continue;
      }
      failing++;
      const found = podSecurityFindings(load(path.join(pssRoot, version, 'fail', f)), version);
      if (!found.some((x) => ruleIds.includes(x.ruleId))) {
        disagreements.push(`PSS ${version} fail/${f} (${control}): the kit fails it, ${ruleIds.join('/')} did not`);
      }
    }
    for (const f of fs.readdirSync(path.join(pssRoot, version, 'pass')).sort()) {
      passing++;
      const found = podSecurityFindings(load(path.join(pssRoot, version, 'pass', f)), version);
      for (const x of found) disagreements.push(`PSS ${version} pass/${f}: the kit admits it, ${x.ruleId} reports "${x.message}"`);
    }
  }

  // Polaris: every check's failure fixture.
  const polarisRoot = path.join(kit, 'polaris', 'test-fixtures');
  for (const check of fs.readdirSync(polarisRoot).sort()) {
    const failure = path.join(polarisRoot, check, 'failure.yaml');
    if (!fs.existsSync(failure)) continue;
    const claimedBy = byPolaris.get(check) ?? [];
    if (claimedBy.length === 0) {
      notClaimed.add(`polaris:${check}`);
      continue;
    }
    failing++;
    const result = SecurityAudit.auditManifests(load(failure));
    if (!result.findings.some((x) => claimedBy.includes(x.ruleId) && !x.acknowledged)) {
      disagreements.push(`Polaris ${check}/failure.yaml: Polaris fails it, ${claimedBy.join('/')} did not`);
    }
  }

  for (const e of readErrors) disagreements.push(`read error: ${e}`);
  console.log(`agreement: ${failing} failing kit cases the audit claims to cover, ${passing} passing Pod Security cases, ${disagreements.length} disagreements`);
  console.log(`not claimed by any rule (${notClaimed.size}): ${[...notClaimed].sort().join(', ')}`);
  for (const d of disagreements) console.log(`  DISAGREE ${d}`);
  process.exitCode = disagreements.length === 0 ? 0 : 1;
}

if (require.main === module) main();
