import { ContainerView, PodView } from '../context';
import { Issue, podRule, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];
const KINDS = ['httpGet', 'tcpSocket'];

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
    const container = c.container;
    for (const h of HANDLERS) checkHandler(pod, c, h, container[h], out);
    const lifecycle = container.lifecycle;
    if (lifecycle === undefined || lifecycle === null) continue;
    for (const h of HOOKS) checkHandler(pod, c, `lifecycle.${h}`, lifecycle[h], out);
  }
});

/** Reports the httpGet / tcpSocket of a probe or hook that targets a host. */
function checkHandler(pod: PodView, c: ContainerView, where: string, handler: any, out: Issue[]): void {
  if (handler === undefined || handler === null) return;
  for (const kind of KINDS) {
    const host = handler[kind]?.host;
    if (host !== undefined && host !== null && host !== '') {
      out.push({ obj: pod.obj, jsonPath: `${c.path}.${where}.${kind}.host`, message: `${c.label} ${where} ${kind} targets host ${q(host)}` });
    }
  }
}
