/**
 * Manifest builders for the differential tests (independent of src/ and of test/reachability/fixtures.ts).
 */
import type { Protocol } from './netpol-oracle';

export interface PortSpec { readonly name?: string; readonly port: number; readonly protocol?: Protocol }

export function namespace(name: string, labels: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A Deployment `ns/name` whose pods carry `labels` and expose `ports`. */
export function deployment(ns: string, name: string, labels: Record<string, string>, ports: PortSpec[] = []): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'main',
            image: 'registry.example/app:1',
            ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, protocol: p.protocol ?? 'TCP' })),
          }],
        },
      },
    },
  };
}

export function netpol(ns: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}
