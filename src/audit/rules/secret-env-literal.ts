import { asArray, isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|ACCESS_KEY|ACCESSKEY|PRIVATE_KEY|PRIVATEKEY|CREDENTIAL|CREDENTIALS|CLIENT_SECRET|AUTH_TOKEN|SESSION_KEY|SIGNING_KEY|ENCRYPTION_KEY|DSN)(_|$)/;
/** Names that mention a secret but hold no secret value (e.g. `DB_PASSWORD_FILE`, `TOKEN_TTL`). */
const HARMLESS_SUFFIX = /_(FILE|PATH|DIR|NAME|REF|TTL|LENGTH|EXPIRY|EXPIRES|ENABLED|HEADER|TYPE|KEY_ID|ID)$/;

/** Whether an environment variable name looks like it holds a secret. */
export function looksSecret(name: string): boolean {
  const normal = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-.]/g, '_').toUpperCase();
  return SECRET_WORDS.test(normal) && !HARMLESS_SUFFIX.test(normal);
}

/** Literal credentials in environment variables. */
export const rule = podRule({
  id: RuleIds.SECRET_ENV_LITERAL,
  severity: Severity.ERROR,
  area: 'Secrets',
  description: 'Environment variables whose names look secret (password, token, api key, ...) must not carry literal values.',
  fix: 'Move the value into a Secret (ideally delivered by an external secret store) and mount it as a file.',
  standards: {
    kubescape: ['C-0012'],
    polaris: ['sensitiveContainerEnvVar'],
    kubeLinter: ['env-var-secret'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    asArray(c.container.env).forEach((e: any, i: number) => {
      if (isObject(e) && typeof e.name === 'string' && typeof e.value === 'string' && e.value !== '' && looksSecret(e.name)) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.env[${i}].value`, message: `${c.label} sets environment variable "${e.name}" to a literal value` });
      }
    });
  }
});
