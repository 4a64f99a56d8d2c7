import { DiffChange, SecurityDiff } from '../../src';
import { failingItems } from '../../src/diff/cli';

const pod = (privileged: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'x', namespace: 'shop' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      image: 'registry.example.com/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      securityContext: { privileged, allowPrivilegeEscalation: privileged, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    }],
  },
});

/** [change, ruleId, subject] of the audit items. */
const auditRows = (r: ReturnType<typeof SecurityDiff.betweenManifests>) =>
  r.items.filter((i) => i.category === 'audit').map((i) => [i.change, i.ruleId, i.subject]);

describe('security diff: repeated identities (kubectl apply keeps the last copy, Helm and kubectl create the first)', () => {
  test('a privileged copy hidden before a harmless one is no clean diff: the audit judges every copy', () => {
    const r = SecurityDiff.betweenManifests([pod(false)], [pod(true), pod(false)]);
    expect(r.changedObjects).toBe(1);
    const rows = auditRows(r);
    expect(rows).toContainEqual([DiffChange.FINDING_INTRODUCED, 'SB-META-DUPLICATE', 'Pod shop/x']);
    expect(rows.filter((x) => x[1] === 'SB-PSS-PRIVILEGED')).toHaveLength(1);
    expect(failingItems(r, ['new-findings']).length).toBeGreaterThan(0);
  });

  test('the same copies on both sides: no change; another earlier copy: a change', () => {
    expect(SecurityDiff.betweenManifests([pod(true), pod(false)], [pod(true), pod(false)]).items).toEqual([]);
    const r = SecurityDiff.betweenManifests([pod(false), pod(false)], [pod(true), pod(false)]);
    expect(r.changedObjects).toBe(1);
    expect(auditRows(r).map((x) => x[1])).toContain('SB-PSS-PRIVILEGED');
  });

  test('dropping the earlier copy resolves what it brought', () => {
    const r = SecurityDiff.betweenManifests([pod(true), pod(false)], [pod(false)]);
    expect(auditRows(r)).toContainEqual([DiffChange.FINDING_RESOLVED, 'SB-META-DUPLICATE', 'Pod shop/x']);
    expect(r.weakens).toBe(false);
  });
});
