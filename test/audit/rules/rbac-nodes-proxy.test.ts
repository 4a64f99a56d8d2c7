import { RuleIds } from '../../../src/audit/rule-ids';
import { clusterRole, findings } from '../util';

describe('SB-RBAC-NODES-PROXY', () => {
  test('reading nodes passes', () => {
    expect(findings(RuleIds.RBAC_NODES_PROXY, [clusterRole('r', [{ apiGroups: [''], resources: ['nodes', 'nodes/metrics'], verbs: ['get'] }])])).toEqual([]);
  });

  test('flags nodes/proxy', () => {
    expect(findings(RuleIds.RBAC_NODES_PROXY, [clusterRole('scraper', [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }])])).toEqual([
      { object: 'ClusterRole/scraper', jsonPath: 'rules[0]', message: 'rules[0] grants get on nodes/proxy' },
    ]);
  });
});
