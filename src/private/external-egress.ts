/**
 * Internal: egress from one workload to a service outside the cluster, named by host
 * (`MtlsService.allowEgressTo(ExternalService...)`). The NetworkPolicy opens the port to the
 * address ranges given (a NetworkPolicy cannot name hosts); where no ranges are given, only a mesh
 * that restricts egress by host name may open the public internet on that port, for the pods of
 * that workload only, and names the host itself (Istio: ServiceEntry + a REGISTRY_ONLY Sidecar).
 */
import { IConstruct } from 'constructs';
import { EgressRuleJson, PeerJson } from './json';
import { fail, show, validatePort } from './validation';
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
  /** `host:port`. */
  readonly description: string;
  /** The NetworkPolicy peers (the given CIDRs, or the public internet when the mesh narrows it). */
  readonly peers: PeerJson[];
  /** Whether the peers are the public internet (no CIDRs given). */
  readonly internetWide: boolean;
}

/** The NetworkPolicy egress rule of an external service: its peers on its TCP port. */
export function externalEgressRule(s: ResolvedExternalService): EgressRuleJson {
  return { to: s.peers.map((p) => ({ ipBlock: { ...p.ipBlock!, ...(p.ipBlock!.except ? { except: [...p.ipBlock!.except] } : {}) } })), ports: [{ protocol: 'TCP', port: s.port }] };
}

/**
 * Validates `service` for a workload in a namespace with `clusterDomain`, whose mesh does or does
 * not restrict egress by host name (`meshName` names it in the error).
 */
export function resolveExternalService(
  scope: IConstruct, service: ExternalService, clusterDomain: string, namesEnforced: boolean, meshName: string,
): ResolvedExternalService {
  const what = `allowEgressTo(ExternalService ${show(service.host)})`;
  const host = validateExternalHost(scope, what, service.host, clusterDomain);
  const port = validatePort(scope, `${what} port`, service.port);
  if (!Object.values(ExternalProtocol).includes(service.protocol)) {
    fail(scope, `${what} protocol ${show(service.protocol)} is not known`, 'use ExternalService.https() or ExternalService.tls()');
  }
  const cidrs = service.cidrs;
  let peers: PeerJson[];
  if (cidrs !== undefined) {
    if (!Array.isArray(cidrs) || cidrs.length === 0) {
      fail(scope, `${what} cidrs is empty`, `list the address ranges ${host} resolves to, or omit cidrs where the mesh restricts egress by host name`);
    }
    const byCidr = new Map<string, PeerJson>();
    cidrs.forEach((c, i) => {
      const peer = NetworkPeer.cidr(c)._render(scope, `${what} cidrs[${i}]`);
      byCidr.set(peer.ipBlock!.cidr, peer);
    });
    peers = [...byCidr.keys()].sort().map((k) => byCidr.get(k)!);
  } else if (namesEnforced) {
    peers = [...PUBLIC_INTERNET];
  } else {
    const call = port === 443 ? `https(${show(host)}, { cidrs: [...] })` : `tls(${show(host)}, ${port}, { cidrs: [...] })`;
    fail(scope, `${what} gives no cidrs, and ${meshName} cannot restrict egress by host name while a NetworkPolicy cannot name hosts`,
      `give the address ranges ${host} resolves to, ExternalService.${call}, which the NetworkPolicy opens exactly; or enrol the namespace in Mesh.istio() (sidecar mode), which narrows egress to the host`);
  }
  return { host, port, protocol: service.protocol, description: `${host}:${port}`, peers, internetWide: cidrs === undefined };
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
