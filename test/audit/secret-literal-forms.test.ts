/**
 * SB-SECRET-LITERAL: the forms of literal credentials that used to pass with exit 0 (HTTP headers
 * of probes and hooks, `--flag value` in shell scripts and DB clients' short flags, Kafka JAAS
 * configurations, space-separated settings of `.conf` files, name-based checks inside the
 * last-applied configuration), each with the look-alikes that must keep passing.
 */
import { compliantBundle, compliantPodSpec, deployment, findings } from './util';
import { RuleIds } from '../../src/audit/rule-ids';
import { secretEnv, secretHeader, secretSettings, secretValueReason } from '../../src/audit/secret-detector';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\n-----END RSA PRIVATE KEY-----\n';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const LAST_APPLIED_PATH = `metadata.annotations["${LAST_APPLIED}"]`;
const ctr = 'spec.template.spec.containers[0]';

function configMap(data: Record<string, string>, name = 'app', annotations?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) }, data };
}

function withContainer(change: (c: any) => void, name = 'web'): any {
  const spec = compliantPodSpec();
  change(spec.containers[0]);
  return deployment(name, 'shop', spec);
}

const literal = (objects: any[]) => findings(RuleIds.SECRET_LITERAL, objects);
const paths = (objects: any[]) => literal(objects).map((f) => `${f.object} ${f.jsonPath}`);

describe('HTTP headers of probes and lifecycle hooks', () => {
  test('credential headers with literal values are reported, by name or by value, never echoing it', () => {
    const web = withContainer((c) => {
      c.livenessProbe = { httpGet: { path: '/live', port: 8080, httpHeaders: [{ name: 'Accept', value: 'application/json' }, { name: 'Authorization', value: 'Bearer opaque-canary-1' }] } };
      c.readinessProbe = { httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'X-Api-Key', value: 'canary-2' }] } };
      c.startupProbe = { httpGet: { path: '/start', port: 8080, httpHeaders: [{ name: 'authorization', value: 'Basic dXNlcjpjYW5hcnk=' }] } };
      c.lifecycle = {
        postStart: { httpGet: { path: '/hook', port: 8080, httpHeaders: [{ name: 'X-Auth-Token', value: 'canary-3' }] } },
        preStop: { httpGet: { path: '/hook', port: 8080, httpHeaders: [{ name: 'X-Session', value: `Bearer ${JWT}` }] } },
      };
    });
    const found = literal([web]);
    expect(found).toEqual([
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.lifecycle.postStart.httpGet.httpHeaders[0].value`, message: 'container "web" sends the HTTP header "X-Auth-Token" with a literal value in its postStart hook that looks like a secret: its name (the word "token")' },
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.lifecycle.preStop.httpGet.httpHeaders[0].value`, message: 'container "web" sends the HTTP header "X-Session" with a literal value in its preStop hook that looks like a secret: its value (a JSON Web Token)' },
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.livenessProbe.httpGet.httpHeaders[1].value`, message: 'container "web" sends the HTTP header "Authorization" with a literal value in its livenessProbe that looks like a secret: its name (the header "Authorization" carries credentials)' },
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.readinessProbe.httpGet.httpHeaders[0].value`, message: 'container "web" sends the HTTP header "X-Api-Key" with a literal value in its readinessProbe that looks like a secret: its name (the words "api" and "key")' },
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.startupProbe.httpGet.httpHeaders[0].value`, message: 'container "web" sends the HTTP header "authorization" with a literal value in its startupProbe that looks like a secret: its name (the header "authorization" carries credentials)' },
    ]);
    expect(JSON.stringify(found)).not.toMatch(/canary|dXNlcjpjYW5hcnk|eyJ/);
  });

  test('harmless headers, references, masks and empty credentials pass; the not-secret annotation clears a name', () => {
    const web = withContainer((c) => {
      c.livenessProbe = {
        httpGet: {
          path: '/live',
          port: 8080,
          httpHeaders: [
            { name: 'Accept', value: 'application/json' }, { name: 'Host', value: 'web.shop.svc' }, { name: 'X-Request-Id', value: 'probe' },
            { name: 'X-Token-Ttl', value: '3600' }, { name: 'Authorization', value: 'Bearer $(PROBE_TOKEN)' }, { name: 'Authorization', value: 'Bearer ${PROBE_TOKEN}' },
            { name: 'Proxy-Authorization', value: 'Basic ********' }, { name: 'Authorization', value: '' }, { name: 'X-Api-Key', value: '<redacted>' },
          ],
        },
      };
      c.lifecycle = { preStop: { httpGet: { path: '/drain', port: 8080, httpHeaders: [{ name: 'X-Drain-Secret', value: 'graceful' }] } } };
    });
    web.metadata.annotations = { 'not-secret.cdk8s-secure-baseline.io/X-Drain-Secret': 'names the drain mode of the proxy, which is public and not a credential' };
    expect(literal([...compliantBundle(), web])).toEqual([]);
  });

  test('the detector judges headers for every consumer', () => {
    expect(secretHeader('Authorization', 'Bearer abc')?.why).toBe('its name (the header "Authorization" carries credentials)');
    expect(secretHeader('Proxy-Authorization', 'Basic abc')?.byName).toBe(true);
    expect(secretHeader('Authorization', 'Bearer')).toBeUndefined(); // a scheme without credentials
    expect(secretHeader('Authorization', 'Bearer $(TOKEN)')).toBeUndefined();
    expect(secretHeader('X-Api-Key', 'abc')?.why).toBe('its name (the words "api" and "key")');
    expect(secretHeader('Accept', JWT)?.why).toBe('its value (a JSON Web Token)');
    expect(secretHeader('Accept', 'text/plain')).toBeUndefined();
  });
});

describe('--flag value with a space', () => {
  test('separate args items (already judged) and shell scripts', () => {
    const args = withContainer((c) => { c.args = ['--password', 'hunter2-literal']; }, 'args');
    const script = withContainer((c) => {
      c.command = ['sh', '-c', 'set -e\nexec app --db-password hunter2-literal --port 8080'];
      c.livenessProbe = { exec: { command: ['/bin/sh', '-c', 'vault login -method=token && app check --token s.abcdef123 || exit 1'] } };
      c.lifecycle = { preStop: { exec: { command: ['bash', '-c', "client drain --api-key 'abc-123'; sleep 5"] } } };
    }, 'script');
    expect(literal([args, script])).toEqual([
      { object: 'Deployment/shop/args', jsonPath: `${ctr}.args[1]`, message: 'container "web" passes "--password" a literal value in its args that looks like a secret: its name (the word "password")' },
      { object: 'Deployment/shop/script', jsonPath: `${ctr}.command[2]`, message: 'container "web" passes "--db-password" a literal value in its command that looks like a secret: its name (the word "password")' },
      { object: 'Deployment/shop/script', jsonPath: `${ctr}.lifecycle.preStop.exec.command[2]`, message: 'container "web" passes "--api-key" a literal value in its preStop command that looks like a secret: its name (the words "api" and "key")' },
      { object: 'Deployment/shop/script', jsonPath: `${ctr}.livenessProbe.exec.command[2]`, message: 'container "web" passes "--token" a literal value in its livenessProbe command that looks like a secret: its name (the word "token")' },
    ]);
  });

  test('references, files, paths, command substitutions and other flags pass', () => {
    const web = withContainer((c) => {
      c.command = ['sh', '-c', [
        'exec app --password-file /run/secrets/db --password $(DB_PASSWORD) --password "$DB_PASSWORD" --token-path /var/run/token',
        'app --token "$(cat /run/secrets/token)" --api-key `cat /run/secrets/key` --secret ${SECRET}',
        'app --token=$(API_TOKEN) --password=$(cat "/run/secrets/pw") "--db-password=$(DB_PASSWORD)"',
        'app --auth-mode oidc --token-ttl 3600 --password-min-length 12 -p 8080',
        '# app --password hunter2',
        'echo "--password hunter2 is not a flag here"',
      ].join('\n')];
      c.args = ['--password-file', '/run/secrets/db', '--token-path', 'x', '--password', '$(DB_PASSWORD)', '-p', '8080', '--token', '--verbose'];
    });
    expect(literal([...compliantBundle().slice(0, 3), web])).toEqual([]);
  });

  test('-p is a password only for the clients that document it so; psql\'s -p is the port', () => {
    const clients = withContainer((c) => {
      c.command = ['sh', '-c', [
        'mysql -h db -uroot -phunter2 shop < /init.sql',
        'mongosh --host db -u admin -p hunter2',
        'redis-cli -h cache -a hunter2 ping',
        'sshpass -p hunter2 ssh backup@host',
        'curl -fsS -u admin:hunter2 http://localhost:8080/health',
      ].join('; ')];
    }, 'clients');
    const mysqlArgs = withContainer((c) => { c.command = ['mysqladmin', '-uroot', '-phunter2', 'ping']; }, 'mysqladmin');
    expect(literal([clients, mysqlArgs])).toEqual([
      { object: 'Deployment/shop/clients', jsonPath: `${ctr}.command[2]`, message: 'container "web" passes "-p" a literal value in its command that looks like a secret: its flag (the password option of mysql)' },
      { object: 'Deployment/shop/mysqladmin', jsonPath: `${ctr}.command[2]`, message: 'container "web" passes "-p" a literal value in its command that looks like a secret: its flag (the password option of mysqladmin)' },
    ]);
    // One finding per item: the other clients of the same script are found once the first is fixed.
    const each = (line: string) => literal([withContainer((c) => { c.command = ['sh', '-c', line]; })]).map((f) => f.message);
    expect(each('mongosh --host db -u admin -p hunter2')).toEqual(['container "web" passes "-p" a literal value in its command that looks like a secret: its flag (the password option of mongosh)']);
    expect(each('redis-cli -h cache -a hunter2 ping')).toEqual(['container "web" passes "-a" a literal value in its command that looks like a secret: its flag (the password option of redis-cli)']);
    expect(each('redis-cli --pass hunter2 ping')).toEqual(['container "web" passes "--pass" a literal value in its command that looks like a secret: its flag (the password option of redis-cli)']);
    expect(each('sshpass -p hunter2 ssh backup@host')).toEqual(['container "web" passes "-p" a literal value in its command that looks like a secret: its flag (the password option of sshpass)']);
    expect(each('exec /usr/bin/curl -fsS -u admin:hunter2 http://localhost:8080/health')).toEqual(['container "web" passes "-u" a literal value in its command that looks like a secret: its flag (the user and password option of curl)']);
    expect(each('curl --user=admin:hunter2 http://localhost/')).toEqual(['container "web" passes "--user" a literal value in its command that looks like a secret: its flag (the user and password option of curl)']);
    expect(each('curl -fsS -H "Accept: application/json" -H "Authorization: Bearer abc123" http://localhost/health')).toEqual(['container "web" passes "-H" a literal value in its command that looks like a secret: its name (the header "Authorization" carries credentials)']);
    expect(each("wget -q --header='X-Api-Key: abc123' -O- http://localhost/health")).toEqual(['container "web" passes "--header" a literal value in its command that looks like a secret: its name (the words "api" and "key")']);
    expect(each('kubectl create secret generic db --from-literal=password=hunter2')).toEqual(['container "web" passes "password" a literal value in its command that looks like a secret: its name (the word "password")']);
    expect(each('kubectl create secret generic db --from-literal=password=$(DB_PASSWORD) --from-file=password=/run/secrets/pw --from-literal=user=app')).toEqual([]);
    expect(each('openssl pkcs12 -export -in c.pem -inkey k.pem -passout pass:hunter2 -out c.p12')).toEqual(['container "web" passes "-passout" a literal value in its command that looks like a secret: its flag (the pass phrase option of openssl)']);
    // What the rule read before scripts were split into words: `name=value` in quoted strings and substitutions.
    expect(each('psql "host=db user=app password=hunter2" -c "select 1"')).toEqual(['container "web" passes "password" a literal value in its command that looks like a secret: its name (the word "password")']);
    expect(each('rows=$(PGPASSWORD=hunter2 psql -h db -c "select 1")')).toEqual(['container "web" passes "PGPASSWORD" a literal value in its command that looks like a secret: its name (the word "pgpassword")']);
    expect(each('PASSWORD="two words" app')).toEqual(['container "web" passes "PASSWORD" a literal value in its command that looks like a secret: its name (the word "password")']);
    expect(each('bash -c "su app -c \\"app --password hunter2\\""')).toEqual(['container "web" passes "--password" a literal value in its command that looks like a secret: its name (the word "password")']);
  });

  test('-p as a port, mysql\'s prompting -p, and references after client flags pass', () => {
    const web = withContainer((c) => {
      c.command = ['sh', '-c', [
        'psql -h db -p 5432 -U app shop',
        'pg_isready -h db -p 5432',
        'redis-cli -h cache -p 6379 ping',
        'mysql -h db -u root -p shop',
        'mysql -h db -u root -p"$MYSQL_ROOT_PASSWORD" shop',
        'mysql -h db -P 3306 -p${MYSQL_PASSWORD}',
        'mongosh -u admin -p "$MONGO_PASSWORD"',
        'redis-cli -a "$REDIS_PASSWORD" ping',
        'ssh -p 2222 backup@host',
        'curl -u admin http://localhost/ -u "$USER:$PASS" -u admin:$(PASS) -u :',
        'app -p hunter2',
        'app --no-auth localhost --skip-token-check now',
        'openssl pkcs12 -export -passin env:KEY_PASS -passout file:/run/secrets/p12pass -out c.p12',
        'curl -H "Accept: application/json" -H "Authorization: Bearer $TOKEN" --header "X-Api-Key: ${API_KEY}" http://localhost/',
        'mongosh -u admin -p mongodb://db:27017/shop',
      ].join('\n')];
      c.args = ['-p', '8080', '-phunter2'];
    });
    expect(literal([...compliantBundle().slice(0, 3), web])).toEqual([]);
  });
});

describe('Kafka JAAS configurations', () => {
  const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p-canary";';

  test('in a ConfigMap file, an env value, an arg and an annotation', () => {
    const cm = configMap({ 'client.properties': `security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=${PLAIN}\n` });
    const jaas = configMap({ 'kafka_jaas.conf': 'KafkaClient {\n  org.apache.kafka.common.security.scram.ScramLoginModule required\n  username="alice"\n  password="alice-canary";\n};\n' }, 'jaas');
    const web = withContainer((c) => {
      c.env = [{ name: 'KAFKA_SASL_CONFIG', value: PLAIN }];
      c.args = ['--consumer-property', `sasl.jaas.config=${PLAIN}`];
    });
    const cr = { apiVersion: 'kafka.example.com/v1', kind: 'Connector', metadata: { name: 'sink', namespace: 'shop' }, spec: { config: { 'consumer.override.sasl.jaas.config': PLAIN } } };
    const found = literal([cm, jaas, web, cr]);
    expect(found).toEqual([
      { object: 'ConfigMap/shop/app', jsonPath: 'data["client.properties"]', message: 'ConfigMap data key "client.properties" holds a value that looks like a secret: its value (a JAAS login configuration with a literal password)' },
      { object: 'ConfigMap/shop/jaas', jsonPath: 'data["kafka_jaas.conf"]', message: 'ConfigMap data key "kafka_jaas.conf" holds a value that looks like a secret: its value (a JAAS login configuration with a literal password)' },
      { object: 'Connector/shop/sink', jsonPath: 'spec.config["consumer.override.sasl.jaas.config"]', message: 'field spec.config["consumer.override.sasl.jaas.config"] holds a value that looks like a secret: its value (a JAAS login configuration with a literal password)' },
      { object: 'Deployment/shop/web', jsonPath: `${ctr}.args[1]`, message: 'container "web" has an item in its args that looks like a secret: its value (a JAAS login configuration with a literal password)' },
    ]);
    expect(JSON.stringify(found)).not.toContain('canary');
    // The env value is SB-SECRET-ENV-LITERAL's: the same detector.
    expect(findings(RuleIds.SECRET_ENV_LITERAL, [web]).map((f) => f.message)).toEqual([
      'container "web" sets environment variable "KAFKA_SASL_CONFIG" to a literal value that looks like a secret: its value (a JAAS login configuration with a literal password)',
    ]);
  });

  test('references and options that are not secret pass', () => {
    expect(secretValueReason('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${file:/etc/kafka/secrets.properties:password}";')).toBeUndefined();
    expect(secretValueReason('org.apache.kafka.common.security.scram.ScramLoginModule required username="$(KAFKA_USER)" password="$(KAFKA_PASSWORD)";')).toBeUndefined();
    expect(secretValueReason('com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="/etc/security/kafka.keytab" principal="kafka/broker@EXAMPLE.COM";')).toBeUndefined();
    expect(secretValueReason('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="shop" clientSecret="s3cr3t";')).toBe('a JAAS login configuration with a literal password');
    expect(secretValueReason('org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";')).toBeUndefined();
    expect(secretValueReason('the PlainLoginModule required password="..." is documented elsewhere')).toBeUndefined();
    expect(secretEnv('KAFKA_OPTS', '-Djava.security.auth.login.config=/etc/kafka/jaas.conf')).toBeUndefined();
    const cm = configMap({ 'client.properties': 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_USER}" password="${KAFKA_PASSWORD}";\n' });
    expect(literal([cm])).toEqual([]);
  });
});

describe('space-separated settings of .conf files', () => {
  test('fluent-bit, nginx and redis settings whose key looks secret', () => {
    const cm = configMap({
      'fluent-bit.conf': '[OUTPUT]\n    Name         es\n    HTTP_User    admin\n    HTTP_Passwd  s3cr3tvalue\n    tls.key_passwd ${TLS_PASSPHRASE}\n',
      'output.conf': '[OUTPUT]\n    Name       loki\n    Password   xyz\n',
      'nginx.conf': 'http {\n  server {\n    secure_link_secret  s3cr3t;\n  }\n}\n',
      'redis.conf': 'port 6379\nrequirepass foobared\nmasterauth foobared\n',
      'pgbouncer.ini': '[databases]\n[pgbouncer]\npasswd = hunter2\n',
      'default.conf': 'location / {\n  proxy_set_header Host $host;\n  proxy_set_header Authorization "Basic dXNlcjpjYW5hcnk=";\n}\n',
      'server-snippet': 'add_header X-Frame-Options DENY;\nproxy_set_header X-Api-Key canary;\n',
    });
    expect(literal([cm])).toEqual([
      { object: 'ConfigMap/shop/app', jsonPath: 'data.server-snippet', message: 'ConfigMap data key "server-snippet" sets "X-Api-Key" on line 2 to a literal value that looks like a secret: its name (the words "api" and "key")' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["default.conf"]', message: 'ConfigMap data key "default.conf" sets "Authorization" on line 3 to a literal value that looks like a secret: its name (the header "Authorization" carries credentials)' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["fluent-bit.conf"]', message: 'ConfigMap data key "fluent-bit.conf" sets "HTTP_Passwd" on line 4 to a literal value that looks like a secret: its name (the word "passwd")' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["nginx.conf"]', message: 'ConfigMap data key "nginx.conf" sets "secure_link_secret" on line 3 to a literal value that looks like a secret: its name (the word "secret")' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["output.conf"]', message: 'ConfigMap data key "output.conf" sets "Password" on line 3 to a literal value that looks like a secret: its name (the word "password")' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["pgbouncer.ini"]', message: 'ConfigMap data key "pgbouncer.ini" sets "passwd" on line 3 to a literal value that looks like a secret: its name (the word "passwd")' },
      { object: 'ConfigMap/shop/app', jsonPath: 'data["redis.conf"]', message: 'ConfigMap data key "redis.conf" sets "requirepass" on line 2 (and 1 more line) to a literal value that looks like a secret: its name (the word "requirepass")' },
    ]);
  });

  test('references, paths, switches, phrases and files that are not .conf pass', () => {
    const cm = configMap({
      'fluent-bit.conf': '[OUTPUT]\n    HTTP_Passwd  ${ES_PASSWORD}\n    tls.key_file /etc/tls/key.pem\n    Token_Ttl 3600\n',
      'nginx.conf': 'auth_basic off;\nauth_jwt "closed site";\nssl_password_file /etc/keys/global.pass;\nauth_request /auth;\n'
        + 'proxy_set_header Authorization $http_authorization;\nproxy_set_header Authorization "Bearer $token";\nproxy_set_header X-Api-Key "";\n',
      'sshd_config': 'PasswordAuthentication no\nPubkeyAuthentication yes\nAuthorizedKeysFile .ssh/authorized_keys\n',
      'redis.conf': 'requirepass ${REDIS_PASSWORD}\n# requirepass foobared\n',
      'email.txt': 'Password reset\nToken expired\n',
      'notes.md': 'password hunter2\n',
    });
    expect(literal([cm])).toEqual([]);
  });

  test('the detector reads space-separated lines only when asked', () => {
    expect(secretSettings('HTTP_Passwd  s3cr3t\n')).toEqual([]);
    expect(secretSettings('HTTP_Passwd  s3cr3t\n', {}, true).map((s) => [s.line, s.name])).toEqual([[1, 'HTTP_Passwd']]);
    expect(secretSettings('  Password   "two words"\n  Password\n  Password x y\n', {}, true)).toEqual([]);
  });
});

describe('name-based checks inside the last-applied configuration', () => {
  const withLastApplied = (obj: any, copy: any) => {
    const annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: JSON.stringify(copy) };
    return { ...obj, metadata: { ...obj.metadata, annotations } };
  };

  test('a ConfigMap\'s copy, a workload\'s copy (args, env, headers) and a custom resource\'s copy are judged like the live object', () => {
    const cm = withLastApplied(configMap({ LOG_LEVEL: 'info' }), configMap({ 'DB_PASSWORD': 'canary-1', 'app.yaml': 'db:\n  password: canary-2\n' }));
    const copySpec = compliantPodSpec();
    copySpec.containers[0].args = ['--db-password=canary-3'];
    copySpec.containers[0].env = [{ name: 'API_TOKEN', value: 'canary-4' }];
    copySpec.containers[0].readinessProbe.httpGet.httpHeaders = [{ name: 'X-Api-Key', value: 'canary-6' }];
    const web = withLastApplied(deployment('web'), deployment('web', 'shop', copySpec));
    const cr = { apiVersion: 'db.example.com/v1', kind: 'Database', metadata: { name: 'orders', namespace: 'shop' }, spec: {} };
    const crCopy = withLastApplied(cr, { ...cr, spec: { url: 'postgres://admin:canary-5@db/shop' } });
    const found = literal([cm, web, crCopy]);
    const via = `the copy of the object in annotation "${LAST_APPLIED}"`;
    expect(found).toEqual([
      { object: 'ConfigMap/shop/app', jsonPath: LAST_APPLIED_PATH, message: `${via}, at data.DB_PASSWORD: ConfigMap data key "DB_PASSWORD" holds a literal value that looks like a secret: its name (the word "password")` },
      { object: 'ConfigMap/shop/app', jsonPath: LAST_APPLIED_PATH, message: `${via}, at data["app.yaml"]: ConfigMap data key "app.yaml" sets "password" on line 2 to a literal value that looks like a secret: its name (the word "password")` },
      { object: 'Database/shop/orders', jsonPath: LAST_APPLIED_PATH, message: `${via}, at spec.url: field spec.url holds a value that looks like a secret: its value (a URL with a password)` },
      { object: 'Deployment/shop/web', jsonPath: LAST_APPLIED_PATH, message: `${via}, at ${ctr}.args[0]: container "web" passes "--db-password" a literal value in its args that looks like a secret: its name (the word "password")` },
      { object: 'Deployment/shop/web', jsonPath: LAST_APPLIED_PATH, message: `${via}, at ${ctr}.env[0].value: container "web" sets environment variable "API_TOKEN" to a literal value that looks like a secret: its name (the word "token")` },
      { object: 'Deployment/shop/web', jsonPath: LAST_APPLIED_PATH, message: `${via}, at ${ctr}.readinessProbe.httpGet.httpHeaders[0].value: container "web" sends the HTTP header "X-Api-Key" with a literal value in its readinessProbe that looks like a secret: its name (the words "api" and "key")` },
    ]);
    expect(JSON.stringify(found)).not.toContain('canary');
  });

  test('a Secret\'s copy is not reported (a Secret holding secrets is right); a ConfigMap\'s copy claiming to be a Secret is', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, stringData: { 'tls.key': PEM, 'password': 'hunter2' } };
    const cm = configMap({ LOG_LEVEL: 'info' }, 'disguised');
    const disguised = withLastApplied(cm, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'disguised' }, data: { DB_PASSWORD: 'hunter2' } });
    expect(paths([withLastApplied(secret, secret), disguised])).toEqual([`ConfigMap/shop/disguised ${LAST_APPLIED_PATH}`]);
  });

  test('harmless copies, unparseable and non-object annotations behave as before', () => {
    const cm = configMap({ LOG_LEVEL: 'info' });
    const harmless = withLastApplied(cm, configMap({ LOG_LEVEL: 'info', DB_PASSWORD: '${DB_PASSWORD}' }));
    const broken = { ...configMap({}, 'broken'), metadata: { name: 'broken', namespace: 'shop', annotations: { [LAST_APPLIED]: `{"data": {"k": "${PEM.replace(/\n/g, '\\n')}"` } } };
    const list = { ...configMap({}, 'list'), metadata: { name: 'list', namespace: 'shop', annotations: { [LAST_APPLIED]: '["DB_PASSWORD=hunter2"]' } } };
    expect(literal([harmless, broken, list])).toEqual([
      { object: 'ConfigMap/shop/broken', jsonPath: LAST_APPLIED_PATH, message: `annotation "${LAST_APPLIED}" holds a value that looks like a secret: its value (a PEM private key)` },
    ]);
  });
});
