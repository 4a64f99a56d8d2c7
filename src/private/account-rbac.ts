/**
 * Internal: the grants of one ServiceAccount (a LeastPrivilegeServiceAccount or an imported one) —
 * validated (rbac-grant.ts), merged into one Role and RoleBinding per namespace or one ClusterRole
 * and ClusterRoleBinding (rbac-access.ts), and returned as an `RbacGrant`.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { referenceNamespace } from './namespace-references';
import {
  Access, checkClusterRoleBinding, checkedRbacName, createClusterAccess, createClusterRoleBinding, createRoleAccess, mergeGrant, renderRules,
} from './rbac-access';
import { checkGrant, ValidatedGrant } from './rbac-grant';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './validation';
import { isClusterScopedResource, pluralOf } from '../manifest/cluster-scoped';
import type { RbacGrant, RbacRule } from '../service-account';
import {
  BindClusterRoleOptions, ClusterGrantOptions, GrantOptions, NamedObjectOptions, ObjectGrantOptions, ResourceGrantOptions,
  ServiceAccountSubject, Verb,
} from '../service-account-options';

/** The rules a validated grant asked for, one per resource, sorted by resource. */
function rulesOf(g: ValidatedGrant): RbacRule[] {
  return [...new Set(g.resources)].sort().map((resource) => ({
    apiGroups: [g.apiGroup],
    resources: [resource],
    ...(g.resourceNames ? { resourceNames: [...g.resourceNames] } : {}),
    verbs: [...new Set(g.verbs)].sort(),
  }));
}

/** The RBAC objects of one account, created on the first grant in each namespace. */
export class AccountRbac {
  private readonly namespaceAccess = new Map<string, Access>();
  private clusterAccess?: Access;
  private readonly clusterRoleBindings = new Map<string, ApiObject>();

  /** `scope` is the account construct: the RBAC objects are its children. */
  constructor(private readonly scope: Construct, private readonly name: string, private readonly namespaceName: string) {}

  /** The account as an RBAC subject. */
  public subject(): ServiceAccountSubject {
    return { kind: 'ServiceAccount', name: this.name, namespace: this.namespaceName };
  }

  /** The Role and RoleBinding in `namespace`, if something was granted there. */
  public accessIn(namespace: string): Access | undefined {
    return this.namespaceAccess.get(namespace);
  }

  /** The ClusterRole and ClusterRoleBinding, if something was granted cluster-wide. */
  public get cluster(): Access | undefined {
    return this.clusterAccess;
  }

  /** The namespaces the account has a Role in, sorted. */
  public get grantedNamespaces(): string[] {
    return [...this.namespaceAccess.keys()].sort();
  }

  /** One entry per rule and per bound ClusterRole, e.g. `get configmaps "x" in shop`. */
  public describe(): string[] {
    const out: string[] = [];
    const describe = (access: Access, where: string) => {
      for (const r of renderRules(access)) {
        const resource = r.apiGroups[0] ? `${r.resources[0]}.${r.apiGroups[0]}` : r.resources[0];
        out.push(`${r.verbs.join(',')} ${resource}${r.resourceNames ? ` ${r.resourceNames.map((n: string) => show(n)).join(',')}` : ''} ${where}`);
      }
    };
    for (const ns of this.grantedNamespaces) describe(this.namespaceAccess.get(ns)!, `in ${ns}`);
    if (this.clusterAccess) describe(this.clusterAccess, 'cluster-wide');
    for (const key of [...this.clusterRoleBindings.keys()].sort()) {
      const [ns, role] = key.split('/');
      out.push(`ClusterRole ${show(role)} in ${ns}`);
    }
    return out;
  }

  public grant(options: GrantOptions): RbacGrant {
    const namespace = this.targetNamespace(options.namespace, 'grant namespace');
    const g = checkGrant(this.scope, options.verbs, options, false, namespace);
    const merged = this.namespaceAccess.has(namespace);
    const access = this.roleAccessIn(namespace);
    mergeGrant(access, g);
    return this.result(access, g, merged, namespace);
  }

  public grantRead(options: ResourceGrantOptions): RbacGrant {
    return this.grant({ ...options, verbs: [Verb.GET, Verb.LIST, Verb.WATCH] });
  }

  public grantReadSecret(secretName: string, options: NamedObjectOptions = {}): RbacGrant {
    validateDnsSubdomain(this.scope, 'Secret name', secretName);
    return this.grant({ verbs: [Verb.GET], resources: ['secrets'], resourceNames: [secretName], namespace: options.namespace });
  }

  public grantReadConfigMap(configMapName: string, options: NamedObjectOptions = {}): RbacGrant {
    validateDnsSubdomain(this.scope, 'ConfigMap name', configMapName);
    return this.grant({ verbs: [Verb.GET], resources: ['configmaps'], resourceNames: [configMapName], namespace: options.namespace });
  }

  public grantOnObject(obj: ApiObject, verbs: Verb[], options: ObjectGrantOptions = {}): RbacGrant {
    const parts = obj.apiVersion.split('/');
    const apiGroup = parts.length === 2 ? parts[0] : '';
    const plural = pluralOf(obj.kind);
    let resource = plural;
    if (options.subresource !== undefined) {
      if (typeof options.subresource !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.subresource)) {
        fail(this.scope, `subresource ${show(options.subresource)} of ${obj.kind} ${show(obj.name)} is not a valid subresource`, 'write a lowercase subresource name such as "status" or "scale"');
      }
      resource = `${plural}/${options.subresource}`;
    }
    let namespace: string | undefined;
    if (apiGroup === '' && plural === 'namespaces') {
      namespace = obj.name;
    } else if (isClusterScopedResource(apiGroup, plural)) {
      fail(this.scope, `${obj.kind} ${show(obj.name)} is cluster-scoped and a namespaced Role cannot grant access to it`, `use grantCluster({ apiGroup: ${show(apiGroup)}, resources: [${show(resource)}], resourceNames: [${show(obj.name)}], verbs, reason })`);
    } else {
      namespace = obj.metadata.namespace;
    }
    return this.grant({ verbs, apiGroup, resources: [resource], resourceNames: [obj.name], namespace, reason: options.reason });
  }

  public grantCluster(options: ClusterGrantOptions): RbacGrant {
    const g = checkGrant(this.scope, options.verbs, options, true);
    const merged = this.clusterAccess !== undefined;
    if (!this.clusterAccess) {
      const name = checkedRbacName(this.scope, `${this.namespaceName}.${this.name}`);
      this.clusterAccess = createClusterAccess(this.scope, name, this.subject());
    }
    mergeGrant(this.clusterAccess, g);
    return this.result(this.clusterAccess, g, merged, undefined);
  }

  public bindClusterRole(clusterRoleName: string, options: BindClusterRoleOptions = {}): RbacGrant {
    const namespace = this.targetNamespace(options.namespace, 'bindClusterRole namespace');
    checkClusterRoleBinding(this.scope, clusterRoleName, namespace);
    const key = `${namespace}/${clusterRoleName}`;
    let binding = this.clusterRoleBindings.get(key);
    const merged = binding !== undefined;
    if (!binding) {
      const name = checkedRbacName(this.scope, `${this.objectName(namespace)}.${clusterRoleName}`);
      binding = createClusterRoleBinding(this.scope, namespace, clusterRoleName, name, this.subject());
      this.clusterRoleBindings.set(key, binding);
    }
    return { binding, roleKind: 'ClusterRole', roleName: clusterRoleName, namespace, subject: this.subject(), rules: [], acknowledgedRules: [], merged };
  }

  private result(access: Access, g: ValidatedGrant, merged: boolean, namespace: string | undefined): RbacGrant {
    return {
      role: access.role,
      binding: access.binding,
      roleKind: access.role.kind,
      roleName: access.role.name,
      ...(namespace !== undefined ? { namespace } : {}),
      subject: this.subject(),
      rules: rulesOf(g),
      acknowledgedRules: [...new Set([...g.flagged, ...g.flaggedOnBinding])].sort(),
      merged,
    };
  }

  private targetNamespace(namespace: string | undefined, what: string): string {
    if (namespace === undefined) return this.namespaceName;
    referenceNamespace(this.scope, validateDnsLabel(this.scope, what, namespace), what);
    return namespace;
  }

  /** The Role / binding name in `namespace`: the account name at home, `<home-ns>.<name>` elsewhere. */
  private objectName(namespace: string): string {
    return namespace === this.namespaceName ? this.name : `${this.namespaceName}.${this.name}`;
  }

  private roleAccessIn(namespace: string): Access {
    let access = this.namespaceAccess.get(namespace);
    if (!access) {
      const name = checkedRbacName(this.scope, this.objectName(namespace));
      access = createRoleAccess(this.scope, namespace, namespace === this.namespaceName, name, this.subject());
      this.namespaceAccess.set(namespace, access);
    }
    return access;
  }
}
