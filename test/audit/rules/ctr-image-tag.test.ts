import { RuleIds } from '../../../src/audit/rule-ids';
import { imageTag } from '../../../src/audit/rules/ctr-image-tag';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-CTR-IMAGE-TAG', () => {
  test('compliant workloads pass (version tag, digest, registry with port)', () => {
    const spec = compliantPodSpec();
    spec.containers[0].image = 'registry.example.com:5000/team/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    spec.initContainers = [{ ...spec.containers[0], name: 'init', image: 'registry.example.com:5000/init:2.0' }];
    expect(findings(RuleIds.CTR_IMAGE_TAG, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags untagged, latest and missing images', () => {
    const spec = compliantPodSpec();
    spec.containers[0].image = 'registry.example.com:5000/web';
    spec.containers.push({ ...spec.containers[0], name: 'sidecar', image: 'envoy:latest' });
    spec.initContainers = [{ ...spec.containers[0], name: 'init', image: undefined }];
    expect(findings(RuleIds.CTR_IMAGE_TAG, [deployment('web', 'shop', spec)])).toEqual([
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[0].image', message: 'container "web" uses image "registry.example.com:5000/web" without a tag' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.containers[1].image', message: 'container "sidecar" uses image "envoy:latest" with the mutable tag "latest"' },
      { object: 'Deployment/shop/web', jsonPath: 'spec.template.spec.initContainers[0].image', message: 'init container "init" has no image' },
    ]);
  });

  test('imageTag parses references', () => {
    expect(imageTag('nginx')).toBe('');
    expect(imageTag('nginx:1.27')).toBe('1.27');
    expect(imageTag('localhost:5000/nginx')).toBe('');
    expect(imageTag('nginx@sha256:abc')).toBeUndefined();
  });
});
