import { AuditContext } from '../../src/audit/context';
import { flattenLists } from '../../src/audit/engine';

/** Raw manifests for the RBAC proof and who-can tests. */
const RBAC = 'rbac.authorization.k8s.io/v1';

export type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] };
export type Subject = { kind: string; name: string; namespace?: string };

export function ctxOf(objects: any[]): AuditContext {
  return new AuditContext(flattenLists(objects.map((manifest) => ({ manifest }))), {});
}

export function serviceAccount(namespace: string, name: string): any {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

export function deployment(namespace: string | undefined, name: string, serviceAccountName?: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { ...(serviceAccountName !== undefined ? { serviceAccountName } : {}), containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0.0' }] },
      },
    },
  };
}

function meta(name: string, namespace?: string, annotations?: Record<string, string>, labels?: Record<string, string>): any {
  return { name, ...(namespace !== undefined ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

export function role(namespace: string, name: string, rules: Rule[], annotations?: Record<string, string>): any {
  return { apiVersion: RBAC, kind: 'Role', metadata: meta(name, namespace, annotations), rules };
}

export interface ClusterRoleOptions {
  readonly labels?: Record<string, string>;
  readonly aggregateFrom?: Record<string, string>[];
  readonly annotations?: Record<string, string>;
}

export function clusterRole(name: string, rules: Rule[], options: ClusterRoleOptions = {}): any {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: meta(name, undefined, options.annotations, options.labels),
    ...(options.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: options.aggregateFrom.map((matchLabels) => ({ matchLabels })) } } : {}),
    rules,
  };
}

type RoleRef = { kind: string; name: string };

export function roleBinding(namespace: string, name: string, roleRef: RoleRef, subjects: Subject[], annotations?: Record<string, string>): any {
  return { apiVersion: RBAC, kind: 'RoleBinding', metadata: meta(name, namespace, annotations), roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export function clusterRoleBinding(name: string, roleRef: RoleRef, subjects: Subject[], annotations?: Record<string, string>): any {
  return { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: meta(name, undefined, annotations), roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects };
}

export const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });
export const group = (name: string): Subject => ({ kind: 'Group', name });
export const user = (name: string): Subject => ({ kind: 'User', name });
export const ack = (ruleId: string, reason = 'Reviewed by platform security, ticket SEC-1.'): Record<string, string> => ({ [`ack.cdk8s-secure-baseline.io/${ruleId}`]: reason });
