/**
 * Internal: the objects of a `SecureGateway` besides its Certificates — the listeners of the
 * Gateway, the HTTPRoute that redirects port 80 to HTTPS, and the NetworkPolicy of the gateway's
 * pods.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { validateHostname } from './gateway-hostname';
import { GATEWAY_GROUP, GATEWAY_NAME_LABEL } from './gateway-owned';
import { EgressRuleJson } from './json';
import { lazy } from './lazy';
import { referenceNamespace } from './namespace-references';
import { fail, validateDnsLabel, validateDnsSubdomain } from './validation';
import type { ISecureGateway, SecureGatewayImportOptions } from '../secure-gateway';

/** An HTTPS listener and the routes attached to it (filled in by `exposeVia`). */
export interface ListenerState {
  readonly name: string;
  readonly hostname: string;
  readonly wildcardReason?: string;
  /** The TLS Secret cert-manager writes. */
  readonly secretName: string;
  readonly routeNamespaces: Set<string>;
  readonly routeKinds: Set<string>;
}

/** The port-80 listener: routes of the Gateway's own namespace only (the redirect, or the routes of `HttpListener.serve`). */
export const HTTP_LISTENER = {
  name: 'http',
  port: 80,
  protocol: 'HTTP',
  allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }] },
};

/**
 * An HTTPS listener on port 443 terminating TLS with the certificate's Secret (in the Gateway's
 * namespace: no ReferenceGrant). Routes may attach from exactly the namespaces `exposeVia`
 * registered (`Same` when none or only the Gateway's own), and only of the kinds registered.
 */
export function renderListener(l: ListenerState, gatewayNamespace: string): Record<string, any> {
  return {
    name: l.name,
    hostname: l.hostname,
    port: 443,
    protocol: 'HTTPS',
    tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: l.secretName }] },
    allowedRoutes: lazy(() => {
      const namespaces = [...l.routeNamespaces].sort();
      const kinds = l.routeKinds.size > 0 ? [...l.routeKinds].sort() : ['HTTPRoute'];
      return {
        namespaces: namespaces.length === 0 || (namespaces.length === 1 && namespaces[0] === gatewayNamespace)
          ? { from: 'Same' }
          : { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: namespaces }] } },
        kinds: kinds.map((kind) => ({ group: GATEWAY_GROUP, kind })),
      };
    }),
  };
}

/** The HTTPRoute of the port-80 listener: a 301 redirect to HTTPS for every listener host name. */
export function redirectRoute(
  scope: Construct, gateway: string, namespace: string, labels: Record<string, string>, hostnames: string[], wildcardAck: string | undefined,
): ApiObject {
  return new ApiObject(scope, 'RedirectRoute', {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name: `${gateway}-https-redirect`,
      namespace,
      labels,
      ...(wildcardAck ? { annotations: { [acknowledgementAnnotation(RuleIds.NET_ROUTE_HOSTNAME)]: wildcardAck } } : {}),
    },
    spec: {
      parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: gateway, sectionName: HTTP_LISTENER.name }],
      hostnames,
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    },
  });
}

/**
 * The NetworkPolicy of the gateway's pods: ingress from every address on the listener ports
 * (acknowledged with `reason`: a load balancer in front may keep the clients' addresses or put its
 * own, so no narrower range holds), egress only to the backends `exposeVia` registered (DNS and
 * the mesh control plane are the namespace's policies).
 */
export function gatewayNetworkPolicy(
  scope: Construct, name: string, namespace: string, labels: Record<string, string>, podLabels: Record<string, string>,
  ports: number[], reason: string, egress: () => EgressRuleJson[],
): ApiObject {
  return new ApiObject(scope, 'NetworkPolicy', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels, annotations: { [acknowledgementAnnotation(RuleIds.NET_POLICY_INTERNET)]: reason } },
    spec: {
      podSelector: { matchLabels: { ...podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
        ports: ports.map((port) => ({ protocol: 'TCP', port })),
      }],
      egress: lazy(egress),
    },
  });
}

/** `SecureGateway.fromGatewayName`: a shared gateway of another namespace, validated. */
export function importGateway(holder: Construct, options: SecureGatewayImportOptions): ISecureGateway {
  validateDnsLabel(holder, 'imported gateway name', options.name);
  validateDnsLabel(holder, 'imported gateway namespace', options.namespace);
  referenceNamespace(holder, options.namespace, 'imported gateway namespace');
  const className = options.gatewayClassName ?? 'istio';
  const serviceAccount = validateDnsSubdomain(holder, 'imported gateway service account', options.serviceAccount ?? `${options.name}-${className}`);
  const listeners = (options.httpsListeners ?? [{ name: 'https', port: 443 }]).map((l, i) => {
    validateDnsLabel(holder, `httpsListeners[${i}].name`, l.name);
    if (l.hostname !== undefined) validateHostname(holder, `httpsListeners[${i}]`, l.hostname, true);
    return { name: l.name, ...(l.hostname !== undefined ? { hostname: l.hostname } : {}), port: l.port ?? 443 };
  });
  if (listeners.length === 0) fail(holder, 'httpsListeners is empty', 'list the HTTPS listeners routes may attach to, or omit httpsListeners');
  return {
    gatewayName: options.name,
    gatewayNamespace: options.namespace,
    httpsListeners: listeners,
    callerNamespace: options.namespace,
    callerServiceAccount: serviceAccount,
    callerPodLabels: options.podLabels ?? { [GATEWAY_NAME_LABEL]: options.name },
    callerMeshType: options.mesh,
  };
}
