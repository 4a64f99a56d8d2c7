/**
 * Internal: the host names of a `SecureGateway`'s listeners and of the routes `exposeVia` creates,
 * validated at synth time: lowercase RFC 1123 names (the Gateway API `Hostname` pattern) with at
 * least two labels, no IP address, no trailing dot; a wildcard (`*.example.com`) only with a
 * reason, never `*` (no certificate names every host).
 */
import { IConstruct } from 'constructs';
import { fail, show } from './validation';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `hostname` is a wildcard (`*` or `*.example.com`). */
export function isWildcardHostname(hostname: string): boolean {
  return hostname.startsWith('*');
}

/**
 * Validates a host name of `what` (a listener or a route); `wildcardReason` lets a listener take a
 * `*.<domain>` wildcard (it is checked and recorded by the caller).
 */
export function validateHostname(scope: IConstruct, what: string, hostname: string, wildcardAllowed: boolean): string {
  if (typeof hostname !== 'string' || hostname.length === 0) {
    fail(scope, `${what} has no hostname`, 'name the host clients use, e.g. "shop.example.com": a listener or route without hostname serves every host');
  }
  if (hostname === '*') {
    fail(scope, `${what} hostname "*" is a wildcard for every host`, 'name the host clients use, e.g. "shop.example.com" (no certificate names every host)');
  }
  if (isWildcardHostname(hostname) && !wildcardAllowed) {
    fail(scope, `${what} hostname ${show(hostname)} is a wildcard`,
      'name each host (e.g. "shop.example.com"): a wildcard serves every name of the domain, including ones nobody reviewed; or give `wildcardReason` on the listener to accept it');
  }
  const name = isWildcardHostname(hostname) ? hostname.slice(2) : hostname;
  if (isWildcardHostname(hostname) && !hostname.startsWith('*.')) {
    fail(scope, `${what} hostname ${show(hostname)} is not a valid wildcard`, 'a wildcard is "*." followed by a domain, e.g. "*.example.com"');
  }
  if (/^[0-9.]+$/.test(name) || name.includes(':')) {
    fail(scope, `${what} hostname ${show(hostname)} is an IP address`, 'name the host clients use: Gateway API hostnames cannot be IP addresses, and certificates are issued for names');
  }
  const labels = name.split('.');
  if (hostname.length > 253 || labels.length < 2 || labels.some((l) => l.length > 63 || !LABEL.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1])) {
    fail(scope, `${what} hostname ${show(hostname)} is not a fully qualified lowercase domain name (RFC 1123)`,
      'write the host as clients type it, lowercase, without scheme, port, path or trailing dot, e.g. "shop.example.com"');
  }
  return hostname;
}

/** Whether a listener's hostname (exact or `*.<domain>`) serves `hostname` (Gateway API matching: `*` spans one label or more). */
export function listenerServes(listenerHostname: string | undefined, hostname: string): boolean {
  if (listenerHostname === undefined) return true;
  if (!isWildcardHostname(listenerHostname)) return listenerHostname === hostname;
  const suffix = listenerHostname.slice(1);
  return hostname.endsWith(suffix) && hostname.length > suffix.length;
}
