import { RuleIds } from '../../../src/audit/rule-ids';
import { run, useTempDir, writeFile } from '../../cli/util';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----\n';
const PUBLIC_KEY = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';
const GITHUB = 'ghp_0123456789abcdefghijklmnopqrstuvwxyZ';
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const REASON = 'names the password policy (strict or lax); the password itself is mounted from a Secret';

function configMap(data: Record<string, string>, annotations?: Record<string, string>, name = 'app'): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, data };
}

function withContainer(change: (c: any) => void, name = 'web'): any {
  const spec = compliantPodSpec();
  change(spec.containers[0]);
  return deployment(name, 'shop', spec);
}

const ctr = 'spec.template.spec.containers[0]';
const paths = (objects: any[]) => findings(RuleIds.SECRET_LITERAL, objects).map((f) => `${f.object} ${f.jsonPath}`);

describe('SB-SECRET-LITERAL', () => {
  test('compliant bundles and harmless ConfigMaps pass (references, paths, booleans, numbers, certificates, public keys)', () => {
    const cm = configMap({
      'LOG_LEVEL': 'info',
      'DB_PASSWORD': '${DB_PASSWORD}',
      'API_TOKEN': '$(API_TOKEN)',
      'DB_PASSWORD_FILE': '/run/secrets/db/password',
      'MAX_TOKENS': '4096',
      'AUTH_ENABLED': 'true',
      'SECRET_NAME': 'db-credentials',
      'CLIENT_SECRET': '********',
      'ca.crt': CERT,
      'public.pem': PUBLIC_KEY,
      'JWT_PUBLIC_KEY': PUBLIC_KEY,
      'DATABASE_URL': 'postgres://db.shop.svc:5432/shop',
      'BROKER_URL': 'amqp://app:${BROKER_PASSWORD}@rabbitmq:5672/',
      'CACHE_URL': 'redis://app:$(REDIS_PASSWORD)@redis:6379/0',
      'application.yaml': [
        'spring:',
        '  datasource:',
        '    url: jdbc:postgresql://db:5432/shop',
        '    username: shop',
        '    password: ${DB_PASSWORD}',
        '    password_file: /run/secrets/db/password',
        '  security:',
        '    token-ttl: 3600',
        '    max_tokens: 100',
        '    auth_enabled: true',
        '    api_key: "<set in the Secret>"',
        '    credentials:',
        '      path: /var/run/gcp/key.json',
        '    secret: ENC[AES256_GCM,data:q2Zx,type:str]',
        '# password: hunter2',
        'tokenizer: bert',
        '',
      ].join('\n'),
      'settings.json': '{\n  "passwordPolicy": "strict",\n  "tokenEndpoint": "https://auth.example.com/token",\n  "apiKey": "${API_KEY}"\n}\n',
    });
    expect(findings(RuleIds.SECRET_LITERAL, [...compliantBundle(), cm])).toEqual([]);
  });

  describe('ConfigMaps', () => {
    test('keys that look secret with literal values, and values in a credential format', () => {
      const cm = configMap({ 'DB_PASSWORD': 'hunter2', 'stripeApiKey': 'sk_live_x', 'tls.key': PEM, 'UPLOAD': GITHUB, 'PORT': '8080' });
      expect(findings(RuleIds.SECRET_LITERAL, [cm])).toEqual([
        { object: 'ConfigMap/shop/app', jsonPath: 'data.DB_PASSWORD', message: 'ConfigMap data key "DB_PASSWORD" holds a literal value that looks like a secret: its name (the word "password")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data.UPLOAD', message: 'ConfigMap data key "UPLOAD" holds a value that looks like a secret: its value (a GitHub token)' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data.stripeApiKey', message: 'ConfigMap data key "stripeApiKey" holds a literal value that looks like a secret: its name (the words "api" and "key")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data["tls.key"]', message: 'ConfigMap data key "tls.key" holds a value that looks like a secret: its value (a PEM private key)' },
      ]);
    });

    test('settings inside configuration files, by key (YAML, properties, dotenv, JSON, INI)', () => {
      const cm = configMap({
        'application.yaml': 'spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/shop\n    password: hunter2\n  mail:\n    password: "s3cr3t"\n',
        'app.properties': '# database\nspring.datasource.username=shop\nspring.datasource.password=hunter2\n',
        '.env': 'LOG_LEVEL=info\nexport API_KEY=abc123\n',
        'settings.json': '{\n  "clientSecret": "abc123",\n  "port": 8080\n}\n',
        'grafana.ini': '[security]\nadmin_password = hunter2\n',
        'config': 'aws_secret_access_key=wJalrXUtnFEMI',
      });
      expect(findings(RuleIds.SECRET_LITERAL, [cm])).toEqual([
        { object: 'ConfigMap/shop/app', jsonPath: 'data.config', message: 'ConfigMap data key "config" sets "aws_secret_access_key" on line 1 to a literal value that looks like a secret: its name (the word "secret")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data[".env"]', message: 'ConfigMap data key ".env" sets "API_KEY" on line 2 to a literal value that looks like a secret: its name (the words "api" and "key")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data["app.properties"]', message: 'ConfigMap data key "app.properties" sets "spring.datasource.password" on line 3 to a literal value that looks like a secret: its name (the word "password")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data["application.yaml"]', message: 'ConfigMap data key "application.yaml" sets "password" on line 4 (and 1 more line) to a literal value that looks like a secret: its name (the word "password")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data["grafana.ini"]', message: 'ConfigMap data key "grafana.ini" sets "admin_password" on line 2 to a literal value that looks like a secret: its name (the word "password")' },
        { object: 'ConfigMap/shop/app', jsonPath: 'data["settings.json"]', message: 'ConfigMap data key "settings.json" sets "clientSecret" on line 2 to a literal value that looks like a secret: its name (the word "secret")' },
      ]);
    });

    test('binaryData is decoded; Secrets are SB-SECRET-IN-MANIFEST\'s', () => {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin', namespace: 'shop' }, binaryData: { 'id_rsa': Buffer.from(PEM).toString('base64'), 'ca.der': Buffer.from(CERT).toString('base64') } };
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, stringData: { 'tls.key': PEM, 'password': 'hunter2' } };
      expect(findings(RuleIds.SECRET_LITERAL, [cm, secret])).toEqual([
        { object: 'ConfigMap/shop/bin', jsonPath: 'binaryData.id_rsa', message: 'ConfigMap binaryData key "id_rsa" holds a value that, decoded, looks like a secret: its value (a PEM private key)' },
      ]);
    });

    test('a not-secret annotation with a reason clears a name; acknowledgements accept the finding; values in a credential format stay', () => {
      const cleared = configMap({ PASSWORD_POLICY_SECRET: 'strict' }, { 'not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_SECRET': REASON }, 'cleared');
      const refused = configMap({ PASSWORD_POLICY_SECRET: 'strict' }, { 'not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_SECRET': 'todo' }, 'refused');
      const format = configMap({ TLS_KEY: PEM }, { 'not-secret.cdk8s-secure-baseline.io/TLS_KEY': REASON }, 'format');
      const acked = configMap({ DB_PASSWORD: 'demo' }, { 'ack.cdk8s-secure-baseline.io/SB-SECRET-LITERAL': 'throwaway password of the local demo database; never deployed' }, 'acked');
      expect(findings(RuleIds.SECRET_LITERAL, [cleared, refused, format, acked])).toEqual([
        { object: 'ConfigMap/shop/acked', jsonPath: 'data.DB_PASSWORD', message: 'ConfigMap data key "DB_PASSWORD" holds a literal value that looks like a secret: its name (the word "password")', acknowledged: 'throwaway password of the local demo database; never deployed' },
        { object: 'ConfigMap/shop/format', jsonPath: 'data.TLS_KEY', message: 'ConfigMap data key "TLS_KEY" holds a value that looks like a secret: its value (a PEM private key)' },
        { object: 'ConfigMap/shop/refused', jsonPath: 'data.PASSWORD_POLICY_SECRET', message: 'ConfigMap data key "PASSWORD_POLICY_SECRET" holds a literal value that looks like a secret: its name (the word "password"); the reason "todo" in not-secret.cdk8s-secure-baseline.io/PASSWORD_POLICY_SECRET is too short (4 characters, 1 word; at least 20 characters and 3 words are required)' },
      ]);
    });
  });

  describe('container command lines', () => {
    test('--name=value, -name=value, NAME=value, --name value and shell scripts, by name; every item by value', () => {
      const web = withContainer((c) => {
        c.command = ['app', '--token', 'abc123'];
        c.args = ['serve', '--verbose', '--db-password=hunter2', '-Dspring.datasource.password=hunter2', 'postgres://admin:hunter2@db:5432/shop'];
      });
      const job = withContainer((c) => {
        c.command = ['sh', '-c', 'PGPASSWORD=hunter2 psql -h db -c "select 1"'];
        c.livenessProbe = { exec: { command: ['healthcheck', '--api-key=abc123'] } };
        c.lifecycle = { preStop: { exec: { command: ['notify', `--url=https://hooks.example.com/${GITHUB}`] } } };
      }, 'job');
      expect(findings(RuleIds.SECRET_LITERAL, [web, job])).toEqual([
        { object: 'Deployment/shop/job', jsonPath: `${ctr}.command[2]`, message: 'container "web" passes "PGPASSWORD" a literal value in its command that looks like a secret: its name (the word "pgpassword")' },
        { object: 'Deployment/shop/job', jsonPath: `${ctr}.lifecycle.preStop.exec.command[1]`, message: 'container "web" has an item in its preStop command that looks like a secret: its value (a GitHub token)' },
        { object: 'Deployment/shop/job', jsonPath: `${ctr}.livenessProbe.exec.command[1]`, message: 'container "web" passes "--api-key" a literal value in its livenessProbe command that looks like a secret: its name (the words "api" and "key")' },
        { object: 'Deployment/shop/web', jsonPath: `${ctr}.args[2]`, message: 'container "web" passes "--db-password" a literal value in its args that looks like a secret: its name (the word "password")' },
        { object: 'Deployment/shop/web', jsonPath: `${ctr}.args[3]`, message: 'container "web" passes "-Dspring.datasource.password" a literal value in its args that looks like a secret: its name (the word "password")' },
        { object: 'Deployment/shop/web', jsonPath: `${ctr}.args[4]`, message: 'container "web" has an item in its args that looks like a secret: its value (a URL with a password)' },
        { object: 'Deployment/shop/web', jsonPath: `${ctr}.command[2]`, message: 'container "web" passes "--token" a literal value in its command that looks like a secret: its name (the word "token")' },
      ]);
    });

    test('references, paths, booleans, numbers and settings about secrets pass; env values are SB-SECRET-ENV-LITERAL\'s', () => {
      const web = withContainer((c) => {
        c.command = ['sh', '-c', 'exec app --password="$DB_PASSWORD" --token=${API_TOKEN}'];
        c.args = ['--password=$(DB_PASSWORD)', '--password-file=/run/secrets/db', '--token-ttl=3600', '--max-tokens=100', '--auth-enabled=true',
          '--authentication-token-webhook', '--token', '$(API_TOKEN)', '--database-url=postgres://db:5432/shop', '--secret-name=db-credentials'];
        c.env = [{ name: 'DATABASE_URL', value: 'postgres://admin:hunter2@db:5432/shop' }];
      });
      expect(findings(RuleIds.SECRET_LITERAL, [web])).toEqual([]);
      expect(findings(RuleIds.SECRET_ENV_LITERAL, [web]).map((f) => f.jsonPath)).toEqual([`${ctr}.env[0].value`]);
    });

    test('the workload\'s not-secret annotation clears a flag name', () => {
      const web = withContainer((c) => { c.args = ['--password-policy-secret=strict']; });
      web.metadata.annotations = { 'not-secret.cdk8s-secure-baseline.io/password-policy-secret': REASON };
      expect(findings(RuleIds.SECRET_LITERAL, [web])).toEqual([]);
    });
  });

  describe('every other string, by credential format', () => {
    test('annotations (the last-applied configuration too), labels, custom resources, pod templates, Secret metadata', () => {
      const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' }, data: { 'tls.key': PEM } });
      const cm = { ...configMap({ LOG_LEVEL: 'info' }), metadata: { name: 'app', namespace: 'shop', labels: { 'owner-key': AWS }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } } };
      const cr = { apiVersion: 'db.example.com/v1', kind: 'Database', metadata: { name: 'orders', namespace: 'shop' }, spec: { backups: [{ target: 's3://AKIAIOSFODNN7EXAMPLE:abc@bucket/path' }], env: [{ name: 'X', value: GITHUB }] } };
      const web = withContainer(() => undefined);
      web.spec.template.metadata.annotations = { 'example.com/deploy-token': GITHUB };
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop', annotations: { note: PEM } }, data: { key: Buffer.from(PEM).toString('base64') } };
      expect(findings(RuleIds.SECRET_LITERAL, [cm, cr, web, secret])).toEqual([
        { object: 'ConfigMap/shop/app', jsonPath: 'metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]', message: 'the copy of the object in annotation "kubectl.kubernetes.io/last-applied-configuration", at data["tls.key"]: ConfigMap data key "tls.key" holds a value that looks like a secret: its value (a PEM private key)' },
        { object: 'ConfigMap/shop/app', jsonPath: 'metadata.labels.owner-key', message: 'label "owner-key" holds a value that looks like a secret: its value (an AWS access key ID)' },
        { object: 'Database/shop/orders', jsonPath: 'spec.backups[0].target', message: 'field spec.backups[0].target holds a value that looks like a secret: its value (a URL with a password)' },
        { object: 'Database/shop/orders', jsonPath: 'spec.env[0].value', message: 'field spec.env[0].value holds a value that looks like a secret: its value (a GitHub token)' },
        { object: 'Deployment/shop/web', jsonPath: 'spec.template.metadata.annotations["example.com/deploy-token"]', message: 'annotation "example.com/deploy-token" holds a value that looks like a secret: its value (a GitHub token)' },
        { object: 'Secret/shop/s', jsonPath: 'metadata.annotations.note', message: 'annotation "note" holds a value that looks like a secret: its value (a PEM private key)' },
      ]);
    });

    test('URLs without a password or with a ${VAR} password, certificates and ordinary strings pass', () => {
      const annotations = { 'example.com/ca': CERT, 'example.com/docs': 'https://user@docs.example.com/db' };
      const spec = { url: 'postgres://app:${DB_PASSWORD}@db:5432/shop', mirror: 'https://mirror.example.com/x', key: PUBLIC_KEY };
      const cr = { apiVersion: 'db.example.com/v1', kind: 'Database', metadata: { name: 'orders', namespace: 'shop', annotations }, spec };
      expect(paths([...compliantBundle(), cr])).toEqual([]);
    });
  });
});

describe('SB-SECRET-LITERAL in the CLI', () => {
  const tmp = useTempDir('secret-literal');

  test('exit 1, and neither JSON nor SARIF nor text echo the secret', () => {
    const web = withContainer((c) => { c.args = ['--db-password=hunter2-cli-canary']; });
    const cm = configMap({ 'application.yaml': 'db:\n  password: hunter2-cli-canary\n', 'UPLOAD': GITHUB });
    cm.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { UPLOAD: GITHUB } }) };
    writeFile(tmp(), 'm.yaml', [web, cm]);
    for (const format of ['json', 'sarif', 'text']) {
      const r = run(['audit', '--format', format, 'm.yaml']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('SB-SECRET-LITERAL');
      expect(r.stdout).not.toContain('hunter2-cli-canary');
      expect(r.stdout).not.toContain(GITHUB);
    }
    const report = JSON.parse(run(['audit', '--format', 'json', 'm.yaml']).stdout);
    expect(report.findings.filter((f: any) => f.ruleId === 'SB-SECRET-LITERAL').map((f: any) => [f.jsonPath, f.positionOf])).toEqual([
      ['data.UPLOAD', 'field'],
      ['data["application.yaml"]', 'field'],
      ['metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]', 'field'],
      [`${ctr}.args[0]`, 'field'],
    ]);
  });
});
