/**
 * A network policy object of the input that the reachability proof does not model
 * (AdminNetworkPolicy, Calico policies, ...): it may allow paths the proof does not show, so the
 * proof cannot vouch for the input while it is there.
 */
export interface UnmodelledPolicy {
  /** `Kind namespace/name` (or `Kind name` for a cluster-scoped object). */
  readonly object: string;
  /** The object's apiVersion (empty when it has none). */
  readonly apiVersion: string;
  /** Why it matters: what the object can do that the proof does not see. */
  readonly reason: string;
  /** The full explanation, naming the object. */
  readonly message: string;
}
