/**
 * (c), north-south: the gateway, routes and external egress the library emits for
 * `SecureGateway`, `exposeVia` and `allowEgressTo(ExternalService.https(...))`, written by hand
 * as ApiObjects (cdk8s-plus-27 has no Gateway API, cert-manager or Istio networking types).
 */
import { ApiObject, Chart } from 'cdk8s';
import { CLUSTER_ISSUER, GATEWAY, GATEWAY_CLASS, externalOf, hostnameOf, serviceName } from './topology';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const GATEWAY_LABEL = 'gateway.networking.k8s.io/gateway-name';
const ISTIO_REGISTRY = ['*/*.svc.cluster.local'];

/** The namespace's own Sidecar: the mesh's egress is default-deny too (REGISTRY_ONLY). */
export function namespaceSidecar(chart: Chart, ns: string) {
  new ApiObject(chart, 'sidecar', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace: ns },
    spec: { egress: [{ hosts: [...ISTIO_REGISTRY] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
  });
}

/** The listener name of an exposed service's host. */
function listenerOf(i: number): string {
  return `https-${hostnameOf(i).replace(/\./g, '-')}`;
}

/**
 * The gateway of a namespace: a Certificate and HTTPS listener per exposed host, the port-80
 * redirect, and the gateway pods' NetworkPolicy and AuthorizationPolicy.
 */
export function gatewayObjects(chart: Chart, ns: string, exposed: number[], backendPeer: (i: number) => any) {
  const labels = { 'app.kubernetes.io/name': GATEWAY, 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' };
  for (const i of exposed) {
    new ApiObject(chart, `cert-${i}`, {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: `${GATEWAY}-${listenerOf(i)}`, namespace: ns, labels },
      spec: {
        secretName: `${GATEWAY}-${listenerOf(i)}-tls`,
        dnsNames: [hostnameOf(i)],
        duration: '2160h',
        renewBefore: '720h',
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: CLUSTER_ISSUER },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['server auth', 'digital signature'],
      },
    });
  }
  const routes = { namespaces: { from: 'Same' }, kinds: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] };
  new ApiObject(chart, 'gateway', {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'Gateway',
    metadata: { name: GATEWAY, namespace: ns, labels },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        ...exposed.map((i) => ({
          name: listenerOf(i),
          hostname: hostnameOf(i),
          port: 443,
          protocol: 'HTTPS',
          tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: `${GATEWAY}-${listenerOf(i)}-tls` }] },
          allowedRoutes: routes,
        })),
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: routes },
      ],
    },
  });
  new ApiObject(chart, 'redirect', {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: `${GATEWAY}-https-redirect`, namespace: ns, labels },
    spec: {
      parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: GATEWAY, sectionName: 'http' }],
      hostnames: exposed.map(hostnameOf).sort(),
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    },
  });
  const reason = `gateway ${ns}/${GATEWAY} serves ${exposed.map(hostnameOf).join(', ')} to internet clients on ports 80 and 443 `
    + '(HTTPS with cert-manager certificates, port 80 only redirects to HTTPS)';
  const podSelector = { matchLabels: { [GATEWAY_LABEL]: GATEWAY } };
  new ApiObject(chart, 'gateway-np', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `gateway-${GATEWAY}`, namespace: ns, labels, annotations: { 'ack.cdk8s-secure-baseline.io/SB-NET-POLICY-INTERNET': reason } },
    spec: {
      podSelector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }],
      egress: exposed.map((i) => ({ to: [backendPeer(i)], ports: [{ protocol: 'TCP', port: 8080 }] })),
    },
  });
  new ApiObject(chart, 'gateway-ap', {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: `gateway-${GATEWAY}`, namespace: ns, annotations: { 'ack.cdk8s-secure-baseline.io/SB-MESH-ISTIO-AUTHZ-OPEN': reason } },
    spec: { selector: podSelector, action: 'ALLOW', rules: [{ to: [{ operation: { ports: ['80', '443'] } }] }] },
  });
}

/** The gateway's pods, as a NetworkPolicy peer and as a mesh principal. */
export function gatewayPeer(ns: string) {
  return { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } }, podSelector: { matchLabels: { [GATEWAY_LABEL]: GATEWAY } } };
}
export function gatewayPrincipal(ns: string): string {
  return `cluster.local/ns/${ns}/sa/${GATEWAY}-${GATEWAY_CLASS}`;
}

/** The HTTPRoute of exposed service i, on its host's listener. */
export function serviceRoute(chart: Chart, ns: string, i: number) {
  const name = serviceName(i);
  new ApiObject(chart, `${name}-route`, {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: `${name}-${GATEWAY}`, namespace: ns, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' } },
    spec: {
      parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: GATEWAY, sectionName: listenerOf(i) }],
      hostnames: [hostnameOf(i)],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name, port: 8080 }] }],
    },
  });
}

/**
 * Service i's external API: the ServiceEntry, the workload's own REGISTRY_ONLY Sidecar listing
 * the host, and the NetworkPolicy egress rule to its address (returned for the caller's policy).
 */
export function externalEgress(chart: Chart, ns: string, i: number, sel: Record<string, string>) {
  const { host, cidr } = externalOf(i);
  const name = serviceName(i);
  new ApiObject(chart, `${name}-se`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: host, namespace: ns },
    spec: { hosts: [host], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }], exportTo: ['.'] },
  });
  new ApiObject(chart, `${name}-sidecar`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec: { workloadSelector: { labels: sel }, egress: [{ hosts: [...ISTIO_REGISTRY, `./${host}`] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
  });
  return { to: [{ ipBlock: { cidr } }], ports: [{ protocol: 'TCP', port: 443 }] };
}
