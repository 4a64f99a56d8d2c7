/**
 * Internal: builds the Model — workloads from the manifests, then synthetic nodes for endpoints
 * the manifests reference but do not contain.
 */
import { containerPorts, ContainerPort, isWorkload, K8s, MeshMembership, Model, NamespaceInfo, namespaceOf, Node, parseSelector, pinnedNamespaces, podTemplate } from './model';
import { isNetworkPolicy } from './network-policy';
import { cidrContains, parseCidr } from '../private/validation';

export interface BuildOptions {
  readonly istioRootNamespace: string;
  readonly linkerdNamespace: string;
  readonly trustDomain: string;
}

/** An identity (namespace/ServiceAccount) the intent or the mesh policies name. */
export interface IdentityRef {
  readonly namespace: string;
  readonly serviceAccount: string;
}

const METADATA_ENDPOINT = '169.254.169.254/32';

function meshOf(ns: NamespaceInfo | undefined, labels: Record<string, string>, annotations: Record<string, string>): MeshMembership {
  const nsl = ns?.labels ?? {};
  const nsa = ns?.annotations ?? {};
  const linkerd = annotations['linkerd.io/inject'] ?? nsa['linkerd.io/inject'];
  if (linkerd === 'enabled' || linkerd === 'ingress') return 'linkerd';
  const dataplane = labels['istio.io/dataplane-mode'] ?? nsl['istio.io/dataplane-mode'];
  if (dataplane === 'ambient') return 'istio-ambient';
  const inject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (inject === 'false') return 'none';
  if (inject === 'true' || nsl['istio-injection'] === 'enabled' || (nsl['istio.io/rev'] !== undefined && nsl['istio-injection'] !== 'disabled')) return 'istio-sidecar';
  return 'none';
}

export function buildModel(objects: K8s[], options: BuildOptions, identities: IdentityRef[]): Model {
  const model = new Model(objects);
  const synthetic = (n: Partial<Node> & { id: string; kind: Node['kind']; name: string }): Node => model.add({
    labels: {},
    anyLabels: false,
    ports: [],
    annotations: {},
    managed: n.namespace !== undefined && model.isKnownNamespace(n.namespace),
    infrastructure: false,
    mesh: 'none',
    ...n,
  });

  // Workloads (controllers; pods and ReplicaSets owned by a controller are the same workload).
  for (const o of objects) {
    if (!isWorkload(o) || (Array.isArray(o.metadata?.ownerReferences) && o.metadata.ownerReferences.length > 0)) continue;
    const t = podTemplate(o);
    if (!t) continue;
    const ns = namespaceOf(o);
    const labels: Record<string, string> = { ...t.metadata.labels };
    const annotations: Record<string, string> = { ...t.metadata.annotations };
    model.add({
      id: `${ns}/${o.metadata?.name}`,
      kind: 'Workload',
      workloadKind: o.kind,
      namespace: ns,
      name: String(o.metadata?.name),
      labels,
      anyLabels: false,
      serviceAccount: t.spec.serviceAccountName ?? t.spec.serviceAccount ?? 'default',
      ports: containerPorts(t.spec),
      annotations,
      managed: true,
      infrastructure: false,
      mesh: meshOf(model.namespaces.get(ns), labels, annotations),
    });
  }

  const exists = (ns: string, labels: Record<string, string>) => model.selectPods(ns, parseSelector({ matchLabels: labels })).length > 0;
  const wellKnown = (ns: string, name: string, kind: Node['kind'], labels: Record<string, string>, sa: string, ports: ContainerPort[]) => {
    if (exists(ns, labels)) return;
    model.ensureNamespace(ns);
    synthetic({ id: `${ns}/${name}`, kind, namespace: ns, name, labels, serviceAccount: sa, ports, infrastructure: true });
  };
  wellKnown('kube-system', 'kube-dns', 'Dns', { 'k8s-app': 'kube-dns' }, 'coredns', [
    { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' },
  ]);
  const groups = new Set(objects.map((o) => String(o?.apiVersion ?? '').split('/')[0]));
  const nsList = [...model.namespaces.values()];
  const usesIstio = [...groups].some((g) => g.endsWith('istio.io')) || nsList.some((n) => n.labels['istio-injection'] === 'enabled' || n.labels['istio.io/rev'] || n.labels['istio.io/dataplane-mode']);
  const usesLinkerd = groups.has('policy.linkerd.io') || nsList.some((n) => n.annotations['linkerd.io/inject']) || model.nodes.some((n) => n.mesh === 'linkerd');
  if (usesIstio) {
    wellKnown(options.istioRootNamespace, 'istiod', 'MeshControlPlane', { app: 'istiod', istio: 'pilot' }, 'istiod', [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP' }, { name: 'https-dns', port: 15012, protocol: 'TCP' },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP' }, { name: 'https-webhook', port: 15017, protocol: 'TCP' },
    ]);
  }
  if (usesLinkerd) {
    wellKnown(options.linkerdNamespace, 'linkerd-identity', 'MeshControlPlane', { 'linkerd.io/control-plane-component': 'identity', 'linkerd.io/control-plane-ns': options.linkerdNamespace }, 'linkerd-identity', [
      { name: 'grpc', port: 8080, protocol: 'TCP' },
    ]);
    wellKnown(options.linkerdNamespace, 'linkerd-destination', 'MeshControlPlane', { 'linkerd.io/control-plane-component': 'destination', 'linkerd.io/control-plane-ns': options.linkerdNamespace }, 'linkerd-destination', [
      { name: 'grpc', port: 8086, protocol: 'TCP' }, { name: 'policy-grpc', port: 8090, protocol: 'TCP' },
    ]);
  }

  // IP ranges named by ipBlocks, the cloud metadata endpoint when some block contains it, the internet.
  const policies = objects.filter(isNetworkPolicy);
  const peers: Array<{ peer: K8s; ns: string }> = [];
  for (const np of policies) {
    for (const r of [...(np.spec?.ingress ?? []), ...(np.spec?.egress ?? [])]) {
      for (const p of [...(r?.from ?? []), ...(r?.to ?? [])]) if (p && typeof p === 'object') peers.push({ peer: p, ns: namespaceOf(np) });
    }
  }
  const cidrs = new Map<string, boolean>();
  const metadata = parseCidr(METADATA_ENDPOINT)!;
  let metadataReachable = false;
  for (const { peer } of peers) {
    const cidr = peer.ipBlock?.cidr;
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
    if (!parsed) continue;
    if (parsed.prefix > 0) cidrs.set(cidr.toLowerCase(), true);
    if (cidrContains(parsed, metadata)) metadataReachable = true;
  }
  if (metadataReachable) cidrs.set(METADATA_ENDPOINT, true);
  for (const c of [...cidrs.keys()].sort()) {
    synthetic({ id: `cidr ${c}`, kind: 'Cidr', name: c === METADATA_ENDPOINT ? `${c} (cloud metadata)` : c, cidr: parseCidr(c), cidrText: c });
  }
  model.internet = synthetic({ id: 'internet', kind: 'Internet', name: 'anything outside the cluster (0.0.0.0/0, ::/0)' });
  model.unknownPods = synthetic({ id: '*', kind: 'UnknownPods', name: 'pods of namespaces without manifests', anyLabels: true, mesh: 'unknown' });

  // Pods of namespaces without manifests that policies name.
  for (const { peer } of peers) {
    if (!peer.namespaceSelector) continue;
    const names = pinnedNamespaces(parseSelector(peer.namespaceSelector));
    if (!names) continue;
    const podSel = parseSelector(peer.podSelector ?? {});
    for (const ns of names) {
      if (model.isKnownNamespace(ns)) continue;
      model.ensureNamespace(ns);
      if (model.selectPods(ns, podSel).some((n) => !n.anyLabels || podSel.empty)) continue;
      const labels = podSel.matchLabels;
      const anyLabels = podSel.empty || podSel.matchExpressions.length > 0;
      const desc = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
      synthetic({ id: anyLabels ? `${ns}/*` : `${ns}/{${desc}}`, kind: 'ExternalWorkload', namespace: ns, name: anyLabels ? '*' : `{${desc}}`, labels, anyLabels, mesh: 'unknown' });
    }
  }

  // Identities (declared callers, mesh principals) in namespaces without manifests.
  const seen = new Set<string>();
  for (const ref of identities) {
    const key = `${ref.namespace}/${ref.serviceAccount}`;
    if (seen.has(key) || model.isKnownNamespace(ref.namespace)) continue;
    seen.add(key);
    model.ensureNamespace(ref.namespace);
    if (model.withIdentity(ref.namespace, ref.serviceAccount, false).length > 0) continue;
    const unnamed = model.inNamespace(ref.namespace).filter((n) => n.serviceAccount === undefined && !n.anyLabels);
    const sameNs = identities.filter((r) => r.namespace === ref.namespace).map((r) => r.serviceAccount);
    if (unnamed.length === 1 && new Set(sameNs).size === 1) {
      model.assignIdentity(unnamed[0], ref.serviceAccount);
      continue;
    }
    synthetic({ id: key, kind: 'ExternalWorkload', namespace: ref.namespace, name: ref.serviceAccount, serviceAccount: ref.serviceAccount, anyLabels: true, mesh: 'unknown' });
  }
  return model;
}

/** Identities that Istio principals and Linkerd identity references name. */
export function meshIdentities(objects: K8s[]): IdentityRef[] {
  const out: IdentityRef[] = [];
  for (const o of objects) {
    const group = String(o?.apiVersion ?? '').split('/')[0];
    if (group === 'security.istio.io' && o.kind === 'AuthorizationPolicy') {
      for (const r of o.spec?.rules ?? []) {
        for (const f of r?.from ?? []) {
          for (const p of f?.source?.principals ?? []) {
            const m = /^[^/]+\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(String(p));
            if (m) out.push({ namespace: m[1], serviceAccount: m[2] });
          }
        }
      }
    } else if (group === 'policy.linkerd.io' && o.kind === 'MeshTLSAuthentication') {
      for (const i of o.spec?.identityRefs ?? []) {
        if (i?.kind === 'ServiceAccount' && i.name && i.name !== '*') out.push({ namespace: i.namespace ?? namespaceOf(o), serviceAccount: i.name });
      }
    }
  }
  return out;
}

