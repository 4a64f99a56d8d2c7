import { CloudIdentityKind, IdentityEndpoint, NODE_IDENTITY_ENDPOINTS, identitiesOfServiceAccount, identityEndpointsIn } from '../../private/cloud-identity';
import { IpRangeSet } from '../../private/ip-ranges';
import { AuditContext, PodView, asArray, describeObject, isObject, selectorIsEmpty, selectorMatches } from '../context';
import { PolicyRuleView, isIpBlockPeer, policyRules, portsText } from '../network-index';
import { Issue, RuleDefinition, podServiceAccount } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/** The annotation that gives a ServiceAccount each identity, for the fix. */
const HOW: Record<CloudIdentityKind, string> = {
  [CloudIdentityKind.GKE]: 'iam.gke.io/gcp-service-account (WorkloadIdentity.gke())',
  [CloudIdentityKind.EKS_POD_IDENTITY]: 'cdk8s-secure-baseline.io/eks-pod-identity-role-arn (WorkloadIdentity.eksPodIdentity())',
  [CloudIdentityKind.AWS_IRSA]: 'eks.amazonaws.com/role-arn',
  [CloudIdentityKind.AZURE]: 'azure.workload.identity/client-id',
};

/** Whether the rule opens nothing but TCP `port` (a numeric port, no range). */
function onlyPort(rule: any, port: number): boolean {
  const ports = asArray(rule.ports).filter(isObject);
  return ports.length > 0 && ports.every((p: any) => (p.protocol ?? 'TCP') === 'TCP' && p.port === port && (p.endPort === undefined || p.endPort === port));
}

/** The pods (not templates) a NetworkPolicy selects. */
function selectedPods(ctx: AuditContext, r: PolicyRuleView): PodView[] {
  const selector = isObject(r.np.manifest.spec) ? r.np.manifest.spec.podSelector : undefined;
  return ctx.pods.filter((p) => !p.templateOnly && p.obj.namespace === r.np.namespace && selectorMatches(selector, p.labels));
}

/** The identities of the ServiceAccount a pod runs as (none when it is not in the manifests). */
function podIdentities(ctx: AuditContext, pod: PodView): { account: string; kinds: CloudIdentityKind[]; known: boolean } {
  const name = podServiceAccount(pod.spec);
  const sa = ctx.find('', 'ServiceAccount', pod.obj.namespace, name);
  return { account: `${pod.obj.namespace}/${name}`, kinds: sa ? identitiesOfServiceAccount(sa.annotations) : [], known: sa !== undefined };
}

function check(ctx: AuditContext, r: PolicyRuleView, endpoint: IdentityEndpoint, jsonPath: string, opens: string, out: Issue[]): void {
  const what = `${r.path} opens ${endpoint.name} (${endpoint.cidr}, TCP ${endpoint.port}) ${opens} ${portsText(r.rule)}`;
  const selector = isObject(r.np.manifest.spec) ? r.np.manifest.spec.podSelector : undefined;
  if (selectorIsEmpty(selector)) {
    out.push({
      obj: r.np,
      jsonPath,
      message: `${what} to every pod of namespace ${r.np.namespace}, present and future (podSelector {}): only the pods of a workload whose ServiceAccount has ${endpoint.kind} may reach it`,
      fix: `Open it in the workload's own NetworkPolicy (its pod selector), for a ServiceAccount annotated ${HOW[endpoint.kind]}; except ${endpoint.cidr} from namespace-wide blocks.`,
    });
    return;
  }
  const lacking = new Map<string, string[]>();
  let wider = false;
  for (const pod of selectedPods(ctx, r)) {
    const id = podIdentities(ctx, pod);
    if (id.kinds.includes(endpoint.kind)) {
      if (!onlyPort(r.rule, endpoint.port)) wider = true;
      continue;
    }
    const key = `ServiceAccount ${id.account}${id.known ? '' : ' (not in the manifests)'}`;
    const list = lacking.get(key) ?? [];
    list.push(describeObject(pod.obj.kind, pod.obj.namespace, pod.obj.name));
    lacking.set(key, list);
  }
  if (lacking.size > 0) {
    const who = [...lacking.keys()].sort().map((k) => `${k} (${[...new Set(lacking.get(k))].sort().join(', ')})`).join('; ');
    out.push({
      obj: r.np,
      jsonPath,
      message: `${what} to pods whose ServiceAccount has no ${endpoint.kind}: ${who}`,
      fix: `Narrow the policy's pod selector to the workload with the identity, or except ${endpoint.cidr} from the block; a pod that needs ${endpoint.name} runs as a ServiceAccount annotated ${HOW[endpoint.kind]}.`,
    });
  }
  if (wider) {
    out.push({
      obj: r.np,
      jsonPath,
      message: `${what}; ${endpoint.kind} needs TCP ${endpoint.port} only`,
      fix: `Limit the rule to ports: [{ protocol: TCP, port: ${endpoint.port} }], in a rule of its own.`,
    });
  }
}

/**
 * The node-local endpoints that issue cloud credentials (the GKE metadata server, the EKS Pod
 * Identity Agent) belong to the pods whose ServiceAccount has that identity, on that port only: a
 * policy that opens one to other pods hands them credentials (through the metadata server, the
 * node's own where Workload Identity is off) or lets them probe for others'. Blocks are evaluated
 * exactly (cidr minus except, IPv4-mapped IPv6 being the IPv4 range), so a broad block or another
 * spelling does not hide the endpoint.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_POLICY_CLOUD_IDENTITY,
  severity: Severity.ERROR,
  area: 'Network',
  description: `NetworkPolicy egress to a node-local cloud identity endpoint (${NODE_IDENTITY_ENDPOINTS.map((e) => `${e.cidr} TCP ${e.port}`).join(', ')}, also as IPv4-mapped IPv6 or inside a broader block) only for pods whose ServiceAccount has that identity (GKE Workload Identity: iam.gke.io/gcp-service-account; EKS Pod Identity: cdk8s-secure-baseline.io/eks-pod-identity-role-arn), on its port only, and never for every pod of a namespace.`,
  fix: 'Open the endpoint in the workload\'s own NetworkPolicy for the pods of the ServiceAccount with the identity, on its port only (LeastPrivilegeServiceAccount workloadIdentity does this for the workloads of this library); except it from other blocks.',
  standards: {
    kubescape: ['C-0052'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const rules = policyRules(ctx);
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.direction !== 'egress') continue;
      const peers = r.peers;
      if (peers.length === 0) {
        for (const e of NODE_IDENTITY_ENDPOINTS) check(ctx, r, e, r.path, 'with every other destination (no to)', out);
        continue;
      }
      if (!r.hasIpBlock) continue;
      for (let j = 0; j < peers.length; j++) {
        const peer = peers[j];
        if (!isIpBlockPeer(peer)) continue;
        const except = asArray(peer.ipBlock.except).filter((e: any) => typeof e === 'string');
        const set = IpRangeSet.fromIpBlock(peer.ipBlock.cidr, except);
        if (!set) continue;
        const block = `${peer.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
        for (const e of identityEndpointsIn(set)) check(ctx, r, e, `${r.path}.to[${j}].ipBlock`, `through ipBlock ${block}`, out);
      }
    }
    return out;
  },
};
