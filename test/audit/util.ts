/**
 * Fixtures shared by the audit tests: a fully compliant namespace + workload bundle, and helpers
 * that run the audit and keep one rule's findings in a compact, exact form.
 */
import { auditManifests } from '../../src/audit/engine';
import { AuditOptions, Finding } from '../../src/audit/types';

/** Deep clone. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

/** A container that satisfies every container rule. */
export function compliantContainer(name = 'web'): any {
  return {
    name,
    image: 'registry.example.com/web:1.2.3',
    imagePullPolicy: 'Always',
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/live', port: 8080 } },
  };
}

/** A pod spec that satisfies every pod rule. */
export function compliantPodSpec(serviceAccountName = 'web'): any {
  return {
    serviceAccountName,
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [compliantContainer()],
  };
}

export function deployment(name = 'web', ns = 'shop', spec: any = compliantPodSpec()): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
  };
}

export function namespace(name = 'shop', labels: any = { 'pod-security.kubernetes.io/enforce': 'restricted' }, annotations?: any): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, ...(annotations ? { annotations } : {}) } };
}

export function defaultDeny(ns = 'shop'): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: ns },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function serviceAccount(name = 'web', ns = 'shop'): any {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns }, automountServiceAccountToken: false };
}

/** Namespace "shop" with its default-deny policy, ServiceAccount "web" and Deployment "web": zero findings. */
export function compliantBundle(): any[] {
  return [namespace(), defaultDeny(), serviceAccount(), deployment()];
}

/** The namespace scaffolding without a workload. */
export function scaffold(ns = 'shop'): any[] {
  return [namespace(ns), defaultDeny(ns), serviceAccount('web', ns)];
}

export interface Compact {
  readonly object: string;
  readonly jsonPath?: string;
  readonly message: string;
  readonly acknowledged?: string;
}

export function compact(f: Finding): Compact {
  const r = f.resource;
  return {
    object: r ? `${r.kind}/${r.namespace ? r.namespace + '/' : ''}${r.name}` : `construct:${f.constructPath}`,
    ...(f.jsonPath !== undefined ? { jsonPath: f.jsonPath } : {}),
    message: f.message,
    ...(f.acknowledged ? { acknowledged: f.acknowledgement!.reason } : {}),
  };
}

/** The findings of one rule, compact. */
export function findings(ruleId: string, objects: any[], options?: AuditOptions): Compact[] {
  return auditManifests(objects, options).findings.filter(f => f.ruleId === ruleId).map(compact);
}

/** All findings of all rules as `RULE object: message`. */
export function allFindings(objects: any[], options?: AuditOptions): string[] {
  return auditManifests(objects, options).findings.map(f => `${f.ruleId} ${compact(f).object}: ${f.message}`);
}

export function role(name: string, rules: any[], ns = 'shop'): any {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns }, rules };
}

export function clusterRole(name: string, rules: any[]): any {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}

export function binding(kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleRef: any, subjects: any[], ns = 'shop'): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: kind === 'RoleBinding' ? { name, namespace: ns } : { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}
