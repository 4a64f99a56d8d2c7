export * from './types';
export { RuleIds, ACKNOWLEDGEMENT_ANNOTATION_PREFIX } from './rule-ids';
export * from './security-audit';
export * from './plugin';
export { auditManifests } from './engine';
export * from './public-rule';
export * from './rule-context';
export { RulePack } from './rule-pack';
