import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from '../audit/rule-ids';

/**
 * Explicit, reasoned opt-outs are written into the manifests as annotations
 * `ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>`, which the audit reads as acknowledgements
 * (in-process, in the CLI and in the cdk8s plugin alike). The rule IDs are the audit's own.
 */
export { RuleIds };

/** The annotation key that acknowledges `ruleId`. */
export function acknowledgementAnnotation(ruleId: string): string {
  return `${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${ruleId}`;
}
