/**
 * A third-party-shaped manifest set for the reachability tests and benchmark: what a GitOps repo
 * vendors, with no intent of this library. One copy holds three namespaces:
 * - `shop-N`: an Online-Boutique-like microservice app (ten Deployments and a Redis StatefulSet,
 *   each with a ServiceAccount, a Service and a ConfigMap), whose only NetworkPolicy admits the
 *   ingress namespace to the frontend;
 * - `monitoring-N`: a kube-prometheus-like stack (Prometheus, Alertmanager, Grafana,
 *   kube-state-metrics, a cloud agent DaemonSet) whose NetworkPolicies admit Prometheus on the
 *   metrics ports, let Grafana in from every namespace, and let the agent reach the metadata endpoint;
 * - `ingress-N`: an ingress-nginx-like controller open to 0.0.0.0/0 and ::/0 on 80 and 443.
 * `foreignCorpus(copies)` renames the namespaces per copy (82 objects a copy).
 */

type K8s = Record<string, any>;

const SHOP = ['frontend', 'cart', 'checkout', 'currency', 'email', 'payment', 'productcatalog', 'recommendation', 'shipping', 'ad'];

function workload(kind: string, ns: string, name: string, port: number, extra: K8s = {}): K8s {
  const template = {
    metadata: { labels: { 'app.kubernetes.io/name': name, ...(extra.labels ?? {}) } },
    spec: {
      serviceAccountName: name,
      ...(extra.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name, image: `registry.example.com/${name}:1.2.3`, ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }] }],
    },
  };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/name': name } },
    spec: { selector: { matchLabels: { 'app.kubernetes.io/name': name } }, ...(kind === 'DaemonSet' ? {} : { replicas: 1 }), template },
  };
}

/** A workload with its ServiceAccount, Service and ConfigMap. */
function app(kind: string, ns: string, name: string, port: number, extra: K8s = {}): K8s[] {
  return [
    workload(kind, ns, name, port, extra),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ port, targetPort: 'http' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace: ns }, data: { 'config.yaml': `name: ${name}\nport: ${port}\n` } },
  ];
}

function netpol(ns: string, name: string, spec: K8s): K8s {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function namespace(name: string): K8s {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

/** One copy of the corpus, its namespaces suffixed with `-<i>`. */
export function foreignCopy(i: number): K8s[] {
  const shop = `shop-${i}`;
  const mon = `monitoring-${i}`;
  const edge = `ingress-${i}`;
  const out: K8s[] = [namespace(shop), namespace(mon), namespace(edge)];
  SHOP.forEach((name, k) => out.push(...app('Deployment', shop, name, 8080 + k)));
  out.push(...app('StatefulSet', shop, 'redis', 6379));
  out.push(netpol(shop, 'frontend', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': edge } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  }));
  // Monitoring: kube-prometheus-style policies (ingress from Prometheus on the metrics port, any egress).
  const scraped: Array<[string, string, number]> = [['StatefulSet', 'alertmanager', 9093], ['Deployment', 'kube-state-metrics', 8443]];
  out.push(...app('StatefulSet', mon, 'prometheus', 9090));
  out.push(netpol(mon, 'prometheus', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }],
    egress: [{}],
  }));
  for (const [kind, name, port] of scraped) {
    out.push(...app(kind, mon, name, port));
    out.push(netpol(mon, name, {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port, protocol: 'TCP' }] }],
      egress: [{}],
    }));
  }
  out.push(...app('Deployment', mon, 'grafana', 3000));
  out.push(netpol(mon, 'grafana', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 3000, protocol: 'TCP' }] }],
  }));
  out.push(...app('DaemonSet', mon, 'cloud-agent', 9100));
  out.push(netpol(mon, 'cloud-agent', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cloud-agent' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 9100, protocol: 'TCP' }] }],
    egress: [{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 80, protocol: 'TCP' }] }],
  }));
  out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `prometheus-${i}` }, rules: [{ apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] }] });
  out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `prometheus-${i}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `prometheus-${i}` }, subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: mon }] });
  // Ingress controller: open to the internet on 80 and 443.
  out.push(...app('Deployment', edge, 'ingress-nginx-controller', 80));
  out.push(netpol(edge, 'ingress-nginx-controller', {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx-controller' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] }],
  }));
  out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: `nginx-${i}` }, spec: { controller: 'k8s.io/ingress-nginx' } });
  out.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'shop', namespace: shop }, spec: { ingressClassName: `nginx-${i}`, rules: [{ host: `shop-${i}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 8080 } } } }] } }] } });
  return out;
}

/** `copies` copies of the corpus. */
export function foreignCorpus(copies: number): K8s[] {
  const out: K8s[] = [];
  for (let i = 1; i <= copies; i++) out.push(...foreignCopy(i));
  return out;
}
