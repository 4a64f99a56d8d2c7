/**
 * The one RBAC risk model: which access is dangerous, why, which audit rule reports it, and what
 * the constructs do with a grant of it (refuse, or ask for a reason). `LeastPrivilegeServiceAccount`,
 * `SecureNamespace`'s human roles, the audit rules, the RBAC proof, `who-can` and RULES.md all read
 * this table; nothing else lists dangerous RBAC.
 *
 * Sources for the rows: Kubernetes "Role Based Access Control Good Practices" (its list of
 * privilege-escalation risks: listing secrets, workload creation, persistent volume creation,
 * nodes/proxy, escalate, bind, impersonate, CSR approval, token request, admission webhooks,
 * namespace modification), the CIS Kubernetes Benchmark 5.1.x and Kubescape's RBAC controls; plus
 * what those leave out and a baseline must not: exec-equivalents (`kubectl debug` through
 * pods/ephemeralcontainers, swapping a pod's image, rewriting a controller's pod template),
 * proxying into pods past NetworkPolicy, and changing the network or mesh policy that holds the
 * baseline in place.
 */
import { PolicyRuleLike, grantsName, groupMatches, hasResourceNames, resourceMatches, strings, verbMatches } from './policy-rule';
import { RuleIds } from '../audit/rule-ids';
import { RuleStandards } from '../audit/types';
import { isClusterScopedResource } from '../manifest/cluster-scoped';

/** What the constructs do with a grant that holds a risk. */
export enum GrantDecision {
  /** Never granted by the constructs; the audit reports it as an error. */
  REFUSE = 'refuse',
  /** Granted with a reason, written as the rule's acknowledgement where the audit reports it. */
  REASON = 'reason',
}

/** Verbs that change objects. */
export const WRITE_VERBS: readonly string[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** Any resource of any API group (for rows about a namespace rather than a resource). */
export const ANY = '*';

/** Access that a row looks for: `verbs` on `resource` (maybe with a subresource) of `group`. */
export interface RiskTarget {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

/** One row of the model. */
export interface RbacRisk {
  /** A stable, short name of the power: `exec-into-pods`. */
  readonly capability: string;
  /** What the holder can do, as a phrase: `exec into pods`. */
  readonly title: string;
  /** The audit rule that reports it. */
  readonly ruleId: string;
  readonly targets: readonly RiskTarget[];
  /** Held only through rules not restricted by resourceNames (a grant on named objects is fine). */
  readonly unlessNamed?: boolean;
  /** Held only on these object names (an unnamed rule grants every name). */
  readonly names?: readonly string[];
  /** Held only in these namespaces (a cluster-wide grant holds it everywhere). */
  readonly namespaces?: readonly string[];
  readonly decision: GrantDecision;
  readonly rationale: string;
  readonly standards: RuleStandards;
}

/** Namespaces of the control plane and of the meshes: a write there reaches beyond the app. */
export const SYSTEM_NAMESPACES: readonly string[] = ['istio-system', 'kube-node-lease', 'kube-public', 'kube-system', 'linkerd'];

const each = (group: string, resources: readonly string[], verbs: readonly string[]): RiskTarget[] =>
  resources.map((resource) => ({ group, resource, verbs }));

const WORKLOAD_VERBS = ['create', 'update', 'patch'];
/** The kubelet and the API server proxy map HTTP GET, POST, PUT, PATCH and DELETE to these verbs (never list or watch). */
const PROXY_VERBS = ['get', 'create', 'update', 'patch', 'delete'];
const ADMISSION = 'admissionregistration.k8s.io';

/** The rows, grouped by audit rule. */
export const RBAC_RISKS: readonly RbacRisk[] = [
  {
    capability: 'escalate-rbac',
    title: 'grant itself any permission',
    ruleId: RuleIds.RBAC_ESCALATE,
    targets: each('rbac.authorization.k8s.io', ['roles', 'clusterroles'], ['escalate', 'bind']),
    decision: GrantDecision.REFUSE,
    rationale: 'escalate lets the holder write roles with permissions it does not hold, bind lets it bind any role (up to cluster-admin)',
    standards: { cis: ['5.1.8'], kubescape: ['C-0191'] },
  },
  {
    capability: 'impersonate',
    title: 'act as other users, groups or service accounts',
    ruleId: RuleIds.RBAC_ESCALATE,
    targets: [
      ...each('', ['users', 'groups', 'serviceaccounts'], ['impersonate']),
      ...each('authentication.k8s.io', ['uids', 'userextras/scopes'], ['impersonate']),
    ],
    decision: GrantDecision.REFUSE,
    rationale: 'impersonating a more privileged identity gives its permissions',
    standards: { cis: ['5.1.8'], kubescape: ['C-0065'] },
  },
  {
    capability: 'read-secrets',
    title: 'read every Secret',
    ruleId: RuleIds.RBAC_SECRETS,
    targets: each('', ['secrets'], ['list', 'watch']),
    decision: GrantDecision.REFUSE,
    rationale: 'list and watch return the contents of every Secret, including service account tokens and credentials of other workloads',
    standards: { cis: ['5.1.2'], kubescape: ['C-0186', 'C-0015'], kubeLinter: ['access-to-secrets'] },
  },
  {
    capability: 'read-secrets',
    title: 'read any Secret by name',
    ruleId: RuleIds.RBAC_SECRETS,
    targets: each('', ['secrets'], ['get']),
    unlessNamed: true,
    decision: GrantDecision.REFUSE,
    rationale: 'get on Secrets without resourceNames reads any Secret whose name is known or guessed',
    standards: { cis: ['5.1.2'], kubescape: ['C-0186', 'C-0015'], kubeLinter: ['access-to-secrets'] },
  },
  {
    capability: 'exec-into-pods',
    title: 'run commands in running pods',
    ruleId: RuleIds.RBAC_POD_EXEC,
    targets: [
      ...each('', ['pods/exec', 'pods/attach', 'pods/portforward'], ['get', 'create']),
      ...each('', ['pods/ephemeralcontainers'], ['update', 'patch']),
    ],
    decision: GrantDecision.REASON,
    rationale: 'a shell in a pod holds its service account token, its mounted Secrets and its network identity; kubectl debug adds a container to any pod through pods/ephemeralcontainers',
    standards: { kubescape: ['C-0002', 'C-0063'], polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach'] },
  },
  {
    capability: 'proxy-to-pods',
    title: 'reach pods and services through the API server proxy',
    ruleId: RuleIds.RBAC_POD_PROXY,
    targets: each('', ['pods/proxy', 'services/proxy'], PROXY_VERBS),
    decision: GrantDecision.REASON,
    rationale: 'the API server proxy reaches any port of a pod from the control plane, past NetworkPolicies and mesh authorization',
    standards: {},
  },
  {
    capability: 'kubelet-api',
    title: 'call the kubelet API of nodes',
    ruleId: RuleIds.RBAC_NODES_PROXY,
    targets: each('', ['nodes/proxy'], PROXY_VERBS),
    decision: GrantDecision.REASON,
    rationale: 'the kubelet API runs commands in every pod of the node, without the API server\'s audit or admission',
    standards: { cis: ['5.1.10'], kubescape: ['C-0279'] },
  },
  {
    capability: 'run-workloads',
    title: 'run or change workloads',
    ruleId: RuleIds.RBAC_WORKLOAD_CREATE,
    targets: [
      ...each('', ['pods', 'replicationcontrollers'], WORKLOAD_VERBS),
      ...each('apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], WORKLOAD_VERBS),
      ...each('batch', ['jobs', 'cronjobs'], WORKLOAD_VERBS),
      ...each('extensions', ['deployments', 'daemonsets', 'replicasets'], WORKLOAD_VERBS),
    ],
    decision: GrantDecision.REASON,
    rationale: 'a new pod, a swapped image or a rewritten pod template runs code of the holder\'s choice as any service account of the namespace, with its Secrets mounted',
    standards: { cis: ['5.1.4'], kubescape: ['C-0188'], kubeLinter: ['access-to-create-pods'] },
  },
  {
    capability: 'create-tokens',
    title: 'mint service account tokens',
    ruleId: RuleIds.RBAC_TOKEN_CREATE,
    targets: each('', ['serviceaccounts/token'], ['create']),
    decision: GrantDecision.REASON,
    rationale: 'a token request yields the credentials of any service account of the namespace',
    standards: { cis: ['5.1.13'], kubescape: ['C-0282'] },
  },
  {
    capability: 'create-persistent-volumes',
    title: 'create PersistentVolumes',
    ruleId: RuleIds.RBAC_PV_CREATE,
    targets: each('', ['persistentvolumes'], ['create']),
    decision: GrantDecision.REASON,
    rationale: 'a hostPath PersistentVolume mounts any directory of the node into a pod',
    standards: { cis: ['5.1.9'], kubescape: ['C-0278'] },
  },
  {
    capability: 'approve-certificates',
    title: 'approve certificate signing requests',
    ruleId: RuleIds.RBAC_CSR_APPROVE,
    targets: [
      ...each('certificates.k8s.io', ['certificatesigningrequests/approval'], ['update', 'patch']),
      ...each('certificates.k8s.io', ['signers'], ['approve']),
    ],
    decision: GrantDecision.REASON,
    rationale: 'an approved client certificate authenticates as any user or group it names, system:masters included',
    standards: { cis: ['5.1.11'], kubescape: ['C-0280'] },
  },
  {
    capability: 'change-admission',
    title: 'change admission webhooks and policies',
    ruleId: RuleIds.RBAC_WEBHOOK,
    targets: each(ADMISSION, ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'], WRITE_VERBS),
    decision: GrantDecision.REASON,
    rationale: 'admission decides what every other write may do: removing a policy lifts it, a mutating webhook rewrites any object',
    standards: { cis: ['5.1.12'], kubescape: ['C-0281'] },
  },
  {
    capability: 'change-namespaces',
    title: 'change or delete namespaces',
    ruleId: RuleIds.RBAC_NAMESPACE_MODIFY,
    targets: each('', ['namespaces'], ['update', 'patch', 'delete']),
    decision: GrantDecision.REASON,
    rationale: 'namespace labels carry Pod Security enforcement and mesh injection; deleting a namespace removes its policies with its workloads',
    standards: {},
  },
  {
    capability: 'change-network-policy',
    title: 'change NetworkPolicies or mesh policies',
    ruleId: RuleIds.RBAC_POLICY_MODIFY,
    targets: [
      ...each('networking.k8s.io', ['networkpolicies'], WRITE_VERBS),
      ...each('extensions', ['networkpolicies'], WRITE_VERBS),
      ...each('policy.networking.k8s.io', ['adminnetworkpolicies', 'baselineadminnetworkpolicies'], WRITE_VERBS),
      ...each('cilium.io', ['ciliumnetworkpolicies', 'ciliumclusterwidenetworkpolicies'], WRITE_VERBS),
      ...each('crd.projectcalico.org', ['networkpolicies', 'globalnetworkpolicies'], WRITE_VERBS),
      ...each('projectcalico.org', ['networkpolicies', 'globalnetworkpolicies'], WRITE_VERBS),
      ...each('security.istio.io', ['authorizationpolicies', 'peerauthentications', 'requestauthentications'], WRITE_VERBS),
      ...each('networking.istio.io', ['destinationrules', 'sidecars', 'serviceentries'], WRITE_VERBS),
      ...each('policy.linkerd.io', ['servers', 'serverauthorizations', 'authorizationpolicies', 'meshtlsauthentications', 'networkauthentications'], WRITE_VERBS),
    ],
    decision: GrantDecision.REASON,
    rationale: 'the baseline\'s default-deny, mTLS and authorization live in these objects: writing one opens what the baseline closed',
    standards: {},
  },
  {
    capability: 'write-system-namespaces',
    title: 'change objects in the control plane\'s and meshes\' namespaces',
    ruleId: RuleIds.RBAC_SYSTEM_NAMESPACE,
    targets: [{ group: ANY, resource: ANY, verbs: WRITE_VERBS }],
    namespaces: SYSTEM_NAMESPACES,
    decision: GrantDecision.REASON,
    rationale: 'objects in kube-system and the mesh root namespaces configure the whole cluster or mesh (an AuthorizationPolicy in istio-system applies to every workload)',
    standards: {},
  },
  {
    capability: 'edit-aws-auth',
    title: 'edit kube-system/aws-auth (cluster-admin on EKS)',
    ruleId: RuleIds.RBAC_SYSTEM_NAMESPACE,
    targets: each('', ['configmaps'], ['create', 'update', 'patch']),
    namespaces: ['kube-system'],
    names: ['aws-auth'],
    decision: GrantDecision.REFUSE,
    rationale: 'on EKS the aws-auth ConfigMap maps IAM identities to Kubernetes groups, system:masters included',
    standards: {},
  },
];

/** Verbs that never name an object, so a rule restricted by resourceNames cannot grant them. */
const UNNAMED_VERBS = ['create', 'list', 'watch', 'deletecollection'];

/** The part of a row's targets a rule grants: `create, patch on apps/deployments`. */
export interface RiskHit {
  readonly risk: RbacRisk;
  readonly access: Array<{ readonly group: string; readonly resource: string; readonly verbs: string[] }>;
}

/**
 * Whether `rule` holds the row's power, and through which access. `namespace` is where the rule
 * applies (undefined: cluster-wide, or not known for an unbound ClusterRole; rows limited to
 * namespaces then count only when `clusterWide` is true).
 */
export function riskHit(risk: RbacRisk, rule: PolicyRuleLike, namespace: string | undefined, clusterWide: boolean): RiskHit | undefined {
  if (risk.namespaces !== undefined) {
    const inScope = namespace !== undefined ? risk.namespaces.includes(namespace) : clusterWide;
    if (!inScope) return undefined;
  }
  if (risk.unlessNamed && hasResourceNames(rule)) return undefined;
  const named = hasResourceNames(rule);
  if (risk.names !== undefined && !risk.names.some((n) => grantsName(rule, n))) return undefined;
  const access: RiskHit['access'] = [];
  for (const t of risk.targets) {
    // A request for a subresource names its object (POST .../serviceaccounts/NAME/token), one
    // for the resource itself does not when it creates, lists, watches or deletes a collection.
    let verbs = named && !t.resource.includes('/') ? t.verbs.filter((v) => !UNNAMED_VERBS.includes(v)) : [...t.verbs];
    if (t.resource === ANY) {
      // Any namespaced resource: a cluster-scoped one does not live in the row's namespaces.
      verbs = verbs.filter((v) => strings(rule.verbs).some((rv) => rv === '*' || rv === v));
      const groups = strings(rule.apiGroups);
      const resources = strings(rule.resources).filter((r) => r === '*' || groups.some((g) => g === '*' || !isClusterScopedResource(g, r.split('/')[0])));
      if (verbs.length > 0 && resources.length > 0 && groups.length > 0) {
        access.push({ group: groups.join(','), resource: resources.join(','), verbs });
      }
      continue;
    }
    if (!groupMatches(rule, t.group) || !resourceMatches(rule, t.resource)) continue;
    verbs = verbs.filter((v) => verbMatches(rule, v));
    if (verbs.length > 0) access.push({ group: t.group, resource: t.resource, verbs });
  }
  return access.length > 0 ? { risk, access } : undefined;
}

/** Every row a rule hits. */
export function riskHits(rule: PolicyRuleLike, namespace: string | undefined, clusterWide: boolean, ruleId?: string): RiskHit[] {
  const out: RiskHit[] = [];
  for (const risk of RBAC_RISKS) {
    if (ruleId !== undefined && risk.ruleId !== ruleId) continue;
    const hit = riskHit(risk, rule, namespace, clusterWide);
    if (hit) out.push(hit);
  }
  return out;
}

/** The rows of one audit rule. */
export function risksOfRule(ruleId: string): RbacRisk[] {
  return RBAC_RISKS.filter((r) => r.ruleId === ruleId);
}

/** The audit rules the model reports through, in table order. */
export function riskRuleIds(): string[] {
  return [...new Set(RBAC_RISKS.map((r) => r.ruleId))];
}

// --- Subjects ---------------------------------------------------------------------------------

/** Groups that hold everyone (or every request): never bindable, by any construct or acknowledgement. */
export const EVERYONE_GROUPS: readonly string[] = ['system:authenticated', 'system:unauthenticated', 'system:anonymous'];

/** Why a subject is dangerous to bind, or undefined. */
export function subjectRisk(kind: unknown, name: unknown): string | undefined {
  if ((kind !== 'User' && kind !== 'Group') || typeof name !== 'string') return undefined;
  if (EVERYONE_GROUPS.includes(name)) return `${name} holds every ${name === 'system:authenticated' ? 'authenticated' : 'anonymous'} request`;
  if (name === 'system:masters') return 'system:masters bypasses RBAC altogether';
  if (name.startsWith('system:serviceaccounts')) return `${name} holds every service account${name === 'system:serviceaccounts' ? ' of the cluster' : ' of the namespace'}`;
  if (name === 'system:nodes' || name.startsWith('system:node:')) return `${name} is the kubelets' identity`;
  if (name.startsWith('system:serviceaccount:')) return `${name} is a service account's user name; bind kind ServiceAccount instead`;
  if (name.startsWith('system:')) return `${name} is reserved for Kubernetes components`;
  return undefined;
}

/**
 * The built-in ClusterRoles that hold, in a namespace, power the model refuses: what no
 * RoleBinding may reference (`BaselineAdmissionPolicy`'s default), sorted.
 */
export function refusedBuiltInClusterRoles(
  roles: ReadonlyArray<{ readonly name: string }>,
  rulesOf: (name: string) => readonly PolicyRuleLike[] | undefined,
): string[] {
  return roles
    .filter((r) => (rulesOf(r.name) ?? []).some((rule) => riskHits(rule, 'default', false).some((h) => h.risk.decision === GrantDecision.REFUSE)))
    .map((r) => r.name)
    .sort();
}
