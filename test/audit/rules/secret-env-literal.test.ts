import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-SECRET-ENV-LITERAL', () => {
  test('compliant workloads pass (harmless names, file paths, references)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].env = [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db/password' },
      { name: 'TOKEN_TTL', value: '3600' },
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'api', key: 'key' } } },
      { name: 'SECRET', value: '' },
    ];
    expect(findings(RuleIds.SECRET_ENV_LITERAL, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags literal values of secret-looking variables', () => {
    const spec = compliantPodSpec();
    spec.containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'stripeApiKey', value: 'sk_live_x' }, { name: 'PORT', value: '8080' }];
    expect(findings(RuleIds.SECRET_ENV_LITERAL, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].env[0].value', message: 'container "web" sets environment variable "DB_PASSWORD" to a literal value that looks like a secret: its name (the word "password")' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].env[1].value', message: 'container "web" sets environment variable "stripeApiKey" to a literal value that looks like a secret: its name (the words "api" and "key")' },
    ]);
  });

  test('name heuristics (the whole table is in test/audit/secret-detector.test.ts)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].env = ['GITHUB_TOKEN', 'aws-secret-access-key', 'CLIENT_SECRET', 'db.password', 'PRIVATE_KEY', 'PGPASSWORD', 'AUTHOR', 'KEYCLOAK_URL', 'SECRET_NAME', 'TOKEN_PATH', 'PASSWORD_LENGTH']
      .map((name) => ({ name, value: 'x' }));
    expect(findings(RuleIds.SECRET_ENV_LITERAL, [deployment('web', 'shop', spec)]).map((f: any) => f.jsonPath)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `spec.template.spec.containers[0].env[${i}].value`));
  });
});
