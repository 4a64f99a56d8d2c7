/**
 * Internal: an existing ServiceAccount the app does not create
 * (`LeastPrivilegeServiceAccount.fromServiceAccountName`). Grants on it create a Role and
 * RoleBinding naming it, as for an account the app creates; workloads of this library running as
 * it get the same hardened pod (`automountServiceAccountToken: false`), but no API token, no
 * cloud identity egress and no extra labels: the library does not know what the account has in
 * the cluster, so its pods get no credential and no path to one from the library.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AccountRbac } from './account-rbac';
import { registerAppChecks } from './app-checks';
import { referenceNamespace } from './namespace-references';
import { claimAccountName } from './service-account-registry';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './validation';
import { SecureNamespace } from '../secure-namespace';
import type { IServiceAccount, RbacGrant, ServiceAccountImportOptions } from '../service-account';
import type {
  BindClusterRoleOptions, ClusterGrantOptions, GrantOptions, NamedObjectOptions, ObjectGrantOptions, ResourceGrantOptions,
  ServiceAccountSubject, Verb,
} from '../service-account-options';

/** An existing ServiceAccount, by name. */
export class ImportedServiceAccount extends Construct implements IServiceAccount {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly apiVersion: string = 'v1';
  public readonly kind: string = 'ServiceAccount';
  public readonly apiGroup: string = '';
  public readonly resourceType: string = 'serviceaccounts';
  private readonly rbac: AccountRbac;

  constructor(scope: Construct, id: string, name: string, options: ServiceAccountImportOptions) {
    super(scope, id);
    registerAppChecks(this);
    validateDnsSubdomain(this, 'imported ServiceAccount name', name);
    if (name === 'default') {
      fail(this, `imported ServiceAccount name ${show(name)} is the namespace's default ServiceAccount`,
        'run the workload as a dedicated account (a LeastPrivilegeServiceAccount, or an existing one of its own) and grant it only what it needs; every pod without a serviceAccountName runs as "default"');
    }
    let namespace = options.namespace;
    if (namespace === undefined) {
      const ns = SecureNamespace.tryOf(this);
      if (!ns) {
        fail(this, `imported ServiceAccount ${show(name)} has no namespace: the import is not inside a SecureNamespace`,
          'set `namespace` to the namespace of the existing ServiceAccount, or import it with a SecureNamespace (or a construct inside one) as its scope');
      }
      namespace = ns.name;
    } else {
      validateDnsLabel(this, 'imported ServiceAccount namespace', namespace);
      referenceNamespace(this, namespace, 'imported ServiceAccount namespace');
    }
    claimAccountName(this, namespace, name, true);
    this.name = name;
    this.namespaceName = namespace;
    this.rbac = new AccountRbac(this, name, namespace);
  }

  public get resourceName(): string {
    return this.name;
  }

  public get apiAccess(): string[] {
    return this.rbac.describe();
  }

  public toSubjectConfiguration(): ServiceAccountSubject {
    return this.rbac.subject();
  }

  public grant(options: GrantOptions): RbacGrant {
    return this.rbac.grant(options);
  }

  public grantRead(options: ResourceGrantOptions): RbacGrant {
    return this.rbac.grantRead(options);
  }

  public grantReadSecret(secretName: string, options: NamedObjectOptions = {}): RbacGrant {
    return this.rbac.grantReadSecret(secretName, options);
  }

  public grantReadConfigMap(configMapName: string, options: NamedObjectOptions = {}): RbacGrant {
    return this.rbac.grantReadConfigMap(configMapName, options);
  }

  public grantOnObject(obj: ApiObject, verbs: Verb[], options: ObjectGrantOptions = {}): RbacGrant {
    return this.rbac.grantOnObject(obj, verbs, options);
  }

  public grantCluster(options: ClusterGrantOptions): RbacGrant {
    return this.rbac.grantCluster(options);
  }

  public bindClusterRole(clusterRoleName: string, options: BindClusterRoleOptions = {}): RbacGrant {
    return this.rbac.bindClusterRole(clusterRoleName, options);
  }
}
