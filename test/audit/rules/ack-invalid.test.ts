import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const svc = (annotations: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { type: 'NodePort' } });

describe('SB-ACK-INVALID', () => {
  test('valid acknowledgement annotations and unrelated annotations pass', () => {
    expect(findings(RuleIds.ACK_INVALID, [svc({
      [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}SB-SVC-EXPOSED`]: 'bare-metal cluster without a load balancer, reviewed by netops',
      'example.com/owner': 'team-a',
    })])).toEqual([]);
  });

  test('flags unknown rule IDs and trivial reasons; the finding stays unacknowledged', () => {
    const objects = [svc({
      [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}SB-SVC-EXPOSD`]: 'bare-metal cluster without a load balancer, reviewed by netops',
      [`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}SB-SVC-EXPOSED`]: 'todo',
    })];
    expect(findings(RuleIds.ACK_INVALID, objects)).toEqual([
      { object: 'Service/shop/web', jsonPath: 'metadata.annotations.ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSD', message: 'annotation ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSD names an unknown rule ID "SB-SVC-EXPOSD"' },
      { object: 'Service/shop/web', jsonPath: 'metadata.annotations.ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED', message: 'annotation ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED has the reason "todo", which is too short (4 characters, 1 word; at least 20 characters and 3 words are required); SB-SVC-EXPOSED stays unacknowledged' },
    ]);
    expect(findings(RuleIds.SVC_EXPOSED, objects)).toEqual([{ object: 'Service/shop/web', jsonPath: 'spec.type', message: 'Service is of type NodePort' }]);
  });
});
