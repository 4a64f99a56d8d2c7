/**
 * Internal: the pods of Gateway API gateways. An implementation such as Istio deploys a gateway's
 * pods at run time (Istio's automated deployment: Deployment and ServiceAccount `<name>-<class>`,
 * or the ServiceAccount the `gateway.istio.io/service-account` annotation names; pods labelled
 * `gateway.networking.k8s.io/gateway-name: <name>`, listening on the listener ports), so the
 * manifests hold only the `Gateway`. Each Gateway of a namespace the manifests describe becomes a
 * workload node like those pods, unless a workload of the input already carries its label — so
 * that the paths internet → gateway → backend are analysed like any other.
 */
import { ContainerPort, K8s, MeshMembership, NamespaceInfo, namespaceOf, Node } from './model';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';

/** An Istio-enrolled namespace runs the gateway as an Istio proxy (which applies its AuthorizationPolicies). */
function gatewayMesh(ns: NamespaceInfo | undefined): MeshMembership {
  const l = ns?.labels ?? {};
  return l['istio-injection'] === 'enabled' || l['istio.io/rev'] !== undefined || l['istio.io/dataplane-mode'] === 'ambient' ? 'istio-gateway' : 'none';
}

/** The workload nodes (without index) of the gateways' pods; `exists` tells whether pods with the labels are in the input. */
export function gatewayPods(
  objects: readonly K8s[], namespaces: ReadonlyMap<string, NamespaceInfo>, exists: (ns: string, labels: Record<string, string>) => boolean,
): Array<Partial<Node> & { id: string; kind: Node['kind']; name: string }> {
  const out: Array<Partial<Node> & { id: string; kind: Node['kind']; name: string }> = [];
  for (const gw of objects) {
    if (gw?.kind !== 'Gateway' || typeof gw.apiVersion !== 'string' || !gw.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) continue;
    const name = gw.metadata?.name;
    const className = gw.spec?.gatewayClassName;
    const ns = namespaceOf(gw);
    if (typeof name !== 'string' || typeof className !== 'string' || !namespaces.get(ns)?.known) continue;
    const labels = { [NAME_LABEL]: name, [CLASS_LABEL]: className };
    if (exists(ns, { [NAME_LABEL]: name })) continue;
    const deployment = `${name}-${className}`;
    const sa = gw.metadata?.annotations?.['gateway.istio.io/service-account'];
    const ports: ContainerPort[] = [];
    for (const l of Array.isArray(gw.spec?.listeners) ? gw.spec.listeners : []) {
      if (Number.isInteger(l?.port) && !ports.some((p) => p.port === l.port)) ports.push({ name: typeof l.name === 'string' ? l.name : undefined, port: l.port, protocol: 'TCP' });
    }
    out.push({
      id: `${ns}/${deployment}`,
      kind: 'Workload',
      workloadKind: 'Gateway',
      namespace: ns,
      name: deployment,
      labels,
      serviceAccount: typeof sa === 'string' && sa !== '' ? sa : deployment,
      ports,
      mesh: gatewayMesh(namespaces.get(ns)),
    });
  }
  return out;
}
