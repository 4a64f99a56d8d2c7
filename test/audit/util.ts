/**
 * Fixtures shared by the audit tests: a fully compliant namespace + workload bundle, and helpers
 * that run the audit and keep one rule's findings in a compact, exact form.
 */
import { twinPolicySpec } from '../../src/admission/twin';
import { auditManifests } from '../../src/audit/engine';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX, RuleIds } from '../../src/audit/rule-ids';
import { RULES_BY_ID } from '../../src/audit/rules';
import { AuditOptions, Finding } from '../../src/audit/types';
import { admit } from '../util/admission';

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

/** How often the admission twins were compared, by rule and outcome (for the coverage test). */
export const TWIN_COMPARISONS = new Map<string, { admitted: number; denied: number }>();

function sameObject(f: Finding, obj: any): boolean {
  const r = f.resource;
  return r !== undefined && r.kind === obj.kind && r.name === obj.metadata?.name && (r.namespace ?? '') === (obj.metadata?.namespace ?? '');
}

/**
 * One rule, two guards: every object a rule test audits also goes through the rule's CEL twin (as
 * the API server evaluates a ValidatingAdmissionPolicy on CREATE), and the two must agree — the
 * audit flags it (unacknowledged) exactly when the twin denies it. Objects whose identity repeats,
 * and objects whose acknowledgement of the rule the audit finds invalid (a 20+ character reason it
 * still calls trivial), are left out.
 */
export function expectTwinAgrees(
  ruleId: string, objects: any[], all: Finding[], options?: AuditOptions, twin = RULES_BY_ID.get(ruleId)?.admission,
): void {
  if (twin === undefined || options?.disabledRules?.includes(ruleId)) return;
  const spec = twinPolicySpec(ruleId, twin);
  const key = (o: any) => `${o?.apiVersion}|${o?.kind}|${o?.metadata?.namespace ?? ''}|${o?.metadata?.name}`;
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(key(o), (counts.get(key(o)) ?? 0) + 1);
  for (const obj of objects) {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || typeof obj.metadata?.name !== 'string' || counts.get(key(obj))! > 1) continue;
    const annotation = obj.metadata?.annotations?.[`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${ruleId}`];
    if (annotation !== undefined && all.some((f) => f.ruleId === RuleIds.ACK_INVALID && sameObject(f, obj))) continue;
    const decision = admit(spec, obj);
    if (!decision.matched) continue;
    const flagged = all.some((f) => f.ruleId === ruleId && !f.acknowledged && sameObject(f, obj));
    if (decision.allowed === flagged) {
      throw new Error(`the CEL twin of ${ruleId} disagrees with the audit on ${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata.name}: `
        + `the audit ${flagged ? 'flags' : 'passes'} it, admission ${decision.allowed ? 'admits' : 'denies'} it${decision.messages.length ? ` (${decision.messages.join('; ')})` : ''}`);
    }
    const c = TWIN_COMPARISONS.get(ruleId) ?? { admitted: 0, denied: 0 };
    if (decision.allowed) c.admitted++; else c.denied++;
    TWIN_COMPARISONS.set(ruleId, c);
  }
}

/** The findings of one rule, compact (and its admission twin checked against them). */
export function findings(ruleId: string, objects: any[], options?: AuditOptions): Compact[] {
  const all = auditManifests(objects, options).findings;
  expectTwinAgrees(ruleId, objects, all, options);
  return all.filter(f => f.ruleId === ruleId).map(compact);
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
