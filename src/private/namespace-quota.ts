/**
 * Internal: the ResourceQuota and LimitRange of a SecureNamespace — defaults, validation (a single
 * default-sized container must fit in the bounds and the quota), and the reasoned exposure of
 * LoadBalancer and NodePort Services.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { fail, parseQuantity, show, validateQuantity, validateReason } from './validation';
import type { LimitRangeOptions, ResourceQuotaOptions } from '../namespace-options';

/** The LimitRange's quantities, with defaults. */
function limitsOf(l: LimitRangeOptions) {
  return {
    defaultCpuRequest: l.defaultCpuRequest ?? '100m',
    defaultCpuLimit: l.defaultCpuLimit ?? '500m',
    defaultMemoryRequest: l.defaultMemoryRequest ?? '128Mi',
    defaultMemoryLimit: l.defaultMemoryLimit ?? '256Mi',
    defaultEphemeralStorageRequest: l.defaultEphemeralStorageRequest ?? '64Mi',
    defaultEphemeralStorageLimit: l.defaultEphemeralStorageLimit ?? '1Gi',
    maxCpu: l.maxCpu ?? '4',
    maxMemory: l.maxMemory ?? '8Gi',
  };
}

/** The ResourceQuota's quantities, with defaults. */
function quotaOf(q: ResourceQuotaOptions) {
  return {
    requestsCpu: q.requestsCpu ?? '8',
    limitsCpu: q.limitsCpu ?? '16',
    requestsMemory: q.requestsMemory ?? '16Gi',
    limitsMemory: q.limitsMemory ?? '32Gi',
    requestsEphemeralStorage: q.requestsEphemeralStorage ?? '20Gi',
    limitsEphemeralStorage: q.limitsEphemeralStorage ?? '40Gi',
    requestsStorage: q.requestsStorage ?? '500Gi',
  };
}

/** Fails when a default-sized container does not fit in the LimitRange's bounds or the quota. */
function checkFits(scope: IConstruct, limits: ReturnType<typeof limitsOf>, quota: ReturnType<typeof quotaOf>): void {
  const pairs: Array<[string, string, string, string]> = [
    ['limitRange.defaultCpuRequest', limits.defaultCpuRequest, 'limitRange.defaultCpuLimit', limits.defaultCpuLimit],
    ['limitRange.defaultMemoryRequest', limits.defaultMemoryRequest, 'limitRange.defaultMemoryLimit', limits.defaultMemoryLimit],
    ['limitRange.defaultEphemeralStorageRequest', limits.defaultEphemeralStorageRequest, 'limitRange.defaultEphemeralStorageLimit', limits.defaultEphemeralStorageLimit],
    ['limitRange.defaultCpuLimit', limits.defaultCpuLimit, 'limitRange.maxCpu', limits.maxCpu],
    ['limitRange.defaultMemoryLimit', limits.defaultMemoryLimit, 'limitRange.maxMemory', limits.maxMemory],
    ['limitRange.defaultCpuRequest', limits.defaultCpuRequest, 'resourceQuota.requestsCpu', quota.requestsCpu],
    ['limitRange.defaultCpuLimit', limits.defaultCpuLimit, 'resourceQuota.limitsCpu', quota.limitsCpu],
    ['limitRange.defaultMemoryRequest', limits.defaultMemoryRequest, 'resourceQuota.requestsMemory', quota.requestsMemory],
    ['limitRange.defaultMemoryLimit', limits.defaultMemoryLimit, 'resourceQuota.limitsMemory', quota.limitsMemory],
    ['limitRange.defaultEphemeralStorageRequest', limits.defaultEphemeralStorageRequest, 'resourceQuota.requestsEphemeralStorage', quota.requestsEphemeralStorage],
    ['limitRange.defaultEphemeralStorageLimit', limits.defaultEphemeralStorageLimit, 'resourceQuota.limitsEphemeralStorage', quota.limitsEphemeralStorage],
  ];
  for (const [smallName, small, bigName, big] of pairs) {
    if (parseQuantity(small)! > parseQuantity(big)!) {
      fail(scope, `${bigName} ${show(big)} is below ${smallName} ${show(small)}`, `raise ${bigName} or lower ${smallName}: a single default-sized container must fit`);
    }
  }
}

/** The ResourceQuota `baseline-quota` and LimitRange `baseline-limits` of `namespace`. */
export function createQuotaAndLimits(scope: Construct, namespace: string, q: ResourceQuotaOptions, l: LimitRangeOptions): void {
  const count = (what: string, value: number, min = 0) => {
    if (!Number.isInteger(value) || value < min) fail(scope, `${what} ${show(value)} is not a whole number of at least ${min}`, `use an integer ≥ ${min}`);
    return value;
  };
  const limits = limitsOf(l);
  const quota = quotaOf(q);
  for (const [k, v] of [...Object.entries(limits), ...Object.entries(quota)]) validateQuantity(scope, k, v);
  checkFits(scope, limits, quota);
  const loadBalancers = count('resourceQuota.loadBalancers', q.loadBalancers ?? 0);
  const nodePorts = count('resourceQuota.nodePorts', q.nodePorts ?? 0);
  const annotations: Record<string, string> = {};
  if (loadBalancers + nodePorts > 0) {
    annotations[acknowledgementAnnotation(RuleIds.SVC_EXPOSED)] = validateReason(scope, 'allowing LoadBalancer or NodePort Services', q.serviceExposureReason);
  } else if (q.serviceExposureReason !== undefined) {
    fail(scope, 'resourceQuota.serviceExposureReason is set but no LoadBalancer or NodePort Service is allowed', 'remove serviceExposureReason, or raise loadBalancers / nodePorts');
  }
  new ApiObject(scope, 'ResourceQuota', {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'baseline-quota', namespace, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      hard: {
        'requests.cpu': quota.requestsCpu,
        'limits.cpu': quota.limitsCpu,
        'requests.memory': quota.requestsMemory,
        'limits.memory': quota.limitsMemory,
        'requests.ephemeral-storage': quota.requestsEphemeralStorage,
        'limits.ephemeral-storage': quota.limitsEphemeralStorage,
        'requests.storage': quota.requestsStorage,
        'pods': String(count('resourceQuota.pods', q.pods ?? 100, 1)),
        'services': String(count('resourceQuota.services', q.services ?? 50)),
        'persistentvolumeclaims': String(count('resourceQuota.persistentVolumeClaims', q.persistentVolumeClaims ?? 20)),
        'services.loadbalancers': String(loadBalancers),
        'services.nodeports': String(nodePorts),
      },
    },
  });
  new ApiObject(scope, 'LimitRange', {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'baseline-limits', namespace },
    spec: {
      limits: [{
        type: 'Container',
        defaultRequest: { 'cpu': limits.defaultCpuRequest, 'memory': limits.defaultMemoryRequest, 'ephemeral-storage': limits.defaultEphemeralStorageRequest },
        default: { 'cpu': limits.defaultCpuLimit, 'memory': limits.defaultMemoryLimit, 'ephemeral-storage': limits.defaultEphemeralStorageLimit },
        max: { cpu: limits.maxCpu, memory: limits.maxMemory },
      }],
    },
  });
}
