import { AuditContext, K8sObject, isObject } from '../context';
import { Issue, RuleDefinition, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const GROUP = 'networking.istio.io';

/** Whether a Namespace gets Istio sidecars (injection or revision label); ambient namespaces do not. */
function isSidecarNamespace(ns: K8sObject): boolean {
  return ns.labels['istio-injection'] === 'enabled' || (typeof ns.labels['istio.io/rev'] === 'string' && ns.labels['istio.io/rev'] !== '');
}

/** Whether a Sidecar applies to every pod of its namespace (no workloadSelector). */
function isNamespaceWide(sidecar: K8sObject): boolean {
  const spec = isObject(sidecar.manifest.spec) ? sidecar.manifest.spec : {};
  return spec.workloadSelector === undefined || spec.workloadSelector === null;
}

/**
 * Why a Sidecar lets its proxies pass traffic to destinations the mesh does not know, or
 * undefined when it does not. Istio (pilot's SidecarScope) takes the Sidecar's
 * `outboundTrafficPolicy` when it is set, with a missing `mode` read as the enum's zero value
 * REGISTRY_ONLY, and falls back to meshConfig's (ALLOW_ANY unless the installation changed it) when
 * it is not set at all.
 */
function passesUnknown(sidecar: K8sObject): { path: string; why: string } | undefined {
  const spec = isObject(sidecar.manifest.spec) ? sidecar.manifest.spec : {};
  const policy = spec.outboundTrafficPolicy;
  if (policy === undefined || policy === null) {
    return { path: 'spec', why: 'sets no outboundTrafficPolicy, so it falls back to the mesh-wide default (meshConfig outboundTrafficPolicy: ALLOW_ANY unless the installation changed it)' };
  }
  if (!isObject(policy)) return { path: 'spec.outboundTrafficPolicy', why: `sets outboundTrafficPolicy ${q(policy)}, which is not REGISTRY_ONLY` };
  if (policy.mode === undefined || policy.mode === null || policy.mode === 'REGISTRY_ONLY') return undefined;
  return { path: 'spec.outboundTrafficPolicy.mode', why: `sets outboundTrafficPolicy.mode ${q(policy.mode)}` };
}

/**
 * Istio's sidecars pass traffic to destinations the registry does not know (the mesh-wide default
 * outbound policy ALLOW_ANY): any pod may reach any host outside the cluster through its proxy.
 * A Sidecar resource narrows that per namespace (no workloadSelector, one per namespace), per
 * workload (a workloadSelector, which takes precedence over the namespace's: it does not inherit the
 * namespace's policy, but the mesh's), or for every namespace without its own (no workloadSelector
 * in the Istio root namespace). Flagged: every Sidecar whose proxies pass unknown destinations
 * (decided from the object alone: its CEL twin), and every sidecar-injected Namespace for which
 * neither it nor the root namespace has a namespace-wide Sidecar.
 */
export const rule: RuleDefinition = {
  id: RuleIds.MESH_ISTIO_EGRESS,
  severity: Severity.ERROR,
  area: 'Service mesh',
  description: 'Istio sidecars must drop traffic to destinations the mesh does not know: every sidecar-injected Namespace (istio-injection=enabled or istio.io/rev) needs a Sidecar without workloadSelector (in it, or in the Istio root namespace for namespaces without their own), and every Sidecar must set outboundTrafficPolicy.mode REGISTRY_ONLY (ALLOW_ANY, and no outboundTrafficPolicy at all, which falls back to the mesh-wide ALLOW_ANY default, let any pod reach any host outside the cluster).',
  fix: 'Add a Sidecar named "default" without workloadSelector to the namespace with outboundTrafficPolicy: { mode: REGISTRY_ONLY } (egress hosts for the cluster\'s Services, e.g. "*/*.svc.cluster.local"), register external hosts with ServiceEntries, and set REGISTRY_ONLY on every workload Sidecar; SecureNamespace does all this. Acknowledge the rule on the Sidecar (or Namespace) when the mesh may pass any destination.',
  standards: {},
  admission: {
    match: [{ apiGroups: [GROUP], resources: ['sidecars'] }],
    validations: [{
      expression: "has(object.spec) && has(object.spec.outboundTrafficPolicy) && (!has(object.spec.outboundTrafficPolicy.mode) || object.spec.outboundTrafficPolicy.mode == 'REGISTRY_ONLY')",
      message: 'Sidecars set outboundTrafficPolicy.mode REGISTRY_ONLY (ALLOW_ANY, or no outboundTrafficPolicy, which falls back to the mesh-wide ALLOW_ANY, lets pods reach any host outside the cluster)',
    }],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const root = ctx.options.istioRootNamespace ?? 'istio-system';
    for (const sidecar of ctx.ofKind('Sidecar', GROUP)) {
      const open = passesUnknown(sidecar);
      if (!open) continue;
      const scope = !isNamespaceWide(sidecar)
        ? 'the pods it selects'
        : sidecar.namespace === root
          ? `every pod of every namespace without a Sidecar of its own (no workloadSelector in the Istio root namespace ${q(root)})`
          : `every pod of namespace ${q(sidecar.namespace)} that no workload Sidecar selects`;
      out.push({ obj: sidecar, jsonPath: open.path, message: `Sidecar ${open.why}: ${scope} may reach any host outside the cluster through the mesh` });
    }
    const rootWide = ctx.inNamespace('Sidecar', root, GROUP).some(isNamespaceWide);
    for (const ns of ctx.ofKind('Namespace', '')) {
      if (!isSidecarNamespace(ns)) continue;
      // A namespace-wide Sidecar of its own, or else the root namespace's, decides (and is checked above).
      if (rootWide || ctx.inNamespace('Sidecar', ns.name, GROUP).some(isNamespaceWide)) continue;
      out.push({
        obj: ns,
        message: 'Istio sidecar namespace has no Sidecar without workloadSelector (nor has the Istio root namespace): its pods follow the mesh-wide outbound policy, ALLOW_ANY by default, and may reach any host outside the cluster',
      });
    }
    return out;
  },
};
