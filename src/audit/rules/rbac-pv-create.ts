import { rbacRiskRule } from '../rbac-risk-rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** From the RBAC risk model (src/rbac/risk-model.ts): its rows for SB-RBAC-PV-CREATE. */
export const rule = rbacRiskRule({
  id: RuleIds.RBAC_PV_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create on persistentvolumes.',
  fix: 'Provision volumes dynamically through PersistentVolumeClaims and an encrypted StorageClass.',
});
