import { IConstruct } from 'constructs';
import { externalNamespacesOf, WELL_KNOWN_NAMESPACES } from './private/namespace-references';
import { validateDnsLabel } from './private/validation';

/**
 * The namespaces an app refers to but does not create: they exist in the cluster already,
 * created by another app, team or tool.
 *
 * Every namespace a construct refers to — `Caller.identity({ namespace })`,
 * `NetworkPeer.namespace()` / `NetworkPeer.pods()`, grants of a `LeastPrivilegeServiceAccount`
 * in another namespace, a mesh's `controlPlaneNamespace` — must be a namespace of the app (a
 * `SecureNamespace` or a `Namespace` object), a namespace declared here, or a well-known system
 * namespace (`ExternalNamespaces.WELL_KNOWN`). Anything else fails synth with a "did you mean"
 * suggestion, so that a typo such as `istio-ingres` does not silently open a path to nothing.
 *
 * @example
 * ExternalNamespaces.of(app).add('platform', 'ingress-nginx');
 */
export class ExternalNamespaces {
  /**
   * Namespaces that never need declaring: `default`, `kube-system`, `kube-public`,
   * `kube-node-lease`, the mesh control planes the library names by default (`istio-system`,
   * `linkerd`), Istio's documented gateway namespace `istio-ingress`, and kube-prometheus'
   * `monitoring` (the default metrics scraper of MtlsService).
   */
  public static readonly WELL_KNOWN: string[] = [...WELL_KNOWN_NAMESPACES];

  /** The external namespaces of the app that `scope` belongs to (one list per app). */
  public static of(scope: IConstruct): ExternalNamespaces {
    return new ExternalNamespaces(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Declares namespaces that exist outside this app (valid DNS-1123 labels); declaring one twice changes nothing. */
  public add(...names: string[]): ExternalNamespaces {
    const set = externalNamespacesOf(this.scope);
    for (const name of names) set.add(validateDnsLabel(this.scope, 'external namespace', name));
    return this;
  }

  /** The namespaces declared external in this app, sorted. */
  public get names(): string[] {
    return [...externalNamespacesOf(this.scope)].sort();
  }
}
