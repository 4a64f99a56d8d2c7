/**
 * Adversarial: `resourceNames: [""]`. The RBAC authorizer compares the request's object name with
 * each entry (`ResourceNameMatches`: `ruleName == requestedName`), and a request that names no
 * object (create, list, watch of a collection, deletecollection) has the name "". So an entry ""
 * lifts the restriction for exactly those requests: `list` on secrets with `resourceNames: [""]`
 * lists every Secret, `create` on pods creates any Pod. The API server accepts the entry (it
 * validates verbs, apiGroups and resources only). No object is named "", so a rule holding it is
 * read as not restricted by name, by the audit and by its CEL twins alike.
 */
import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, role } from '../util';

describe('an empty resourceName grants the requests that name no object', () => {
  test('list on secrets', () => {
    expect(findings(RuleIds.RBAC_SECRETS, [role('lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'], resourceNames: [''] }])]).map((f) => f.message))
      .toEqual(['rules[0] grants list on secrets']);
  });

  test('create on pods and on deployments', () => {
    const r = findings(RuleIds.RBAC_WORKLOAD_CREATE, [role('creator', [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['create'], resourceNames: ['web', ''] }])]);
    expect(r.map((f) => f.message)).toEqual(['rules[0] grants create on pods; create on apps/deployments']);
  });

  test('names that are not empty still restrict (the audit and the twin agree)', () => {
    expect(findings(RuleIds.RBAC_SECRETS, [role('named', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'get'], resourceNames: ['db'] }])])).toEqual([]);
  });
});
