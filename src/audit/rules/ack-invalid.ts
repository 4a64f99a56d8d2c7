import { knownRuleIds, reasonProblem, unknownRuleProblem, closestRuleId } from '../acknowledgement';
import { AuditContext } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Acknowledgement annotations must name a real rule and give a real reason. */
export const rule: RuleDefinition = {
  id: RuleIds.ACK_INVALID,
  severity: Severity.ERROR,
  area: 'Acknowledgements',
  description: `Acknowledgement annotations (\`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}<RULE-ID>\`) must name a known rule and give a non-trivial reason (at least 20 characters and 3 words); invalid ones acknowledge nothing.`,
  fix: 'Correct the rule ID in the annotation key and explain in the value why the finding is acceptable.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const known = new Set(knownRuleIds(ctx.userRuleIds));
    const objects = ctx.objects;
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      // for-in instead of Object.keys: no list per object (most have no annotations at all).
      for (const key in obj.annotations) {
        if (!Object.prototype.hasOwnProperty.call(obj.annotations, key) || !key.startsWith(ACKNOWLEDGEMENT_ANNOTATION_PREFIX)) continue;
        const id = key.slice(ACKNOWLEDGEMENT_ANNOTATION_PREFIX.length);
        const jsonPath = `metadata.annotations.${key}`;
        if (!known.has(id)) {
          out.push({ obj, jsonPath, message: `annotation ${key} names an ${unknownRuleProblem(id)}`, fix: `Rename the annotation to ${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${closestRuleId(id, ctx.userRuleIds)} (or another ID from RULES.md).` });
          continue;
        }
        const problem = reasonProblem(obj.annotations[key]);
        if (problem) {
          out.push({ obj, jsonPath, message: `annotation ${key} has the reason ${JSON.stringify(obj.annotations[key])}, which ${problem}; ${id} stays unacknowledged` });
        }
      }
    }
    return out;
  },
};
