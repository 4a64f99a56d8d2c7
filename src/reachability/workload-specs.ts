/**
 * Internal: which objects of the input are workload endpoints of the reachability graph (one per
 * pod spec of an object that is not the same workload as an owner in the input).
 */
import { K8s, namespaceOf } from './nodes';
import { findPodSpecs, groupOf, identityKey, identityKeyOf, isClusterScopedKind, isRecord, PodSpecLocation } from '../manifest/objects';

/** One workload endpoint: a pod spec of an object that is not the same workload as an owner in the input. */
export interface WorkloadSpec {
  readonly object: K8s;
  readonly location: PodSpecLocation;
  readonly namespace: string;
  /** `name`, or `name:spec.path` when the object holds several pod specs. */
  readonly name: string;
}

/**
 * The workloads of the input: every object holding a pod spec (found by shape: built-in workloads,
 * Pods, and custom resources such as KEDA ScaledJobs or Argo Rollouts), except
 * - an object owned (ownerReferences) by another pod-spec object of the input: a Pod of a
 *   ReplicaSet of a Deployment is the Deployment's workload, not a second endpoint; a Pod whose
 *   owner is not in the input (`kubectl get pods -o yaml`) is an endpoint of its own;
 * - core PodTemplates (templates nothing runs) and cluster-scoped objects.
 */
export function workloadSpecs(objects: readonly K8s[]): WorkloadSpec[] {
  const candidates: Array<{ o: K8s; locs: readonly PodSpecLocation[]; key?: string }> = [];
  for (const o of objects) {
    if (!isRecord(o) || typeof o.kind !== 'string' || isClusterScoped(o)) continue;
    if (o.kind === 'PodTemplate' && groupOf(o.apiVersion) === '') continue;
    const locs = findPodSpecs(o);
    if (locs.length > 0) candidates.push({ o, locs, key: identityKey(o) });
  }
  type Candidate = (typeof candidates)[number];
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) if (c.key !== undefined) byKey.set(c.key, c);
  const ownersOf = (c: Candidate): Candidate[] => {
    const refs: any[] = Array.isArray(c.o.metadata?.ownerReferences) ? c.o.metadata.ownerReferences : [];
    const out: Candidate[] = [];
    for (const r of refs) {
      if (!isRecord(r) || typeof r.kind !== 'string' || typeof r.name !== 'string') continue;
      const owner = byKey.get(identityKeyOf(groupOf(r.apiVersion), r.kind, c.o.metadata?.namespace, r.name));
      if (owner && owner !== c) out.push(owner);
    }
    return out;
  };
  // Merged into an owner of the input unless that owner is (transitively) owned by it: an
  // ownership cycle, which the API server does not produce, leaves its members endpoints.
  const reaches = (from: Candidate, to: Candidate): boolean => {
    const seen = new Set<unknown>();
    const stack = [from];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === to) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...ownersOf(x));
    }
    return false;
  };
  const merged = (c: Candidate): boolean => ownersOf(c).some((p) => !reaches(p, c));
  const out: WorkloadSpec[] = [];
  for (const c of candidates) {
    if (merged(c)) continue;
    const name = String(c.o.metadata?.name);
    for (const location of c.locs) {
      out.push({ object: c.o, location, namespace: namespaceOf(c.o), name: c.locs.length === 1 ? name : `${name}:${location.specPath}` });
    }
  }
  return out;
}

/** Whether an object's kind is cluster-scoped (the object model's table). */
function isClusterScoped(o: K8s): boolean {
  return isClusterScopedKind(groupOf(o.apiVersion), o.kind);
}
