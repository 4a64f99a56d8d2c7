import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ExternalAddresses, ExternalEgressContext, ExternalHost, GatewayMeshContext, MeshImplementation, NamespaceMeshContext, PodLifecycle, WorkloadMeshContext, WorkloadMeshResult } from './types';
import { certificateSpec } from '../private/certificate';
import { EgressRuleJson, IngressRuleJson, PortJson } from '../private/json';

/**
 * No service mesh: every workload gets its own cert-manager `Certificate` (cert-manager.io/v1),
 * ECDSA P-256, rotated with a new key on every renewal, usable for server and client auth, and
 * mounted read-only as a whole volume (never with `subPath`, which silently stops rotation).
 * NetworkPolicies are the only gate on who connects; the workload verifies peers against the
 * CA bundle mounted next to its certificate.
 */
export class NoMesh implements MeshImplementation {
  public readonly displayName = 'no mesh (cert-manager TLS)';
  public readonly restrictsEgressByHost = false;
  public readonly originatesTls = false;
  public readonly providesMtls = false;

  public validate(_scope: IConstruct): void {}

  public namespaceLabels(): Record<string, string> {
    return {};
  }

  public namespaceAnnotations(): Record<string, string> {
    return {};
  }

  public enrolNamespace(_ctx: NamespaceMeshContext): void {}

  public controlPlaneEgress(): EgressRuleJson[] {
    return [];
  }

  public dataPlaneIngress(): IngressRuleJson[] {
    return [];
  }

  public inboundPorts(): PortJson[] {
    return [];
  }

  public lifecycleAnnotations(_lifecycle: PodLifecycle): Record<string, string> {
    return {};
  }

  /** No proxy, nothing to bypass. */
  public identityEndpointAnnotations(_cidrs: string[]): Record<string, string> {
    return {};
  }

  public secureWorkload(ctx: WorkloadMeshContext): WorkloadMeshResult {
    // A workload that only calls out may go without a certificate (it then calls nothing that
    // requires client certificates).
    if (!ctx.certificate) return { podAnnotations: {}, volumes: [], scrapeEndpoint: { scheme: 'http' } };
    const cert = ctx.certificate;
    const secretName = `${ctx.name}-tls`;
    new ApiObject(ctx.scope, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: ctx.name, namespace: ctx.namespace },
      spec: certificateSpec(cert, secretName, [
        ctx.name,
        `${ctx.name}.${ctx.namespace}`,
        `${ctx.name}.${ctx.namespace}.svc`,
        `${ctx.name}.${ctx.namespace}.svc.${ctx.clusterDomain}`,
      ], ctx.serving ? ['server auth', 'client auth', 'digital signature'] : ['client auth', 'digital signature']),
    });
    const volumes = [{
      volume: { name: 'tls', secret: { secretName, defaultMode: 0o440 } },
      mount: { name: 'tls', mountPath: cert.mountPath, readOnly: true },
    }];
    if (cert.caBundleConfigMap) {
      volumes.push({
        volume: { name: 'tls-ca', configMap: { name: cert.caBundleConfigMap, defaultMode: 0o440 } } as any,
        mount: { name: 'tls-ca', mountPath: `${cert.mountPath}-ca`, readOnly: true },
      });
    }
    // The metrics port is plain HTTP, separate from the TLS service ports, and the workload's
    // NetworkPolicy admits only the scraper's pods to it.
    return { podAnnotations: {}, volumes, scrapeEndpoint: { scheme: 'http' } };
  }

  /** No proxy to name hosts: the workload's NetworkPolicy, opened to the address ranges given, is the only gate. */
  public allowExternalHost(_ctx: ExternalEgressContext, _host: ExternalHost): void {}

  /** Nothing: the mesh does not restrict egress by destination; the NetworkPolicies do. */
  public allowExternalAddresses(_ctx: NamespaceMeshContext, _addresses: ExternalAddresses): void {}

  /** No mesh policy to open: the gateway's NetworkPolicy admits its clients. */
  public admitGatewayClients(_ctx: GatewayMeshContext): void {}
}
