/**
 * Internal: human access to a SecureNamespace — namespaced Roles for viewers, deployers and
 * administrators (never Secrets, pods/exec, escalate, bind or impersonate), bound to
 * identity-provider groups, with the acknowledgements the RBAC risk model asks of them.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { acknowledgementAnnotation } from './acknowledge';
import { fail, show } from './validation';
import { GrantDecision, riskHits, subjectRisk } from '../rbac/risk-model';
import type { SecureNamespaceProps } from '../secure-namespace';

const VIEW_RESOURCES = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'resourcequotas', 'serviceaccounts', 'services'] },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
];
const DEPLOY_RESOURCES = [
  { apiGroups: [''], resources: ['configmaps', 'persistentvolumeclaims', 'services'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'patch', 'update'];

/**
 * The acknowledgements a human role needs, from the RBAC risk model (the same judgement the audit
 * makes of the Role): every rule its power is reported by, with the role's reason. A role with
 * refused power would be a bug of this file, so it throws.
 */
function humanRoleAcknowledgements(rules: any[], namespace: string, reason: string): Record<string, string> {
  const hits = rules.flatMap((rule) => riskHits(rule, namespace, false));
  const refused = hits.find((h) => h.risk.decision === GrantDecision.REFUSE);
  if (refused) throw new Error(`internal: a SecureNamespace human role would ${refused.risk.title}`);
  const out: Record<string, string> = {};
  for (const id of [...new Set(hits.map((h) => h.risk.ruleId))].sort()) out[acknowledgementAnnotation(id)] = reason;
  return out;
}

/** What viewers may do: read the namespace's objects (never Secrets). */
function viewerRules(): any[] {
  return VIEW_RESOURCES.map((r) => ({ ...r, verbs: READ }));
}

/** What deployers may do: what viewers may, manage workloads and their objects, and read pod logs. */
function deployerRules(): any[] {
  return [
    ...viewerRules(),
    ...DEPLOY_RESOURCES.map((r) => ({ ...r, verbs: WRITE })),
    { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  ];
}

/** The Viewer, Deployer and Admin Roles of `namespace`, bound to the identity-provider groups of `props`. */
export function createHumanAccess(scope: Construct, namespace: string, props: SecureNamespaceProps): void {
  const roles: Array<{ id: string; name: string; groups?: string[]; rules: any[]; ack?: string }> = [
    {
      id: 'Viewer',
      name: 'baseline-viewer',
      groups: props.viewers,
      rules: viewerRules(),
    },
    {
      id: 'Deployer',
      name: 'baseline-deployer',
      groups: props.deployers,
      rules: deployerRules(),
      ack: 'Human deployers (identity-provider groups given to SecureNamespace `deployers`) create the workloads of this namespace; they get no pods/exec, Secrets, escalate, bind or impersonate.',
    },
    {
      id: 'Admin',
      name: 'baseline-admin',
      groups: props.admins,
      rules: [
        ...deployerRules(),
        { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
        { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['patch', 'update'] },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: READ },
      ],
      ack: 'Human administrators (identity-provider groups given to SecureNamespace `admins`) create the workloads of this namespace; they get no pods/exec, Secrets, escalate, bind or impersonate.',
    },
  ];
  for (const role of roles) {
    const groups = role.groups ?? [];
    if (groups.length === 0) continue;
    const seen = checkedGroups(scope, role.id, groups);
    new ApiObject(scope, `${role.id}Role`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: {
        name: role.name,
        namespace,
        ...(role.ack ? { annotations: humanRoleAcknowledgements(role.rules, namespace, role.ack) } : {}),
      },
      rules: role.rules,
    });
    new ApiObject(scope, `${role.id}RoleBinding`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: role.name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [...seen].sort().map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
    });
  }
}

/** The identity-provider groups of a role, de-duplicated; `system:` groups are refused. */
function checkedGroups(scope: IConstruct, roleId: string, groups: string[]): Set<string> {
  const seen = new Set<string>();
  for (const g of groups) {
    if (typeof g !== 'string' || g.trim() === '') fail(scope, `${roleId.toLowerCase()} group ${show(g)} is empty`, 'name the identity-provider group');
    const risk = subjectRisk('Group', g);
    if (risk !== undefined) {
      fail(scope, `${roleId.toLowerCase()} group ${show(g)} is a built-in Kubernetes group: ${risk}`, 'bind a group of your identity provider (OIDC); system: groups (system:masters, system:authenticated, system:serviceaccounts*, system:nodes, ...) hold far more than the people you mean');
    }
    seen.add(g);
  }
  return seen;
}
