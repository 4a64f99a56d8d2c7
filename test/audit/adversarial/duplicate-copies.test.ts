/**
 * Adversarial: two objects with one identity (group, kind, namespace, name) and different content.
 * kubectl apply keeps the last, but Helm and `kubectl create` keep the first (creating the second
 * fails with AlreadyExists), and a later apply cannot change immutable fields (a Pod's spec, a
 * Job's template), so the earlier copy stays. The audit must judge every copy, not only the
 * harmless last one; SB-META-DUPLICATE alone (which can be acknowledged or disabled) is not enough.
 */
import { IAuditRule, SecurityAudit, Severity } from '../../../src';
import { runAudit } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { run, useTempDir, writeFile } from '../../cli/util';
import { clone, compliantPodSpec, deployment, scaffold } from '../util';

const ACK_DUPLICATE = { 'ack.cdk8s-secure-baseline.io/SB-META-DUPLICATE': 'the overlay replaces the base on purpose, reviewed in SEC-12' };

function privilegedPod(): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec };
}

function harmlessPod(): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', annotations: ACK_DUPLICATE }, spec: compliantPodSpec() };
}

const ids = (r: ReturnType<typeof runAudit>) => r.findings.filter((f) => !f.acknowledged).map((f) => `${f.ruleId} ${f.resource?.kind}/${f.resource?.name} ${f.file}`);

describe('every copy of a repeated identity is judged', () => {
  test('a privileged Pod shadowed by a compliant one (duplicate acknowledged) still fails', () => {
    const r = runAudit([...scaffold().map((manifest) => ({ manifest, file: 'base.yaml' })),
      { manifest: privilegedPod(), file: 'a.yaml' }, { manifest: harmlessPod(), file: 'b.yaml' }]);
    expect(ids(r)).toEqual([`${RuleIds.PSS_PRIVILEGED} Pod/p a.yaml`]);
    expect(r.passed).toBe(false);
  });

  test('the order does not matter: a compliant copy first, a privileged one last', () => {
    const last = privilegedPod();
    last.metadata.annotations = ACK_DUPLICATE;
    const r = runAudit([...scaffold().map((manifest) => ({ manifest })), { manifest: harmlessPod(), file: 'a.yaml' }, { manifest: last, file: 'b.yaml' }]);
    expect(ids(r)).toEqual([`${RuleIds.PSS_PRIVILEGED} Pod/p b.yaml`]);
  });

  test('a cluster-admin binding shadowed by a view binding', () => {
    const binding = (role: string, annotations?: any) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ops', ...(annotations ? { annotations } : {}) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
    });
    const r = runAudit([{ manifest: binding('cluster-admin'), file: 'a.yaml' }, { manifest: binding('view', ACK_DUPLICATE), file: 'b.yaml' }]);
    expect(ids(r)).toContain(`${RuleIds.RBAC_CLUSTER_ADMIN} ClusterRoleBinding/ops a.yaml`);
  });

  test('relations are judged in the world where the earlier copy is kept: a Role with secrets behind a binding', () => {
    const role = (resources: string[], annotations?: any) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'shop', ...(annotations ? { annotations } : {}) },
      rules: [{ apiGroups: [''], resources, verbs: ['get'] }],
    });
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
    };
    const r = runAudit([{ manifest: role(['secrets']), file: 'a.yaml' }, { manifest: role(['configmaps'], ACK_DUPLICATE), file: 'b.yaml' }, { manifest: binding, file: 'c.yaml' }]);
    expect(ids(r)).toContain(`${RuleIds.RBAC_SECRETS} Role/r a.yaml`);
  });

  test('identical copies: the findings of the copy the cluster keeps (an identical earlier copy makes the same world, judged once)', () => {
    const r = runAudit([...scaffold().map((manifest) => ({ manifest })), { manifest: privilegedPod(), file: 'a.yaml' }, { manifest: privilegedPod(), file: 'b.yaml' }]);
    expect(ids(r).sort()).toEqual([`${RuleIds.META_DUPLICATE} Pod/p b.yaml`, `${RuleIds.PSS_PRIVILEGED} Pod/p b.yaml`]);
  });

  test('compliant copies add nothing but SB-META-DUPLICATE; objects are counted once per copy', () => {
    const later = clone(deployment());
    const r = runAudit([...scaffold(), deployment(), later].map((manifest) => ({ manifest })));
    expect(ids(r)).toEqual([`${RuleIds.META_DUPLICATE} Deployment/web undefined`]);
    expect(r.objectCount).toBe(5);
  });

  describe('CLI', () => {
    const dir = useTempDir('duplicate-copies');
    test('the privileged copy in another file fails the audit', () => {
      writeFile(dir(), 'base.yaml', scaffold());
      writeFile(dir(), 'a.yaml', [privilegedPod()]);
      writeFile(dir(), 'b.yaml', [harmlessPod()]);
      const r = run(['audit', '--no-config', '--format', 'json', '.']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.filter((f: any) => f.status !== 'acknowledged').map((f: any) => `${f.ruleId} ${f.file}`)).toEqual([`${RuleIds.PSS_PRIVILEGED} a.yaml`]);
    });
  });
});

describe('identical copies add no world', () => {
  test('the rules run once more per distinct earlier copy, not per copy', () => {
    let runs = 0;
    const counting: IAuditRule = {
      id: 'ACME-COUNT',
      severity: Severity.WARNING,
      description: 'Counts the rule runs of the tests.',
      fix: 'Nothing to fix.',
      check: () => { runs++; return []; },
    };
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { v } });
    const runsOf = (objects: any[]) => {
      runs = 0;
      SecurityAudit.auditManifests(objects, { rules: [counting] });
      return runs;
    };
    expect(runsOf([cm('1'), cm('1'), cm('1'), cm('1')])).toBe(1);
    expect(runsOf([cm('0'), cm('1'), cm('1'), cm('1')])).toBe(2);
    expect(runsOf([cm('0'), cm('2'), cm('1')])).toBe(3);
    // Each world is a whole audit: many differing copies cost at most 8 more, not one per copy.
    const many = Array.from({ length: 50 }, (_, i) => cm(String(i)));
    expect(runsOf(many)).toBe(9);
  });

  test('a differing copy past the worlds judged cannot have its SB-META-DUPLICATE acknowledged (fail closed)', () => {
    const acked = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: ACK_DUPLICATE }, data: { v } });
    const r = SecurityAudit.auditManifests(Array.from({ length: 12 }, (_, i) => acked(String(i))));
    const dup = r.findings.filter((f) => f.ruleId === RuleIds.META_DUPLICATE);
    expect(dup).toHaveLength(11);
    // Copies 1..8 were each judged as the kept one (and the last is kept): their acknowledgement holds.
    expect(dup.filter((f) => f.acknowledged)).toHaveLength(8);
    const open = dup.filter((f) => !f.acknowledged);
    expect(open).toHaveLength(3);
    expect(open[0].message).toContain('one of more than 9 differing copies: the audit judges the first 8 and the last each as the kept one, not this one, so no acknowledgement covers it; define the object once');
  });
});
