/**
 * Random edits of a set of manifests, for the equality test of the incremental diff
 * (incremental.test.ts): each edit is one kind of change a pull request makes, picked and aimed by
 * a seeded generator so that every run tests the same pairs.
 */
import { ALL_RULES } from '../../src/audit/rules';

/** A seeded generator (a linear congruential one): the same seed gives the same pairs. */
export function random(seed: number): () => number {
  let a = Math.abs(Math.floor(seed)) % 2147483647 || 1;
  return () => {
    a = (a * 48271) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[Math.floor(rng() * xs.length)]);

/** The pod template (metadata and spec) of a workload, or undefined. */
function template(o: any): { metadata: any; spec: any } | undefined {
  if (o.kind === 'Pod') return o.spec ? { metadata: (o.metadata ??= {}), spec: o.spec } : undefined;
  const t = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  if (!t?.spec?.containers) return undefined;
  t.metadata ??= {};
  return { metadata: t.metadata, spec: t.spec };
}

const workloads = (objs: any[]) => objs.filter((o) => template(o) !== undefined);
const ofKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);
const namespaces = (objs: any[]) => [...new Set(objs.map((o) => o.metadata?.namespace).filter((n) => typeof n === 'string'))].sort();
const labelsOf = (o: any): Record<string, string> => ({ ...(template(o)?.metadata.labels ?? {}) });

/** One edit: changes `objs` in place and says what it did. */
type Edit = (objs: any[], rng: Rng) => string | undefined;

const EDITS: Record<string, Edit> = {
  image(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const c = template(w)!.spec.containers[0];
    c.image = pick(rng, ['mirror.example.net/app:1.0', 'docker.io/library/nginx:1.27', `${c.image}-patched`]);
    return `image of ${w.metadata.name}`;
  },
  addNetworkPolicy(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const ns = w.metadata.namespace ?? 'default';
    const other = pick(rng, workloads(objs))!;
    const from = pick(rng, [
      [{ podSelector: {} }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other.metadata.namespace ?? 'default' } }, podSelector: { matchLabels: labelsOf(other) } }],
      [{ ipBlock: { cidr: '10.0.0.0/8' } }],
      [{ namespaceSelector: {} }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } } }],
    ]);
    const types = pick(rng, [['Ingress'], ['Egress'], ['Ingress', 'Egress']])!;
    objs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `edit-${Math.floor(rng() * 1e6)}`, namespace: ns, ...(rng() < 0.3 ? { labels: { 'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline' } } : {}) },
      spec: {
        podSelector: rng() < 0.3 ? {} : { matchLabels: labelsOf(w) },
        policyTypes: types,
        ...(types.includes('Ingress') ? { ingress: [{ from, ports: [{ protocol: 'TCP', port: 8080 }] }] } : {}),
        ...(types.includes('Egress') ? { egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: labelsOf(other) } }] }] } : {}),
      },
    });
    return `NetworkPolicy ${types.join('+')} on ${ns}/${w.metadata.name}`;
  },
  openNamespace(objs, rng) {
    const ns = pick(rng, namespaces(workloads(objs)));
    if (!ns) return undefined;
    const types = pick(rng, [['Ingress'], ['Egress'], ['Ingress', 'Egress']])!;
    objs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `open-${Math.floor(rng() * 1e6)}`, namespace: ns },
      spec: { podSelector: {}, policyTypes: types, ingress: [{}], egress: [{}] },
    });
    return `NetworkPolicy open to everyone (${types.join('+')}) in ${ns}`;
  },
  editNetworkPolicy(objs, rng) {
    const np = pick(rng, ofKind(objs, 'NetworkPolicy'));
    if (!np) return undefined;
    const how = Math.floor(rng() * 4);
    if (how === 0) np.spec.ingress = [];
    else if (how === 1) np.spec.egress = [{ ports: [{ protocol: 'TCP', port: 443 }] }];
    else if (how === 2) np.spec.podSelector = {};
    else np.spec.policyTypes = ['Ingress'];
    return `NetworkPolicy ${np.metadata.name} edit ${how}`;
  },
  namespaceLabel(objs, rng) {
    const ns = pick(rng, ofKind(objs, 'Namespace'));
    if (!ns) return undefined;
    const [k, v] = pick(rng, [['team', 'x'], ['pod-security.kubernetes.io/enforce', 'baseline'], ['istio-injection', 'disabled'], ['pod-security.kubernetes.io/enforce-version', 'v1.20']])!;
    ns.metadata.labels = { ...ns.metadata.labels, [k]: v };
    return `label ${k} of Namespace ${ns.metadata.name}`;
  },
  clusterRoleBinding(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const sa = template(w)!.spec.serviceAccountName ?? 'default';
    objs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `edit-${Math.floor(rng() * 1e6)}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: pick(rng, ['edit', 'view', 'cluster-admin']) },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: w.metadata.namespace ?? 'default' }],
    });
    return `ClusterRoleBinding for ${sa}`;
  },
  peerAuthentication(objs, rng) {
    const pa = pick(rng, ofKind(objs, 'PeerAuthentication'));
    if (pa && rng() < 0.7) {
      pa.spec = { ...pa.spec, mtls: { mode: pick(rng, ['PERMISSIVE', 'DISABLE', 'UNSET']) } };
      return `PeerAuthentication ${pa.metadata.name}`;
    }
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    objs.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: `edit-${Math.floor(rng() * 1e6)}`, namespace: w.metadata.namespace },
      spec: { selector: { matchLabels: labelsOf(w) }, mtls: { mode: 'PERMISSIVE' } },
    });
    return `new PeerAuthentication for ${w.metadata.name}`;
  },
  authorizationPolicy(objs, rng) {
    const ap = pick(rng, objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.apiVersion.startsWith('security.istio.io')));
    const w = pick(rng, workloads(objs));
    if (!ap || !w) return undefined;
    const principal = `cluster.local/ns/${w.metadata.namespace}/sa/${template(w)!.spec.serviceAccountName ?? 'default'}`;
    const rules = rng() < 0.5 ? [...(ap.spec?.rules ?? []), { from: [{ source: { principals: [principal] } }] }] : [{}];
    ap.spec = { ...ap.spec, rules };
    return `AuthorizationPolicy ${ap.metadata.name}`;
  },
  acknowledge(objs, rng) {
    const o = pick(rng, objs);
    if (!o) return undefined;
    const id = pick(rng, ALL_RULES.map((r) => r.id))!;
    o.metadata = { ...o.metadata, annotations: { ...o.metadata?.annotations, [`ack.cdk8s-secure-baseline.io/${id}`]: pick(rng, ['reviewed by the platform team for the pilot', 'too short']) } };
    return `acknowledge ${id} on ${o.kind} ${o.metadata.name}`;
  },
  remove(objs, rng) {
    const i = Math.floor(rng() * objs.length);
    const [o] = objs.splice(i, 1);
    return `remove ${o.kind} ${o.metadata?.name}`;
  },
  move(objs, rng) {
    const o = pick(rng, objs.filter((x) => typeof x.metadata?.namespace === 'string'));
    const to = pick(rng, namespaces(objs).filter((n) => n !== o?.metadata.namespace));
    if (!o || !to) return undefined;
    o.metadata.namespace = to;
    return `move ${o.kind} ${o.metadata.name} to ${to}`;
  },
  clusterScoped(objs, rng) {
    const sc = pick(rng, ofKind(objs, 'StorageClass'));
    if (sc && rng() < 0.5) {
      sc.parameters = { ...sc.parameters, encrypted: 'false' };
      return `StorageClass ${sc.metadata.name}`;
    }
    objs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `edit-${Math.floor(rng() * 1e6)}` },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    });
    return 'new ClusterRole';
  },
  podLabels(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const t = template(w)!;
    const keys = Object.keys(t.metadata.labels ?? {});
    const k = pick(rng, keys);
    t.metadata.labels = k && rng() < 0.5 ? { ...t.metadata.labels, [k]: 'relabelled' } : { ...t.metadata.labels, tier: 'edited' };
    return `pod labels of ${w.metadata.name}`;
  },
  serviceAccount(objs, rng) {
    const w = pick(rng, workloads(objs));
    const sa = pick(rng, ofKind(objs, 'ServiceAccount'));
    if (!w) return undefined;
    if (sa && rng() < 0.4) {
      sa.automountServiceAccountToken = !(sa.automountServiceAccountToken ?? true);
      return `automount of ServiceAccount ${sa.metadata.name}`;
    }
    template(w)!.spec.serviceAccountName = sa?.metadata.name ?? 'other';
    return `ServiceAccount of ${w.metadata.name}`;
  },
  addWorkload(objs, rng) {
    const w = pick(rng, objs.filter((o) => o.kind === 'Deployment'));
    if (!w) return undefined;
    const copy = JSON.parse(JSON.stringify(w));
    copy.metadata.name = `${w.metadata.name}-copy`;
    if (rng() < 0.5) template(copy)!.metadata.labels = { ...template(copy)!.metadata.labels, 'app.kubernetes.io/instance': copy.metadata.name };
    objs.push(copy);
    return `copy of ${w.metadata.name}`;
  },
  meshMembership(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const t = template(w)!;
    const [where, k, v] = pick(rng, [['labels', 'sidecar.istio.io/inject', 'false'], ['annotations', 'linkerd.io/inject', 'enabled'], ['labels', 'istio.io/dataplane-mode', 'ambient']])!;
    t.metadata[where] = { ...t.metadata[where], [k]: v };
    return `${k} on ${w.metadata.name}`;
  },
  privilege(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    const c = template(w)!.spec.containers[0];
    c.securityContext = { ...c.securityContext, privileged: true, runAsUser: 0 };
    if (rng() < 0.5) template(w)!.spec.hostNetwork = true;
    return `privilege of ${w.metadata.name}`;
  },
  service(objs, rng) {
    const w = pick(rng, workloads(objs));
    if (!w) return undefined;
    objs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `edit-${Math.floor(rng() * 1e6)}`, namespace: w.metadata.namespace },
      spec: { type: 'LoadBalancer', selector: labelsOf(w), ports: [{ port: 80, targetPort: 8080 }] },
    });
    return `LoadBalancer for ${w.metadata.name}`;
  },
  sidecar(objs, rng) {
    const s = pick(rng, objs.filter((o) => o.kind === 'Sidecar' || o.kind === 'DestinationRule'));
    if (!s) return undefined;
    s.spec = { ...s.spec, outboundTrafficPolicy: { mode: 'ALLOW_ANY' } };
    return `${s.kind} ${s.metadata.name}`;
  },
  role(objs, rng) {
    const r = pick(rng, objs.filter((o) => o.kind === 'Role'));
    if (!r) return undefined;
    r.rules = [...(r.rules ?? []), { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];
    return `Role ${r.metadata.name}`;
  },
};

/** The edit kinds, by name. */
export const EDIT_KINDS = Object.keys(EDITS);

/** A head: a deep copy of `base` with `count` edits (each of `kinds`, or random ones), and what they did. */
export function edited(base: readonly any[], rng: Rng, count: number, kinds?: readonly string[]): { head: any[]; edits: string[] } {
  const head = JSON.parse(JSON.stringify(base));
  const edits: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds?.[i % kinds.length] ?? pick(rng, EDIT_KINDS)!;
    const what = EDITS[kind](head, rng);
    edits.push(`${kind}: ${what ?? 'nothing to edit'}`);
  }
  return { head, edits };
}
