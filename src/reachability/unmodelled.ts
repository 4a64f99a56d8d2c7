/**
 * Internal: network policy objects the proof does not model. The proof reads Kubernetes
 * NetworkPolicies (networking.k8s.io/v1), Cilium's policies (cilium.io/v2, cilium.ts) and the
 * Istio and Linkerd authorization objects. Any other policy may allow what those deny, so it is
 * never skipped silently: each is reported (ReachabilityResult.unmodelledPolicies), and the check
 * and the CLI fail on it (fail closed).
 *
 * - policy.networking.k8s.io (network-policy-api): AdminNetworkPolicy (evaluated before
 *   NetworkPolicies by priority; Allow admits what they deny, Pass hands traffic to them),
 *   BaselineAdminNetworkPolicy (decides for pods no NetworkPolicy isolates), any other kind of the
 *   group (ClusterNetworkPolicy, v1alpha2).
 * - Calico (projectcalico.org/v3 and crd.projectcalico.org/v1): NetworkPolicy,
 *   GlobalNetworkPolicy and Profile carry rules Calico enforces alongside NetworkPolicies, in tiers
 *   and by order. Staged policies are previews Calico does not enforce; NetworkSets, Tiers and host
 *   endpoints are not policies by themselves.
 * - CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy in another version than cilium.io/v2,
 *   the only one Cilium serves.
 * - Any other kind named `*NetworkPolicy` (extensions/v1beta1 NetworkPolicy, Antrea, GKE's
 *   FQDNNetworkPolicy, MultiNetworkPolicy, ...).
 */
import { isCiliumPolicy, isCiliumPolicyKind } from './cilium';
import { K8s } from './model';
import { isNetworkPolicy } from './network-policy';
import { UnmodelledPolicy } from './unmodelled-policy';
import { describeManifest, groupOf, isRecord } from '../manifest/objects';

const ADMIN_GROUP = 'policy.networking.k8s.io';
const CALICO_GROUPS = new Set(['projectcalico.org', 'crd.projectcalico.org']);
const CALICO_RULES = new Set(['NetworkPolicy', 'GlobalNetworkPolicy', 'Profile']);

/** Why an object is a policy the proof does not model; undefined when it is not one. */
function reasonOf(o: K8s): string | undefined {
  const kind = String(o.kind);
  const group = groupOf(o.apiVersion);
  if (isNetworkPolicy(o) || isCiliumPolicy(o)) return undefined;
  if (group === ADMIN_GROUP) {
    if (kind === 'AdminNetworkPolicy') {
      return 'AdminNetworkPolicies are evaluated before NetworkPolicies, by priority: their Allow rules admit traffic the NetworkPolicies deny, and Pass rules hand it back to them';
    }
    if (kind === 'BaselineAdminNetworkPolicy') {
      return 'the BaselineAdminNetworkPolicy decides the traffic of pods no NetworkPolicy isolates, by rules the proof does not read';
    }
    return `${kind} is a cluster-wide network policy (network-policy-api) evaluated alongside NetworkPolicies, which can allow what they deny`;
  }
  if (CALICO_GROUPS.has(group)) {
    if (!CALICO_RULES.has(kind)) return undefined;
    return `Calico enforces ${kind} rules alongside Kubernetes NetworkPolicies, in tiers and by order: their Allow and Pass actions can admit traffic the NetworkPolicies deny`;
  }
  if (isCiliumPolicyKind(kind) && group === 'cilium.io') {
    return `Cilium serves ${kind} in cilium.io/v2 only; the proof reads that version, not ${String(o.apiVersion)}`;
  }
  if (kind.endsWith('NetworkPolicy')) {
    return 'the proof reads networking.k8s.io/v1 NetworkPolicies and cilium.io/v2 Cilium policies only: a network plugin enforcing this kind may allow what they deny';
  }
  return undefined;
}

/** The policies of the input the proof does not model, in input order. */
export function findUnmodelledPolicies(objects: readonly K8s[]): UnmodelledPolicy[] {
  const out: UnmodelledPolicy[] = [];
  for (const o of objects) {
    if (!isRecord(o) || typeof o.kind !== 'string') continue;
    const reason = reasonOf(o);
    if (reason === undefined) continue;
    const object = describeManifest(o);
    const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
    out.push({
      object,
      apiVersion,
      reason,
      message: `${object} (${apiVersion || 'no apiVersion'}) is a network policy the reachability proof does not model: ${reason}. `
        + 'The proof cannot vouch for the paths it allows: express them as NetworkPolicies or Cilium policies the proof reads, or remove it',
    });
  }
  return out;
}
