/**
 * Internal: the CLI's intent-free mode (`reachability --openings`), for third-party YAML that
 * declares no intent, where every open path would be "extra".
 *
 * It reports only the paths that open a workload beyond its namespace, or open the cloud metadata
 * endpoint, as *openings*:
 * - `internet`: a path from an address outside the cluster (the `internet` endpoint or any other
 *   address class: `cidr ...`, an external service's addresses) to a workload;
 * - `all-namespaces`: a path from the pods of any namespace — including namespaces the input does
 *   not describe (the `*` endpoint) — to a workload: a workload without ingress isolation, or a rule
 *   admitting `namespaceSelector: {}`;
 * - `metadata-endpoint`: a path from a workload to a cloud metadata endpoint (169.254.169.254,
 *   fd00:ec2::254 and their IPv4-mapped forms: the address classes that hold them);
 * - `cross-namespace`: a path from a workload of another namespace that the input describes, on
 *   ports not already open to all namespaces.
 * Infrastructure paths (DNS, mesh control plane) are never openings. Each opening is one line per
 * (receiver, kind, ports, layer) — the receiver a workload, a group of equivalent workloads or the
 * metadata endpoint — with the number of senders and a few examples, not one line per pair.
 * Layers: `effective` (it connects), `NetworkPolicy` (only the mesh stops it), `mesh` (only the
 * NetworkPolicies stop it).
 */
import type { ReachabilityEndpoint, ReachabilityResult } from './analyzer';
import type { EndpointGroup } from './classes';
import { PortSet } from './ports';

/** The kinds of openings, in report order. */
export const OPENING_KINDS = ['internet', 'all-namespaces', 'metadata-endpoint', 'cross-namespace'] as const;
export type OpeningKind = (typeof OPENING_KINDS)[number];

/** One opening: a receiver open to senders of one kind, on some ports, at one layer. */
export interface Opening {
  readonly kind: OpeningKind;
  readonly layer: string;
  /** The receiver: a workload, a group (`ns/name (+N alike)`) or the metadata endpoint. */
  readonly to: string;
  /** How many workloads the receiver stands for (a group's members; 1 otherwise). */
  readonly receivers: number;
  readonly ports: string[];
  /** How many senders reach it this way (groups expanded). */
  readonly senders: number;
  /** Up to three senders (ids), sorted. */
  readonly examples: string[];
}

const EXAMPLES = 3;

/** The openings of a class-level result (see the file comment), sorted by kind, receiver, layer. */
export function findOpenings(result: ReachabilityResult, groups: readonly EndpointGroup[], metadata: readonly string[]): Opening[] {
  const endpoint = new Map<string, ReachabilityEndpoint>(result.endpoints.map((e) => [e.id, e]));
  const members = new Map<string, ReadonlyArray<{ id: string; namespace: string }>>(groups.map((g) => [g.id, g.members]));
  const membersOf = (id: string) => members.get(id) ?? [{ id, namespace: endpoint.get(id)?.namespace ?? '' }];
  const meta = new Set(metadata);
  const isPod = (e: ReachabilityEndpoint | undefined) => e !== undefined && (e.kind === 'workload' || e.kind === 'external-workload');
  const isAddress = (e: ReachabilityEndpoint | undefined) => e !== undefined && (e.kind === 'internet' || e.kind === 'cidr') && !meta.has(e.id);

  const infrastructure = new Set(result.edges.filter((e) => e.infrastructure).map((e) => `${e.from}\u0000${e.to}`));
  const paths: Array<{ from: string; to: string; ports: string[]; layer: string }> = [
    ...result.edges.filter((e) => !e.infrastructure).map((e) => ({ from: e.from, to: e.to, ports: e.ports, layer: 'effective' })),
    ...result.extraPaths.filter((x) => x.layer !== 'effective' && !infrastructure.has(`${x.from}\u0000${x.to}`)),
  ];
  const acc = new Map<string, { kind: OpeningKind; layer: string; to: string; ports: PortSet; senders: number; examples: Set<string> }>();
  const add = (kind: OpeningKind, layer: string, to: string, ports: PortSet, from: string, senders: number) => {
    const key = `${kind}\u0000${to}\u0000${layer}\u0000${ports}`;
    let o = acc.get(key);
    if (!o) acc.set(key, o = { kind, layer, to, ports, senders: 0, examples: new Set() });
    o.senders += senders;
    if (o.examples.size < EXAMPLES) o.examples.add(from);
  };
  // Ports open to all namespaces, per receiver and layer: cross-namespace openings within them are implied.
  const allNs = new Map<string, PortSet>();
  for (const p of paths) {
    const from = endpoint.get(p.from);
    const to = endpoint.get(p.to);
    const ports = PortSet.parse(p.ports.join(','));
    if (isPod(to) && isAddress(from)) add('internet', p.layer, p.to, ports, p.from, 1);
    if (isPod(to) && from?.kind === 'unknown-pods') {
      add('all-namespaces', p.layer, p.to, ports, p.from, 1);
      allNs.set(`${p.to}\u0000${p.layer}`, (allNs.get(`${p.to}\u0000${p.layer}`) ?? PortSet.EMPTY).union(ports));
    }
    if (meta.has(p.to) && isPod(from)) add('metadata-endpoint', p.layer, p.to, ports, p.from, membersOf(p.from).length);
  }
  for (const p of paths) {
    const from = endpoint.get(p.from);
    const to = endpoint.get(p.to);
    if (!isPod(to) || !isPod(from)) continue;
    const ports = PortSet.parse(p.ports.join(',')).subtract(allNs.get(`${p.to}\u0000${p.layer}`) ?? PortSet.EMPTY);
    if (ports.isEmpty) continue;
    const receiverNs = new Set(membersOf(p.to).map((m) => m.namespace));
    const crossing = membersOf(p.from).filter((m) => receiverNs.size > 1 || !receiverNs.has(m.namespace)).length;
    if (crossing > 0) add('cross-namespace', p.layer, p.to, ports, p.from, crossing);
  }
  const order = (k: OpeningKind) => OPENING_KINDS.indexOf(k);
  return [...acc.values()].map((o) => ({
    kind: o.kind,
    layer: o.layer,
    to: o.to,
    receivers: membersOf(o.to).length,
    ports: o.ports.toStrings(),
    senders: o.senders,
    examples: [...o.examples].sort(),
  })).sort((a, b) => order(a.kind) - order(b.kind) || a.to.localeCompare(b.to) || a.layer.localeCompare(b.layer)
    || a.ports.join().localeCompare(b.ports.join()));
}

/** One line of text for an opening. */
export function openingLine(o: Opening): string {
  const receivers = o.receivers > 1 ? ` (${o.receivers} workloads)` : '';
  const from = o.kind === 'internet' ? 'addresses outside the cluster' : o.kind === 'all-namespaces' ? 'pods of every namespace'
    : o.kind === 'metadata-endpoint' ? 'workloads' : 'workloads of other namespaces';
  const examples = o.kind === 'all-namespaces' ? '' : `, e.g. ${o.examples.join(', ')}${o.senders > o.examples.length ? ', ...' : ''}`;
  return `[${o.layer}] ${o.to}${receivers} on ${o.ports.join(' ')}: ${o.kind === 'all-namespaces' ? from : `${o.senders} sender(s), ${from}${examples}`}`;
}
