import { IConstruct } from 'constructs';
import { NetworkPeer } from './network';
import { EgressRuleJson } from './private/json';
import { fail, parseCidr, show, validatePort } from './private/validation';

/** The narrowest prefixes refused as API server endpoints: wider ranges are not "the API server". */
const MIN_PREFIX = { 4: 16, 6: 64 } as const;

/**
 * Where the Kubernetes API server really listens, as NetworkPolicies see it: the addresses and the
 * port of the `default/kubernetes` Service's endpoints, not its ClusterIP.
 *
 * Pods call the API through the ClusterIP (`kubernetes.default.svc`, e.g. 10.96.0.1:443), which
 * kube-proxy or the CNI rewrites to one of the endpoints before the packet leaves the node.
 * Kubernetes leaves undefined whether NetworkPolicies see the packet before or after that rewrite,
 * and most implementations (kube-proxy with Calico, Cilium) match the rewritten address; an ipBlock
 * of the ClusterIP matches nothing there. So name the endpoints, as
 * `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes` lists them:
 * control-plane node addresses on 6443 (kubeadm), or the provider's endpoint addresses on 443
 * (EKS, GKE, AKS). Nothing is guessed: there is no default.
 *
 * Cilium matches ipBlocks against node addresses only with `policyCIDRMatchMode: nodes`; with
 * its default, an API server running on cluster nodes is not reachable through ipBlocks.
 *
 * @example
 * new SecureNamespace(chart, 'ns', { name: 'shop', apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32', '10.0.1.10/32'], 443) });
 */
export class ApiServerEndpoint {
  /**
   * The API server's endpoints: `cidrs` (its EndpointSlice addresses, /32 or /128 each, or the
   * small ranges they are taken from, at most /16 for IPv4 and /64 for IPv6) on TCP `port` (the
   * endpoints' port: 6443 on kubeadm, 443 on EKS, GKE and AKS).
   */
  public static cidrs(cidrs: string[], port: number): ApiServerEndpoint {
    return new ApiServerEndpoint([...(cidrs ?? [])], port);
  }

  private constructor(
    /** The addresses of the API server's endpoints, as given. */
    public readonly ranges: string[],
    /** The TCP port of the API server's endpoints. */
    public readonly port: number,
  ) {}

  /** Human-readable description, e.g. `10.0.0.10/32, 10.0.1.10/32 on TCP/443`. */
  public get description(): string {
    return `${this.ranges.join(', ')} on TCP/${this.port}`;
  }

  /**
   * The egress rule to the API server, validated (CIDRs as `NetworkPeer.cidr`, never the cloud
   * metadata endpoint, not wider than /16 or /64).
   * @internal
   */
  public _egressRule(scope: IConstruct, what: string): EgressRuleJson {
    if (!Array.isArray(this.ranges) || this.ranges.length === 0) {
      fail(scope, `${what} names no address`, 'list the addresses of the default/kubernetes EndpointSlice, e.g. ApiServerEndpoint.cidrs(["10.0.0.10/32"], 443)');
    }
    const port = { protocol: 'TCP', port: validatePort(scope, `${what} port`, this.port) };
    const to = this.ranges.map((cidr) => {
      const rendered = NetworkPeer.cidr(cidr)._render(scope, what);
      const parsed = parseCidr(rendered.ipBlock!.cidr)!;
      const family = parsed.bits === 32 ? 4 : 6;
      if (parsed.prefix < MIN_PREFIX[family]) {
        fail(scope, `${what} ${show(cidr)} is wider than /${MIN_PREFIX[family]}: the API server is a few addresses, not a network`,
          'list the addresses of the default/kubernetes EndpointSlice (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), /32 or /128 each');
      }
      return rendered;
    });
    return { to, ports: [port] };
  }
}
