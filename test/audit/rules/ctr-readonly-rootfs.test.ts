import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-READONLY-ROOTFS', () => {
  test('compliant workloads pass', () => {
    expect(findings(RuleIds.CTR_READONLY_ROOTFS, compliantBundle())).toEqual([]);
  });

  test('flags writable root filesystems', () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    spec.initContainers = [{ name: 'init', image: 'busybox:1.36' }];
    expect(findings(RuleIds.CTR_READONLY_ROOTFS, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem', message: 'container "web" has a writable root filesystem' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem', message: 'init container "init" has a writable root filesystem' },
    ]);
  });
});
