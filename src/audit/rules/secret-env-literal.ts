import { asArray, isObject } from '../context';
import { podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { NOT_SECRET_ANNOTATION_PREFIX, secretEnv } from '../secret-detector';
import { Severity } from '../types';

/** Literal credentials in environment variables. */
export const rule = podRule({
  id: RuleIds.SECRET_ENV_LITERAL,
  severity: Severity.ERROR,
  area: 'Secrets',
  description: 'Environment variables must not carry literal secrets: names that look secret (password, token, api key, ...; judged by words, so `PASSWORD_FILE`, `MAX_TOKENS` and `TOKENIZERS_PARALLELISM` pass) or values in a credential format (PEM private key, URL with a password, AWS access key ID, GitHub, Slack or JWT token). '
    + `A name flagged wrongly is cleared by the workload annotation \`${NOT_SECRET_ANNOTATION_PREFIX}<NAME>: <reason>\` (what \`notSecretEnv\` writes).`,
  fix: 'Move the value into a Secret (ideally delivered by an external secret store) and mount it as a file; if the value is not a secret, give the reason with notSecretEnv (the not-secret annotation).',
  standards: {
    kubescape: ['C-0012'],
    polaris: ['sensitiveContainerEnvVar'],
    kubeLinter: ['env-var-secret'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    asArray(c.container.env).forEach((e: any, i: number) => {
      const found = isObject(e) ? secretEnv(e.name, e.value, pod.obj.annotations) : undefined;
      if (found) {
        const refused = found.refusedReason ? `; ${found.refusedReason}` : '';
        out.push({ obj: pod.obj, jsonPath: `${c.path}.env[${i}].value`, message: `${c.label} sets environment variable "${e.name}" to a literal value that looks like a secret: ${found.why}${refused}` });
      }
    });
  }
});
