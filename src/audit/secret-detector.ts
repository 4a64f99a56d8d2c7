/**
 * Internal: the one secret detector, shared by the constructs (PodHardening, MtlsService) and the
 * audit (SB-SECRET-ENV-LITERAL for environment variables, SB-SECRET-LITERAL for ConfigMaps,
 * container arguments and every other string), so they never disagree.
 *
 * Names are split into words (on `_`, `-`, `.`, spaces and camelCase) and judged by words, so
 * `TOKENIZERS_PARALLELISM` is not a token and `DB_PASS` is a password. Values are checked for a
 * few credential formats that are unambiguous on their own (after the gitleaks rules
 * `private-key`, `aws-access-token`, `github-pat`/`github-oauth`/`github-app-token`/
 * `github-fine-grained-pat`, `slack-bot-token`/`slack-user-token`, `jwt`, and detect-secrets'
 * `BasicAuthDetector`, `PrivateKeyDetector`, `AWSKeyDetector`, `GitHubTokenDetector`,
 * `SlackDetector`, `JwtTokenDetector`).
 *
 * A name flagged wrongly is declared not secret, with a reason, by the workload annotation
 * `not-secret.cdk8s-secure-baseline.io/<NAME>: <reason>`: constructs write it and the audit
 * reads it back. A value that matches a credential format cannot be declared not secret.
 */
import { reasonProblem } from './acknowledgement';

/** Prefix of the annotation that declares one environment variable name not secret. */
export const NOT_SECRET_ANNOTATION_PREFIX = 'not-secret.cdk8s-secure-baseline.io/';

/** Words that name a secret on their own. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'secret', 'secrets', 'token', 'tokens', 'jwt', 'bearer',
  'apikey', 'apikeys', 'privatekey', 'accesskey', 'secretkey', 'authtoken', 'accesstoken', 'refreshtoken',
  'clientsecret', 'dbpassword', 'credential', 'credentials', 'creds',
  // Redis' password settings (redis.conf `requirepass`, `masterauth`).
  'requirepass', 'masterauth',
]);
/** Words that name a secret only as the last word of a longer name (`DB_PASS`, `BASIC_AUTH`; `PWD` alone is the working directory). */
const SECRET_LAST_WORDS = new Set(['pass', 'pwd', 'auth']);
/** Words that make `key` a secret: `API_KEY`, `SIGNING_KEY`, `STRIPE_KEY`, `azure_batch_key`. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'storage', 'account', 'signing', 'sign', 'encryption', 'encrypt', 'decryption',
  'master', 'session', 'client', 'hmac', 'shared', 'webhook', 'ssh', 'deploy', 'license', 'licence', 'app', 'admin',
  'auth', 'crypto', 'cipher', 'service', 'root',
  // Vendors whose "key" is a credential.
  'aws', 'azure', 'gcp', 'google', 'oci', 'stripe', 'openai', 'anthropic', 'sendgrid', 'twilio', 'mailgun',
  'mailchimp', 'datadog', 'dd', 'newrelic', 'github', 'gitlab', 'slack', 'algolia', 'pusher', 'cloudflare',
  'digitalocean', 'heroku', 'shopify', 'paypal', 'braintree', 'plaid', 'okta', 'vault', 'firebase',
]);
const KEY_WORDS = new Set(['key', 'keys']);
/** Last words of names that hold no secret: where it is, what it is called, how big or how long. */
const HARMLESS_LAST_WORDS = new Set([
  'file', 'files', 'path', 'paths', 'dir', 'dirs', 'directory', 'folder', 'location', 'mount',
  'url', 'urls', 'uri', 'endpoint', 'host', 'hostname', 'port', 'server', 'domain',
  'name', 'names', 'ref', 'id', 'ids', 'type', 'kind', 'header', 'mode', 'version', 'format', 'prefix', 'suffix',
  'provider', 'issuer', 'audience', 'scope', 'scopes', 'algorithm', 'alg', 'policy', 'field', 'env', 'source',
  'length', 'len', 'min', 'max', 'count', 'limit', 'size', 'ttl', 'timeout', 'interval', 'age', 'lifetime',
  'expiry', 'expires', 'expiration', 'enabled', 'enable', 'disabled', 'disable', 'required', 'rotation', 'strength',
]);
/** Words that make a name a number: `MAX_TOKENS`, `NUM_TOKENS`, `TOKEN_LIMIT_PER_MINUTE`. */
const COUNT_WORDS = new Set(['max', 'min', 'maximum', 'minimum', 'num', 'number', 'count', 'limit', 'total', 'per']);
/** Words that mark a value meant to be public: `STRIPE_PUBLISHABLE_KEY`, `JWT_PUBLIC_KEY`, Next.js `NEXT_PUBLIC_*`. */
const PUBLIC_WORDS = new Set(['public', 'publishable', 'pub']);

/** Splits a name into lowercase words: `stripeApiKey` → stripe, api, key; `db.password` → db, password. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Secret words written together with another word: `PGPASSWORD`, `MYSQLPASSWD`, `STRIPEAPIKEY`. */
const COMPOUND = /^[a-z0-9]+(password|passwd|passphrase|secret|token|apikey|accesskey|secretkey|privatekey)$/;
/** Secret words that a "public" word does not clear: `PUBLIC_API_SECRET` is still a secret. */
const ALWAYS_SECRET = /^(password|passwd|passphrase|secret|secrets|clientsecret|dbpassword|privatekey|secretkey|credentials?|creds|pass|pwd)$|(password|passwd|passphrase|secret)$/;

/** The word that makes a name look secret, and how to say so; undefined when it does not. */
function secretNameWord(name: string): { word: string; text: string } | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  const last = words[words.length - 1];
  if (HARMLESS_LAST_WORDS.has(last)) return undefined;
  if (words.some((w) => COUNT_WORDS.has(w))) return undefined;
  let found: { word: string; text: string } | undefined;
  const word = words.find((w) => SECRET_WORDS.has(w) || COMPOUND.test(w));
  if (word) {
    found = { word, text: `the word "${word}"` };
  } else if (words.length > 1 && SECRET_LAST_WORDS.has(last)) {
    found = { word: last, text: `the word "${last}"` };
  } else {
    const key = words.findIndex((w) => KEY_WORDS.has(w));
    const qualifier = key > 0 ? words.slice(0, key).reverse().find((w) => KEY_QUALIFIERS.has(w)) : undefined;
    if (qualifier) found = { word: words[key], text: `the words "${qualifier}" and "${words[key]}"` };
  }
  if (found && !ALWAYS_SECRET.test(found.word) && words.some((w) => PUBLIC_WORDS.has(w))) return undefined;
  return found;
}

/** Why an environment variable name looks secret (e.g. `the word "password"`), or undefined. */
export function secretNameReason(name: string): string | undefined {
  return secretNameWord(name)?.text;
}

/**
 * scheme://user:password@host (the user may be empty: `redis://:password@host`), where the
 * password is no $(VAR) / ${VAR} reference: the part after `://`.
 */
const URL_USERINFO = /[^\s:/?#@]*:(?![$][({])[^\s/?#@]+@/y;

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || isLetter(c) || c === 0x5f;
}

/** Whether a URL scheme (`\b[a-z][a-z0-9+.-]*`, any case) ends at `end`. */
function schemeEndsAt(v: string, end: number): boolean {
  for (let s = end - 1; s >= 0; s--) {
    const c = v.charCodeAt(s);
    const letter = isLetter(c);
    if (!letter && !(c >= 0x30 && c <= 0x39) && c !== 0x2b && c !== 0x2e && c !== 0x2d) return false;
    if (letter && (s === 0 || !isWordChar(v.charCodeAt(s - 1)))) return true;
  }
  return false;
}

/**
 * `/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:(?![$][({])[^\s/?#@]+@/i`, tried only where `://` is
 * (the regex alone walks every word of long texts: descriptions, dashboards).
 */
function hasUrlWithPassword(v: string): boolean {
  for (let p = v.indexOf('://'); p >= 0; p = v.indexOf('://', p + 1)) {
    if (!schemeEndsAt(v, p)) continue;
    URL_USERINFO.lastIndex = p + 3;
    if (URL_USERINFO.test(v)) return true;
  }
  return false;
}

/**
 * A JAAS login module entry (`<class>LoginModule <control flag> <options>;`: Kafka's
 * `sasl.jaas.config`, `jaas.conf` files), with its options up to the `;`.
 */
const JAAS_ENTRY = /LoginModule\s+(?:required|requisite|sufficient|optional)\s([^;]*)/g;
/** One `name=value` / `name="value"` option of a JAAS entry. */
const JAAS_OPTION = /([A-Za-z_][\w.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;"']+)/g;

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === '\'') && v[v.length - 1] === v[0] ? v.slice(1, -1) : v;
}

/** Whether a JAAS entry sets an option whose name looks secret (`password`, `clientSecret`) to a literal, not `${file:...}` / `$(VAR)`. */
function hasJaasSecret(v: string): boolean {
  JAAS_ENTRY.lastIndex = 0;
  let entry: RegExpExecArray | null;
  while ((entry = JAAS_ENTRY.exec(v)) !== null) {
    JAAS_OPTION.lastIndex = 0;
    let option: RegExpExecArray | null;
    while ((option = JAAS_OPTION.exec(entry[1])) !== null) {
      if (maySecretName(option[1]) && secretNamedLiteral(option[1], unquote(option[2])) !== undefined) return true;
    }
  }
  return false;
}

/** Credential formats recognisable in a value alone, in order: each with a cheap test of its fixed part first. */
const SECRET_VALUES: Array<[(v: string) => boolean, RegExp | ((v: string) => boolean), string]> = [
  [(v) => v.includes('PRIVATE KEY'), /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----/, 'a PEM private key'],
  [(v) => v.includes('://'), hasUrlWithPassword, 'a URL with a password'],
  [(v) => v.includes('AKIA') || v.includes('ASIA') || v.includes('ABIA') || v.includes('ACCA') || v.includes('A3T'),
    /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, 'an AWS access key ID'],
  [(v) => v.includes('_'), /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b/, 'a GitHub token'],
  [(v) => v.includes('xox'), /\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [(v) => v.includes('eyJ'), /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
  [(v) => v.includes('LoginModule'), hasJaasSecret, 'a JAAS login configuration with a literal password'],
];

/**
 * A cheap test that every value in one of the SECRET_VALUES formats passes (each format's fixed
 * part), so that most strings are cleared by one scan; the shortest format (`a://b:c@`) has 8 characters.
 */
const SECRET_VALUE_HINT = /PRIVATE KEY|:\/\/|AKIA|ASIA|ABIA|ACCA|A3T|gh[pousr]_|github_pat_|xox[abposr]-|eyJ|LoginModule/;
const SECRET_VALUE_MIN_LENGTH = 8;

/** What credential a literal value contains (e.g. `a PEM private key`), or undefined. */
export function secretValueReason(value: string): string | undefined {
  if (value.length < SECRET_VALUE_MIN_LENGTH || !SECRET_VALUE_HINT.test(value)) return undefined;
  for (const [mayHold, format, what] of SECRET_VALUES) {
    if (mayHold(value) && (typeof format === 'function' ? format(value) : format.test(value))) return what;
  }
  return undefined;
}

/** A file-system path: `credentials` naming a file (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/gcp/key.json`). */
function isPath(value: string): boolean {
  return /^(\/|\.\.?\/|~\/)[^\s]*$/.test(value);
}

/** A literal environment variable judged secret. */
export interface SecretEnv {
  /** What gives it away: `its name (the word "password")` or `its value (a PEM private key)`. */
  readonly why: string;
  /** Whether the name (not the value) gave it away, so that a reasoned not-secret annotation clears it. */
  readonly byName: boolean;
  /** Why the not-secret annotation for it was refused, when there is one with a bad reason. */
  readonly refusedReason?: string;
}

/**
 * Judges one literal environment variable (`value:`; never `valueFrom`). `annotations` are the
 * workload's: `not-secret.cdk8s-secure-baseline.io/<name>` with an acceptable reason clears a
 * name that looks secret. Empty values carry nothing and are never flagged.
 */
export function secretEnv(name: string, value: string, annotations: { [key: string]: string } = {}): SecretEnv | undefined {
  if (typeof name !== 'string' || typeof value !== 'string' || value === '') return undefined;
  const inValue = secretValueReason(value);
  if (inValue) return { why: `its value (${inValue})`, byName: false };
  const found = secretNameWord(name);
  if (!found) return undefined;
  if (/^(credentials?|creds)$/.test(found.word) && isPath(value)) return undefined;
  return judgedByName(name, found.text, annotations);
}

/** A name found secret, unless a not-secret annotation with an acceptable reason clears it. */
function judgedByName(name: string, inName: string, annotations: { [key: string]: string }): SecretEnv | undefined {
  const reason = annotations[NOT_SECRET_ANNOTATION_PREFIX + name];
  if (reason !== undefined) {
    const problem = reasonProblem(reason);
    if (problem === undefined) return undefined;
    return { why: `its name (${inName})`, byName: true, refusedReason: `the reason ${JSON.stringify(reason)} in ${NOT_SECRET_ANNOTATION_PREFIX}${name} ${problem}` };
  }
  return { why: `its name (${inName})`, byName: true };
}

/**
 * A whole value that refers to a secret kept elsewhere: `$(VAR)`, `${VAR}`, `$VAR`, Argo CD's
 * `$oidc.keycloak.clientSecret` / `$secret-name:key`, `{{ .Values.x }}`, `<placeholder>`, sops `ENC[...]`.
 */
const REFERENCE = /^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][\w.:-]*|\{\{.*\}\}|<[^<>]*>|ENC\[.*\])$/s;
/** YAML 1.1 booleans and null, and numbers. */
const NOT_TEXT = /^([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|true|false|yes|no|on|off|y|n|null|~)$/i;

/**
 * Whether a value set under a name can carry a literal secret: not empty, not a reference to one
 * kept elsewhere, not a file path, not a boolean, null or number, not a mask (`****`).
 */
export function isLiteralSecretCandidate(value: string): boolean {
  const v = value.trim();
  return v !== '' && !REFERENCE.test(v) && !isPath(v) && !NOT_TEXT.test(v) && /[A-Za-z0-9]/.test(v);
}

/**
 * Judges a literal set under a name other than an environment variable's (a ConfigMap key, a
 * `--flag=value` argument, a `key: value` line of a configuration file) by its name alone, with
 * the same not-secret annotation; values in a credential format are for `secretValueReason`.
 */
export function secretNamedLiteral(name: string, value: string, annotations: { [key: string]: string } = {}): SecretEnv | undefined {
  if (!isLiteralSecretCandidate(value)) return undefined;
  const found = secretNameWord(name);
  return found ? judgedByName(name, found.text, annotations) : undefined;
}

/** HTTP headers whose value is a credential whatever it is called: `Authorization: Bearer ...`. */
const CREDENTIAL_HEADER = /^(proxy-)?authorization$/i;
/** Schemes of the Authorization header (the IANA HTTP Authentication Scheme registry, and the common `Token`, `ApiKey`, `Bot`). */
const AUTH_SCHEME = /^(basic|bearer|digest|dpop|gnap|hoba|mutual|negotiate|ntlm|oauth|privatetoken|concealed|scram-sha-1|scram-sha-256|vapid|aws4-hmac-sha256|token|apikey|bot)$/i;

/**
 * Judges one HTTP header sent with a literal value (an `httpGet` probe's or hook's `httpHeaders`,
 * `curl -H`, nginx's `proxy_set_header`): by its value's format, then `Authorization` and
 * `Proxy-Authorization` by the credentials after the scheme (`Bearer` alone carries none), and
 * any other header by its name (`X-Api-Key`, `X-Auth-Token`), with the not-secret annotation.
 */
export function secretHeader(name: string, value: string, annotations: { [key: string]: string } = {}): SecretEnv | undefined {
  if (typeof name !== 'string' || typeof value !== 'string') return undefined;
  const inValue = secretValueReason(value);
  if (inValue) return { why: `its value (${inValue})`, byName: false };
  const header = name.trim();
  if (!CREDENTIAL_HEADER.test(header)) return maySecretName(header) ? secretNamedLiteral(header, value, annotations) : undefined;
  const v = value.trim();
  const space = v.search(/\s/);
  const scheme = space < 0 ? v : v.slice(0, space);
  const credentials = AUTH_SCHEME.test(scheme) ? (space < 0 ? '' : v.slice(space + 1)) : v;
  return isLiteralSecretCandidate(credentials) ? judgedByName(header, `the header "${header}" carries credentials`, annotations) : undefined;
}

/** Every name `secretNameWord` can find secret contains one of these: the cheap test before splitting names into words. */
const SECRET_NAME_HINT = /pass|pwd|secret|token|jwt|bearer|key|cred|auth/i;

/** Whether a name may look secret (a superset of `secretNameReason`, for cheap filtering). */
export function maySecretName(name: string): boolean {
  return SECRET_NAME_HINT.test(name);
}

/**
 * A setting line of a configuration file, matched from the line's start: `key: value` (YAML,
 * properties), `key = value` (INI, TOML, properties), `KEY=value` / `export KEY=value` (dotenv,
 * shell), `"key": "value"` (JSON).
 */
const SETTING = /[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(["']?)([A-Za-z_][\w.-]*)\1[ \t]*(?::(?=[ \t"']|$)|=)[ \t]*([^\n]*)/my;
/**
 * A space-separated setting line (fluent-bit, nginx, redis.conf, sshd_config): `Key value` or
 * `key value;`, whose value is one word (a phrase such as nginx's `auth_jwt "closed site"` is no secret).
 */
const SPACED_SETTING = /[ \t]*([A-Za-z_][\w.-]*)[ \t]+("[^"\s]*"|'[^'\s]*'|[^\s"';#]+)[ \t]*;?[ \t]*(?:#[^\n]*)?$/my;
/** An nginx directive that sets an HTTP header: `proxy_set_header Authorization "Basic ...";`. */
const HEADER_SETTING = /[ \t]*(?:proxy_set_header|grpc_set_header|add_header)[ \t]+([!#$%&'*+.^`|~\w-]+)[ \t]+("[^"\n]*"|'[^'\n]*'|[^\s;]+)/y;
/** Where a secret-looking name may be: only those lines are tried. */
const SECRET_NAME_HINTS = /pass|pwd|secret|token|jwt|bearer|key|cred|auth/gi;

/** The scalar of a setting line: unquoted, without a trailing JSON comma or `#` comment; undefined for YAML blocks, flows, anchors, aliases and tags. */
function settingValue(raw: string): string | undefined {
  let v = raw.trim();
  if (v.endsWith(',')) v = v.slice(0, -1).trimEnd();
  const first = v[0];
  if (first === '"' || first === "'") {
    const end = v.indexOf(first, 1);
    return end > 0 ? v.slice(1, end) : v.slice(1);
  }
  if (first === undefined || '|>{[&*!'.includes(first)) return undefined;
  const comment = v.search(/[ \t]#/);
  return comment >= 0 ? v.slice(0, comment).trimEnd() : v;
}

/** A setting of a configuration file judged secret by its key. */
export interface SecretSetting {
  /** The setting's key, e.g. `spring.datasource.password`. */
  readonly name: string;
  /** 1-based line in the text. */
  readonly line: number;
  readonly found: SecretEnv;
}

/** The name and value of the setting on the line starting at `start`, in the syntaxes asked for. */
function settingAt(text: string, start: number, spaced: boolean): { name: string; value: string | undefined; header?: boolean } | undefined {
  SETTING.lastIndex = start;
  const m = SETTING.exec(text);
  if (m !== null) return { name: m[2], value: settingValue(m[3]) };
  if (!spaced) return undefined;
  HEADER_SETTING.lastIndex = start;
  const h = HEADER_SETTING.exec(text);
  if (h !== null) return { name: h[1], value: unquote(h[2]), header: true };
  SPACED_SETTING.lastIndex = start;
  const s = SPACED_SETTING.exec(text);
  return s === null ? undefined : { name: s[1], value: unquote(s[2]) };
}

/**
 * The settings of a configuration file's text (a ConfigMap value such as `application.yaml`)
 * whose key looks secret and whose value is a literal, in order (conservative, after
 * detect-secrets' KeywordDetector: references, paths, booleans, numbers, masks, comments and
 * nested blocks pass). Values in a credential format are for `secretValueReason`. `spaced` also
 * reads space-separated `Key value` lines and nginx's header directives (for `.conf` files).
 */
export function secretSettings(text: string, annotations: { [key: string]: string } = {}, spaced = false): SecretSetting[] {
  const out: SecretSetting[] = [];
  let line = 1;
  let counted = 0;
  SECRET_NAME_HINTS.lastIndex = 0;
  let hint: RegExpExecArray | null;
  while ((hint = SECRET_NAME_HINTS.exec(text)) !== null) {
    // Each line once: from its start, then on to the next line.
    const start = text.lastIndexOf('\n', hint.index) + 1;
    const end = text.indexOf('\n', hint.index);
    SECRET_NAME_HINTS.lastIndex = end < 0 ? text.length : end + 1;
    const m = settingAt(text, start, spaced);
    if (m === undefined || !SECRET_NAME_HINT.test(m.name)) continue;
    const found = m.value === undefined ? undefined
      : m.header ? secretHeader(m.name, m.value, annotations) : secretNamedLiteral(m.name, m.value, annotations);
    if (found) {
      for (let i = text.indexOf('\n', counted); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
      counted = start;
      out.push({ name: m.name, line, found });
    }
    if (end < 0) break;
  }
  return out;
}

/** Why `name` cannot be written into an annotation key, or undefined (annotation names: 63 characters, alphanumeric at both ends). */
export function notSecretNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return 'cannot be an annotation name (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';
  }
  return undefined;
}
