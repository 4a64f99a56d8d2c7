import { podTwin } from '../../admission/pod';
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
  // A digest pins; otherwise a tag after the last '/' (a registry port is not a tag), not "latest".
  admission: podTwin([{
    expression: "variables.containers.all(c, has(c.image) && type(c.image) == string && c.image != '' && (c.image.contains('@') || (c.image.matches(':[^/]+$') && !c.image.matches(':latest$'))))",
    message: 'every container image is pinned to a tag other than "latest", or to a digest',
  }]),
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
