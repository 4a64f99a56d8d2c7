import { App, Chart, YamlOutputType } from 'cdk8s';
import { CertificateIssuer, EncryptedVolume, ExternalService, Mesh, MtlsService, SecureGateway, SecureNamespace, SecurityAudit, VolumeEncryption } from '../src';
import {
  CLUSTER_ISSUER, GATEWAY, GATEWAY_CLASS, IMAGE, KMS_KEY, Topology, callersOf, callsExternal, exposedByNamespace, externalOf, hasVolume,
  hostnameOf, isExposed, namespaceOf, serviceName,
} from './topology';

/** (a)/(b): the topology written with the library, one chart per namespace. */
export function libraryApp(t: Topology, outdir: string, audit: boolean): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  if (audit) SecurityAudit.of(app, { printSummary: false }); // reports are written, as a user's synth does
  const namespaces = new Map<string, SecureNamespace>();
  for (let k = 0; k < t.namespaces; k++) {
    const name = namespaceOf(t, k);
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    namespaces.set(name, new SecureNamespace(chart, 'ns', {
      name,
      mesh: Mesh.istio(),
      admins: [`${name}-admins`],
      deployers: [`${name}-ci`],
      viewers: [`${name}-devs`],
      resourceQuota: { pods: 100000, services: 100000, persistentVolumeClaims: 100000 },
    }));
  }
  // One gateway per namespace with exposed services, a listener per exposed host name.
  const gateways = new Map<string, SecureGateway>();
  for (const [name, exposed] of exposedByNamespace(t)) {
    gateways.set(name, new SecureGateway(namespaces.get(name)!, GATEWAY, {
      gatewayClassName: GATEWAY_CLASS,
      listeners: exposed.map((i) => ({ hostname: hostnameOf(i) })),
      certificate: { issuer: CertificateIssuer.clusterIssuer(CLUSTER_ISSUER) },
    }));
  }
  const encryption = VolumeEncryption.awsEbs({ kmsKeyId: KMS_KEY });
  const services: MtlsService[] = [];
  for (let i = 0; i < t.services; i++) {
    const ns = namespaces.get(namespaceOf(t, i))!;
    const name = serviceName(i);
    const volumes = hasVolume(i)
      ? [{ volume: new EncryptedVolume(ns, `${name}-data`, { name: `${name}-data`, size: '10Gi', encryption }), mountPath: '/data' }]
      : [];
    const service = new MtlsService(ns, name, { image: IMAGE(i), port: 8080, volumes });
    if (isExposed(t, i)) service.exposeVia(gateways.get(namespaceOf(t, i))!, { hostname: hostnameOf(i) });
    if (callsExternal(t, i)) {
      const { host, cidr } = externalOf(i);
      service.allowEgressTo(ExternalService.https(host, { cidrs: [cidr] }));
    }
    services.push(service);
  }
  for (let i = 0; i < t.services; i++) {
    for (const c of callersOf(t, i)) services[i].allowFrom(services[c]);
  }
  return app;
}
