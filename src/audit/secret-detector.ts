/**
 * Internal: the one secret detector for environment variables, shared by the constructs
 * (PodHardening, MtlsService) and the audit (SB-SECRET-ENV-LITERAL), so they never disagree.
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

/** Credential formats recognisable in a value alone. */
const SECRET_VALUES: Array<[RegExp, string]> = [
  [/-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----/, 'a PEM private key'],
  // scheme://user:password@host, where the password is no $(VAR) / ${VAR} reference.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]+:(?![$][({])[^\s/?#@]+@/i, 'a URL with a password'],
  [/\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, 'an AWS access key ID'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/, 'a JSON Web Token'],
];

/** What credential a literal value contains (e.g. `a PEM private key`), or undefined. */
export function secretValueReason(value: string): string | undefined {
  for (const [re, what] of SECRET_VALUES) {
    if (re.test(value)) return what;
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
  const inName = found.text;
  const reason = annotations[NOT_SECRET_ANNOTATION_PREFIX + name];
  if (reason !== undefined) {
    const problem = reasonProblem(reason);
    if (problem === undefined) return undefined;
    return { why: `its name (${inName})`, byName: true, refusedReason: `the reason ${JSON.stringify(reason)} in ${NOT_SECRET_ANNOTATION_PREFIX}${name} ${problem}` };
  }
  return { why: `its name (${inName})`, byName: true };
}

/** Why `name` cannot be written into an annotation key, or undefined (annotation names: 63 characters, alphanumeric at both ends). */
export function notSecretNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 63 || !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return 'cannot be an annotation name (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';
  }
  return undefined;
}
