import { AuditContext, K8sObject, asArray, isObject } from '../context';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';
import { storageClassEncryption } from './storage-class-unencrypted';

/** Volume claims land on StorageClasses known to encrypt. */
export const rule: RuleDefinition = {
  id: RuleIds.STORAGE_CLASS_UNVERIFIED,
  severity: Severity.ERROR,
  area: 'Storage',
  description: 'PersistentVolumeClaims (also StatefulSet volumeClaimTemplates and generic ephemeral volumes) must use a StorageClass in the output that is known to encrypt, or one listed in encryptedStorageClasses.',
  fix: 'Set storageClassName to an encrypted StorageClass defined in the app, list an externally managed encrypted class in the audit\'s encryptedStorageClasses option, or acknowledge the rule with the reason.',
  standards: {
    kubescape: ['C-0264'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const trusted = new Set(ctx.options.encryptedStorageClasses ?? []);
    const classes = new Map<string, K8sObject>();
    for (const sc of ctx.ofKind('StorageClass', 'storage.k8s.io')) classes.set(sc.name, sc);
    const verify = (obj: K8sObject, spec: any, path: string, what: string) => {
      const name = isObject(spec) ? spec.storageClassName : undefined;
      let problem: string | undefined;
      if (name === undefined || name === null) {
        problem = 'uses the cluster default StorageClass (storageClassName unset), which is not known to be encrypted';
      } else if (name === '') {
        problem = 'binds a pre-provisioned volume (storageClassName ""), whose encryption cannot be verified';
      } else if (trusted.has(name)) {
        return;
      } else {
        const sc = classes.get(name);
        if (!sc) {problem = `uses StorageClass "${name}", which is not in the output`;} else {
          const e = storageClassEncryption(sc);
          if (e === 'encrypted') return;
          problem = e === 'unencrypted'
            ? `uses StorageClass "${name}", which does not enable encryption`
            : `uses StorageClass "${name}" with provisioner "${sc.manifest.provisioner}", whose encryption cannot be verified`;
        }
      }
      out.push({ obj, jsonPath: `${path}.storageClassName`, message: `${what} ${problem}` });
    };
    for (const pvc of ctx.ofKind('PersistentVolumeClaim', '')) {
      verify(pvc, pvc.manifest.spec, 'spec', 'PersistentVolumeClaim');
    }
    for (const sts of ctx.ofKind('StatefulSet', 'apps')) {
      const spec = isObject(sts.manifest.spec) ? sts.manifest.spec : {};
      asArray(spec.volumeClaimTemplates).forEach((t: any, i: number) => {
        if (isObject(t)) verify(sts, t.spec, `spec.volumeClaimTemplates[${i}].spec`, `volumeClaimTemplate "${isObject(t.metadata) ? t.metadata.name : i}"`);
      });
    }
    for (const pod of ctx.pods) {
      asArray(pod.spec.volumes).forEach((v: any, i: number) => {
        const tpl = isObject(v) && isObject(v.ephemeral) ? v.ephemeral.volumeClaimTemplate : undefined;
        if (isObject(tpl)) verify(pod.obj, tpl.spec, `${pod.specPath}.volumes[${i}].ephemeral.volumeClaimTemplate.spec`, `ephemeral volume "${v.name}"`);
      });
    }
    return out;
  },
};
