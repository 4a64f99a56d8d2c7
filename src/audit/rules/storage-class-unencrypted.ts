import { K8sObject, isObject } from '../context';
import { kindRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** What each known provisioner needs to encrypt volumes: a parameter (case-insensitive key) and, optionally, its exact value. */
export const ENCRYPTION_PARAMETERS: { [provisioner: string]: { parameter: string; value?: string } } = {
  'ebs.csi.aws.com': { parameter: 'encrypted', value: 'true' },
  'kubernetes.io/aws-ebs': { parameter: 'encrypted', value: 'true' },
  'pd.csi.storage.gke.io': { parameter: 'disk-encryption-kms-key' },
  'disk.csi.azure.com': { parameter: 'diskEncryptionSetID' },
  'rbd.csi.ceph.com': { parameter: 'encrypted', value: 'true' },
  'driver.longhorn.io': { parameter: 'encrypted', value: 'true' },
};

/** `encrypted` when the StorageClass is a known provisioner with encryption on, `unencrypted` when known and off, else `unknown`. */
export function storageClassEncryption(sc: K8sObject): 'encrypted' | 'unencrypted' | 'unknown' {
  return storageClassManifestEncryption(sc.manifest);
}

/** `storageClassEncryption` of a StorageClass manifest (provisioner and parameters decide; labels never do). */
export function storageClassManifestEncryption(manifest: any): 'encrypted' | 'unencrypted' | 'unknown' {
  const need = isObject(manifest) ? ENCRYPTION_PARAMETERS[manifest.provisioner] : undefined;
  if (!need) return 'unknown';
  const params = isObject(manifest.parameters) ? manifest.parameters : {};
  const key = Object.keys(params).find(k => k.toLowerCase() === need.parameter.toLowerCase());
  const value = key === undefined ? undefined : String(params[key]);
  const ok = value !== undefined && value !== '' && (need.value === undefined || value.toLowerCase() === need.value);
  return ok ? 'encrypted' : 'unencrypted';
}

/** StorageClasses of known CSI drivers encrypt volumes. */
export const rule = kindRule({
  id: RuleIds.STORAGE_CLASS_UNENCRYPTED,
  severity: Severity.ERROR,
  area: 'Storage',
  description: 'StorageClasses of known provisioners must enable encryption (ebs.csi.aws.com / kubernetes.io/aws-ebs encrypted "true", pd.csi.storage.gke.io disk-encryption-kms-key, disk.csi.azure.com diskEncryptionSetID, rbd.csi.ceph.com and driver.longhorn.io encrypted "true").',
  fix: 'Add the provisioner\'s encryption parameter to the StorageClass (see the description).',
  standards: {
    kubescape: ['C-0264'],
  },
}, ['StorageClass'], 'storage.k8s.io', (obj, out) => {
  if (storageClassEncryption(obj) === 'unencrypted') {
    const need = ENCRYPTION_PARAMETERS[obj.manifest.provisioner];
    out.push({
      obj,
      jsonPath: `parameters.${need.parameter}`,
      message: `StorageClass for ${obj.manifest.provisioner} does not enable encryption (parameters.${need.parameter}${need.value ? ` must be "${need.value}"` : ' is missing'})`,
    });
  }
});
