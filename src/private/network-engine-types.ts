/**
 * Internal: what differs between the policy engines a namespace's network is enforced by
 * (`NetworkEngine`): plain Kubernetes NetworkPolicy, or Cilium with its own policy kinds. Each
 * engine is one implementation of this interface; the constructs never branch on the engine.
 */
import { Construct, IConstruct } from 'constructs';
import { EgressRuleJson, PeerJson } from './json';
import type { Mesh } from '../mesh';
import type { ExternalHost } from '../mesh/types';

/** One external service as far as the NetworkPolicy goes, before the engine decides its peers. */
export interface ExternalPeersRequest {
  /** Where errors point. */
  readonly scope: IConstruct;
  /** `allowEgressTo(ExternalService "<host>")`, the start of every error. */
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The address ranges given (validated, de-duplicated, sorted), if any. */
  readonly cidrs?: PeerJson[];
  /** Whether the namespace's mesh restricts egress by host name (Istio in sidecar mode). */
  readonly meshRestrictsByHost: boolean;
  /** The mesh's display name, for errors. */
  readonly meshName: string;
}

/** The NetworkPolicy side of an external service. */
export interface ExternalPeers {
  /** The NetworkPolicy peers on the service's port; none: the NetworkPolicy gets no rule for it. */
  readonly peers: PeerJson[];
  /** Whether the peers are every public address (narrowed to the host by the mesh). */
  readonly internetWide: boolean;
}

/** What an engine needs to know about a workload that calls hosts outside the cluster. */
export interface EngineEgressContext {
  /** Where the workload's own objects are created. */
  readonly scope: Construct;
  /** The workload's name (names its objects). */
  readonly name: string;
  readonly namespace: string;
  /** The workload's labels (for the metadata of its objects). */
  readonly labels: Record<string, string>;
  /** The single label that selects exactly this workload's pods. */
  readonly selectorLabels: Record<string, string>;
  /** The namespace's DNS egress rule (`SecureNamespace.dns`), if pods resolve names at all. */
  readonly dns?: EgressRuleJson;
  /** Every external host of the workload, sorted; read lazily at synth time. */
  readonly hosts: () => ExternalHost[];
}

/** One network policy engine. */
export interface NetworkEngineImplementation {
  /** Human-readable name for errors, e.g. `Cilium`. */
  readonly displayName: string;
  /** Fails with a precise error when the engine cannot enforce a namespace enrolled in `mesh`. */
  validateNamespace(scope: IConstruct, mesh: Mesh): void;
  /** The NetworkPolicy peers of an external service, or a failure naming the fix. */
  externalPeers(request: ExternalPeersRequest): ExternalPeers;
  /**
   * Registers one more external host of a workload (once per host and port; `ctx` is the same
   * object on every call for a workload): the engine's objects that allow it by name.
   */
  allowExternalHost(ctx: EngineEgressContext, host: ExternalHost): void;
}
