import { bootstrapClusterRole } from '../../rbac/bootstrap-roles';
import { AuditContext, isObject } from '../context';
import { Issue, RBAC_GROUP, RuleDefinition, bindings } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';


/** Bindings reference roles that exist. */
export const rule: RuleDefinition = {
  id: RuleIds.RBAC_ROLE_MISSING,
  severity: Severity.ERROR,
  area: 'RBAC',
  description: 'RoleBindings and ClusterRoleBindings must reference a Role/ClusterRole in the output (built-in admin, edit, view, cluster-admin and system:* ClusterRoles, and the externalRoles option, are accepted).',
  fix: 'Add the Role/ClusterRole to the app, fix the roleRef name, or list the externally managed role in the audit\'s externalRoles option.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const external = new Set(ctx.options.externalRoles ?? []);
    const clusterRoles = new Set(ctx.ofKind('ClusterRole', RBAC_GROUP).map(r => r.name));
    const roles = new Set(ctx.ofKind('Role', RBAC_GROUP).map(r => `${r.namespace}|${r.name}`));
    for (const b of bindings(ctx)) {
      const ref = isObject(b.manifest.roleRef) ? b.manifest.roleRef : {};
      const name = String(ref.name);
      if (external.has(name)) continue;
      if (ref.kind === 'ClusterRole') {
        if (clusterRoles.has(name) || bootstrapClusterRole(name) !== undefined || name.startsWith('system:')) continue;
        out.push({ obj: b, jsonPath: 'roleRef', message: `${b.kind} references ClusterRole "${name}", which is not in the output` });
      } else if (ref.kind === 'Role') {
        if (b.kind === 'RoleBinding' && roles.has(`${b.namespace}|${name}`)) continue;
        out.push({
          obj: b,
          jsonPath: 'roleRef',
          message: b.kind === 'ClusterRoleBinding'
            ? `ClusterRoleBinding references Role "${name}", but a ClusterRoleBinding can only reference a ClusterRole`
            : `RoleBinding references Role "${name}", which is not in namespace "${b.namespace}" of the output`,
        });
      } else {
        out.push({ obj: b, jsonPath: 'roleRef.kind', message: `${b.kind} has roleRef.kind ${JSON.stringify(ref.kind)} (expected Role or ClusterRole)` });
      }
    }
    return out;
  },
};
