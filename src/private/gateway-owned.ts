/**
 * Internal: what `exposeVia` needs from a `SecureGateway` the app deploys (not from an imported
 * one, whose owner configures it): its listeners admit the route's namespace and kind, and its
 * pods' egress opens to the backend.
 */
import { PortJson } from './json';

export interface OwnedGateway {
  readonly namespace: string;
  readonly name: string;
  readonly podLabels: Record<string, string>;
  /** The listener ports the internet reaches, sorted. */
  readonly ports: number[];
  /** Lets routes of `kind` in `namespace` attach to listener `listener`. */
  admitRoute(listener: string, namespace: string, kind: string): void;
  /** Opens egress from the gateway's pods to a backend's pods on `ports` (idempotent). */
  addBackend(namespace: string, name: string, selectorLabels: Record<string, string>, ports: PortJson[]): void;
}

const OWNED = new WeakMap<object, OwnedGateway>();

export function registerOwnedGateway(gateway: object, owned: OwnedGateway): void {
  OWNED.set(gateway, owned);
}

/** The gateway's hooks when the app deploys it; undefined for an imported gateway. */
export function ownedGatewayOf(gateway: object): OwnedGateway | undefined {
  return OWNED.get(gateway);
}

/** The Gateway API group. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The label Gateway API implementations (Istio's automated deployment) put on a gateway's pods. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
