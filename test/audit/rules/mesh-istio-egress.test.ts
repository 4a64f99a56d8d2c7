import { RuleIds } from '../../../src/audit/rule-ids';
import { findings, namespace } from '../util';

const ID = RuleIds.MESH_ISTIO_EGRESS;
const ACK = `ack.cdk8s-secure-baseline.io/${ID}`;
const istioNs = (name: string, labels: any = { 'istio-injection': 'enabled' }, annotations?: any) =>
  namespace(name, { 'pod-security.kubernetes.io/enforce': 'restricted', ...labels }, annotations);
const sidecar = (name: string, ns: string, spec?: any, apiVersion = 'networking.istio.io/v1', annotations?: any) => ({
  apiVersion, kind: 'Sidecar', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) }, ...(spec !== undefined ? { spec } : {}),
});
const REGISTRY_ONLY = { egress: [{ hosts: ['*/*.svc.cluster.local'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } };
const NO_SIDECAR = 'Istio sidecar namespace has no Sidecar without workloadSelector (nor has the Istio root namespace): its pods follow the mesh-wide outbound policy, ALLOW_ANY by default, and may reach any host outside the cluster';
const FALLS_BACK = 'sets no outboundTrafficPolicy, so it falls back to the mesh-wide default (meshConfig outboundTrafficPolicy: ALLOW_ANY unless the installation changed it)';

describe('SB-MESH-ISTIO-EGRESS', () => {
  test('a namespace-wide REGISTRY_ONLY Sidecar (any apiVersion) covers injected and revision-labelled namespaces; workload Sidecars with REGISTRY_ONLY pass', () => {
    expect(findings(ID, [
      istioNs('a'), sidecar('default', 'a', REGISTRY_ONLY),
      istioNs('b', { 'istio.io/rev': '1-24' }), sidecar('default', 'b', REGISTRY_ONLY, 'networking.istio.io/v1beta1'),
      istioNs('c'), sidecar('default', 'c', REGISTRY_ONLY, 'networking.istio.io/v1alpha3'),
      sidecar('payments', 'c', { workloadSelector: { labels: { app: 'payments' } }, egress: [{ hosts: ['./api.stripe.com'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }),
    ])).toEqual([]);
  });

  test('namespaces without Istio sidecars are not judged: no label, injection disabled, an empty revision, ambient (Sidecars do not apply to ztunnel)', () => {
    expect(findings(ID, [
      namespace('plain'),
      istioNs('off', { 'istio-injection': 'disabled' }),
      istioNs('empty-rev', { 'istio.io/rev': '' }),
      istioNs('ambient', { 'istio.io/dataplane-mode': 'ambient' }),
    ])).toEqual([]);
  });

  test('flags an injected namespace without a namespace-wide Sidecar: none, one in another namespace, only workload Sidecars', () => {
    const objects = [
      istioNs('none'),
      istioNs('elsewhere'), sidecar('default', 'other', REGISTRY_ONLY),
      istioNs('selected', { 'istio.io/rev': 'canary' }),
      sidecar('payments', 'selected', { workloadSelector: { labels: { app: 'payments' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }),
    ];
    expect(findings(ID, objects)).toEqual([
      { object: 'Namespace/elsewhere', message: NO_SIDECAR },
      { object: 'Namespace/none', message: NO_SIDECAR },
      { object: 'Namespace/selected', message: NO_SIDECAR },
    ]);
  });

  test('flags Sidecars that pass unknown destinations: ALLOW_ANY, or no outboundTrafficPolicy (mesh default); the namespace itself is then covered', () => {
    const objects = [
      istioNs('a'), sidecar('default', 'a', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }, 'networking.istio.io/v1beta1'),
      istioNs('b'), sidecar('default', 'b', { egress: [{ hosts: ['./*'] }] }),
      istioNs('c'), sidecar('default', 'c'),
      sidecar('escape', 'c', { workloadSelector: { labels: { app: 'x' } }, outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'proxy.example.com' } } }, 'networking.istio.io/v1alpha3'),
    ];
    expect(findings(ID, objects)).toEqual([
      { object: 'Sidecar/a/default', jsonPath: 'spec.outboundTrafficPolicy.mode', message: 'Sidecar sets outboundTrafficPolicy.mode "ALLOW_ANY": every pod of namespace "a" that no workload Sidecar selects may reach any host outside the cluster through the mesh' },
      { object: 'Sidecar/b/default', jsonPath: 'spec', message: `Sidecar ${FALLS_BACK}: every pod of namespace "b" that no workload Sidecar selects may reach any host outside the cluster through the mesh` },
      { object: 'Sidecar/c/default', jsonPath: 'spec', message: `Sidecar ${FALLS_BACK}: every pod of namespace "c" that no workload Sidecar selects may reach any host outside the cluster through the mesh` },
      { object: 'Sidecar/c/escape', jsonPath: 'spec.outboundTrafficPolicy.mode', message: 'Sidecar sets outboundTrafficPolicy.mode "ALLOW_ANY": the pods it selects may reach any host outside the cluster through the mesh' },
    ]);
  });

  test('a workload Sidecar without outboundTrafficPolicy escapes the namespace REGISTRY_ONLY (it inherits the mesh default, not the namespace Sidecar)', () => {
    expect(findings(ID, [
      istioNs('a'), sidecar('default', 'a', REGISTRY_ONLY),
      sidecar('quiet', 'a', { workloadSelector: { labels: { app: 'quiet' } }, egress: [{ hosts: ['./*'] }] }),
    ])).toEqual([
      { object: 'Sidecar/a/quiet', jsonPath: 'spec', message: `Sidecar ${FALLS_BACK}: the pods it selects may reach any host outside the cluster through the mesh` },
    ]);
  });

  test('outboundTrafficPolicy without mode is REGISTRY_ONLY (the enum\'s zero value), not the mesh default', () => {
    expect(findings(ID, [istioNs('a'), sidecar('default', 'a', { outboundTrafficPolicy: {} })])).toEqual([]);
  });

  test('the root namespace: a namespace-wide Sidecar there covers namespaces without their own; its ALLOW_ANY is flagged as mesh-wide', () => {
    expect(findings(ID, [istioNs('a'), istioNs('b', { 'istio.io/rev': 'stable' }), sidecar('default', 'istio-system', REGISTRY_ONLY)])).toEqual([]);
    expect(findings(ID, [istioNs('a'), sidecar('default', 'mesh-root', REGISTRY_ONLY)], { istioRootNamespace: 'mesh-root' })).toEqual([]);
    // A workload Sidecar in the root namespace covers nothing else.
    expect(findings(ID, [istioNs('a'), sidecar('gw', 'istio-system', { workloadSelector: { labels: { app: 'gw' } }, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })]))
      .toEqual([{ object: 'Namespace/a', message: NO_SIDECAR }]);
    expect(findings(ID, [istioNs('a'), sidecar('default', 'istio-system', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })])).toEqual([{
      object: 'Sidecar/istio-system/default',
      jsonPath: 'spec.outboundTrafficPolicy.mode',
      message: 'Sidecar sets outboundTrafficPolicy.mode "ALLOW_ANY": every pod of every namespace without a Sidecar of its own (no workloadSelector in the Istio root namespace "istio-system") may reach any host outside the cluster through the mesh',
    }]);
  });

  test('a namespace\'s own Sidecar takes precedence over the root\'s: its ALLOW_ANY is flagged even under a REGISTRY_ONLY root', () => {
    expect(findings(ID, [istioNs('a'), sidecar('default', 'istio-system', REGISTRY_ONLY), sidecar('default', 'a', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } })]))
      .toEqual([expect.objectContaining({ object: 'Sidecar/a/default', jsonPath: 'spec.outboundTrafficPolicy.mode' })]);
  });

  test('acknowledged on the Sidecar (SecureNamespace meshEgressAllowAnyReason) or on the Namespace', () => {
    const reason = 'Legacy batch jobs call partner SFTP hosts that change weekly; approved by security, egress gateway planned';
    expect(findings(ID, [
      istioNs('a'), sidecar('default', 'a', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }, undefined, { [ACK]: reason }),
      istioNs('b', undefined, { [ACK]: reason }),
    ])).toEqual([
      { object: 'Namespace/b', message: NO_SIDECAR, acknowledged: reason },
      expect.objectContaining({ object: 'Sidecar/a/default', acknowledged: reason }),
    ]);
  });
});
