/**
 * Internal: the declared graph. In process it comes from the library's constructs
 * (MtlsService.declaredCallers / declaredScrapers, the declaredScrapers of SecureWorker, SecureJob
 * and SecureCronJob, SecureNamespace DNS, mesh control plane and
 * allowIngressFrom/allowEgressTo, a workload's allowEgressTo(ExternalService), SecureGateway and
 * MtlsService.exposeVia: the internet to the gateway's pods); from YAML it is rebuilt from the NetworkPolicies the library
 * generates (the workload policies labelled `app.kubernetes.io/managed-by: cdk8s-secure-baseline`
 * and the namespace policies `allow-dns`, `allow-mesh-data-plane`, `allow-ingress`, `allow-egress`),
 * plus the hosts the library's CiliumNetworkPolicies call by name (cilium.ts).
 */
import { IConstruct } from 'constructs';
import { CallingWorkload } from '../calling-workload';
import { MtlsService } from '../mtls-service';
import { IDENTITY_EGRESS_ANNOTATION, parseIdentityEgress } from '../private/cloud-identity';
import { ownedGatewayOf } from '../private/gateway-owned';
import { exposuresOf } from '../private/gateway-route';
import { workloadCoreOf } from '../private/workload';
import { SecureNamespace } from '../secure-namespace';
import { IdentityRef } from './build';
import { ciliumIntent, fqdnId } from './cilium';
import { K8s, Model, namespaceOf, Node, parseSelector } from './model';
import { isNetworkPolicy, peerNodes } from './network-policy';

export type IntentRef =
  | { readonly kind: 'identity'; readonly namespace: string; readonly serviceAccount: string }
  | { readonly kind: 'workload'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'selector'; readonly namespace: string; readonly podSelector: K8s }
  | { readonly kind: 'peer'; readonly namespace: string; readonly peer: K8s }
  /** A host called by name (Cilium `toFQDNs`). */
  | { readonly kind: 'host'; readonly host: string };

export interface IntentRule {
  readonly from: IntentRef;
  readonly to: IntentRef;
  /** NetworkPolicy-style ports (protocol, port, endPort); named ports resolve against the target. */
  readonly ports: K8s[];
  readonly infrastructure: boolean;
  /** Where the intent comes from, for messages. */
  readonly origin: string;
}

const MANAGED_BY = 'cdk8s-secure-baseline';
/** Every address: the clients of an internet-facing gateway. */
const INTERNET: K8s[] = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
const NAMESPACE_POLICIES = new Map([['allow-dns', true], ['allow-mesh-data-plane', true], ['allow-ingress', false], ['allow-egress', false]]);

export function identitiesOf(rules: IntentRule[]): IdentityRef[] {
  const out: IdentityRef[] = [];
  for (const r of rules) {
    if (r.from.kind === 'identity') out.push({ namespace: r.from.namespace, serviceAccount: r.from.serviceAccount });
    if (r.to.kind === 'identity') out.push({ namespace: r.to.namespace, serviceAccount: r.to.serviceAccount });
  }
  return out;
}

/** The hosts the rules call by name. */
export function hostsOf(rules: IntentRule[]): string[] {
  return rules.flatMap((r) => (r.to.kind === 'host' ? [r.to.host] : []));
}

/** The declared graph of every library construct under `root`. */
export function intentFromConstructs(root: IConstruct): IntentRule[] {
  const rules: IntentRule[] = [];
  const constructs = root.node.findAll();
  const appNamespaces = new Set(constructs.filter((c): c is SecureNamespace => c instanceof SecureNamespace).map((c) => c.name));
  for (const c of constructs) {
    if (c instanceof MtlsService) {
      const to: IntentRef = { kind: 'workload', namespace: c.namespaceName, name: c.name };
      // The metrics port (container port "metrics") is for the declared scrapers; the other
      // ports the Service targets are for the callers.
      const metrics = new Set<number>();
      for (const ct of c.workload.toJson().spec?.template?.spec?.containers ?? []) {
        for (const p of ct.ports ?? []) if (p.name === 'metrics') metrics.add(Number(p.containerPort));
      }
      const servicePorts = new Set<number>();
      for (const p of c.service.toJson().spec?.ports ?? []) {
        const port = Number(p.targetPort ?? p.port);
        if (p.name !== 'metrics' && !metrics.has(port)) servicePorts.add(port);
      }
      const appPorts = [...servicePorts].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
      for (const caller of c.declaredCallers) {
        const [ns, sa] = caller.split('/');
        rules.push({ from: { kind: 'identity', namespace: ns, serviceAccount: sa }, to, ports: appPorts, infrastructure: false, origin: `${c.namespaceName}/${c.name}.allowFrom(${caller})` });
      }
      const scrapers: string[] = (c as any).declaredScrapers ?? [];
      const metricsPorts = [...metrics].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port }));
      if (metricsPorts.length > 0) {
        for (const scraper of scrapers) {
          const [ns, sa] = scraper.split('/');
          rules.push({ from: { kind: 'identity', namespace: ns, serviceAccount: sa }, to, ports: metricsPorts, infrastructure: false, origin: `${c.namespaceName}/${c.name} metrics scraper ${scraper}` });
        }
      }
    } else if (c instanceof CallingWorkload) {
      // A worker or job nobody calls: only its scrapers reach it, on the metrics port.
      const metrics = workloadCoreOf(c)?.metrics;
      const to: IntentRef = { kind: 'workload', namespace: c.namespaceName, name: c.name };
      for (const scraper of metrics?.declaredScrapers ?? []) {
        const [ns, sa] = scraper.split('/');
        const ports = [{ protocol: 'TCP', port: metrics!.port.containerPort }];
        rules.push({ from: { kind: 'identity', namespace: ns, serviceAccount: sa }, to, ports, infrastructure: false, origin: `${c.namespaceName}/${c.name} metrics scraper ${scraper}` });
      }
    } else if (c instanceof SecureNamespace) {
      const all: IntentRef = { kind: 'namespace', namespace: c.name };
      const dns = c.dns._egressRule(c);
      for (const peer of dns?.to ?? []) rules.push({ from: all, to: { kind: 'peer', namespace: c.name, peer }, ports: [...dns!.ports], infrastructure: true, origin: `${c.name} DNS` });
      for (const r of c.mesh._impl.controlPlaneEgress()) {
        for (const peer of r.to ?? []) rules.push({ from: all, to: { kind: 'peer', namespace: c.name, peer }, ports: [...(r.ports ?? [])], infrastructure: true, origin: `${c.name} ${c.mesh.displayName} control plane` });
      }
      for (const r of c.mesh._impl.dataPlaneIngress()) {
        for (const peer of r.from ?? []) rules.push({ from: { kind: 'peer', namespace: c.name, peer }, to: all, ports: [...(r.ports ?? [])], infrastructure: true, origin: `${c.name} ${c.mesh.displayName} data plane` });
      }
      for (const d of c.declaredIngress) rules.push({ from: { kind: 'peer', namespace: c.name, peer: d.peerSpec }, to: all, ports: d.ports, infrastructure: false, origin: `${c.name}.allowIngressFrom(${d.peer})` });
      for (const d of c.declaredEgress) rules.push({ from: all, to: { kind: 'peer', namespace: c.name, peer: d.peerSpec }, ports: d.ports, infrastructure: false, origin: `${c.name}.allowEgressTo(${d.peer})` });
    }
    // A workload whose ServiceAccount has API access calls the API server.
    const core = workloadCoreOf(c);
    for (const r of core?.apiServerEgress() ?? []) {
      const from: IntentRef = { kind: 'workload', namespace: core!.namespace.name, name: core!.name };
      const origin = `${core!.namespace.name}/${core!.name} Kubernetes API access of ServiceAccount ${core!.serviceAccount.name}`;
      for (const peer of r.to ?? []) rules.push({ from, to: { kind: 'peer', namespace: core!.namespace.name, peer }, ports: [...(r.ports ?? [])], infrastructure: false, origin });
    }
    // A workload whose ServiceAccount has a cloud identity calls the identity's endpoint.
    for (const r of core?.identityEgress() ?? []) {
      const from: IntentRef = { kind: 'workload', namespace: core!.namespace.name, name: core!.name };
      const origin = `${core!.namespace.name}/${core!.name} ${core!.serviceAccount.workloadIdentity!.provider} workload identity of ServiceAccount ${core!.serviceAccount.name}`;
      for (const peer of r.to ?? []) rules.push({ from, to: { kind: 'peer', namespace: core!.namespace.name, peer }, ports: [...(r.ports ?? [])], infrastructure: false, origin });
    }
    // A gateway the app deploys (SecureGateway): the internet reaches its pods on the listener
    // ports; a service exposed through a gateway: the internet reaches the gateway on the
    // listener's port (the gateway → service path is the service's allowFrom(gateway)).
    const gateway = ownedGatewayOf(c);
    if (gateway) {
      const to: IntentRef = { kind: 'selector', namespace: gateway.namespace, podSelector: { matchLabels: { ...gateway.podLabels } } };
      const ports = gateway.ports.map((port) => ({ protocol: 'TCP', port }));
      for (const peer of INTERNET) rules.push({ from: { kind: 'peer', namespace: gateway.namespace, peer }, to, ports, infrastructure: false, origin: `SecureGateway ${gateway.namespace}/${gateway.name}` });
    }
    // (A shared gateway in a namespace outside the app has no endpoint to declare it to.)
    for (const e of exposuresOf(c).filter((x) => appNamespaces.has(x.gatewayNamespace))) {
      const to: IntentRef = { kind: 'selector', namespace: e.gatewayNamespace, podSelector: { matchLabels: { ...e.gatewayPodLabels } } };
      const origin = `${(c as MtlsService).namespaceName}/${(c as MtlsService).name}.exposeVia(${e.gatewayNamespace}/${e.gatewayName}, ${e.hostname}${e.kind === 'GRPCRoute' ? ' gRPC' : e.path})`;
      for (const peer of INTERNET) rules.push({ from: { kind: 'peer', namespace: e.gatewayNamespace, peer }, to, ports: [{ protocol: 'TCP', port: e.listenerPort }], infrastructure: false, origin });
    }
    // A workload that calls external services by name reaches their addresses on their ports
    // (or, through an egress gateway, the gateway's pods on its port).
    for (const e of core?.externalEgress() ?? []) {
      const from: IntentRef = { kind: 'workload', namespace: core!.namespace.name, name: core!.name };
      const origin = `${core!.namespace.name}/${core!.name}.allowEgressTo(${e.description})`;
      for (const peer of e.peers) rules.push({ from, to: { kind: 'peer', namespace: core!.namespace.name, peer }, ports: [{ protocol: 'TCP', port: e.peerPort }], infrastructure: false, origin });
      // No peers: the network engine allows the host by name (Cilium toFQDNs).
      if (e.peers.length === 0) rules.push({ from, to: { kind: 'host', host: e.host }, ports: [{ protocol: 'TCP', port: e.port }], infrastructure: false, origin });
    }
  }
  return rules;
}

/** The declared graph rebuilt from the NetworkPolicies the library generates. */
export function intentFromManifests(objects: K8s[]): IntentRule[] {
  const rules: IntentRule[] = [];
  const secured = new Set(objects.filter((o) => o?.kind === 'Namespace' && o.metadata?.labels?.['pod-security.kubernetes.io/enforce']).map((o) => o.metadata.name));
  for (const np of objects.filter(isNetworkPolicy)) {
    const ns = namespaceOf(np);
    const name = String(np.metadata?.name);
    const workloadPolicy = np.metadata?.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY;
    const namespacePolicy = secured.has(ns) && NAMESPACE_POLICIES.has(name);
    if (!workloadPolicy && !namespacePolicy) continue;
    const infrastructure = NAMESPACE_POLICIES.get(name) === true && namespacePolicy;
    const selected: IntentRef = { kind: 'selector', namespace: ns, podSelector: np.spec?.podSelector ?? {} };
    for (const r of np.spec?.ingress ?? []) {
      for (const peer of r?.from ?? []) rules.push({ from: { kind: 'peer', namespace: ns, peer }, to: selected, ports: r.ports ?? [], infrastructure, origin: `NetworkPolicy ${ns}/${name}` });
    }
    for (const r of np.spec?.egress ?? []) {
      for (const peer of r?.to ?? []) rules.push({ from: selected, to: { kind: 'peer', namespace: ns, peer }, ports: r.ports ?? [], infrastructure, origin: `NetworkPolicy ${ns}/${name}` });
    }
  }
  rules.push(...ciliumIntent(objects));
  // The pods of a ServiceAccount with a cloud identity call its endpoint (as the library recorded it).
  for (const sa of objects.filter((o) => o?.kind === 'ServiceAccount' && (o.apiVersion ?? 'v1') === 'v1')) {
    const egress = parseIdentityEgress(sa.metadata?.annotations?.[IDENTITY_EGRESS_ANNOTATION]);
    if (!egress) continue;
    const ns = namespaceOf(sa);
    const from: IntentRef = { kind: 'identity', namespace: ns, serviceAccount: String(sa.metadata?.name) };
    for (const cidr of egress.cidrs) {
      rules.push({ from, to: { kind: 'peer', namespace: ns, peer: { ipBlock: { cidr } } }, ports: [{ protocol: 'TCP', port: egress.port }], infrastructure: false, origin: `ServiceAccount ${ns}/${sa.metadata?.name} cloud identity` });
    }
  }
  return rules;
}

/** The nodes an intent reference stands for. */
export function resolveRef(model: Model, ref: IntentRef): Node[] {
  switch (ref.kind) {
    case 'identity': return model.withIdentity(ref.namespace, ref.serviceAccount);
    case 'workload': return model.inNamespace(ref.namespace).filter((n) => n.kind === 'Workload' && n.name === ref.name);
    case 'namespace': return model.inNamespace(ref.namespace).filter((n) => n.kind === 'Workload');
    case 'selector': return model.cached(ref.podSelector, ref.namespace, 'selector', () => model.selectPods(ref.namespace, parseSelector(ref.podSelector)).filter((n) => n.kind === 'Workload'));
    case 'peer': return peerNodes(model, ref.peer, ref.namespace);
    case 'host': {
      const n = model.node(fqdnId(ref.host));
      return n ? [n] : [];
    }
  }
}
