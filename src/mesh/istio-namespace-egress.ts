/**
 * Internal: Istio's namespace-wide egress default (sidecar mode). Istio passes traffic to
 * destinations it does not know through by default (meshConfig `outboundTrafficPolicy: ALLOW_ANY`):
 * any pod may reach any host outside the cluster, whatever the workloads declare. A SecureNamespace
 * therefore gets a Sidecar without `workloadSelector` (istio.io "Sidecar" reference: the default
 * of every pod of the namespace that no Sidecar with a `workloadSelector` selects; at most one per
 * namespace, named `default` as Istio recommends) with `outboundTrafficPolicy: REGISTRY_ONLY`, so
 * that the proxy drops what the registry does not know. Its egress hosts are the cluster's Services
 * (`*\/*.svc.<clusterDomain>`, the Kubernetes Services of every namespace, which are always in the
 * registry) and the address-only destinations that the namespace's NetworkPolicies open
 * (`./<name>`); not the ServiceEntries of the workloads that call hosts by name, which their own
 * Sidecars see. An opt-out (`egressAllowAnyReason`) writes the same Sidecar with `ALLOW_ANY`,
 * acknowledged with the reason.
 *
 * Destinations known by address only (a namespace's CIDR egress, a cloud identity's token
 * exchange endpoint outside the node) are registered with a ServiceEntry each: `addresses` the
 * ranges, `resolution: NONE` (the proxy forwards the connection to the address it was bound for),
 * `location: MESH_EXTERNAL`, a `TCP` port per NetworkPolicy port, exported to the namespace only.
 * Its host is a name under the reserved `.invalid` domain (RFC 2606): Istio identifies TCP traffic
 * by address and port, so the host only names the entry and never resolves.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ExternalAddresses, NamespaceMeshContext } from './types';
import { acknowledgementAnnotation, RuleIds } from '../private/acknowledge';
import { lazy } from '../private/lazy';
import { fail, show } from '../private/validation';

/** The address-only destinations registered in each namespace (by namespace scope): entry hosts. */
const ADDRESS_ENTRIES = new WeakMap<object, Set<string>>();

/** The host that names a registered address range in `namespace`. */
export function addressEntryHost(name: string, namespace: string): string {
  return `${name}.${namespace}.invalid`;
}

/** The namespace-wide Sidecar: REGISTRY_ONLY by default, ALLOW_ANY with a reason. */
export function namespaceEgressSidecar(ctx: NamespaceMeshContext): void {
  const reason = ctx.egressAllowAnyReason;
  if (reason !== undefined) {
    new ApiObject(ctx.scope, 'DefaultSidecar', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: ctx.namespace, annotations: { [acknowledgementAnnotation(RuleIds.MESH_ISTIO_EGRESS)]: reason } },
      spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } },
    });
    return;
  }
  const entries = new Set<string>();
  ADDRESS_ENTRIES.set(ctx.scope, entries);
  new ApiObject(ctx.scope, 'DefaultSidecar', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace: ctx.namespace },
    spec: {
      egress: [{ hosts: lazy(() => [`*/*.svc.${ctx.clusterDomain}`, ...[...entries].sort().map((h) => `./${h}`)]) }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    },
  });
}

/**
 * Registers address-only destinations for the namespace-wide REGISTRY_ONLY Sidecar: nothing when
 * the namespace opted out (ALLOW_ANY passes them anyway). The sidecar captures TCP only, so UDP
 * and SCTP ports need no entry; a TCP port range cannot be registered (ServiceEntry ports are
 * single ports) and fails.
 */
export function registerExternalAddresses(ctx: NamespaceMeshContext, a: ExternalAddresses, what: IConstruct): void {
  const entries = ADDRESS_ENTRIES.get(ctx.scope);
  if (!entries) return;
  const tcp = a.ports.filter((p) => p.protocol === 'TCP' && typeof p.port === 'number');
  const range = tcp.find((p) => p.endPort !== undefined);
  if (range) {
    fail(what, `egress to ${a.cidrs.join(', ')} on TCP ports ${range.port}-${range.endPort} cannot be registered with Istio, whose REGISTRY_ONLY outbound policy (the namespace default) drops destinations outside the cluster that it does not know: a ServiceEntry names single ports`,
      'list the ports one by one (NetworkPort.tcp(port)), or set `meshEgressAllowAnyReason` on the SecureNamespace to let the mesh pass any destination');
  }
  if (tcp.length === 0) return;
  const host = addressEntryHost(a.name, ctx.namespace);
  if (entries.has(host)) throw new Error(`internal: ServiceEntry ${show(a.name)} registered twice in namespace ${ctx.namespace}`);
  entries.add(host);
  const numbers = [...new Set(tcp.map((p) => Number(p.port)))].sort((x, y) => x - y);
  new ApiObject(ctx.scope, `AddressEntry-${a.name}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: a.name, namespace: ctx.namespace },
    spec: {
      hosts: [host],
      addresses: [...a.cidrs],
      exportTo: ['.'],
      location: 'MESH_EXTERNAL',
      resolution: 'NONE',
      ports: numbers.map((number) => ({ number, name: `tcp-${number}`, protocol: 'TCP' })),
    },
  });
}
