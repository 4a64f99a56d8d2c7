import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-SECRET-ENV-REF', () => {
  test('compliant workloads pass (Secret mounted as a file, ConfigMap in env)', () => {
    const spec = compliantPodSpec();
    spec.volumes = [{ name: 'db', secret: { secretName: 'db' } }];
    spec.containers[0].env = [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }];
    spec.containers[0].envFrom = [{ configMapRef: { name: 'cfg' } }];
    expect(findings(RuleIds.SECRET_ENV_REF, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags secretKeyRef and envFrom secretRef', () => {
    const spec = compliantPodSpec();
    spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    spec.containers[0].envFrom = [{ secretRef: { name: 'all-secrets' } }];
    expect(findings(RuleIds.SECRET_ENV_REF, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].envFrom[0].secretRef', message: 'container "web" loads Secret "all-secrets" into its environment (envFrom)' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef', message: 'container "web" reads Secret "db" into environment variable "DB_PASSWORD"' },
    ]);
  });
});
