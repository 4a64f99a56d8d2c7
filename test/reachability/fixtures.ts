/** Hand-built manifests for the reachability tests. */
import { Reachability, ReachabilityResult } from '../../src';

export function ns(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } };
}

export interface DeployOptions {
  labels?: Record<string, string>;
  sa?: string;
  ports?: any[];
  annotations?: Record<string, string>;
}

export function deploy(namespace: string, name: string, opts: DeployOptions = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: opts.labels ?? { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: { serviceAccountName: opts.sa ?? name, containers: [{ name: 'main', image: 'ghcr.io/acme/app:1.0.0', ports: opts.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
      },
    },
  };
}

export function np(namespace: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function denyAll(namespace: string): any {
  return np(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

export function authz(namespace: string, name: string, spec: any): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec };
}

/** Effective ports from `from` to `to` ([] when nothing connects). */
export function ports(r: ReachabilityResult, from: string, to: string): string[] {
  return r.edges.find((e) => e.from === from && e.to === to)?.ports ?? [];
}

export function analyze(objects: any[]): ReachabilityResult {
  return Reachability.fromManifests(objects);
}
