/**
 * Internal: the Istio (sidecar mode) objects that name a workload's external hosts, shared by the
 * workloads of a namespace: one `ServiceEntry` per host, the `DestinationRule` that originates TLS
 * where asked, and the `Gateway` + `VirtualService` that route a host through an egress gateway.
 */
import { ApiObject } from 'cdk8s';
import { ExternalEgressContext, ExternalHost, ExternalHostGateway } from './types';
import { lazy } from '../private/lazy';
import { fail, show } from '../private/validation';

/** A ServiceEntry port: the workload's own TLS, or plain HTTP that the sidecar sends to `targetPort` with TLS. */
interface EntryPort {
  readonly protocol: string;
  readonly targetPort?: number;
}

/** A host's ServiceEntry in a namespace: its ports, the namespaces it is exported to, how it leaves. */
interface HostEntry {
  readonly ports: Map<number, EntryPort>;
  readonly exportTo: Set<string>;
  /** `direct`, or the egress gateway's Service host and the host port routed through it. */
  route?: { readonly via: 'direct' } | { readonly via: string; readonly port: number };
}

/** The ServiceEntries of each namespace, by host. */
const ENTRIES = new WeakMap<object, Map<string, HostEntry>>();
/** The TLS-origination DestinationRules of each namespace: host -> HTTP port -> TLS port. */
const ORIGINATIONS = new WeakMap<object, Map<string, Map<number, number>>>();

/**
 * Registers `host` for the workload of `ctx` in its namespace's ServiceEntry, and where asked the
 * TLS origination or the egress gateway route. Fails when workloads of the namespace would need
 * one host's port, or its exit, to behave two ways.
 */
export function registerExternalHost(ctx: ExternalEgressContext, host: ExternalHost): void {
  const entry = hostEntry(ctx, host.host);
  const number = host.appPort ?? host.port;
  const port: EntryPort = host.appPort !== undefined ? { protocol: 'HTTP', targetPort: host.port } : { protocol: host.protocol };
  const known = entry.ports.get(number);
  if (known && (known.protocol !== port.protocol || known.targetPort !== port.targetPort)) {
    fail(ctx.scope, `allowEgressTo(ExternalService ${show(host.host)}) uses port ${number} of ${host.host} as ${describeEntryPort(port)}, `
      + `but another workload of namespace ${show(ctx.namespace)} uses it as ${describeEntryPort(known)}`,
    'the namespace has one ServiceEntry per host: give each use of the host its own port (ExternalServiceOriginationOptions.appPort), or let both workloads call it the same way');
  }
  if (!known) entry.ports.set(number, port);
  routeOf(ctx, entry, host);
  if (host.appPort !== undefined) originationRule(ctx, host.host).set(host.appPort, host.port);
}

function describeEntryPort(p: EntryPort): string {
  return p.targetPort !== undefined ? `plain HTTP whose TLS the mesh originates to port ${p.targetPort}` : 'TLS started by the workload';
}

/** The exit of `host` for the namespace: direct, or one port through one egress gateway (or fails). */
function routeOf(ctx: ExternalEgressContext, entry: HostEntry, host: ExternalHost): void {
  const g = host.egressGateway;
  const wanted = g ? { via: g.serviceHost, port: host.port } : { via: 'direct' as const };
  const describe = (r: NonNullable<HostEntry['route']>) => (r.via === 'direct' ? 'directly' : `through the egress gateway ${r.via} on port ${(r as { port: number }).port}`);
  if (entry.route === undefined) {
    entry.route = wanted;
    if (g) {
      entry.exportTo.add(g.namespace);
      gatewayRoute(ctx, host.host, host.port, g);
    }
    return;
  }
  if (entry.route.via !== wanted.via || (g && (entry.route as { port: number }).port !== host.port)) {
    fail(ctx.scope, `allowEgressTo(ExternalService ${show(`${host.host}:${host.port}`)}) leaves ${describe(wanted)}, `
      + `but namespace ${show(ctx.namespace)} already sends ${host.host} ${describe(entry.route)}`,
    'a host leaves a namespace one way (its VirtualService applies to every sidecar of the namespace): call it the same way, on one port, from every workload of the namespace, or call it from another namespace');
  }
}

/** The host's entry in the namespace, with its ServiceEntry created on first use. */
function hostEntry(ctx: ExternalEgressContext, host: string): HostEntry {
  let hosts = ENTRIES.get(ctx.namespaceScope);
  if (!hosts) ENTRIES.set(ctx.namespaceScope, hosts = new Map());
  const known = hosts.get(host);
  if (known) return known;
  const entry: HostEntry = { ports: new Map(), exportTo: new Set(['.']) };
  hosts.set(host, entry);
  // istio.io "ServiceEntry": MESH_EXTERNAL, resolved by DNS, visible to the namespace (and to an
  // egress gateway's namespace, whose proxies must know the host to forward it).
  new ApiObject(ctx.namespaceScope, `ServiceEntry-${host}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: host, namespace: ctx.namespace },
    spec: {
      hosts: [host],
      exportTo: lazy(() => ['.', ...[...entry.exportTo].filter((n) => n !== '.').sort()]),
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: lazy(() => [...entry.ports.keys()].sort((a, b) => a - b).map((number) => {
        const p = entry.ports.get(number)!;
        return { number, name: `${p.protocol.toLowerCase()}-${number}`, protocol: p.protocol, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) };
      })),
    },
  });
  return entry;
}

/**
 * The namespace's DestinationRule that originates TLS to `host` (created on first use): per HTTP
 * port of its ServiceEntry, `tls.mode: SIMPLE` with the host as SNI and as the subject alt name
 * the server's certificate must carry; the proxy verifies the chain against its system CAs
 * (Istio >= 1.20, VERIFY_CERTIFICATE_AT_CLIENT). Exported to the namespace only.
 */
function originationRule(ctx: ExternalEgressContext, host: string): Map<number, number> {
  let hosts = ORIGINATIONS.get(ctx.namespaceScope);
  if (!hosts) ORIGINATIONS.set(ctx.namespaceScope, hosts = new Map());
  let ports = hosts.get(host);
  if (ports) return ports;
  hosts.set(host, ports = new Map());
  const httpPorts = ports;
  new ApiObject(ctx.namespaceScope, `DestinationRule-${host}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host, namespace: ctx.namespace },
    spec: {
      host,
      exportTo: ['.'],
      trafficPolicy: {
        portLevelSettings: lazy(() => [...httpPorts.keys()].sort((a, b) => a - b).map((number) => ({
          port: { number },
          tls: { mode: 'SIMPLE', sni: host, subjectAltNames: [host] },
        }))),
      },
    },
  });
  return ports;
}

/**
 * Routes `host:port` of the namespace through an egress gateway (istio.io "Egress Gateways",
 * HTTPS traffic, TLS passthrough): a `Gateway` on the gateway's pods that passes the host's TLS
 * through on the gateway's port, accepting routes of this namespace only (`./<host>`), and a
 * `VirtualService` (exported to the gateway's namespace) that sends the sidecars' TLS for the host
 * to the gateway's Service and the gateway's on to the host, both matched by SNI.
 */
function gatewayRoute(ctx: ExternalEgressContext, host: string, port: number, g: ExternalHostGateway): void {
  const name = `egress-${host}`;
  new ApiObject(ctx.namespaceScope, `EgressGateway-${host}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ctx.namespace },
    spec: {
      selector: { ...g.podLabels },
      servers: [{ port: { number: g.port, name: `tls-${g.port}`, protocol: 'TLS' }, hosts: [`./${host}`], tls: { mode: 'PASSTHROUGH' } }],
    },
  });
  new ApiObject(ctx.namespaceScope, `EgressRoute-${host}`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ctx.namespace },
    spec: {
      hosts: [host],
      gateways: ['mesh', name],
      exportTo: ['.', g.namespace],
      tls: [
        { match: [{ gateways: ['mesh'], port, sniHosts: [host] }], route: [{ destination: { host: g.serviceHost, port: { number: g.port } } }] },
        { match: [{ gateways: [name], port: g.port, sniHosts: [host] }], route: [{ destination: { host, port: { number: port } } }] },
      ],
    },
  });
}
