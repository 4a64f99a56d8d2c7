/**
 * The app the external-egress tests share: namespace "shop" in a mesh, with two services
 * (payments on 8443, catalog on 8080), and helpers to pick objects and unacknowledged findings.
 */
import { Chart, Testing } from 'cdk8s';
import { CertificateIssuer, Mesh, MtlsService, SecureNamespace, SecurityAudit } from '../../src';

export function shopWithTwoServices(mesh: Mesh = Mesh.istio()) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop');
  const ns = new SecureNamespace(chart, 'shop', { name: 'shop', mesh });
  const certificate = mesh.type === 'none' ? { issuer: CertificateIssuer.clusterIssuer('internal-ca') } : undefined;
  const payments = new MtlsService(ns, 'payments', { image: 'ghcr.io/acme/payments:1.4.2', port: 8443, certificate });
  const catalog = new MtlsService(ns, 'catalog', { image: 'ghcr.io/acme/catalog:2.0.0', port: 8080, certificate });
  return { app, chart, ns, payments, catalog };
}

/** The object of `kind` named `name`. */
export const findObject = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

/** `<rule> <message>` of every unacknowledged finding. */
export const unacknowledged = (objs: any[]) => SecurityAudit.auditManifests(objs).findings.filter((f) => !f.acknowledged).map((f) => `${f.ruleId} ${f.message}`);
