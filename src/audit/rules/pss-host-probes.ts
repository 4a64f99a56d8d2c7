import { podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];

/** Pod Security baseline "Host Probes / Lifecycle Hooks" (Kubernetes ≥ 1.34). */
export const rule = podRule({
  id: RuleIds.PSS_HOST_PROBES,
  severity: Severity.ERROR,
  area: 'Pod Security',
  description: 'Probes and lifecycle hooks must not target another host (httpGet.host / tcpSocket.host).',
  fix: 'Remove the host field: probes and hooks must reach the pod itself, not be used to send requests elsewhere from the kubelet.',
  standards: {
    podSecurity: ['Baseline: Host Probes / Lifecycle Hooks'],
  },
}, (pod, out) => {
  for (const c of pod.containers) {
    const handlers: Array<[string, any]> = [
      ...HANDLERS.map((h): [string, any] => [h, c.container?.[h]]),
      ...HOOKS.map((h): [string, any] => [`lifecycle.${h}`, c.container?.lifecycle?.[h]]),
    ];
    for (const [where, handler] of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = handler?.[kind]?.host;
        if (host !== undefined && host !== null && host !== '') {
          out.push({ obj: pod.obj, jsonPath: `${c.path}.${where}.${kind}.host`, message: `${c.label} ${where} ${kind} targets host ${q(host)}` });
        }
      }
    }
  }
});
