/** Internal: the wording the reachability findings share (lists, layer names, declared references). */
import { IntentRule } from './intent';
import { Node } from './model';

export function list(ids: string[]): string {
  return ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
}

/** For the internet (whose id does not say which addresses it stands for): its exact ranges. */
export function rangesNote(n: Node): string {
  return n.kind === 'Internet' && n.ranges ? `; internet here is ${n.ranges}` : '';
}

export function meshName(d: Node): string {
  switch (d.mesh) {
    case 'istio-sidecar':
    case 'istio-ambient':
    case 'istio-gateway': return 'Istio authorization';
    case 'linkerd': return 'Linkerd authorization';
    default: return 'no mesh';
  }
}

export function describeRef(ref: IntentRule['from']): string {
  switch (ref.kind) {
    case 'identity': return `identity ${ref.namespace}/${ref.serviceAccount}`;
    case 'workload': return `workload ${ref.namespace}/${ref.name}`;
    case 'namespace': return `namespace ${ref.namespace}`;
    case 'selector': return `pods ${JSON.stringify(ref.podSelector)} in ${ref.namespace}`;
    case 'peer': return `peer ${JSON.stringify(ref.peer)} of ${ref.namespace}`;
    case 'host': return `host ${ref.host} (by name)`;
  }
}
