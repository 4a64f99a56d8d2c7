import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Construct acknowledgements and exceptions that matched nothing. The engine produces these
 * findings (it knows which acknowledgements were used); the rule itself only carries the metadata.
 */
export const rule: RuleDefinition = {
  id: RuleIds.ACK_UNUSED,
  severity: Severity.WARNING,
  area: 'Acknowledgements',
  description: 'A SecurityAudit.acknowledge() that matches no finding under its construct, or an exception (`exceptions` option, `.secure-baseline.yaml`) that matches no finding, is reported, so stale exceptions get removed.',
  fix: 'Remove the acknowledgement, or move it to the construct that produces the finding.',
  standards: {},
  check: (): Issue[] => [],
};
