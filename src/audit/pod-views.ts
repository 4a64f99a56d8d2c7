/**
 * Internal: the pod specs of the objects under audit, with their containers, as rules read them.
 */
import { isObject, K8sObject, stringMap } from './input-objects';
import { findPodSpecs, PodSpecLocation } from '../manifest/objects';

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container of a pod spec. */
export interface ContainerView {
  readonly container: any;
  readonly name: string;
  readonly type: ContainerType;
  /** e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** e.g. `container "web"` / `init container "migrate"`. */
  readonly label: string;
  /** The container's securityContext ({} when it has none). */
  readonly securityContext: any;
}

/**
 * A pod spec found in an object (Pod, Deployment, ..., CronJob, or a custom resource that embeds a
 * pod spec anywhere, e.g. a KEDA ScaledJob's `spec.jobTargetRef.template.spec`). One object may hold
 * several pod specs: one PodView each.
 */
export interface PodView {
  readonly obj: K8sObject;
  readonly spec: any;
  /** Dotted path of the pod spec, e.g. `spec.template.spec`. */
  readonly specPath: string;
  /** Dotted path of the pod metadata, e.g. `spec.template.metadata` (`metadata` for a Pod). */
  readonly metadataPath: string;
  /** Pod metadata (template metadata for workloads). */
  readonly metadata: any;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
  /** The pod's securityContext ({} when it has none). */
  readonly securityContext: any;
  readonly containers: ContainerView[];
  /** Whether pods run to completion (Job, CronJob, Pod with restartPolicy Never/OnFailure). */
  readonly runsToCompletion: boolean;
  /** Whether this is only a template (PodTemplate), not a running workload. */
  readonly templateOnly: boolean;
}

/** The securityContext of a pod or container without one: shared, frozen. */
const NO_SECURITY_CONTEXT = Object.freeze({});

const CONTAINER_TYPES: ContainerType[] = ['containers', 'initContainers', 'ephemeralContainers'];
const CONTAINER_LABEL: Record<ContainerType, string> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

/** Adds the views of every pod spec of an object (see `findPodSpecs`). */
export function addPodViews(obj: K8sObject, out: PodView[]): void {
  const m = obj.manifest;
  const found = findPodSpecs(m, obj.group);
  for (let i = 0; i < found.length; i++) out.push(podView(obj, found[i]));
  if (found.length === 0 && obj.group === '' && obj.kind === 'Pod' && isObject(m.spec) && Array.isArray(m.spec.containers)) {
    // A Pod is a pod even before it has containers (the shape search needs at least one).
    out.push(podView(obj, { spec: m.spec, path: ['spec'], specPath: 'spec', metadata: isObject(m.metadata) ? m.metadata : {}, metadataPath: 'metadata' }));
  }
}

function podView(obj: K8sObject, loc: PodSpecLocation): PodView {
  const spec = loc.spec;
  const specPath = loc.specPath;
  const metadata = loc.metadata;
  const containers: ContainerView[] = [];
  for (const type of CONTAINER_TYPES) {
    const list = spec[type];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (!isObject(c)) continue;
      const name = typeof c.name === 'string' ? c.name : `#${i}`;
      const securityContext = isObject(c.securityContext) ? c.securityContext : NO_SECURITY_CONTEXT;
      containers.push({ container: c, name, type, path: `${specPath}.${type}[${i}]`, label: `${CONTAINER_LABEL[type]} "${name}"`, securityContext });
    }
  }
  const isPod = obj.group === '' && obj.kind === 'Pod' && loc.path.length === 1;
  const restart = spec.restartPolicy;
  const runsToCompletion = (obj.group === 'batch' && (obj.kind === 'Job' || obj.kind === 'CronJob'))
    || underJobTemplate(loc.path)
    || (isPod && (restart === 'Never' || restart === 'OnFailure'));
  return {
    obj,
    spec,
    specPath,
    metadataPath: loc.metadataPath,
    metadata: isObject(metadata) ? metadata : {},
    labels: stringMap(isObject(metadata) ? metadata.labels : undefined),
    annotations: stringMap(isObject(metadata) ? metadata.annotations : undefined),
    securityContext: isObject(spec.securityContext) ? spec.securityContext : NO_SECURITY_CONTEXT,
    containers,
    runsToCompletion,
    templateOnly: obj.group === '' && obj.kind === 'PodTemplate',
  };
}

/** Whether a pod template sits under a Job's template (`jobTemplate`, `jobTargetRef`): its pods run to completion. */
function underJobTemplate(path: ReadonlyArray<string | number>): boolean {
  for (let i = 0; i < path.length; i++) if (path[i] === 'jobTemplate' || path[i] === 'jobTargetRef') return true;
  return false;
}
