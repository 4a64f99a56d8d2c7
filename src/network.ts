import { IConstruct } from 'constructs';
import { IDENTITY_ENDPOINTS } from './private/cloud-identity';
import { PeerJson, PortJson, podsPeer } from './private/json';
import { referenceNamespace } from './private/namespace-references';
import { cidrContains, fail, parseCidr, show, validateCidr, validateDnsLabel, validatePort } from './private/validation';

/** Transport protocol of a network port. */
export enum NetworkProtocol {
  /** TCP */
  TCP = 'TCP',
  /** UDP */
  UDP = 'UDP',
  /** SCTP */
  SCTP = 'SCTP',
}

/**
 * A port (or port range) that a NetworkPolicy rule opens.
 *
 * @example
 * NetworkPort.tcp(443)
 */
export class NetworkPort {
  /** A TCP port. */
  public static tcp(port: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.TCP, port);
  }

  /** A UDP port. */
  public static udp(port: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.UDP, port);
  }

  /** A range of TCP ports, `from` to `to` inclusive. */
  public static tcpRange(from: number, to: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.TCP, from, to);
  }

  /** Any port of a protocol. */
  public static of(protocol: NetworkProtocol, port: number): NetworkPort {
    return new NetworkPort(protocol, port);
  }

  private constructor(
    /** The protocol. */
    public readonly protocol: NetworkProtocol,
    /** The port number (first of the range). */
    public readonly port: number,
    /** The last port of the range, if this is a range. */
    public readonly endPort?: number,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, what: string): PortJson {
    validatePort(scope, what, this.port);
    if (this.endPort !== undefined) {
      validatePort(scope, `${what} end`, this.endPort);
      if (this.endPort < this.port) {
        fail(scope, `${what} range ${this.port}-${this.endPort} ends before it starts`, 'give the lower port first');
      }
    }
    return { protocol: this.protocol, port: this.port, ...(this.endPort !== undefined ? { endPort: this.endPort } : {}) };
  }
}

/** Options for a CIDR peer. */
export interface CidrPeerOptions {
  /**
   * Ranges inside the CIDR that stay closed.
   *
   * The cloud metadata endpoints (169.254.169.254/32, fd00:ec2::254/128) and the node-local
   * cloud identity endpoints (169.254.169.252/32, 169.254.170.23/32, fd00:ec2::23/128) are always
   * added when the CIDR contains them.
   *
   * @default - only the metadata and identity endpoints that the CIDR contains
   */
  readonly except?: string[];
}

/** Cloud instance-metadata endpoints that a CIDR egress rule never opens. */
const METADATA_ENDPOINTS: string[] = ['169.254.169.254/32', 'fd00:ec2::254/128'];

/**
 * The other end of a network path: pods in a namespace, a whole namespace, or an IP range.
 */
export class NetworkPeer {
  /** The cloud instance-metadata endpoints that a CIDR peer never opens (AWS, GCP, Azure, and AWS over IPv6). */
  public static readonly METADATA_ENDPOINTS: string[] = [...METADATA_ENDPOINTS];

  /**
   * The node-local endpoints that issue cloud identity credentials, which a CIDR peer never opens
   * either: the node-local GKE metadata server (169.254.169.252/32) and the EKS Pod Identity Agent
   * (169.254.170.23/32, fd00:ec2::23/128). `LeastPrivilegeServiceAccount`'s `workloadIdentity`
   * opens the one it needs for the pods of its own workloads.
   */
  public static readonly IDENTITY_ENDPOINTS: string[] = [...IDENTITY_ENDPOINTS];

  /** Every pod of the namespace `name`. */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer('namespace', name);
  }

  /** The pods that carry all of `labels` in namespace `namespace`. */
  public static pods(namespace: string, labels: { [key: string]: string }): NetworkPeer {
    return new NetworkPeer('pods', namespace, labels);
  }

  /**
   * An IP range outside the cluster. The cloud metadata endpoints and the node-local cloud
   * identity endpoints are never opened: when the range contains one, it is added to `except`.
   */
  public static cidr(cidr: string, options: CidrPeerOptions = {}): NetworkPeer {
    return new NetworkPeer('cidr', cidr, undefined, options.except ?? []);
  }

  private constructor(
    private readonly type: 'namespace' | 'pods' | 'cidr',
    private readonly value: string,
    private readonly labels?: { [key: string]: string },
    private readonly except: string[] = [],
  ) {}

  /** Human-readable description, e.g. `namespace shop`, `pods app=web in shop`, `cidr 10.0.0.0/8`. */
  public get description(): string {
    switch (this.type) {
      case 'namespace': return `namespace ${this.value}`;
      case 'pods': return `pods ${Object.entries(this.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')} in ${this.value}`;
      default: return `cidr ${this.value}`;
    }
  }

  /** @internal */
  public _render(scope: IConstruct, what: string): PeerJson {
    switch (this.type) {
      case 'namespace':
        validateDnsLabel(scope, `${what} namespace`, this.value);
        referenceNamespace(scope, this.value, `${what} namespace`);
        return podsPeer(this.value);
      case 'pods':
        validateDnsLabel(scope, `${what} namespace`, this.value);
        referenceNamespace(scope, this.value, `${what} namespace`);
        if (!this.labels || Object.keys(this.labels).length === 0) {
          fail(scope, `${what} pod peer in namespace ${show(this.value)} has no labels`, 'give at least one pod label, or use NetworkPeer.namespace() to mean every pod');
        }
        return podsPeer(this.value, this.labels);
      default: {
        const cidr = validateCidr(scope, what, this.value);
        const parsed = parseCidr(cidr)!;
        const except = new Set<string>();
        for (const e of this.except) {
          const pe = parseCidr(validateCidr(scope, `${what} except`, e))!;
          if (!cidrContains(parsed, pe)) {
            fail(scope, `${what} except ${show(e)} is not inside ${show(cidr)}`, 'list only ranges inside the CIDR');
          }
          except.add(e.toLowerCase());
        }
        for (const m of METADATA_ENDPOINTS) {
          const pm = parseCidr(m)!;
          if (cidrContains(pm, parsed)) {
            fail(scope, `${what} ${show(cidr)} is the cloud metadata endpoint`, 'workloads must not reach the instance metadata service; use workload identity (IRSA, GKE or Azure Workload Identity) instead');
          }
          if (cidrContains(parsed, pm)) except.add(m);
        }
        for (const m of IDENTITY_ENDPOINTS) {
          const pm = parseCidr(m)!;
          if (cidrContains(pm, parsed)) {
            fail(scope, `${what} ${show(cidr)} is a node-local cloud identity endpoint (${m})`,
              'it hands out cloud credentials: give the workload a LeastPrivilegeServiceAccount with `workloadIdentity` (WorkloadIdentity.gke({ ..., dataplane: GkeDataplane.CALICO }) or WorkloadIdentity.eksPodIdentity()), which opens it for that workload\'s pods only');
          }
          if (cidrContains(parsed, pm)) except.add(m);
        }
        return { ipBlock: { cidr, ...(except.size > 0 ? { except: [...except].sort() } : {}) } };
      }
    }
  }
}

/** Options for a DNS server that runs as pods in the cluster. */
export interface ClusterDnsOptions {
  /**
   * Namespace of the DNS pods.
   * @default "kube-system"
   */
  readonly namespace?: string;
  /**
   * Labels of the DNS pods.
   * @default { "k8s-app": "kube-dns" }
   */
  readonly podLabels?: { [key: string]: string };
}

/** Options for NodeLocal DNSCache. */
export interface NodeLocalDnsOptions {
  /**
   * The link-local address NodeLocal DNSCache listens on.
   * @default "169.254.20.10"
   */
  readonly ip?: string;
  /**
   * Also allow the kube-dns pods (NodeLocal DNSCache falls back to them when it is down).
   * @default true
   */
  readonly includeKubeDns?: boolean;
}

/**
 * Where pods resolve names: the DNS egress that the namespace's default-deny leaves open
 * (UDP and TCP 53).
 */
export class DnsPolicy {
  /** kube-dns / CoreDNS pods (`k8s-app: kube-dns` in `kube-system`), the default. */
  public static kubeDns(): DnsPolicy {
    return DnsPolicy.cluster({});
  }

  /** DNS pods elsewhere in the cluster. */
  public static cluster(options: ClusterDnsOptions): DnsPolicy {
    return new DnsPolicy([NetworkPeer.pods(options.namespace ?? 'kube-system', options.podLabels ?? { 'k8s-app': 'kube-dns' })]);
  }

  /** NodeLocal DNSCache on its link-local address (and kube-dns as its fallback, by default). */
  public static nodeLocal(options: NodeLocalDnsOptions = {}): DnsPolicy {
    const ip = options.ip ?? '169.254.20.10';
    const peers = [NetworkPeer.cidr(ip.includes('/') ? ip : `${ip}/32`)];
    if (options.includeKubeDns ?? true) peers.push(...DnsPolicy.kubeDns().peers);
    return new DnsPolicy(peers);
  }

  /** No DNS egress at all (pods that only use IPs). */
  public static none(): DnsPolicy {
    return new DnsPolicy([]);
  }

  private constructor(
    /** The peers DNS egress goes to. */
    public readonly peers: NetworkPeer[],
  ) {}

  /** @internal */
  public _egressRule(scope: IConstruct): { to: PeerJson[]; ports: PortJson[] } | undefined {
    if (this.peers.length === 0) return undefined;
    return {
      to: this.peers.map((p, i) => p._render(scope, `dns peer ${i}`)),
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    };
  }
}
