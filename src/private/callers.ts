/** Internal: callers of a workload (its callers, or the scrapers of its metrics port) as mesh identities and NetworkPolicy peers. */
import { PeerJson, podsPeer } from './json';
import type { ICaller } from '../caller';
import type { CallerIdentity } from '../mesh/types';

/** The identities of `callers`, sorted and de-duplicated. */
export function callerIdentities(callers: Map<string, ICaller>): CallerIdentity[] {
  const seen = new Map<string, CallerIdentity>();
  for (const c of callers.values()) {
    seen.set(`${c.callerNamespace}/${c.callerServiceAccount}`, { namespace: c.callerNamespace, serviceAccount: c.callerServiceAccount });
  }
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

/** NetworkPolicy peers selecting the pods of `callers` (namespace + pod labels), in key order. */
export function callerPeers(callers: Map<string, ICaller>): PeerJson[] {
  return [...callers.keys()].sort().map((key) => {
    const c = callers.get(key)!;
    return podsPeer(c.callerNamespace, c.callerPodLabels);
  });
}
