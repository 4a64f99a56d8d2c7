import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-VOLUME-TYPES', () => {
  test('compliant workloads pass (all restricted volume types, image volumes included since Kubernetes 1.33)', () => {
    const spec = compliantPodSpec();
    spec.volumes = [
      { name: 'a', configMap: { name: 'a' } }, { name: 'b', secret: { secretName: 'b' } }, { name: 'c', emptyDir: {} },
      { name: 'd', projected: { sources: [] } }, { name: 'e', downwardAPI: { items: [] } }, { name: 'f', persistentVolumeClaim: { claimName: 'f' } },
      { name: 'g', csi: { driver: 'secrets-store.csi.k8s.io' } }, { name: 'h', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      { name: 'i', image: { reference: 'registry.example.com/models/small:1.0.0', pullPolicy: 'IfNotPresent' } },
    ];
    expect(findings(RuleIds.PSS_VOLUME_TYPES, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags other volume types (hostPath is left to SB-PSS-HOST-PATH)', () => {
    const spec = compliantPodSpec();
    spec.volumes = [{ name: 'nfs', nfs: { server: 'nfs.example.com', path: '/' } }, { name: 'host', hostPath: { path: '/' } }];
    expect(findings(RuleIds.PSS_VOLUME_TYPES, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.volumes[0]', message: 'volume "nfs" has disallowed type nfs' },
    ]);
  });
});
