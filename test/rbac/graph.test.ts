/**
 * Effective RBAC: subjects matched as the RBAC authorizer matches them, roles resolved by reference.
 */
import { AuditContext } from '../../src/audit/context';
import { RbacGraph, selectorMatches, serviceAccountIdentity, subjectApplies } from '../../src/rbac/graph';
import { binding, clusterRole, role } from '../audit/util';

const graphOf = (manifests: any[]) => RbacGraph.of(new AuditContext(manifests.map((manifest) => ({ manifest })), {}));
const web = serviceAccountIdentity('shop', 'web');

describe('subjects', () => {
  test('a ServiceAccount subject without namespace means the RoleBinding\'s namespace; a ClusterRoleBinding needs one', () => {
    const g = graphOf([
      binding('RoleBinding', 'a', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'web' }]),
      binding('ClusterRoleBinding', 'b', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web' }]),
      role('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    ]);
    expect(g.grantsTo(web).map((x) => x.binding.name)).toEqual(['a']);
  });

  test('the service account\'s user name and its groups match too; other spellings do not', () => {
    const subjects = [
      { kind: 'User', name: 'system:serviceaccount:shop:web' },
      { kind: 'Group', name: 'system:serviceaccounts' },
      { kind: 'Group', name: 'system:serviceaccounts:shop' },
      { kind: 'Group', name: 'system:authenticated' },
    ];
    for (const s of subjects) expect(subjectApplies(s, web)).toBe(true);
    const others = [
      { kind: 'Group', name: 'system:serviceaccounts:other' },
      { kind: 'User', name: 'system:serviceaccount:shop:Web' },
      { kind: 'serviceaccount', name: 'web', namespace: 'shop' },
      { kind: 'ServiceAccount', name: 'web', namespace: 'other' },
      { kind: 'Group', name: 'system:unauthenticated' },
    ];
    for (const s of others) expect(subjectApplies(s, web)).toBe(false);
  });
});

describe('roles', () => {
  test('a RoleBinding to a Role of another namespace grants nothing; a missing role resolves to nothing', () => {
    const g = graphOf([
      role('r', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'other'),
      binding('RoleBinding', 'a', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'web' }]),
      binding('RoleBinding', 'b', { kind: 'ClusterRole', name: 'not-there' }, [{ kind: 'ServiceAccount', name: 'web' }]),
    ]);
    expect(g.bindings.map((b) => [b.binding.name, b.role?.name, b.rules.length])).toEqual([['a', undefined, 0], ['b', undefined, 0]]);
  });

  test('an app ClusterRole named like a built-in one holds both rule sets (the API server adds back what it lacks)', () => {
    const g = graphOf([clusterRole('view', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }])]);
    const rules = g.clusterRoleRules('view')!;
    expect(rules.some((r) => r.source.builtIn && r.source.obj !== undefined && r.rule.resources?.includes('secrets'))).toBe(true);
    expect(rules.some((r) => r.source.name === 'system:aggregate-to-view')).toBe(true);
  });

  test('aggregation cycles end, and a role never aggregates itself', () => {
    const a = { ...clusterRole('a', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'b' } }] } };
    a.metadata.labels = { x: 'a' };
    const b = { ...clusterRole('b', [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }]), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'a' } }] } };
    b.metadata.labels = { x: 'b' };
    const g = graphOf([a, b]);
    expect(g.clusterRoleRules('a')!.map((r) => r.rule.resources![0]).sort()).toEqual(['pods', 'services']);
    expect(g.clusterRoleRules('b')!.map((r) => r.rule.resources![0]).sort()).toEqual(['pods', 'services']);
  });
});

describe('label selectors', () => {
  test.each([
    [{}, {}, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { a: '1' }, false],
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels as Record<string, string>)).toBe(expected);
  });
});
