import { ack, clusterRole, clusterRoleBinding, ctxOf, deployment, group, role, roleBinding, sa, serviceAccount, user } from './proof-util';
import { RuleIds } from '../../src/audit/rule-ids';
import { RbacProof, proveRbac } from '../../src/rbac/proof';
import { rbacJson, rbacSummaryLine, renderRbacJson, renderRbacMarkdown, renderRbacMatrix, undeclaredMessages } from '../../src/rbac/render';

function mixed(): any[] {
  return [
    deployment('shop', 'api', 'api'),
    deployment('shop', 'web', 'web'),
    serviceAccount('shop', 'api'),
    serviceAccount('pay', 'payer'),
    role('shop', 'api', [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] }], ack(RuleIds.RBAC_WORKLOAD_CREATE, 'The API starts one export Job per request; SEC-1.')),
    roleBinding('shop', 'api', { kind: 'Role', name: 'api' }, [sa('shop', 'api')]),
    roleBinding('shop', 'web-edit', { kind: 'ClusterRole', name: 'edit' }, [sa('shop', 'web')]),
    clusterRoleBinding('ops', { kind: 'ClusterRole', name: 'cluster-admin' }, [group('platform-ops')], ack(RuleIds.RBAC_CLUSTER_ADMIN, 'The platform team operates the cluster; SEC-2.')),
    clusterRole('secret-list', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
    clusterRoleBinding('auditors', { kind: 'ClusterRole', name: 'secret-list' }, [user('auditor')]),
  ];
}

function proof(objects: any[] = mixed()): RbacProof {
  return proveRbac(ctxOf(objects));
}

describe('RBAC proof renderings', () => {
  test('summary line', () => {
    expect(rbacSummaryLine(proof())).toBe('RBAC proof: 5 subjects, 4 hold dangerous capabilities (10 held), 8 undeclared (2 subjects).');
    expect(rbacSummaryLine(proof([deployment('shop', 'a')]))).toBe('RBAC proof: 1 subject, 0 hold dangerous capabilities (0 held), 0 undeclared.');
  });

  test('Markdown: summary, undeclared first, a table per subject (undeclared rows first), the others, the matrix', () => {
    const md = renderRbacMarkdown(proof());
    expect(md).toMatchSnapshot();
    const sections = [...md.matchAll(/^##+ (.*)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      'Undeclared capabilities',
      'Subjects',
      'Group platform-ops',
      'ServiceAccount shop/api',
      'ServiceAccount shop/web',
      'User auditor',
      'Subjects without dangerous capabilities',
      'Matrix',
    ]);
    expect(md).toContain('- **ServiceAccount shop/web**: `impersonate`, `read-secrets`, `exec-into-pods`, `proxy-to-pods`, `run-workloads`, `create-tokens`, `change-network-policy`\n- **User auditor**: `read-secrets`\n');
    expect(md).toContain('| `run-workloads` | yes | in shop | RoleBinding "shop/api" → Role "shop/api" | create on batch/jobs |');
    expect(md).toContain('- ServiceAccount pay/payer\n');
  });

  test('matrix: held columns only; "!" undeclared, "+" declared, cluster-admin fills every column', () => {
    expect(renderRbacMatrix(proof([roleBinding('shop', 'x', { kind: 'ClusterRole', name: 'view' }, [sa('shop', 'a')])]))).toBe('No subject holds a dangerous capability.\n');
    const m = renderRbacMatrix(proof([
      role('shop', 'r', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }, { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], ack(RuleIds.RBAC_SECRETS)),
      roleBinding('shop', 'r', { kind: 'Role', name: 'r' }, [sa('shop', 'a')]),
    ]));
    expect(m).toBe([
      'Dangerous capabilities by subject. Rows: subjects; columns: capabilities.',
      'subject \\ capability  | [1] | [2]',
      '----------------------|-----|----',
      'ServiceAccount shop/a | +   | !',
      '',
      '[1] read-secrets: read every Secret',
      '[2] exec-into-pods: run commands in running pods',
      '',
      'Legend: "!" held and undeclared; "+" held and declared; "." not held. cluster-admin holds every capability.',
      '',
    ].join('\n'));
    const admin = renderRbacMatrix(proof(mixed()));
    expect(admin.split('\n').find((l) => l.startsWith('Group platform-ops'))).toMatch(/^Group platform-ops\s+(\| \+\s+)+\| \+$/);
    expect(admin).toContain('[1] cluster-admin: do everything (every capability below)');
  });

  test('JSON: stable key order, snapshot', () => {
    const json = renderRbacJson(proof());
    expect(json).toMatchSnapshot();
    expect(Object.keys(JSON.parse(json))).toEqual(['summary', 'capabilities', 'subjects']);
    // The input order changes only where each object was read from.
    const noLocations = (text: string) => text.replace(/"input \d+"/g, '"input"');
    expect(noLocations(renderRbacJson(proof([...mixed()].reverse())))).toBe(noLocations(json));
    const web = (rbacJson(proof()) as any).subjects.find((s: any) => s.label === 'ServiceAccount shop/web');
    expect(Object.keys(web)).toEqual(['kind', 'name', 'namespace', 'label', 'workloads', 'clusterAdmin', 'undeclared', 'capabilities']);
    expect(Object.keys(web.capabilities[0].grants[0])).toEqual(['scope', 'namespace', 'binding', 'location', 'role', 'rulesFrom', 'via', 'access', 'ruleIds', 'declared']);
  });

  test('undeclared power: one message per subject, each capability with its grant and the fix', () => {
    expect(undeclaredMessages(proof())).toEqual([
      'ServiceAccount shop/web (workloads: Deployment shop/web) holds undeclared power: '
      + 'impersonate in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (impersonate on serviceaccounts) [input 7]; '
      + 'read-secrets in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (get, list, watch on secrets) [input 7]; '
      + 'exec-into-pods in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (get, create on pods/attach, pods/exec, pods/portforward) [input 7]; '
      + 'proxy-to-pods in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (get, create, update, patch, delete on pods/proxy, services/proxy) [input 7]; '
      + 'run-workloads in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (create, update, patch on apps/daemonsets, apps/deployments, apps/replicasets, apps/statefulsets, batch/cronjobs, batch/jobs, extensions/daemonsets, extensions/deployments, extensions/replicasets, pods, replicationcontrollers) [input 7]; '
      + 'create-tokens in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (create on serviceaccounts/token) [input 7]; '
      + 'change-network-policy in shop through RoleBinding "shop/web-edit" → ClusterRole "edit" (built in), rules from ClusterRole "system:aggregate-to-edit" (built in) (create, update, patch, delete, deletecollection on extensions/networkpolicies, networking.k8s.io/networkpolicies) [input 7]. '
      + 'Fix: grant only what it needs through LeastPrivilegeServiceAccount, each dangerous grant with a reason (grant({ ..., reason })), or acknowledge it with a reason on the binding or role '
      + '(annotation ack.cdk8s-secure-baseline.io/SB-RBAC-ESCALATE, ack.cdk8s-secure-baseline.io/SB-RBAC-POD-EXEC, ack.cdk8s-secure-baseline.io/SB-RBAC-POD-PROXY, ack.cdk8s-secure-baseline.io/SB-RBAC-POLICY-MODIFY, '
      + 'ack.cdk8s-secure-baseline.io/SB-RBAC-SECRETS, ack.cdk8s-secure-baseline.io/SB-RBAC-TOKEN-CREATE, ack.cdk8s-secure-baseline.io/SB-RBAC-WORKLOAD-CREATE), or remove the binding',
      'User auditor holds undeclared power: read-secrets cluster-wide through ClusterRoleBinding "auditors" → ClusterRole "secret-list" (list on secrets) [input 10]. '
      + 'Fix: grant only what it needs through LeastPrivilegeServiceAccount, each dangerous grant with a reason (grant({ ..., reason })), or acknowledge it with a reason on the binding or role '
      + '(annotation ack.cdk8s-secure-baseline.io/SB-RBAC-SECRETS), or remove the binding',
    ]);
  });
});
