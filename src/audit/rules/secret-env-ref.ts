import { asArray, isObject } from '../context';
import { podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.4.1: prefer secrets as files over environment variables. */
export const rule = podRule({
  id: RuleIds.SECRET_ENV_REF,
  severity: Severity.WARNING,
  area: 'Secrets',
  description: 'Secrets should be mounted as files, not exposed as environment variables (secretKeyRef / envFrom secretRef).',
  fix: 'Mount the Secret as a volume (readOnly) and let the application read the file.',
  standards: {
    cis: ['5.4.1'],
    kubescape: ['C-0207'],
    kubeLinter: ['read-secret-from-env-var'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    asArray(c.container.env).forEach((e: any, i: number) => {
      const ref = isObject(e) && isObject(e.valueFrom) ? e.valueFrom.secretKeyRef : undefined;
      if (isObject(ref)) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.env[${i}].valueFrom.secretKeyRef`, message: `${c.label} reads Secret ${q(ref.name)} into environment variable "${e.name}"` });
      }
    });
    asArray(c.container.envFrom).forEach((e: any, i: number) => {
      if (isObject(e) && isObject(e.secretRef)) {
        out.push({ obj: pod.obj, jsonPath: `${c.path}.envFrom[${i}].secretRef`, message: `${c.label} loads Secret ${q(e.secretRef.name)} into its environment (envFrom)` });
      }
    });
  }
});
