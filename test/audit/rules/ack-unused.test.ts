import { runAudit } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { rule } from '../../../src/audit/rules/ack-unused';
import { compact, compliantBundle } from '../util';

describe('SB-ACK-UNUSED', () => {
  test('the rule itself reports nothing; the engine reports unused construct acknowledgements', () => {
    expect(rule.check({} as any)).toEqual([]);
    const used = { ruleId: RuleIds.SVC_EXPOSED, reason: 'bare-metal cluster without a load balancer', constructPath: 'app/chart/web' };
    const unused = { ruleId: RuleIds.PSS_HOST_PATH, reason: 'node agent reads the host log directory', constructPath: 'app/chart/agent' };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'NodePort' } };
    const result = runAudit(
      [...compliantBundle().map(manifest => ({ manifest })), { manifest: svc, constructPath: 'app/chart/web/Resource', acknowledgements: [used] }],
      {},
      [used, unused],
    );
    expect(result.findings.map(compact)).toEqual([
      { object: 'construct:app/chart/agent', message: 'acknowledgement of SB-PSS-HOST-PATH on construct "app/chart/agent" (reason: "node agent reads the host log directory") matches no finding' },
      { object: 'Service/shop/web', jsonPath: 'spec.type', message: 'Service is of type NodePort', acknowledged: 'bare-metal cluster without a load balancer' },
    ]);
    expect(result.findings[0].severity).toBe('warning');
    expect(result.passed).toBe(true);
  });
});
