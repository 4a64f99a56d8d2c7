/**
 * Internal: the egress of a hardened workload to named services outside the cluster
 * (`allowEgressTo(ExternalService...)`): the NetworkPolicy rules and annotations, what the mesh
 * and the network engine are told, and the address-only egress a mesh restricting hosts drops.
 */
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { identityEgressOf } from './cloud-identity';
import { EXTERNAL_HOSTS_ANNOTATION, externalEgressRule, formatExternalHosts, ResolvedExternalService, resolveExternalService } from './external-egress';
import type { EgressRuleJson } from './json';
import type { EngineEgressContext } from './network-engine-types';
import { fail, show } from './validation';
import type { ExternalService } from '../external-service';
import type { Mesh } from '../mesh';
import type { ExternalEgressContext, ExternalHost } from '../mesh/types';
import type { SecureNamespace } from '../secure-namespace';
import type { IServiceAccount } from '../service-account';

/**
 * What the external egress reads of its workload (when a service is declared, and at validation):
 * its name, labels and selector labels as an engine gets them, and the rest below.
 */
export interface ExternalEgressWorkload extends Pick<EngineEgressContext, 'name' | 'labels' | 'selectorLabels'> {
  readonly namespace: SecureNamespace;
  readonly mesh: Mesh;
  readonly serviceAccount: IServiceAccount;
  /** The workload's NetworkPolicy, once created. */
  readonly networkPolicy?: ApiObject;
}

/** The external services one workload calls, and what declaring them sets up. */
export class WorkloadExternalEgress {
  private readonly external = new Map<string, ResolvedExternalService>();
  private externalContext?: ExternalEgressContext;
  private engineContext?: EngineEgressContext;

  /** `egress`: the workload's NetworkPolicy egress rules by key, where an external service's address rule goes. */
  constructor(
    private readonly scope: Construct, private readonly workload: ExternalEgressWorkload, private readonly egress: Map<string, EgressRuleJson>,
  ) {}

  /**
   * Opens egress from the workload's pods to a service outside the cluster (idempotent); false
   * when it was already declared (see `WorkloadCore.addExternalEgress`).
   */
  public add(service: ExternalService): boolean {
    const w = this.workload;
    const impl = w.mesh._impl;
    const engine = w.namespace.networkEngine._impl;
    const resolved = resolveExternalService(this.scope, service, w.namespace.clusterDomain,
      { namesEnforced: impl.restrictsEgressByHost, originatesTls: impl.originatesTls, name: w.mesh.displayName }, engine);
    const key = resolved.description;
    const known = this.external.get(key);
    if (known) {
      if (known.protocol !== resolved.protocol || known.appPort !== resolved.appPort) {
        fail(this.scope, `allowEgressTo(ExternalService ${show(resolved.host)}) is declared twice for port ${resolved.port}, once ${describeProtocol(known)} and once ${describeProtocol(resolved)}`,
          'declare each external service once: either the workload starts TLS (ExternalService.https) or the mesh originates it (ExternalService.httpsOriginatedByMesh)');
      }
      if (JSON.stringify(known.peers) !== JSON.stringify(resolved.peers)) {
        fail(this.scope, `allowEgressTo(ExternalService ${show(resolved.host)}) is declared twice for port ${resolved.port} with different cidrs`, 'declare each external service once, with every address range it resolves to');
      }
      return false;
    }
    const policy = w.networkPolicy;
    if (!policy) throw new Error(`${this.scope.node.path}: external egress declared before the NetworkPolicy exists`);
    this.external.set(key, resolved);
    // No peers: the network engine allows the host by name (an empty `to` would open everything).
    if (resolved.peers.length > 0) this.egress.set(`~external/${key}`, externalEgressRule(resolved));
    // A mesh that writes no ServiceEntry: the policy itself says which host its address rules are for.
    const hosts = impl.restrictsEgressByHost ? undefined : formatExternalHosts(this.list());
    if (hosts) policy.metadata.addAnnotation(EXTERNAL_HOSTS_ANNOTATION, hosts);
    const internet = this.list().filter((e) => e.internetWide).map((e) => e.description);
    if (internet.length > 0) {
      policy.metadata.addAnnotation(acknowledgementAnnotation(RuleIds.NET_POLICY_INTERNET),
        `${w.namespace.name}/${w.name} calls ${internet.join(', ')} by name: its pods may reach public addresses on those ports only, `
        + `and ${w.mesh.displayName} lets them reach those hosts only (ServiceEntry + REGISTRY_ONLY outbound policy)`);
    }
    if (!this.externalContext) {
      this.externalContext = {
        namespaceScope: w.namespace,
        scope: this.scope,
        name: w.name,
        namespace: w.namespace.name,
        selectorLabels: w.selectorLabels,
        clusterDomain: w.namespace.clusterDomain,
        hosts: () => this.list().map(externalHostOf),
      };
      if (impl.restrictsEgressByHost) this.scope.node.addValidation({ validate: () => this.unnamedEgressErrors() });
    }
    const external = externalHostOf(resolved);
    impl.allowExternalHost(this.externalContext, external);
    this.engineContext ??= { ...this.externalContext, labels: w.labels, dns: w.namespace.dns._egressRule(w.namespace) };
    engine.allowExternalHost(this.engineContext, external);
    return true;
  }

  /** The external services the pods call, sorted by `host:port`. */
  public list(): ResolvedExternalService[] {
    return [...this.external.keys()].sort().map((k) => this.external.get(k)!);
  }

  /**
   * Egress the NetworkPolicy opens by address only, which a mesh that restricts egress to named
   * hosts would drop: the namespace's CIDR egress (`SecureNamespace.allowEgressTo`) and a cloud
   * identity's token exchange endpoint outside the node.
   */
  private unnamedEgressErrors(): string[] {
    const w = this.workload;
    const errors: string[] = [];
    const what = `${this.scope.node.path}: ${w.namespace.name}/${w.name} calls external services by name, so ${w.mesh.displayName} drops its traffic to any other destination outside the cluster (REGISTRY_ONLY)`;
    for (const d of w.namespace.declaredEgress) {
      if (!d.peerSpec.ipBlock) continue;
      errors.push(`${what}, including the egress to ${d.peer} that namespace ${show(w.namespace.name)} opens with allowEgressTo. `
        + 'Fix: declare that destination on the workloads that call it, by name: allowEgressTo(ExternalService.tls(host, port, { cidrs })), instead of on the namespace');
    }
    const identity = identityEgressOf(this.scope, w.serviceAccount);
    if (identity && !identity.nodeLocal) {
      errors.push(`${what}, including the token exchange of its ${w.serviceAccount.workloadIdentity!.provider} workload identity at ${identity.endpoint} (${identity.cidrs.join(', ')}). `
        + 'Fix: declare the token endpoint by name as well, e.g. allowEgressTo(ExternalService.https("sts.<region>.amazonaws.com", { cidrs })), or call external services from another workload');
    }
    return errors;
  }
}

/** How a workload talks to an external service, for errors. */
function describeProtocol(s: ResolvedExternalService): string {
  return s.appPort !== undefined ? `with TLS originated by the mesh (plain HTTP to port ${s.appPort})` : 'with TLS started by the workload';
}

/** What a mesh or network engine is told about an external service. */
function externalHostOf(s: ResolvedExternalService): ExternalHost {
  return {
    host: s.host,
    port: s.port,
    protocol: s.protocol,
    ...(s.appPort !== undefined ? { appPort: s.appPort } : {}),
    ...(s.egressGateway !== undefined ? { egressGateway: s.egressGateway } : {}),
  };
}
