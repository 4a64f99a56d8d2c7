/**
 * Internal: where and how long the pods of a workload run — spread over nodes and zones, the
 * priority class (the library's default PriorityClass, created once per app, unless one is named)
 * and the PodDisruptionBudget.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { appSingleton } from './singleton';
import { makeClusterScoped, validateDnsSubdomain } from './validation';
import type { WorkloadCore } from './workload';

const DEFAULT_PRIORITY_CLASS = 'secure-baseline-workload';

/** Spread of the pods of a long-running workload over nodes and zones. */
export function spreadAndAntiAffinity(selectorLabels: Record<string, string>): Record<string, any> {
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels } },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels } },
        }],
      },
    },
  };
}

/** `given` (validated), or the library's default PriorityClass, created once per app. */
export function priorityClassName(scope: IConstruct, given: string | undefined): string {
  if (given !== undefined) return validateDnsSubdomain(scope, 'priorityClassName', given);
  appSingleton(scope, 'priority-class', (chart, sid) => makeClusterScoped(new ApiObject(chart, sid, {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: DEFAULT_PRIORITY_CLASS },
    value: 1000,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'Default priority of workloads synthesized by cdk8s-secure-baseline.',
  })));
  return DEFAULT_PRIORITY_CLASS;
}

/** The PodDisruptionBudget: one pod at a time with replicas, none held back with a single replica. */
export function createPodDisruptionBudget(scope: Construct, core: WorkloadCore, replicas: number): ApiObject {
  return new ApiObject(scope, 'PodDisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
    spec: {
      ...(replicas > 1 ? { maxUnavailable: 1 } : { minAvailable: 0 }),
      selector: { matchLabels: core.selectorLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
