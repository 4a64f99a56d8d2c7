import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Exceptions past their `expires` date. The engine produces these findings (exceptions are
 * applied to the findings of every rule, see exceptions.ts); the rule itself only carries the metadata.
 */
export const rule: RuleDefinition = {
  id: RuleIds.ACK_EXPIRED,
  severity: Severity.WARNING,
  area: 'Acknowledgements',
  description: 'An exception (`exceptions` option, `.secure-baseline.yaml`) past its `expires` date no longer accepts findings, and is reported so that it gets reviewed.',
  fix: 'Fix the findings the exception accepted and remove it, or review it and set a later expires date.',
  standards: {},
  check: (): Issue[] => [],
};
