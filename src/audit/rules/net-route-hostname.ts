import { asArray, isObject } from '../context';
import { attaches, listeners, routeLabel, routes } from '../gateway-routes';
import { Issue, RuleDefinition, q, strings } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const isWildcard = (h: string) => h.startsWith('*');

/**
 * Gateway API host names that serve hosts nobody named: a listener or route hostname with a
 * wildcard (`*.example.com` takes every name of the domain, including ones anybody who controls
 * its DNS creates later), and a route without hostnames attached to a listener without hostname
 * (it answers for any Host header the load balancer receives). A route without hostnames under a
 * listener with one takes the listener's. Needs the Gateway next to the route, so there is no
 * admission twin.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_ROUTE_HOSTNAME,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Gateway API listeners and routes must name their hosts: a wildcard hostname ("*.example.com") on a Gateway listener, an HTTPRoute or a GRPCRoute, or a route without hostnames attached to a listener without hostname, serves every host.',
  fix: 'Give listeners and routes the exact host names clients use (SecureGateway and exposeVia require them); acknowledge the rule on the object when a wildcard is intended.',
  standards: {
    kubescape: ['C-0256'],
  },
  check: (ctx) => {
    const out: Issue[] = [];
    const all = listeners(ctx);
    for (const l of all) {
      const h = l.listener.hostname;
      if (typeof h === 'string' && isWildcard(h)) {
        out.push({ obj: l.gateway, jsonPath: `spec.listeners[${l.index}].hostname`, message: `listener ${q(l.listener.name)} has the wildcard hostname ${q(h)}` });
      }
    }
    for (const route of routes(ctx)) {
      const spec = isObject(route.manifest.spec) ? route.manifest.spec : {};
      const hostnames = strings(spec.hostnames);
      hostnames.forEach((h, i) => {
        if (isWildcard(h)) out.push({ obj: route, jsonPath: `spec.hostnames[${i}]`, message: `${routeLabel(route)} has the wildcard hostname ${q(h)}` });
      });
      if (asArray(spec.hostnames).length > 0) continue;
      for (const l of all) {
        if (typeof l.listener.hostname === 'string' && l.listener.hostname !== '') continue;
        if (!attaches(route, l)) continue;
        out.push({
          obj: route,
          jsonPath: 'spec.hostnames',
          message: `${routeLabel(route)} has no hostnames and attaches to listener ${q(l.listener.name)} of Gateway ${l.gateway.namespace}/${l.gateway.name}, which has none: it serves every host`,
        });
      }
    }
    return out;
  },
};
