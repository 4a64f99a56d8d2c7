/**
 * Internal: the Kubernetes API server findings of a reachability analysis — ServiceAccounts whose
 * API access and reach of the API server's endpoints disagree.
 */
import { serviceAccountGrants } from './build';
import { list } from './messages';
import { K8s, Model, Node } from './model';
import { PortSet } from './ports';
import type { ApiServerAccessFinding } from './result-types';
import { IpRangeSet, METADATA_ENDPOINTS } from '../private/ip-ranges';

/** The API server's endpoints as the analysis uses them: addresses and the ports it listens on. */
export interface ApiServerSpec {
  readonly cidrs: string[];
  readonly ports: PortSet;
}

/** The addresses of API server CIDRs (read as leniently as ipBlocks), never the cloud metadata endpoints. */
export function apiServerRanges(cidrs: string[]): IpRangeSet {
  let set = IpRangeSet.EMPTY;
  for (const c of cidrs) {
    const r = IpRangeSet.fromIpBlock(c);
    if (!r) throw new Error(`API server address ${JSON.stringify(c)} is not a CIDR`);
    set = set.union(r);
  }
  for (const m of METADATA_ENDPOINTS) set = set.subtract(IpRangeSet.fromCidr(m)!);
  return set;
}

/**
 * Granted-but-unreachable and reachable-but-ungranted ServiceAccounts: grants are RBAC bindings
 * naming the account (or a group it is in) and projected API-audience tokens; an automounted token
 * is no grant, but exempts its pods from reachable-but-ungranted (they do hold a credential).
 */
export function apiServerFindings(model: Model, objects: K8s[], reach: Map<number, PortSet>, specs: Array<{ ranges: IpRangeSet; ports: PortSet }>):
{ unreachable: ApiServerAccessFinding[]; ungranted: ApiServerAccessFinding[] } {
  const bindings = serviceAccountGrants(objects);
  const where = specs.map((a) => `${a.ranges} on ${a.ports}`).join('; ');
  const bySa = new Map<string, Node[]>();
  for (const n of model.nodes) {
    if (n.kind !== 'Workload' || n.serviceAccount === undefined) continue;
    const key = `${n.namespace}/${n.serviceAccount}`;
    bySa.set(key, [...(bySa.get(key) ?? []), n]);
  }
  const unreachable: ApiServerAccessFinding[] = [];
  const ungranted: ApiServerAccessFinding[] = [];
  for (const sa of [...bySa.keys()].sort()) {
    const nodes = bySa.get(sa)!;
    const rbac = [...(bindings.get(sa) ?? []), ...(bindings.get(`${sa.split('/')[0]}/*`) ?? []), ...(bindings.get('*') ?? [])];
    const tokens = nodes.filter((n) => n.apiToken?.projected).map((n) => `${n.apiToken!.description} in ${n.id}`);
    const grants = [...rbac, ...tokens];
    if (grants.length > 0) {
      const blocked = nodes.filter((n) => !reach.has(n.index)).map((n) => n.id).sort();
      if (blocked.length > 0) {
        unreachable.push({
          serviceAccount: sa,
          workloads: blocked,
          grants,
          message: `${sa} has Kubernetes API access (${list(grants)}) but ${list(blocked)} cannot reach the API server (${where}): `
            + 'open egress to it for these pods (SecureNamespace apiServer does it for the workloads of this library), or remove the grants',
        });
      }
    } else {
      const open = nodes.filter((n) => reach.has(n.index) && n.apiToken === undefined).map((n) => n.id).sort();
      if (open.length > 0) {
        const ports = open.map((id) => reach.get(model.node(id)!.index)!).reduce((u, p) => u.union(p), PortSet.EMPTY);
        ungranted.push({
          serviceAccount: sa,
          workloads: open,
          grants: [],
          message: `${list(open)} can reach the API server (${ports}) although ServiceAccount ${sa} has no Kubernetes API access (no RBAC binding, no API token): `
            + 'narrow the egress that opens it, or grant what the workload calls the API for',
        });
      }
    }
  }
  return { unreachable, ungranted };
}
