import { asArray, isObject } from '../context';
import { attaches, listeners, routeLabel, routes } from '../gateway-routes';
import { Issue, RuleDefinition, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** Why a route rule serves content rather than redirecting to HTTPS, or undefined. */
function serves(rule: any): string | undefined {
  if (!isObject(rule)) return undefined;
  if (asArray(rule.backendRefs).length > 0) return 'sends requests to backends';
  const redirect = asArray(rule.filters).some((f: any) => isObject(f) && f.type === 'RequestRedirect'
    && isObject(f.requestRedirect) && f.requestRedirect.scheme === 'https');
  return redirect ? undefined : 'does not redirect to HTTPS';
}

/**
 * Gateway API listeners with protocol HTTP that serve content: a route attached to one (by name,
 * by port, or without sectionName, which attaches it to every listener of the Gateway) with a
 * rule that has backends or does not redirect to `https`. A listener that only redirects (a
 * `RequestRedirect` filter with scheme https, no backends) is the intended use of port 80.
 * Routes of other namespaces and other API versions (v1beta1) count alike. Needs the routes next
 * to the Gateway, so there is no admission twin.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_GATEWAY_PLAIN_HTTP,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'Gateway API listeners with protocol HTTP must only redirect to HTTPS: a route attached to one (by sectionName, by port, or to every listener without sectionName) whose rule has backendRefs or no RequestRedirect to scheme https serves plain HTTP.',
  fix: 'Attach the route to an HTTPS listener (sectionName) and let port 80 answer with a RequestRedirect to https (SecureGateway does both); acknowledge the rule on the Gateway when plain HTTP is intended.',
  standards: {
    kubescape: ['C-0256', 'C-0263'],
  },
  check: (ctx) => {
    const out: Issue[] = [];
    const all = routes(ctx);
    for (const l of listeners(ctx)) {
      if (l.listener.protocol !== 'HTTP') continue;
      for (const route of all) {
        if (!attaches(route, l)) continue;
        const spec = isObject(route.manifest.spec) ? route.manifest.spec : {};
        asArray(spec.rules).forEach((r: any, i: number) => {
          const why = serves(r);
          if (why === undefined) return;
          out.push({
            obj: l.gateway,
            jsonPath: `spec.listeners[${l.index}]`,
            message: `listener ${q(l.listener.name)} (HTTP, port ${l.listener.port}) serves plain HTTP: ${routeLabel(route)} rules[${i}] ${why}`,
          });
        });
      }
    }
    return out;
  },
};
