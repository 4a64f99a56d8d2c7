import { podTwin } from '../../admission/pod';
import { containerSc, podRule } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Immutable container filesystems. */
export const rule = podRule({
  id: RuleIds.CTR_READONLY_ROOTFS,
  severity: Severity.ERROR,
  area: 'Containers',
  description: 'Containers must run with a read-only root filesystem.',
  fix: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process must write (e.g. /tmp).',
  standards: {
    kubescape: ['C-0017'],
    polaris: ['notReadOnlyRootFilesystem'],
    kubeScore: ['container-security-context-readonlyrootfilesystem'],
    kubeLinter: ['no-read-only-root-fs'],
  },
  admission: podTwin([{
    expression: 'variables.containers.all(c, has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)',
    message: 'every container sets securityContext.readOnlyRootFilesystem: true',
  }]),
}, (pod, out) => {
  for (const c of pod.containers) {
    if (containerSc(c).readOnlyRootFilesystem !== true) {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.securityContext.readOnlyRootFilesystem`, message: `${c.label} has a writable root filesystem` });
    }
  }
});
