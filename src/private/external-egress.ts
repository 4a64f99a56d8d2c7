/**
 * Internal: egress from one workload to a service outside the cluster, named by host
 * (`MtlsService.allowEgressTo(ExternalService...)`). The NetworkPolicy opens the port to the
 * address ranges given (a NetworkPolicy cannot name hosts); where no ranges are given, only a mesh
 * that restricts egress by host name may open the public internet on that port, for the pods of
 * that workload only, and names the host itself (Istio: ServiceEntry + a REGISTRY_ONLY Sidecar),
 * or a network engine that allows hosts by name (Cilium: CiliumNetworkPolicy toFQDNs, and no
 * NetworkPolicy rule). The engine decides (`NetworkEngineImplementation.externalPeers`).
 */
import { IConstruct } from 'constructs';
import { EgressRuleJson, PeerJson } from './json';
import type { NetworkEngineImplementation } from './network-engine-types';
import { fail, show, validateDnsLabel, validatePort } from './validation';
import { ExternalProtocol, ExternalService } from '../external-service';
import { NetworkPeer } from '../network';

/** Public address space: everything but private, shared, loopback and link-local ranges. */
const PUBLIC_IPV4_EXCEPT = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'];
const PUBLIC_IPV6_EXCEPT = ['::1/128', 'fc00::/7', 'fe80::/10'];

/**
 * The ipBlocks of "every public address": 0.0.0.0/0 without "this network" (RFC 1122), the
 * RFC 1918 private ranges, RFC 6598 shared (CGNAT) space, loopback and link-local (which holds the
 * cloud metadata and node-local identity endpoints), and ::/0 without loopback, unique-local
 * (RFC 4193, which holds fd00:ec2::254 and fd00:ec2::23) and link-local. Pod, Service and node
 * addresses are in the excepted ranges on managed Kubernetes, so this opens nothing in the cluster.
 */
export const PUBLIC_INTERNET: readonly PeerJson[] = [
  { ipBlock: { cidr: '0.0.0.0/0', except: PUBLIC_IPV4_EXCEPT } },
  { ipBlock: { cidr: '::/0', except: PUBLIC_IPV6_EXCEPT } },
];

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An external service as the library renders it. */
export interface ResolvedExternalService {
  readonly host: string;
  readonly port: number;
  readonly protocol: ExternalProtocol;
  /** With `HTTP_ORIGINATE_TLS`: the port the workload sends plain HTTP to (the mesh's side). */
  readonly appPort?: number;
  /** `host:port`. */
  readonly description: string;
  /**
   * The NetworkPolicy peers (the given CIDRs, or the public internet when the mesh narrows it);
   * none where the network engine allows the host by name (Cilium): no NetworkPolicy rule.
   */
  readonly peers: PeerJson[];
  /** Whether the peers are the public internet (no CIDRs given, the mesh narrows it). */
  readonly internetWide: boolean;
  /** The port the NetworkPolicy opens to `peers`: `port`, or the egress gateway's container port. */
  readonly peerPort: number;
  /** The egress gateway the traffic goes through (the peers are its pods). */
  readonly egressGateway?: ResolvedEgressGateway;
}

/** An egress gateway as the library renders it. */
export interface ResolvedEgressGateway {
  readonly namespace: string;
  /** The Service's cluster host name, `<service>.<namespace>.svc.<cluster-domain>`. */
  readonly serviceHost: string;
  readonly podLabels: Record<string, string>;
  readonly port: number;
  readonly targetPort: number;
}

/** The NetworkPolicy egress rule of an external service: its peers on its TCP port (the gateway's, through one). */
export function externalEgressRule(s: ResolvedExternalService): EgressRuleJson {
  return { to: s.peers.map((p) => JSON.parse(JSON.stringify(p))), ports: [{ protocol: 'TCP', port: s.peerPort }] };
}

/** What the workload's mesh can do for external egress. */
export interface ExternalMeshAbilities {
  /** It restricts egress by host name (ServiceEntry + REGISTRY_ONLY). */
  readonly namesEnforced: boolean;
  /** It originates TLS for a workload's plain HTTP (a sidecar). */
  readonly originatesTls: boolean;
  /** Its name, for errors. */
  readonly name: string;
}

/**
 * Validates `service` for a workload in a namespace with `clusterDomain`, whose `mesh` does or
 * does not restrict egress by host name and originate TLS; the namespace's network `engine`
 * decides the NetworkPolicy peers (or fails).
 */
export function resolveExternalService(
  scope: IConstruct, service: ExternalService, clusterDomain: string, mesh: ExternalMeshAbilities, engine: NetworkEngineImplementation,
): ResolvedExternalService {
  const { namesEnforced, name: meshName } = mesh;
  const what = `allowEgressTo(ExternalService ${show(service.host)})`;
  const host = validateExternalHost(scope, what, service.host, clusterDomain);
  const port = validatePort(scope, `${what} port`, service.port);
  if (!Object.values(ExternalProtocol).includes(service.protocol)) {
    fail(scope, `${what} protocol ${show(service.protocol)} is not known`, 'use ExternalService.https(), ExternalService.httpsOriginatedByMesh() or ExternalService.tls()');
  }
  const appPort = service.protocol === ExternalProtocol.HTTP_ORIGINATE_TLS ? originationPort(scope, what, service, port, mesh) : undefined;
  if (service.egressGateway !== undefined) {
    const gateway = resolveEgressGateway(scope, what, service, mesh, clusterDomain);
    const peers: PeerJson[] = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gateway.namespace } }, podSelector: { matchLabels: { ...gateway.podLabels } } }];
    return { host, port, protocol: service.protocol, description: `${host}:${port}`, peers, internetWide: false, peerPort: gateway.targetPort, egressGateway: gateway };
  }
  const cidrs = service.cidrs;
  let given: PeerJson[] | undefined;
  if (cidrs !== undefined) {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      fail(scope, `${what} cidrs is empty`, `list the address ranges ${host} resolves to, or omit cidrs where the mesh restricts egress by host name`);
    }
    const byCidr = new Map<string, PeerJson>();
    cidrs.forEach((c, i) => {
      const peer = NetworkPeer.cidr(c)._render(scope, `${what} cidrs[${i}]`);
      byCidr.set(peer.ipBlock!.cidr, peer);
    });
    given = [...byCidr.keys()].sort().map((k) => byCidr.get(k)!);
  }
  const { peers, internetWide } = engine.externalPeers({ scope, what, host, port, cidrs: given, meshRestrictsByHost: namesEnforced, meshName });
  return { host, port, protocol: service.protocol, ...(appPort !== undefined ? { appPort } : {}), description: `${host}:${port}`, peers, internetWide, peerPort: port };
}

/** Validates the egress gateway of `service` (Istio in sidecar mode, the workload's own TLS, no cidrs). */
function resolveEgressGateway(
  scope: IConstruct, what: string, service: ExternalService, mesh: ExternalMeshAbilities, clusterDomain: string,
): ResolvedEgressGateway {
  const g = service.egressGateway!;
  if (!mesh.namesEnforced) {
    fail(scope, `${what} goes through an egress gateway, which ${mesh.name} cannot route to`,
      'route through an egress gateway with Mesh.istio() in sidecar mode, or drop egressGateway and give the cidrs the host resolves to');
  }
  if (service.protocol !== ExternalProtocol.TLS) {
    fail(scope, `${what} goes through an egress gateway with TLS originated by the mesh`, 'use ExternalService.https() or .tls() with an egress gateway: the workload starts TLS and the gateway passes it through');
  }
  if (service.cidrs !== undefined) {
    fail(scope, `${what} goes through an egress gateway and gives cidrs`, 'drop cidrs: the workload reaches only the gateway\'s pods, and the addresses belong in the gateway\'s own network policy');
  }
  const namespace = validateDnsLabel(scope, `${what} egressGateway namespace`, g.namespace);
  const serviceName = validateDnsLabel(scope, `${what} egressGateway serviceName`, g.serviceName);
  const labels = g.podLabels;
  if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
    fail(scope, `${what} egressGateway podLabels is empty`, 'give the labels of the gateway\'s pods, e.g. { istio: "egressgateway" }: an empty selector would open every pod of the namespace');
  }
  const podLabels: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) podLabels[k] = String(labels[k]);
  return {
    namespace,
    serviceHost: `${serviceName}.${namespace}.svc.${clusterDomain}`,
    podLabels,
    port: validatePort(scope, `${what} egressGateway port`, g.port),
    targetPort: validatePort(scope, `${what} egressGateway targetPort`, g.targetPort),
  };
}

/** The workload's plain-HTTP port of a service whose TLS the mesh originates (or fails). */
function originationPort(scope: IConstruct, what: string, service: ExternalService, port: number, mesh: ExternalMeshAbilities): number {
  if (!mesh.originatesTls) {
    fail(scope, `${what} asks ${mesh.name} to originate TLS, which it cannot do`,
      'use ExternalService.https() and let the workload start TLS itself (its client verifies the server); TLS origination needs Mesh.istio() in sidecar mode');
  }
  const appPort = validatePort(scope, `${what} appPort`, service.appPort as number);
  if (appPort === port) {
    fail(scope, `${what} appPort ${appPort} is the TLS port`, `let the workload send plain HTTP to another port (80 by default) than the one the mesh opens TLS to (${port})`);
  }
  return appPort;
}

/** Validates an external host name: a lowercase FQDN, no wildcard, no IP address, not a cluster name. */
export function validateExternalHost(scope: IConstruct, what: string, host: string, clusterDomain: string): string {
  if (typeof host !== 'string' || host.length === 0) {
    fail(scope, `${what} has no host`, 'name the host the workload calls, e.g. "api.stripe.com"');
  }
  if (host.includes('*')) {
    fail(scope, `${what} host ${show(host)} is a wildcard`, 'name each host the workload calls (e.g. "api.stripe.com"): a wildcard opens every host of the domain, including ones anybody can create');
  }
  if (/^[0-9.]+$/.test(host) || /^[0-9a-f:.]*:[0-9a-f:.]*$/i.test(host)) {
    fail(scope, `${what} host ${show(host)} is an IP address`, 'name the host (the mesh matches TLS by server name); for a destination known only by its addresses use SecureNamespace.allowEgressTo(NetworkPeer.cidr(...), ports)');
  }
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || labels.some((l) => l.length > 63 || !LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1])) {
    fail(scope, `${what} host ${show(host)} is not a fully qualified lowercase domain name`, 'write the host as it appears in the URL, lowercase, without scheme, port or path, e.g. "api.stripe.com"');
  }
  if (host === clusterDomain || host.endsWith(`.${clusterDomain}`)) {
    fail(scope, `${what} host ${show(host)} is a name inside the cluster`, 'call a workload of the cluster through its MtlsService: callee.allowFrom(caller) opens both sides');
  }
  return host;
}

/**
 * On a workload's NetworkPolicy, for meshes that write no `ServiceEntry`: the hosts its address
 * rules are for, `api.stripe.com:443 198.51.100.0/24,2001:db8::/32; ...`, so that the reachability
 * proof read from YAML names those addresses as the app does (naming only: the rules themselves are
 * what is analysed, and a name is used only where the policy has exactly that rule).
 */
export const EXTERNAL_HOSTS_ANNOTATION = 'cdk8s-secure-baseline.io/external-hosts';

/** The value of `EXTERNAL_HOSTS_ANNOTATION` for these services (those with address ranges of their own). */
export function formatExternalHosts(services: readonly ResolvedExternalService[]): string | undefined {
  const named = services.filter((s) => !s.internetWide && s.peers.length > 0 && s.peers.every((p) => p.ipBlock && !p.ipBlock.except));
  if (named.length === 0) return undefined;
  return named.map((s) => `${s.host}:${s.port} ${s.peers.map((p) => p.ipBlock!.cidr).join(',')}`).join('; ');
}

/** Reads `EXTERNAL_HOSTS_ANNOTATION`: host, port and CIDRs per entry; malformed entries are skipped. */
export function parseExternalHosts(value: unknown): Array<{ host: string; port: number; cidrs: string[] }> {
  if (typeof value !== 'string') return [];
  const out: Array<{ host: string; port: number; cidrs: string[] }> = [];
  for (const entry of value.split(';')) {
    const m = /^([a-z0-9.-]+):([0-9]{1,5}) (\S+)$/.exec(entry.trim());
    if (!m) continue;
    const port = Number(m[2]);
    if (port < 1 || port > 65535) continue;
    out.push({ host: m[1], port, cidrs: m[3].split(',') });
  }
  return out;
}
