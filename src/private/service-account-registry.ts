/**
 * Internal: what the library knows about the ServiceAccounts of an app — which names are taken
 * (created by a LeastPrivilegeServiceAccount or imported), and, for the accounts it creates, what
 * their pods need (labels, token volume, annotations, cloud identity egress). An imported account
 * (or any other IServiceAccount) has none of that: its pods get no token, no identity egress and
 * no extra labels.
 */
import { IConstruct } from 'constructs';
import type { RenderedIdentity } from './cloud-identity';
import { fail, show } from './validation';

/** What pods running as an account need, from a LeastPrivilegeServiceAccount. */
export interface PodAdditions {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly volumes: any[];
  readonly volumeMounts: any[];
}

/** The hooks of an account the library creates. */
export interface AccountInternals {
  _podAdditions(): PodAdditions;
  _identityEgress(): Pick<RenderedIdentity, 'egress' | 'missingEgress'> | undefined;
  _workloadAnnotations(): Record<string, string>;
}

const INTERNALS = new WeakMap<object, AccountInternals>();

/** Records the hooks of an account the library creates. */
export function registerAccountInternals(account: object, internals: AccountInternals): void {
  INTERNALS.set(account, internals);
}

/** The hooks of `account`, when the library created it; undefined for an imported one. */
export function accountInternalsOf(account: object): AccountInternals | undefined {
  return INTERNALS.get(account);
}

/** What the pods of `account` need (nothing for an account the library did not create). */
export function podAdditionsOf(account: object): PodAdditions {
  return accountInternalsOf(account)?._podAdditions() ?? { labels: {}, annotations: {}, volumes: [], volumeMounts: [] };
}

/** Annotations for the workloads running as `account` (none for an account the library did not create). */
export function workloadAnnotationsOf(account: object): Record<string, string> {
  return accountInternalsOf(account)?._workloadAnnotations() ?? {};
}

interface Claim {
  readonly path: string;
  readonly imported: boolean;
}

/** Names in use per app: `<namespace>/<name>` -> who created or imported the account. */
const NAMES_IN_USE = new WeakMap<IConstruct, Map<string, Claim>>();

/**
 * Claims `namespace/name` for `scope` (a LeastPrivilegeServiceAccount, or an import): each account
 * is created or imported once per app, since its grants become a Role and RoleBinding of its name.
 */
export function claimAccountName(scope: IConstruct, namespace: string, name: string, imported: boolean): void {
  const names = NAMES_IN_USE.get(scope.node.root) ?? new Map<string, Claim>();
  NAMES_IN_USE.set(scope.node.root, names);
  const key = `${namespace}/${name}`;
  const other = names.get(key);
  if (other !== undefined) {
    if (!imported && !other.imported) {
      fail(scope, `ServiceAccount name ${show(name)} is already used in namespace ${show(namespace)} by ${other.path}`, 'give each LeastPrivilegeServiceAccount its own `name`');
    }
    if (!imported) {
      fail(scope, `ServiceAccount name ${show(name)} is already used in namespace ${show(namespace)} by ${other.path}, which imports the existing ServiceAccount of that name`,
        'create the account once: drop the import and pass this LeastPrivilegeServiceAccount where the import was used, or give this one another `name`');
    }
    if (!other.imported) {
      fail(scope, `imported ServiceAccount ${show(key)} is created by this app, by ${other.path}`, 'use that LeastPrivilegeServiceAccount itself; import only accounts the app does not create');
    }
    fail(scope, `ServiceAccount ${show(key)} is already imported by ${other.path}`, 'import it once and pass that object around: its grants become one Role and RoleBinding named after it');
  }
  names.set(key, { path: scope.node.path, imported });
}
