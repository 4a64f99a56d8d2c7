/**
 * Agreement with third-party tools: for every failing sample case of the team's conformance kit
 * (upstream Pod Security Admission fixtures and Polaris' own per-check fixtures) that the audit
 * claims to cover — a rule lists that Pod Security control or Polaris check in its standards —
 * the audit must fail too. Run by .ci/run when the kit is beside the repository:
 *
 *   ts-node -T -P test/tsconfig.json scripts/agreement.ts ../shared/conformance
 *
 * The project's own tests do not depend on the kit (a user's clone does not have it).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SecurityAudit } from '../src';
import { readManifestFiles } from '../src/manifest/reader';

/** Upstream fixture name prefix → the Pod Security control it exercises. */
const PSS_CONTROLS: Array<[RegExp, string[]]> = [
  [/^allowprivilegeescalation/, ['Restricted: Privilege Escalation']],
  [/^apparmorprofile/, ['Baseline: AppArmor']],
  [/^capabilities_baseline/, ['Baseline: Capabilities']],
  [/^capabilities_restricted/, ['Restricted: Capabilities']],
  [/^hostnamespaces/, ['Baseline: Host Namespaces']],
  [/^hostpathvolumes/, ['Baseline: HostPath Volumes']],
  [/^hostports/, ['Baseline: Host Ports']],
  [/^hostprobesandhostlifecycle/, ['Baseline: Host Probes / Lifecycle Hooks']],
  [/^privileged/, ['Baseline: Privileged Containers']],
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
  const rules = SecurityAudit.rules();
  const byPss = new Map<string, string[]>();
  const byPolaris = new Map<string, string[]>();
  for (const r of rules) {
    for (const c of r.standards.podSecurity ?? []) byPss.set(c, [...(byPss.get(c) ?? []), r.id]);
    for (const c of r.standards.polaris ?? []) byPolaris.set(c, [...(byPolaris.get(c) ?? []), r.id]);
  }
  const disagreements: string[] = [];
  const notClaimed = new Set<string>();
  let checked = 0;

  // Pod Security: every restricted "fail" fixture of the newest version.
  const pssRoot = path.join(kit, 'pss', 'testdata', 'restricted');
  const version = fs.readdirSync(pssRoot).sort().pop()!;
  for (const f of fs.readdirSync(path.join(pssRoot, version, 'fail')).sort()) {
    const controls = PSS_CONTROLS.find(([re]) => re.test(f))?.[1] ?? [];
    const control = controls[0];
    const claimedBy = controls.flatMap((c) => byPss.get(c) ?? []);
    if (claimedBy.length === 0) {
      notClaimed.add(`pss:${control ?? f}`);
      continue;
    }
    checked++;
    const result = SecurityAudit.auditManifests(load(path.join(pssRoot, version, 'fail', f)));
    if (!result.findings.some((x) => claimedBy.includes(x.ruleId) && !x.acknowledged)) {
      disagreements.push(`PSS ${version} fail/${f} (${control}): the kit fails it, ${claimedBy.join('/')} did not`);
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
    checked++;
    const result = SecurityAudit.auditManifests(load(failure));
    if (!result.findings.some((x) => claimedBy.includes(x.ruleId) && !x.acknowledged)) {
      disagreements.push(`Polaris ${check}/failure.yaml: Polaris fails it, ${claimedBy.join('/')} did not`);
    }
  }

  for (const e of readErrors) disagreements.push(`read error: ${e}`);
  console.log(`agreement: ${checked} failing kit cases the audit claims to cover, ${disagreements.length} disagreements`);
  console.log(`not claimed by any rule (${notClaimed.size}): ${[...notClaimed].sort().join(', ')}`);
  for (const d of disagreements) console.log(`  DISAGREE ${d}`);
  process.exitCode = disagreements.length === 0 ? 0 : 1;
}

main();
