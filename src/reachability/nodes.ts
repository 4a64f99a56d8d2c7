/**
 * Internal: the endpoints of the reachability graph as data — Kubernetes objects as JSON, nodes,
 * namespaces, container ports — and the port helpers that read them.
 */
import { PortSet, Protocol, protocolOf } from './ports';
import { IpRangeSet } from '../private/ip-ranges';

/** A Kubernetes object as JSON. */
export type K8s = { [key: string]: any };

export type NodeKind = 'Workload' | 'Dns' | 'MeshControlPlane' | 'ExternalWorkload' | 'UnknownPods' | 'Cidr' | 'ApiServer' | 'Internet'
  /** A host allowed by name (Cilium `toFQDNs`); the cluster's nodes (Cilium entities): cilium.ts. */
  | 'ExternalHost' | 'ClusterNodes';

/** How a node takes part in a mesh. `unknown`: a pod we cannot see; it may carry any identity. */
/**
 * How a node takes part in a mesh. `unknown`: a pod we cannot see; it may carry any identity.
 * `istio-gateway`: an Istio gateway proxy (a Gateway API gateway's pods): it holds a mesh identity
 * towards backends and applies AuthorizationPolicies, but terminates its clients' TLS itself
 * (PeerAuthentication does not apply to its listeners).
 */
export type MeshMembership = 'none' | 'istio-sidecar' | 'istio-ambient' | 'istio-gateway' | 'linkerd' | 'unknown';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Node {
  readonly index: number;
  /** Stable id: `namespace/name`, `cidr 10.0.0.0/8`, `api.stripe.com (203.0.113.0/24)` (an external service's addresses), `internet`, `*` (unknown pods). */
  id: string;
  readonly kind: NodeKind;
  /** Workload kind (Deployment, StatefulSet, ...) for workloads. */
  readonly workloadKind?: string;
  readonly namespace?: string;
  name: string;
  readonly labels: Record<string, string>;
  /** True when the pod labels are unknown: every pod selector may select it. */
  readonly anyLabels: boolean;
  /** undefined: unknown (any ServiceAccount of the namespace). */
  serviceAccount?: string;
  readonly ports: ContainerPort[];
  readonly annotations: Record<string, string>;
  /** In a namespace the manifests describe: its NetworkPolicies are all known. */
  readonly managed: boolean;
  /** Expected infrastructure endpoint (DNS, mesh control plane). */
  readonly infrastructure: boolean;
  /** The addresses of a Cidr or Internet node (a class of addresses every ipBlock treats alike). */
  readonly ranges?: IpRangeSet;
  mesh: MeshMembership;
  /**
   * A workload whose pods use the node's network namespace (`hostNetwork: true`): NetworkPolicies
   * do not select them (they are not isolated in either direction), their traffic comes from and
   * goes to node addresses (which pod selectors never match and any ipBlock may), and no mesh
   * injects them.
   */
  readonly hostNetwork?: boolean;
  /**
   * For workloads: the Kubernetes API token its pods hold, described; `projected` when it is a
   * projected token for the API server's audience (asked for), not the legacy automounted one.
   */
  readonly apiToken?: { readonly projected: boolean; readonly description: string };
}

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Has objects in the manifests. */
  readonly known: boolean;
}

export function namespaceOf(obj: K8s): string {
  return obj?.metadata?.namespace || 'default';
}

/** One NetworkPolicy port entry against a target node; named ports look up the target's container ports. */
export function resolvePort(p: any, target?: Node): PortSet {
  const proto = protocolOf(p?.protocol);
  if (!proto) return PortSet.EMPTY;
  if (p.port === undefined || p.port === null) return PortSet.allOf(proto);
  if (typeof p.port === 'number' || /^\d+$/.test(String(p.port))) {
    const from = Number(p.port);
    return PortSet.range(proto, from, typeof p.endPort === 'number' ? p.endPort : from);
  }
  if (!target) return PortSet.EMPTY;
  let out = PortSet.EMPTY;
  for (const cp of target.ports) if (cp.name === p.port && cp.protocol === proto) out = out.union(PortSet.range(proto, cp.port));
  return out;
}

/** Whether a rule's ports use port names (so they resolve per target). */
export function hasNamedPorts(rulePorts: any[] | undefined): boolean {
  return Array.isArray(rulePorts) && rulePorts.some((p) => p && p.port !== undefined && p.port !== null && !/^\d+$/.test(String(p.port)));
}

/** The part of an object's apiVersion before the first `/` (all of it when there is none). */
export function apiVersionPrefix(o: K8s): string {
  const v = String(o?.apiVersion ?? '');
  const i = v.indexOf('/');
  return i < 0 ? v : v.slice(0, i);
}

/** Container ports of a pod template. */
export function containerPorts(spec: K8s): ContainerPort[] {
  const out: ContainerPort[] = [];
  const sidecars = (spec.initContainers ?? []).filter((ic: any) => ic?.restartPolicy === 'Always');
  for (const c of [...(spec.containers ?? []), ...sidecars]) {
    for (const p of c?.ports ?? []) {
      const protocol = protocolOf(p.protocol);
      if (protocol && Number.isInteger(p.containerPort)) out.push({ name: p.name, port: p.containerPort, protocol });
    }
  }
  return out;
}
