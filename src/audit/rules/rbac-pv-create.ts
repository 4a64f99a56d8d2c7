import { rbacGrantRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** CIS 5.1.9: creating PersistentVolumes can mount arbitrary host paths. */
export const rule = rbacGrantRule({
  id: RuleIds.RBAC_PV_CREATE,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'Roles must not grant create on persistentvolumes.',
  fix: 'Provision volumes dynamically through PersistentVolumeClaims and an encrypted StorageClass.',
  standards: {
    cis: ['5.1.9'],
    kubescape: ['C-0278'],
  },
}, [
  { group: '', resource: 'persistentvolumes', verbs: ['create'] },
]);
