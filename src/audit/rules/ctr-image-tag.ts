import { podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** The tag of an image reference ('' when none), ignoring registry ports. Digest-pinned images return undefined. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  return lastColon > lastSlash ? image.slice(lastColon + 1) : '';
}

/** Images pinned to a version or digest. */
export const rule = podRule({
  id: RuleIds.CTR_IMAGE_TAG,
  severity: Severity.ERROR,
  area: 'Containers',
  description: 'Container images must be pinned to an explicit tag other than "latest" (or to a digest).',
  fix: 'Reference the image by an immutable version tag or, better, by digest (image@sha256:...).',
  standards: {
    kubeScore: ['container-image-tag'],
    kubeLinter: ['latest-tag'],
    polaris: ['tagNotSpecified'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const image = c.container.image;
    if (typeof image !== 'string' || image === '') {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.image`, message: `${c.label} has no image` });
      continue;
    }
    const tag = imageTag(image);
    if (tag === '') {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.image`, message: `${c.label} uses image ${q(image)} without a tag` });
    } else if (tag === 'latest') {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.image`, message: `${c.label} uses image ${q(image)} with the mutable tag "latest"` });
    }
  }
});
