import { auditManifests, runAudit } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, deployment, findings, namespace, scaffold, serviceAccount } from '../util';

describe('SB-META-DUPLICATE', () => {
  test('compliant: same name in another namespace, another kind or another API group is not a duplicate', () => {
    const foreign = { ...deployment(), apiVersion: 'example.com/v1' };
    const sa = { ...serviceAccount(), metadata: { name: 'web', namespace: 'shop' } };
    expect(findings(RuleIds.META_DUPLICATE, [...compliantBundle(), ...scaffold('other'), deployment('web', 'other'), foreign, { ...sa, kind: 'ConfigMap' }])).toEqual([]);
  });

  test('every repeat is reported; the last names what it shadows, a middle one that it is shadowed too', () => {
    const r = runAudit([
      { manifest: deployment(), file: 'a.yaml' },
      { manifest: deployment(), file: 'a.yaml' },
      { manifest: { apiVersion: 'v1', kind: 'List', items: [deployment()] }, file: 'b.yaml' },
    ]);
    expect(r.findings.filter(f => f.ruleId === RuleIds.META_DUPLICATE).map(f => f.message)).toEqual([
      'kubectl apply keeps only the last: Deployment/shop/web at a.yaml document 2 repeats the definition at a.yaml document 1 and is itself shadowed by the one at b.yaml document 1 items[0]',
      'kubectl apply keeps only the last: Deployment/shop/web at b.yaml document 1 items[0] shadows the 2 definitions at a.yaml document 1, a.yaml document 2',
    ]);
  });

  test('another apiVersion of the same group is the same object; cluster-scoped kinds ignore a namespace', () => {
    const v1beta1 = { ...deployment(), apiVersion: 'apps/v1beta1' };
    const nsInNs = { ...namespace(), metadata: { ...namespace().metadata, namespace: 'default' } };
    expect(findings(RuleIds.META_DUPLICATE, [deployment(), v1beta1, namespace(), nsInNs]).map(f => f.object)).toEqual([
      'Deployment/shop/web', 'Namespace/default/shop',
    ]);
  });

  test('construct paths name the constructs; a shadowed object can be acknowledged on itself', () => {
    const later = deployment();
    later.metadata.annotations = { 'ack.cdk8s-secure-baseline.io/SB-META-DUPLICATE': 'the overlay replaces the base on purpose, reviewed in SEC-12' };
    const r = runAudit([{ manifest: deployment(), constructPath: 'app/base/web' }, { manifest: later, constructPath: 'app/overlay/web' }]);
    expect(r.findings.filter(f => f.ruleId === RuleIds.META_DUPLICATE).map(f => [f.ruleId, f.message, f.acknowledged])).toEqual([
      ['SB-META-DUPLICATE', 'kubectl apply keeps only the last: Deployment/shop/web at construct "app/overlay/web" shadows the definition at construct "app/base/web"', true],
    ]);
  });

  test('objects without a name are not identities', () => {
    expect(findings(RuleIds.META_DUPLICATE, [{ kind: 'Thing' }, { kind: 'Thing' }])).toEqual([]);
    expect(auditManifests([{ kind: 'Thing' }, { kind: 'Thing' }]).objectCount).toBe(2);
  });
});
