/**
 * Internal: `MtlsService.exposeVia(gateway, { hostname, path })` — the route from a Gateway API
 * gateway to a service, wired on both sides like `allowFrom`.
 *
 * - The route (`HTTPRoute`, or `GRPCRoute` for a gRPC port) lives in the service's namespace, with
 *   a parentRef to the gateway's HTTPS listener (`sectionName`) and a backendRef to the Service
 *   port. A backendRef to a Service of the route's own namespace needs no `ReferenceGrant`
 *   (Gateway API: a grant is required only for references across namespaces, e.g. a route in A
 *   naming a Service in B); a parentRef across namespaces is not a reference a grant covers: the
 *   Gateway's listener admits the route's namespace with `allowedRoutes.namespaces` instead. So
 *   this library never needs a ReferenceGrant here.
 * - The gateway's pods are admitted as a caller (`allowFrom`): the service's NetworkPolicy admits
 *   them and the mesh authorizes the gateway's identity (its ServiceAccount).
 * - A gateway the app deploys (`SecureGateway`) also lets the namespace's routes of that kind
 *   attach to the listener and opens its pods' egress to the service's pods only, on the target
 *   port. An imported gateway's owner does both (documented on `fromGatewayName`).
 * - The exposure is recorded for the reachability intent: the internet reaches the gateway on the
 *   listener's port.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { listenerServes, validateHostname } from './gateway-hostname';
import { GATEWAY_GROUP, ownedGatewayOf } from './gateway-owned';
import { PortJson } from './json';
import { fail, show } from './validation';
import type { MtlsService } from '../mtls-service';
import type { ExposeViaOptions, GatewayListener, ISecureGateway } from '../secure-gateway';

/** A service port as exposeVia sees it. */
export interface ExposedPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly appProtocol: string;
}

/** One exposure, for the reachability intent. */
export interface Exposure {
  readonly gatewayNamespace: string;
  readonly gatewayName: string;
  readonly gatewayPodLabels: Record<string, string>;
  readonly listenerPort: number;
  readonly hostname: string;
  /** `/` prefix, or `grpc` for a GRPCRoute. */
  readonly path: string;
  readonly kind: string;
  readonly route: ApiObject;
}

const EXPOSURES = new WeakMap<object, Exposure[]>();

/** The routes `exposeVia` created for a service, in call order. */
export function exposuresOf(service: object): Exposure[] {
  return EXPOSURES.get(service) ?? [];
}

/** Creates (or returns, when declared before) the route from `gateway` to `service` and wires both sides. */
export function exposeService(
  service: MtlsService, gateway: ISecureGateway, options: ExposeViaOptions, ports: ExposedPort[], meshPorts: PortJson[],
): ApiObject {
  const what = `exposeVia(${gateway.gatewayNamespace}/${gateway.gatewayName})`;
  if (!service.mesh._impl.providesMtls) {
    fail(service, `${what}: namespace ${show(service.namespaceName)} has no mesh, so the gateway would send plain HTTP to a service that expects mutual TLS with its own certificate`,
      'enrol the service\'s namespace in Mesh.istio() or Mesh.linkerd(): the mesh carries the gateway\'s requests with mutual TLS and authorizes its identity');
  }
  const hostname = validateHostname(service, `${what}`, options.hostname, false);
  const port = servicePort(service, what, ports, options.port);
  const grpc = options.grpc ?? port.appProtocol === 'grpc';
  if (grpc && options.path !== undefined) {
    fail(service, `${what} sets path ${show(options.path)} on a gRPC route`, 'omit path: a GRPCRoute routes every method of the service; or set grpc: false for an HTTPRoute');
  }
  const path = grpc ? 'grpc' : validatePath(service, what, options.path ?? '/');
  const kind = grpc ? 'GRPCRoute' : 'HTTPRoute';
  const listener = listenerFor(service, what, gateway, hostname, options.listener);

  const exposures = EXPOSURES.get(service) ?? [];
  EXPOSURES.set(service, exposures);
  const same = exposures.find((e) => e.gatewayNamespace === gateway.gatewayNamespace && e.gatewayName === gateway.gatewayName
    && e.hostname === hostname && e.path === path && e.kind === kind);
  if (same) return same.route;

  const name = `${service.name}-${gateway.gatewayName}${exposures.length > 0 ? `-${exposures.length + 1}` : ''}`;
  const backendRefs = [{ group: '', kind: 'Service', name: service.name, port: port.port }];
  const route = new ApiObject(service as Construct, `${kind}-${gateway.gatewayNamespace}-${gateway.gatewayName}-${hostname}-${path}`, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind,
    metadata: {
      name,
      namespace: service.namespaceName,
      labels: { 'app.kubernetes.io/name': service.name, 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' },
    },
    spec: {
      parentRefs: [{
        group: GATEWAY_GROUP,
        kind: 'Gateway',
        name: gateway.gatewayName,
        ...(gateway.gatewayNamespace !== service.namespaceName ? { namespace: gateway.gatewayNamespace } : {}),
        sectionName: listener.name,
      }],
      hostnames: [hostname],
      rules: [grpc ? { backendRefs } : { matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs }],
    },
  });
  exposures.push({
    gatewayNamespace: gateway.gatewayNamespace,
    gatewayName: gateway.gatewayName,
    gatewayPodLabels: { ...(gateway.callerPodLabels ?? {}) },
    listenerPort: listener.port ?? 443,
    hostname,
    path,
    kind,
    route,
  });

  service.allowFrom(gateway);
  const owned = ownedGatewayOf(gateway);
  if (owned) {
    owned.admitRoute(listener.name, service.namespaceName, kind);
    owned.addBackend(service.namespaceName, service.name, service.selectorLabels, [{ protocol: 'TCP', port: port.targetPort }, ...meshPorts]);
  }
  return route;
}

function servicePort(scope: Construct, what: string, ports: ExposedPort[], wanted: number | undefined): ExposedPort {
  if (wanted === undefined) return ports[0];
  const found = ports.find((p) => p.port === wanted);
  if (!found) fail(scope, `${what} port ${show(wanted)} is not a port of the Service`, `use one of its ports: ${ports.map((p) => p.port).join(', ')}`);
  return found;
}

function validatePath(scope: Construct, what: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024 || /\/\.\.?(\/|$)|\/\/|[\s?#%]/.test(path)) {
    fail(scope, `${what} path ${show(path)} is not an absolute, normalised path prefix`, 'give a path such as "/" or "/api" (no "..", "//", "?", "#", "%" or spaces)');
  }
  return path;
}

/** The listener the route attaches to: the one named, or the most specific that serves the host name. */
function listenerFor(scope: Construct, what: string, gateway: ISecureGateway, hostname: string, name: string | undefined): GatewayListener {
  const listeners = gateway.httpsListeners;
  if (name !== undefined) {
    const named = listeners.find((l) => l.name === name);
    if (!named) fail(scope, `${what} listener ${show(name)} is not an HTTPS listener of the gateway`, `use one of: ${listeners.map((l) => l.name).join(', ')}`);
    if (!listenerServes(named.hostname, hostname)) {
      fail(scope, `${what} listener ${show(name)} serves ${show(named.hostname)}, not ${show(hostname)}`, 'use a hostname the listener serves, or another listener');
    }
    return named;
  }
  const rank = (l: GatewayListener) => (l.hostname === hostname ? 0 : l.hostname === undefined ? 2 : 1);
  const serving = listeners.filter((l) => listenerServes(l.hostname, hostname)).sort((a, b) => rank(a) - rank(b));
  if (serving.length === 0) {
    fail(scope, `${what} hostname ${show(hostname)} is served by no HTTPS listener of the gateway (it serves ${listeners.map((l) => show(l.hostname ?? '*')).join(', ')})`,
      'add a listener for the hostname to the gateway (listeners: [{ hostname }]), or expose the service under a hostname it serves');
  }
  return serving[0];
}
