import * as fs from 'fs';
import * as path from 'path';
import { renderRulesMarkdown } from '../../src/audit/catalogue';
import { RuleIds } from '../../src/audit/rule-ids';
import { ALL_RULES } from '../../src/audit/rules';
import { SecurityAudit } from '../../src/audit/security-audit';

/** The exact rule catalogue. Changing it is an API change: constructs and users reference these IDs. */
const EXPECTED_IDS = [
  'SB-ACK-EXPIRED', 'SB-ACK-INVALID', 'SB-ACK-UNUSED',
  'SB-ADMISSION-NOT-ENFORCED',
  'SB-CTR-IMAGE-PULL-POLICY', 'SB-CTR-IMAGE-TAG', 'SB-CTR-LIVENESS-PROBE', 'SB-CTR-READINESS-PROBE', 'SB-CTR-READONLY-ROOTFS',
  'SB-CTR-RESOURCE-LIMITS', 'SB-CTR-RESOURCE-REQUESTS',
  'SB-MESH-ISTIO-AUTHZ-OPEN', 'SB-MESH-ISTIO-DR-TLS', 'SB-MESH-ISTIO-DR-VERIFY', 'SB-MESH-ISTIO-EGRESS', 'SB-MESH-ISTIO-NS-AUTHZ', 'SB-MESH-ISTIO-PEER-AUTH', 'SB-MESH-LINKERD-AUTHN-OPEN', 'SB-MESH-LINKERD-NS-POLICY',
  'SB-MESH-LINKERD-UNAUTHENTICATED',
  'SB-META-CLUSTER-SCOPED-NAMESPACE', 'SB-META-DUPLICATE',
  'SB-NET-GATEWAY-PLAIN-HTTP', 'SB-NET-INGRESS-TLS', 'SB-NET-NS-DEFAULT-DENY', 'SB-NET-POLICY-ALL-PEERS', 'SB-NET-POLICY-CLOUD-IDENTITY', 'SB-NET-POLICY-INTERNET', 'SB-NET-POLICY-METADATA', 'SB-NET-ROUTE-HOSTNAME', 'SB-NET-WORKLOAD-ISOLATION',
  'SB-NS-PSS',
  'SB-PSS-APPARMOR', 'SB-PSS-CAPABILITIES-ADD', 'SB-PSS-CAPABILITIES-DROP', 'SB-PSS-HOST-NAMESPACES', 'SB-PSS-HOST-PATH', 'SB-PSS-HOST-PORTS',
  'SB-PSS-HOST-PROBES', 'SB-PSS-HOST-PROCESS', 'SB-PSS-PRIVILEGE-ESCALATION', 'SB-PSS-PRIVILEGED', 'SB-PSS-PROC-MOUNT', 'SB-PSS-RUN-AS-NON-ROOT', 'SB-PSS-RUN-AS-ROOT-USER',
  'SB-PSS-SECCOMP', 'SB-PSS-SELINUX', 'SB-PSS-SYSCTLS', 'SB-PSS-VOLUME-TYPES',
  'SB-RBAC-CLUSTER-ADMIN', 'SB-RBAC-CLUSTER-SCOPED', 'SB-RBAC-CSR-APPROVE', 'SB-RBAC-DANGEROUS-GROUP', 'SB-RBAC-ESCALATE', 'SB-RBAC-NAMESPACE-MODIFY',
  'SB-RBAC-NODES-PROXY', 'SB-RBAC-POD-EXEC', 'SB-RBAC-POD-PROXY', 'SB-RBAC-POLICY-MODIFY', 'SB-RBAC-PV-CREATE', 'SB-RBAC-ROLE-MISSING', 'SB-RBAC-SECRETS',
  'SB-RBAC-SYSTEM-NAMESPACE', 'SB-RBAC-TOKEN-CREATE', 'SB-RBAC-WEBHOOK', 'SB-RBAC-WILDCARD', 'SB-RBAC-WORKLOAD-CREATE', 'SB-RBAC-WORKLOAD-IDENTITY',
  'SB-SA-AUTOMOUNT', 'SB-SA-DEFAULT', 'SB-SA-POD-AUTOMOUNT',
  'SB-SECRET-ENV-LITERAL', 'SB-SECRET-ENV-REF', 'SB-SECRET-IN-MANIFEST', 'SB-SECRET-LITERAL',
  'SB-STORAGE-CLASS-UNENCRYPTED', 'SB-STORAGE-CLASS-UNVERIFIED',
  'SB-SVC-EXPOSED',
];

describe('rule catalogue', () => {
  test('the exact list of rule IDs', () => {
    expect(ALL_RULES.map(r => r.id)).toEqual(EXPECTED_IDS);
    expect(Object.values(RuleIds).sort()).toEqual(EXPECTED_IDS);
    expect(SecurityAudit.rules().map(r => r.id)).toEqual(EXPECTED_IDS);
  });

  test('RuleIds constant names follow the IDs', () => {
    for (const [name, id] of Object.entries(RuleIds)) {
      expect(`SB-${name.replace(/_/g, '-')}`).toBe(id);
    }
  });

  test('IDs other engineers annotate with exist', () => {
    for (const id of ['SB-NS-PSS', 'SB-RBAC-POD-EXEC', 'SB-RBAC-NODES-PROXY', 'SB-RBAC-TOKEN-CREATE', 'SB-RBAC-WORKLOAD-CREATE', 'SB-RBAC-PV-CREATE',
      'SB-RBAC-CSR-APPROVE', 'SB-RBAC-WEBHOOK', 'SB-RBAC-NAMESPACE-MODIFY', 'SB-RBAC-CLUSTER-SCOPED', 'SB-SVC-EXPOSED', 'SB-STORAGE-CLASS-UNVERIFIED']) {
      expect(EXPECTED_IDS).toContain(id);
    }
  });

  test('every rule has one source file and one test file, and complete metadata', () => {
    const srcDir = path.join(__dirname, '..', '..', 'src', 'audit', 'rules');
    const files = fs.readdirSync(srcDir).filter(f => f !== 'index.ts').map(f => f.replace(/\.ts$/, '')).sort();
    expect(files).toEqual(EXPECTED_IDS.map(id => id.replace(/^SB-/, '').toLowerCase()).sort());
    const tests = fs.readdirSync(path.join(__dirname, 'rules')).map(f => f.replace(/\.test\.ts$/, '')).sort();
    expect(tests).toEqual(files);
    for (const r of ALL_RULES) {
      expect(r.description).toMatch(/\.$/);
      expect(r.fix).toMatch(/\.$/);
      expect(['error', 'warning']).toContain(r.severity);
      expect(r.area.length).toBeGreaterThan(0);
    }
  });

  test('the README states the number of rules', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    expect(/hardened \((\d+) rules/.exec(readme)?.[1]).toBe(String(ALL_RULES.length));
  });

  test('RULES.md is current (regenerate with `npx ts-node scripts/gen-rules.ts`)', () => {
    const file = path.join(__dirname, '..', '..', 'RULES.md');
    expect(fs.readFileSync(file, 'utf-8')).toBe(renderRulesMarkdown());
  });
});
