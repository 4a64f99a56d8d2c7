import { AuditContext } from '../context';
import { Issue, RuleDefinition, grantedVerbs, hasResourceNames, rbacRules } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.2: minimize access to Secrets. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_SECRETS,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant list or watch on Secrets, nor get on Secrets without resourceNames.',
  fix: 'Grant only get on the named Secrets the subject needs (resourceNames), or mount the Secret into the pod instead.',
  standards: {
    cis: ['5.1.2'],
    kubescape: ['C-0186', 'C-0015'],
    kubeLinter: ['access-to-secrets'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const r of rbacRules(ctx)) {
      const hits: string[] = [];
      const lw = grantedVerbs(r.rule, ['list', 'watch'], '', 'secrets');
      if (lw.length > 0) hits.push(`${lw.join(', ')} on secrets`);
      if (grantedVerbs(r.rule, ['get'], '', 'secrets').length > 0 && !hasResourceNames(r.rule)) hits.push('get on secrets without resourceNames');
      if (hits.length > 0) {
        out.push({ obj: r.obj, jsonPath: r.path, message: `${r.path} grants ${hits.join('; ')}` });
      }
    }
    return out;
  },
};
