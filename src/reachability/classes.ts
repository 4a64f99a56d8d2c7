/**
 * Internal: equivalent endpoints, for the aggregated analysis of the CLI.
 *
 * Two workloads are equivalent when nothing the analysis reads tells them apart: the same
 * NetworkPolicies select them (so they have the same ingress and egress rules), every
 * NetworkPolicy peer that selects one selects the other, every intent reference that names one
 * names the other, and they have the same container ports (named ports resolve against them),
 * mesh membership and kind. When the input has a mesh (a meshed workload, or an Istio or Linkerd
 * policy object), their namespace, ServiceAccount, labels and annotations must be equal too: mesh
 * policies name identities and namespaces in ways this signature does not follow. Every other
 * endpoint (DNS, mesh control plane, gateway pods, pods of namespaces without manifests, address
 * classes, the API server) is a class of its own.
 *
 * Equivalent workloads have the same paths to and from every endpoint, so the analysis decides
 * one representative per class and pair of classes: the work and the output are bounded by the
 * number of distinct (class, class, ports) combinations, not by the number of workload pairs. On
 * third-party YAML without NetworkPolicies every workload of the input is in one class.
 *
 * The signature is computed from the selections the NetworkPolicy layer makes anyway (cached in
 * the model), so it costs linear time in objects x policies.
 */
import { isCiliumPolicy } from './cilium';
import { IntentRule, resolveRef } from './intent';
import { apiVersionPrefix, Model, Node } from './model';
import { isNetworkPolicy, NetworkPolicyLayer, peerNodes } from './network-policy';
import { METADATA_ENDPOINTS } from '../private/ip-ranges';

/** Equivalence classes of the model's nodes. */
export interface EndpointClasses {
  /** Per node index: the index of its class's representative (the member with the smallest id). */
  readonly rep: readonly number[];
  /** Per representative index with more than one member: the members' indexes (representative first). */
  readonly members: ReadonlyMap<number, readonly number[]>;
}

/**
 * Whether the input has a mesh whose policies may tell workloads apart by identity or namespace,
 * or Cilium policies (whose selectors read labels, ServiceAccounts and namespaces).
 */
function hasMesh(model: Model): boolean {
  if (model.nodes.some((n) => n.kind === 'Workload' && n.mesh !== 'none')) return true;
  return model.objects.some((o) => {
    const g = apiVersionPrefix(o);
    return g.endsWith('istio.io') || g === 'policy.linkerd.io' || isCiliumPolicy(o);
  });
}

/** The port names NetworkPolicy rules use (`port: http`). */
function namedPorts(model: Model): Set<string> {
  const out = new Set<string>();
  for (const p of model.objects.filter(isNetworkPolicy)) {
    for (const r of [...arr(p.spec?.ingress), ...arr(p.spec?.egress)]) {
      for (const x of arr(r?.ports)) if (x && typeof x.port === 'string' && !/^\d+$/.test(x.port)) out.add(x.port);
    }
  }
  return out;
}

function arr(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function groupable(n: Node): boolean {
  return n.kind === 'Workload' && n.workloadKind !== undefined && n.managed && !n.infrastructure && !n.anyLabels;
}

function sorted(m: Record<string, string>): string {
  return JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));
}

/** The classes of equivalent endpoints (see the file comment). */
export function endpointClasses(model: Model, np: NetworkPolicyLayer, intent: readonly IntentRule[]): EndpointClasses {
  const tokens: string[][] = model.nodes.map(() => []);
  const mark = (nodes: readonly Node[], token: string) => { for (const n of nodes) tokens[n.index].push(token); };
  model.objects.filter(isNetworkPolicy).forEach((p, pi) => {
    const ns = p.metadata?.namespace ?? 'default';
    for (const [dir, key] of [['ingress', 'from'], ['egress', 'to']] as const) {
      const rules = Array.isArray(p.spec?.[dir]) ? p.spec[dir] : [];
      rules.forEach((r: any, ri: number) => {
        const peers = Array.isArray(r?.[key]) ? r[key] : [];
        peers.forEach((peer: any, xi: number) => mark(peerNodes(model, peer, ns), `p${pi}.${dir}.${ri}.${xi}`));
      });
    }
  });
  intent.forEach((rule, i) => {
    mark(resolveRef(model, rule.from), `f${i}`);
    mark(resolveRef(model, rule.to), `t${i}`);
  });
  const mesh = hasMesh(model);
  // Container ports matter where a rule names them (named ports resolve per target); with a mesh, always.
  const names = namedPorts(model);
  const portsOf = (n: Node) => n.ports.filter((p) => mesh || (p.name !== undefined && names.has(p.name)))
    .map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).sort();
  const byKey = new Map<string, number[]>();
  const rep: number[] = model.nodes.map((n) => n.index);
  for (const n of model.nodes) {
    if (!groupable(n)) continue;
    const key = JSON.stringify([
      n.workloadKind, n.mesh, portsOf(n),
      np.isIsolated(n, 'ingress'), np.isIsolated(n, 'egress'), np.policiesOf(n, 'ingress'), np.policiesOf(n, 'egress'),
      tokens[n.index],
      mesh ? [n.namespace, n.serviceAccount ?? null, sorted(n.labels), sorted(n.annotations)] : null,
    ]);
    const list = byKey.get(key);
    if (list) list.push(n.index);
    else byKey.set(key, [n.index]);
  }
  const members = new Map<number, number[]>();
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const ordered = [...list].sort((a, b) => model.nodes[a].id.localeCompare(model.nodes[b].id));
    for (const i of ordered) rep[i] = ordered[0];
    members.set(ordered[0], ordered);
  }
  return { rep, members };
}

/** A class of equivalent workloads with more than one member, as the aggregated output names it. */
export interface EndpointGroup {
  /** The id its paths use: `<representative id> (+N alike)`. */
  readonly id: string;
  /** The members (`namespace/name`) and their namespaces, representative first. */
  readonly members: ReadonlyArray<{ readonly id: string; readonly namespace: string }>;
}

/** What the aggregated analysis reports besides the result: the groups, the metadata endpoints, the intent's size. */
export class AggregateSink {
  public intentRules = 0;
  public groups: EndpointGroup[] = [];
  /** Ids of the address endpoints that are (or hold) a cloud metadata endpoint. */
  public metadata: string[] = [];

  /** Records the groups and returns the labeller of nodes (a group's representative gets the group's id). */
  public label(model: Model, classes: EndpointClasses): (n: Node) => string {
    const labels = new Map<number, string>();
    this.groups = [];
    for (const [rep, members] of classes.members) {
      const id = `${model.nodes[rep].id} (+${members.length - 1} alike)`;
      labels.set(rep, id);
      this.groups.push({ id, members: members.map((i) => ({ id: model.nodes[i].id, namespace: model.nodes[i].namespace ?? '' })) });
    }
    this.groups.sort((a, b) => a.id.localeCompare(b.id));
    this.metadata = model.nodes.filter((n) => n.kind === 'Cidr' && METADATA_ENDPOINTS.some((m) => n.ranges!.overlapsCidr(m))).map((n) => n.id);
    return (n) => labels.get(n.index) ?? n.id;
  }
}
