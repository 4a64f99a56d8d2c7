import { ApiObject, Chart, Testing } from 'cdk8s';
import { auditManifests } from '../../src/audit/engine';
import { RuleIds } from '../../src/audit/rule-ids';
import { isLiteralSecretCandidate, maySecretName, nameWords, secretEnv, secretNameReason, secretNamedLiteral, secretSettings, secretValueReason } from '../../src/audit/secret-detector';
import { PodHardening } from '../../src/pod-hardening';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

/**
 * One table for the one detector: each row is run against the detector, PodHardening (the
 * construct layer every workload goes through), the construct-time env check of the workloads
 * and the audit rule SB-SECRET-ENV-LITERAL, so that they can never disagree.
 * [name, literal value, flagged because of ('name' | 'value' | false)]
 */
const CASES: Array<[string, string, 'name' | 'value' | false]> = [
  // Passwords, by word.
  ['DB_PASSWORD', 'hunter2', 'name'],
  ['PGPASSWORD', 'hunter2', 'name'],
  ['MYSQL_ROOT_PASSWORD', 'hunter2', 'name'],
  ['DB_PASS', 'hunter2', 'name'],
  ['SMTP_PASSWD', 'hunter2', 'name'],
  ['db.password', 'hunter2', 'name'],
  ['redisPassword', 'hunter2', 'name'],
  ['BASIC_AUTH', 'user:hunter2', 'name'],
  // Tokens and secrets.
  ['GITHUB_TOKEN', 'abc', 'name'],
  ['AWS_SESSION_TOKEN', 'abc', 'name'],
  ['CLIENT_SECRET', 'abc', 'name'],
  ['SECRET_KEY_BASE', 'abc', 'name'],
  ['JWT', 'abc', 'name'],
  ['BEARER', 'abc', 'name'],
  ['aws-secret-access-key', 'abc', 'name'],
  ['GOOGLE_APPLICATION_CREDENTIALS', '{"type": "service_account"}', 'name'],
  // Keys: only with a word that makes them credentials.
  ['API_KEY', 'abc', 'name'],
  ['stripeApiKey', 'abc', 'name'],
  ['OPENAI_APIKEY', 'abc', 'name'],
  ['STRIPE_KEY', 'abc', 'name'],
  ['AZURE_STORAGE_KEY', 'abc', 'name'],
  ['azure_batch_key', 'abc', 'name'],
  ['PRIVATE_KEY', 'abc', 'name'],
  ['SIGNING_KEY', 'abc', 'name'],
  ['MASTER_KEY', 'abc', 'name'],
  ['OCI_CLI_KEY_CONTENT', 'abc', 'name'],
  // Redis' password settings.
  ['requirepass', 'foobared', 'name'],
  ['REDIS_MASTERAUTH', 'foobared', 'name'],
  // Credentials in values, whatever the name.
  ['DATABASE_URL', 'postgres://admin:hunter2@db.shop.svc:5432/shop', 'value'],
  ['BROKER', 'amqp://guest:guest@rabbitmq:5672/', 'value'],
  ['TLS_KEY', PEM, 'value'],
  ['CONFIG', `{"private_key": "${PEM.replace(/\n/g, '\\n')}"}`, 'value'],
  ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', 'value'],
  ['UPLOADER', 'ghp_0123456789abcdefghijklmnopqrstuvwxyZ', 'value'],
  ['NOTIFY', 'xoxb-123456789012-abcdefghijkl', 'value'],
  ['SESSION', JWT, 'value'],
  ['KAFKA_SASL_JAAS_CONFIG', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";', 'value'],
  ['KAFKA_SASL_JAAS_CONFIG', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${file:/etc/kafka/pw.properties:pw}";', false],
  // Not secrets: paths, files and settings about secrets.
  ['POSTGRES_PASSWORD_FILE', '/run/secrets/db/password', false],
  ['GOOGLE_APPLICATION_CREDENTIALS', '/var/run/secrets/gcp/key.json', false],
  ['AWS_SHARED_CREDENTIALS_FILE', '/etc/aws/credentials', false],
  ['TOKEN_PATH', '/var/run/secrets/tokens/token', false],
  ['SSL_KEY_DIR', '/etc/tls', false],
  ['MAX_TOKENS', '4096', false],
  ['NUM_TOKENS', '100', false],
  ['TOKENIZERS_PARALLELISM', 'false', false],
  ['PASSWORD_MIN_LENGTH', '12', false],
  ['TOKEN_TTL', '3600', false],
  ['JWT_ISSUER', 'https://auth.example.com', false],
  ['JWT_PUBLIC_KEY', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', false],
  ['STRIPE_PUBLISHABLE_KEY', 'pk_live_abc', false],
  ['NEXT_PUBLIC_MAPS_API_KEY', 'AIzaSy-public', false],
  ['SECRET_NAME', 'db-credentials', false],
  ['AUTH_MODE', 'oidc', false],
  ['AUTHOR', 'jane', false],
  ['KEYCLOAK_URL', 'https://keycloak.example.com', false],
  ['DATABASE_URL', 'postgres://db.shop.svc:5432/shop', false],
  ['DATABASE_URL', 'postgres://app@db.shop.svc:5432/shop', false],
  ['DATABASE_URL', 'postgres://app:$(DB_PASSWORD)@db:5432/shop', false],
  ['CACHE_KEY', 'v2', false],
  ['PARTITION_KEY', 'tenant', false],
  ['PASS_THROUGH', 'true', false],
  ['PWD', '/app', false],
  ['LOG_LEVEL', 'info', false],
  ['SECRET', '', false],
];

function podManifest(name: string, value: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'c', image: 'x:1', env: [{ name, value }] }] },
  };
}

function hardened(name: string, value: string, notSecretEnv?: Record<string, string>): () => any {
  const chart = new Chart(Testing.app(), 'test');
  const pod = new ApiObject(chart, 'pod', podManifest(name, value));
  PodHardening.apply(pod, { notSecretEnv });
  return () => Testing.synth(chart)[0];
}

function auditFindings(manifest: any) {
  return auditManifests([manifest]).findings.filter((f) => f.ruleId === RuleIds.SECRET_ENV_LITERAL && !f.acknowledged);
}

describe('one secret detector for constructs and audit', () => {
  test('the table has at least 40 rows', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES)('%s=%j → %s', (name, value, flagged) => {
    const found = secretEnv(name, value);
    expect(found ? (found.byName ? 'name' : 'value') : false).toBe(flagged);
    // The audit.
    expect(auditFindings(podManifest(name, value)).length).toBe(flagged ? 1 : 0);
    // PodHardening, on any workload.
    if (flagged) expect(hardened(name, value)).toThrow(`test/pod: container "c" has env var ${JSON.stringify(name)} with a literal value that looks like a secret: ${found!.why}.`);
    else expect(hardened(name, value)).not.toThrow();
    // The construct-time check of the library's workloads.
    const scope = new Chart(Testing.app(), 'test');
    if (flagged) expect(() => PodHardening._checkEnv(scope, { [name]: value })).toThrow(`test: env var ${JSON.stringify(name)} looks like a secret: ${found!.why}.`);
    else expect(() => PodHardening._checkEnv(scope, { [name]: value })).not.toThrow();
  });

  test('names are split into words on _ - . and camelCase', () => {
    expect(nameWords('stripeApiKey')).toEqual(['stripe', 'api', 'key']);
    expect(nameWords('OPENAIApiKey')).toEqual(['openai', 'api', 'key']);
    expect(nameWords('db.password-file_x')).toEqual(['db', 'password', 'file', 'x']);
  });

  test('valueFrom is never a literal', () => {
    const m = podManifest('DB_PASSWORD', 'x');
    m.spec.containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } } as any];
    expect(auditFindings(m)).toEqual([]);
  });
});

describe('declaring a flagged name not secret, with a reason', () => {
  const REASON = 'names the password policy (strict or lax); the password itself is mounted from a Secret';

  test('PodHardening writes the annotation and the audit accepts it back', () => {
    const json = hardened('PASSWORD_POLICY_NAME_STRICT', 'strict', { PASSWORD_POLICY_NAME_STRICT: REASON })();
    expect(json.metadata.annotations).toEqual({ 'not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_NAME_STRICT': REASON });
    expect(auditFindings(json)).toEqual([]);
  });

  test('the audit reads the annotation on hand-written manifests; a bad reason is refused in both', () => {
    const key = 'not-secret.cdk8s-secure-baseline.io/DB_PASS';
    expect(auditFindings(podManifest('DB_PASS', 'hunter2', { [key]: REASON }))).toEqual([]);
    expect(auditFindings(podManifest('DB_PASS', 'hunter2', { [key]: 'todo' })).map((f) => f.message)).toEqual([
      'container "c" sets environment variable "DB_PASS" to a literal value that looks like a secret: its name (the word "pass"); '
      + 'the reason "todo" in not-secret.cdk8s-secure-baseline.io/DB_PASS is too short (4 characters, 1 word; at least 20 characters and 3 words are required)',
    ]);
    const chart = new Chart(Testing.app(), 'test');
    const pod = new ApiObject(chart, 'pod', podManifest('DB_PASS', 'hunter2', { [key]: 'todo' }));
    PodHardening.apply(pod);
    expect(() => Testing.synth(chart)).toThrow(
      'test/pod: container "c" has env var "DB_PASS" with a literal value that looks like a secret: its name (the word "pass"), '
      + 'and the reason "todo" in not-secret.cdk8s-secure-baseline.io/DB_PASS is too short (4 characters, 1 word; at least 20 characters and 3 words are required). '
      + 'Fix: never put secret values in manifests: reference a Secret and mount it as a read-only file. '
      + 'If the value is not a secret, say why with notSecretEnv: { DB_PASS: \'<reason>\' } (written as the annotation not-secret.cdk8s-secure-baseline.io/DB_PASS)');
  });

  test('a value in a credential format cannot be declared not secret', () => {
    const value = 'postgres://admin:hunter2@db/shop';
    expect(hardened('DB_PASS', value, { DB_PASS: REASON })).toThrow(
      'test/pod: container "c" has env var "DB_PASS" with a literal value that looks like a secret: its value (a URL with a password). '
      + 'Fix: never put secret values in manifests: reference a Secret and mount it as a read-only file');
    expect(auditFindings(podManifest('DB_PASS', value, { 'not-secret.cdk8s-secure-baseline.io/DB_PASS': REASON }))).toHaveLength(1);
  });

  test('bad or stale notSecretEnv entries are errors', () => {
    const scope = () => new Chart(Testing.app(), 'test');
    expect(() => PodHardening._checkEnv(scope(), { DB_PASS: 'x' }, { DB_PASS: 'todo' })).toThrow(
      'test: the reason for treating env var "DB_PASS" as not secret "todo" is empty or trivial. Fix: explain in at least 20 characters and 3 words');
    expect(() => PodHardening._checkEnv(scope(), { LOG_LEVEL: 'info' }, { LOG_LEVEL: REASON })).toThrow(
      'test: notSecretEnv gives a reason for env var "LOG_LEVEL", which does not look like a secret. Fix: remove it from notSecretEnv: only names the detector flags need a reason');
    expect(() => PodHardening._checkEnv(scope(), {}, { DB_PAS: REASON })).toThrow(
      'test: notSecretEnv names "DB_PAS", which is not an env var of the workload. Fix: remove it from notSecretEnv, or correct its spelling');
    expect(() => PodHardening._checkEnv(scope(), { _DB_PASS: 'x' }, { _DB_PASS: REASON })).toThrow(
      'test: notSecretEnv name "_DB_PASS" cannot be an annotation name (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)');
    expect(hardened('LOG_LEVEL', 'info', { LOG_LEVEL: REASON })).toThrow(
      'test/pod: notSecretEnv gives a reason for env var "LOG_LEVEL", but no container sets it to a literal value that looks secret. Fix: remove it from notSecretEnv');
    expect(PodHardening._checkEnv(scope(), { DB_PASS: 'x' }, { DB_PASS: REASON })).toEqual({ 'not-secret.cdk8s-secure-baseline.io/DB_PASS': REASON });
  });
});

describe('the detector outside env vars (SB-SECRET-LITERAL)', () => {
  test('the cheap name and value tests never drop what the full tests find', () => {
    for (const [name, value, flagged] of CASES) {
      if (secretNameReason(name) !== undefined) expect(maySecretName(name)).toBe(true);
      if (flagged === 'value') expect(secretValueReason(value)).toBeDefined();
    }
    expect(secretValueReason('a://b:c@')).toBe('a URL with a password');
    expect(secretValueReason('x+a://b:c@')).toBe('a URL with a password');
    expect(secretValueReason('_a://b:c@')).toBeUndefined(); // no word boundary before the scheme
    expect(secretValueReason('1a://b:c@ 2://b:c@')).toBeUndefined();
    expect(secretValueReason('see https://docs.example.com/a and redis://u:hunter2@cache:6379')).toBe('a URL with a password');
    // A password without a user (Redis' AUTH): still a password.
    expect(secretValueReason('redis://:hunter2@cache:6379/0')).toBe('a URL with a password');
    expect(secretValueReason('redis://:${REDIS_PASSWORD}@cache:6379')).toBeUndefined();
    expect(secretValueReason('http://proxy:3128/path@x')).toBeUndefined();
  });

  test.each([
    ['hunter2', true], ['sk_live_x', true], ['', false], ['  ', false], ['${DB_PASSWORD}', false], ['$(DB_PASSWORD)', false], ['$DB_PASSWORD', false], ['$oidc.keycloak.clientSecret', false], ['$argocd-secret:dex.github.clientSecret', false],
    ['{{ .Values.password }}', false], ['<your password>', false], ['ENC[AES256_GCM,data:abc]', false], ['/run/secrets/db', false], ['./key', false],
    ['true', false], ['Off', false], ['null', false], ['~', false], ['4096', false], ['-1.5e3', false], ['********', false], ['changeme', true],
  ])('%j is a literal that can carry a secret: %s', (value, literal) => {
    expect(isLiteralSecretCandidate(value)).toBe(literal);
    expect(secretNamedLiteral('DB_PASSWORD', value) !== undefined).toBe(literal);
  });

  test('settings of configuration files, by key, conservatively', () => {
    const text = [
      'db:',
      '  password: hunter2   # local',
      '  password_file: /run/secrets/db',
      '  passwordRef: ${DB_PASSWORD}',
      '  token:',
      '    value: x',
      '# secret: hunter2',
      'export API_KEY="abc123"',
      '  "clientSecret": "s3cr3t",',
      'admin_password = hunter2',
      'key: value',
      'apiKey: |',
      '  multi-line',
      'MAX_TOKENS=100',
      '- secret: !vault |',
    ].join('\n');
    expect(secretSettings(text).map((s) => [s.line, s.name, s.found.why])).toEqual([
      [2, 'password', 'its name (the word "password")'],
      [8, 'API_KEY', 'its name (the words "api" and "key")'],
      [9, 'clientSecret', 'its name (the word "secret")'],
      [10, 'admin_password', 'its name (the word "password")'],
    ]);
    expect(secretSettings('password: hunter2', { 'not-secret.cdk8s-secure-baseline.io/password': REASON_FOR_SETTINGS })).toEqual([]);
  });
});

const REASON_FOR_SETTINGS = 'the demo fixture of the docs; the real password comes from a Secret';
