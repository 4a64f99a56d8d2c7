/**
 * The example shop's scripted "risky change": the head is the shop plus
 * - a new caller: the frontend may call the payments API directly,
 * - a widened grant: the fulfillment worker's account may exec into the pods of its namespace,
 *   acknowledged "for now",
 * - an exposed port: the shop-web namespace admits the internet on TCP/8080, through a
 *   LoadBalancer Service in front of the frontend.
 * `npx ts-node -P test/tsconfig.json test/diff/risky-change.ts` prints the diff docs/security-diff.md shows.
 */
import { ApiObject, App, YamlOutputType } from 'cdk8s';
import { buildShop } from '../../examples/shop/app';
import { LeastPrivilegeServiceAccount, MtlsService, NetworkPeer, NetworkPort, SecureNamespace, SecurityAudit, SecurityDiff, SecurityDiffResult, Verb } from '../../src';

function find<T>(app: App, type: new (...args: any[]) => T, id: string): T {
  const found = app.node.findAll().find((c) => c instanceof type && c.node.id === id);
  if (!found) throw new Error(`no ${type.name} "${id}" in the shop`);
  return found as unknown as T;
}

/** The shop as the example builds it (without the synth-time checks, which a diff does not need). */
export function baseShop(): App {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
  SecurityAudit.of(app, { printSummary: false, writeReports: false });
  buildShop(app);
  return app;
}

/** The shop after the risky change. */
export function riskyShop(): App {
  const app = baseShop();
  find(app, MtlsService, 'payments').allowFrom(find(app, MtlsService, 'frontend'));
  find(app, LeastPrivilegeServiceAccount, 'fulfillment-account').grant({
    verbs: [Verb.GET, Verb.CREATE],
    resources: ['pods/exec'],
    reason: 'for now: the worker runs the carrier label tool in the printer pod until it gets an API',
  });
  const web = app.node.findAll().find((c) => c instanceof SecureNamespace && c.name === 'shop-web') as SecureNamespace;
  web.allowIngressFrom(NetworkPeer.cidr('0.0.0.0/0'), [NetworkPort.tcp(8080)]);
  new ApiObject(web, 'public-frontend', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'frontend-public',
      namespace: 'shop-web',
      annotations: { 'ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED': 'for now: the partner demo needs a public endpoint until the gateway is ready' },
    },
    spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/instance': 'frontend' }, ports: [{ port: 443, targetPort: 8080, protocol: 'TCP' }] },
  });
  return app;
}

/** The diff of the risky change. */
export function riskyDiff(): SecurityDiffResult {
  return SecurityDiff.between(baseShop(), riskyShop());
}

if (require.main === module) process.stdout.write(riskyDiff().toMarkdown());
