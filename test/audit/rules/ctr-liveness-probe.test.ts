import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, findings } from '../util';

describe('SB-CTR-LIVENESS-PROBE', () => {
  test('compliant workloads pass; Jobs are exempt', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].livenessProbe;
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: { spec } } };
    expect(findings(RuleIds.CTR_LIVENESS_PROBE, [...compliantBundle(), job])).toEqual([]);
  });

  test('flags long-running containers without a liveness probe', () => {
    const spec = compliantPodSpec();
    delete spec.containers[0].livenessProbe;
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { template: { spec } } };
    expect(findings(RuleIds.CTR_LIVENESS_PROBE, [sts])).toEqual([
      { object: 'StatefulSet/shop/db', jsonPath: 'spec.template.spec.containers[0].livenessProbe', message: 'container "web" has no livenessProbe' },
    ]);
  });
});
