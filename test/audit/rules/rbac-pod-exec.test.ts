import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('SB-RBAC-POD-EXEC', () => {
  test('reading pods and logs passes', () => {
    expect(findings(RuleIds.RBAC_POD_EXEC, [role('r', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }])])).toEqual([]);
  });

  test('flags exec, attach and portforward (also via */subresource)', () => {
    const objects = [
      role('debug', [{ apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['create'] }]),
      role('tunnel', [{ apiGroups: [''], resources: ['*/portforward'], verbs: ['get', 'create'] }]),
    ];
    expect(findings(RuleIds.RBAC_POD_EXEC, objects)).toEqual([
      { object: 'Role/shop/debug', jsonPath: 'rules[0]', message: 'rules[0] grants create on pods/exec; create on pods/attach' },
      { object: 'Role/shop/tunnel', jsonPath: 'rules[0]', message: 'rules[0] grants get, create on pods/portforward' },
    ]);
  });

  // Issue #14: kubectl debug adds a container to a running pod.
  test('flags update and patch on pods/ephemeralcontainers, not reading them', () => {
    const objects = [
      role('debugger', [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] }]),
      role('reader', [{ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['get'] }]),
    ];
    expect(findings(RuleIds.RBAC_POD_EXEC, objects)).toEqual([
      { object: 'Role/shop/debugger', jsonPath: 'rules[0]', message: 'rules[0] grants patch on pods/ephemeralcontainers' },
    ]);
  });
});
