/**
 * Internal: Gateway API listeners and the routes (`HTTPRoute`, `GRPCRoute`) attached to them, as
 * the rules on gateways read them: a route attaches to a listener when a parentRef names the
 * Gateway (kind Gateway, group gateway.networking.k8s.io, the route's namespace unless given) and
 * either names the listener (`sectionName`), or its port, or neither (then every listener).
 */
import { AuditContext, K8sObject, asArray, isObject } from './context';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute'];

export interface ListenerView {
  readonly gateway: K8sObject;
  readonly listener: any;
  readonly index: number;
}

/** Every listener of every Gateway API Gateway. */
export function listeners(ctx: AuditContext): ListenerView[] {
  const out: ListenerView[] = [];
  for (const gateway of ctx.ofKind('Gateway', GATEWAY_GROUP)) {
    const spec = isObject(gateway.manifest.spec) ? gateway.manifest.spec : {};
    asArray(spec.listeners).forEach((listener: any, index: number) => {
      if (isObject(listener)) out.push({ gateway, listener, index });
    });
  }
  return out;
}

/** Every HTTPRoute and GRPCRoute. */
export function routes(ctx: AuditContext): K8sObject[] {
  return ROUTE_KINDS.flatMap((kind) => ctx.ofKind(kind, GATEWAY_GROUP));
}

/** Whether `route` attaches (by its parentRefs) to listener `l`. */
export function attaches(route: K8sObject, l: ListenerView): boolean {
  const spec = isObject(route.manifest.spec) ? route.manifest.spec : {};
  return asArray(spec.parentRefs).some((ref: any) => isObject(ref)
    && (ref.kind ?? 'Gateway') === 'Gateway'
    && (ref.group ?? GATEWAY_GROUP) === GATEWAY_GROUP
    && ref.name === l.gateway.name
    && (ref.namespace ?? route.namespace) === l.gateway.namespace
    && (ref.sectionName === undefined || ref.sectionName === l.listener.name)
    && (ref.port === undefined || ref.port === l.listener.port));
}

/** `HTTPRoute shop/web`. */
export function routeLabel(route: K8sObject): string {
  return `${route.kind} ${route.namespace}/${route.name}`;
}
