/**
 * A realistic app written the way a platform team would write it with this library:
 * a web shop with a frontend, a checkout API, a payments API and an orders database, spread over
 * four namespaces, all in the Istio mesh, each namespace in its own chart (one YAML file each).
 */
import { ApiObject, App, AppProps, Chart, Cron, Duration, YamlOutputType } from 'cdk8s';
import {
  ApiServerEndpoint, AppProtocol, BaselineAdmissionPolicy, CertificateIssuer, EncryptedVolume, ExternalSecretReference, ExternalService, HealthCheck,
  LeastPrivilegeServiceAccount, Mesh, MtlsService,
  RbacCheck, ReachabilityCheck, SecretStoreRef, SecureCronJob, SecureGateway, SecureNamespace, SecureWorker, SecurityAlerts, SecurityAudit,
  SecurityDashboard,
  VolumeBackup, VolumeEncryption, WorkloadIdentity, WorkloadKind,
} from '../../src';

/** The shop's namespaces, one chart each. */
export interface ShopCharts {
  readonly platform: Chart;
  readonly web: Chart;
  readonly shop: Chart;
  readonly payments: Chart;
  readonly data: Chart;
}

/** Secrets come from the company's secret manager through the External Secrets Operator. */
const secretStore = SecretStoreRef.clusterSecretStore('aws-secrets-manager');

function namespaceChart(app: App, name: string, build: (ns: SecureNamespace) => void): Chart {
  const chart = new Chart(app, name, { disableResourceNameHashes: true });
  const ns = new SecureNamespace(chart, 'Namespace', {
    name,
    mesh: Mesh.istio(),
    admins: ['shop-platform-admins'],
    deployers: ['shop-ci-deployers'],
    viewers: ['shop-developers'],
    // The API server's endpoints (the default/kubernetes EndpointSlice): only workloads granted
    // API access get egress to them.
    apiServer: ApiServerEndpoint.cidrs(['10.0.0.10/32', '10.0.1.10/32'], 443),
  });
  build(ns);
  return chart;
}

/** Builds the shop into `app`. */
export function buildShop(app: App): ShopCharts {
  let frontend!: MtlsService;
  let checkout!: MtlsService;
  let payments!: MtlsService;
  let orders!: MtlsService;
  let fulfillment!: SecureWorker;
  let nightlyReport!: SecureCronJob;

  const web = namespaceChart(app, 'shop-web', (ns) => {
    // Internet traffic comes in through a Gateway API gateway of the shop's own (Istio deploys its
    // pods): HTTPS only, its certificate from cert-manager, port 80 answering with a redirect.
    const gateway = new SecureGateway(ns, 'public', {
      gatewayClassName: 'istio',
      listeners: [{ hostname: 'shop.example.com' }],
      certificate: { issuer: CertificateIssuer.clusterIssuer('letsencrypt') },
    });
    frontend = new MtlsService(ns, 'frontend', {
      image: 'ghcr.io/acme-shop/frontend:2.14.1',
      port: 8080,
      readiness: HealthCheck.http('/ready'),
      liveness: HealthCheck.http('/healthz'),
      component: 'frontend',
      partOf: 'shop',
    });
    frontend.exposeVia(gateway, { hostname: 'shop.example.com' });
  });

  const shop = namespaceChart(app, 'shop', (ns) => {
    checkout = new MtlsService(ns, 'checkout', {
      image: 'ghcr.io/acme-shop/checkout@sha256:3f1c5b2a9d8e7f60123456789abcdef0123456789abcdef0123456789abcdef0',
      requireDigest: true,
      ports: [{ port: 8443, appProtocol: AppProtocol.GRPC }],
      readiness: HealthCheck.grpc(),
      liveness: HealthCheck.grpc({ failureThreshold: 5 }),
      env: { LOG_LEVEL: 'info', PAYMENTS_URL: 'payments.payments.svc.cluster.local:8443' },
      secretMounts: [new ExternalSecretReference(ns, 'checkout-config', {
        name: 'checkout-config',
        store: secretStore,
        dataFrom: [{ remoteKey: 'shop/checkout/config' }],
      }).secretMount('/etc/checkout')],
      metrics: { port: 9090 },
      component: 'api',
      partOf: 'shop',
    });
    // A background worker that ships paid orders: nobody calls it; it reads its settings from a
    // ConfigMap and writes to the orders database. Like most queue workers it exports its own
    // metrics (queue depth, shipments per carrier, failures) on a port of their own, which only
    // Prometheus may reach: the worker's only ingress.
    const fulfillmentConfig = new ApiObject(ns, 'fulfillment-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fulfillment-config', namespace: ns.name, labels: { 'app.kubernetes.io/part-of': 'shop' } },
      data: { 'fulfillment.yaml': 'batchSize: 50\npollInterval: 5s\ncarriers: [dhl, ups]\n' },
    });
    // It also reads the carriers' cut-off times, which logistics edits at runtime, through the API:
    // get on that one ConfigMap, with a token for the API server's audience.
    const fulfillmentAccount = new LeastPrivilegeServiceAccount(ns, 'fulfillment-account', {
      name: 'fulfillment',
      apiToken: {
        audience: 'https://kubernetes.default.svc',
        expirationSeconds: 3600,
        reason: 'Reads the carrier-cutoffs ConfigMap through the Kubernetes API (get on that one name only) with a projected one-hour token',
      },
    });
    fulfillmentAccount.grantReadConfigMap('carrier-cutoffs');
    fulfillment = new SecureWorker(ns, 'fulfillment', {
      serviceAccount: fulfillmentAccount,
      image: 'ghcr.io/acme-shop/fulfillment:1.9.3',
      liveness: HealthCheck.exec(['/app/fulfillment', 'health', '--live']),
      readiness: HealthCheck.exec(['/app/fulfillment', 'health', '--ready']),
      metrics: { port: 9090 },
      component: 'worker',
      partOf: 'shop',
    });
    fulfillment.mountConfigMap(fulfillmentConfig, '/etc/fulfillment');
  });

  const paymentsChart = namespaceChart(app, 'payments', (ns) => {
    // Payments encrypts card data with the shop's KMS key as its own IAM role, through EKS Pod
    // Identity: its pods, and only they, reach the node's Pod Identity Agent (169.254.170.23:80).
    const paymentsIdentity = new LeastPrivilegeServiceAccount(ns, 'payments-identity', {
      name: 'payments',
      workloadIdentity: WorkloadIdentity.eksPodIdentity({ roleArn: 'arn:aws:iam::123456789012:role/shop-payments' }),
    });
    payments = new MtlsService(ns, 'payments', {
      image: 'ghcr.io/acme-shop/payments:5.2.0',
      serviceAccount: paymentsIdentity,
      ports: [{ port: 8443, appProtocol: AppProtocol.GRPC }],
      readiness: HealthCheck.grpc(),
      liveness: HealthCheck.grpc({ failureThreshold: 5 }),
      secretMounts: [new ExternalSecretReference(ns, 'provider-credentials', {
        name: 'payments-provider-credentials',
        store: secretStore,
        data: [
          { secretKey: 'api-key', remoteKey: 'shop/payments/provider', property: 'api-key' },
          { secretKey: 'webhook-signing-key', remoteKey: 'shop/payments/provider', property: 'webhook-signing-key' },
        ],
      }).secretMount('/etc/payments/provider')],
      metrics: { port: 9090 },
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      component: 'api',
      partOf: 'shop',
    });
    // The card processor's API, outside the cluster: for this workload only, by name in the mesh
    // (a ServiceEntry, and REGISTRY_ONLY for its sidecar) and by its published range in the
    // NetworkPolicy.
    payments.allowEgressTo(ExternalService.https('api.cardprocessor.example', { cidrs: ['203.0.113.0/24'] }));
  });

  const data = namespaceChart(app, 'shop-data', (ns) => {
    // The orders database keeps its data on an EBS volume encrypted with the shop's KMS key,
    // retained when the claim goes, snapshotted nightly by Velero and through CSI snapshots.
    const ordersData = new EncryptedVolume(ns, 'orders-data', {
      name: 'orders-data',
      size: '50Gi',
      encryption: VolumeEncryption.awsEbs({ kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b' }),
      backups: [VolumeBackup.velero({ schedule: '0 2 * * *', ttl: '720h' }), VolumeBackup.csiSnapshots()],
      partOf: 'shop',
    });
    orders = new MtlsService(ns, 'orders-db', {
      volumes: [{ volume: ordersData, mountPath: '/var/lib/postgresql/data' }],
      image: 'ghcr.io/acme-shop/orders-db:16.4-1',
      ports: [{ port: 5432, appProtocol: AppProtocol.TCP, name: 'postgres' }],
      // A single writer: a StatefulSet whose ReadWriteOncePod volume is never shared.
      workloadKind: WorkloadKind.STATEFUL_SET,
      replicas: 1,
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '2Gi' },
      secretMounts: [new ExternalSecretReference(ns, 'db-credentials', {
        name: 'orders-db-credentials',
        store: secretStore,
        data: [{ secretKey: 'password', remoteKey: 'shop/orders-db', property: 'password' }],
      }).secretMount('/etc/postgres/credentials')],
      component: 'database',
      partOf: 'shop',
    });
    // The nightly sales report reads the orders database at 02:30 Berlin time; a run still going
    // when the next is due blocks it, and a run that hangs is killed after 45 minutes. While it
    // runs, Prometheus scrapes its batch progress (rows read, report sections written) from its
    // metrics port, so a slow or stuck run shows up before the deadline kills it.
    nightlyReport = new SecureCronJob(ns, 'nightly-report', {
      image: 'ghcr.io/acme-shop/reports:4.0.2',
      schedule: Cron.schedule({ minute: '30', hour: '2' }),
      timeZone: 'Europe/Berlin',
      activeDeadline: Duration.minutes(45),
      metrics: { port: 9090 },
      component: 'batch',
      partOf: 'shop',
    });
    nightlyReport.mountEmptyDir('/var/reports', { sizeLimit: '512Mi' });
  });

  checkout.allowFrom(frontend);
  payments.allowFrom(checkout);
  orders.allowFrom(checkout);
  orders.allowFrom(payments);
  orders.allowFrom(fulfillment);
  orders.allowFrom(nightlyReport);

  // Cluster-wide guard rails: admission policies keep the namespaces from drifting through
  // kubectl; alerts watch certificates, plaintext and denied traffic, the admission policies'
  // denials and the audit CI pushes; a Grafana dashboard (loaded by the kube-prometheus-stack
  // sidecar) shows the same signals.
  const platform = new Chart(app, 'shop-platform', { disableResourceNameHashes: true });
  new BaselineAdmissionPolicy(platform, 'admission', {
    namePrefix: 'shop-baseline',
    // Only Argo CD may change or delete the baseline's own NetworkPolicies and mesh policies.
    baselineManagers: ['system:serviceaccount:argocd:argocd-application-controller'],
  });
  new SecurityAlerts(platform, 'alerts', {
    name: 'shop-security-alerts',
    namespace: 'monitoring',
    namespaces: ['shop-web', 'shop', 'payments', 'shop-data'],
    admissionPolicyPrefix: 'shop-baseline',
    ruleLabels: { release: 'kube-prometheus-stack' },
  });
  new SecurityDashboard(platform, 'dashboard', { name: 'shop-security-dashboard', namespace: 'monitoring' });

  return { platform, web, shop, payments: paymentsChart, data };
}

/** The shop app as `cdk8s synth` runs it: one file per namespace chart. */
export function shopApp(props: AppProps = {}): App {
  const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART, ...props });
  // Prove it at synth time: the audit fails the synth on violations and writes its reports, and
  // the reachability check fails it on paths nobody declared and draws the graph.
  SecurityAudit.of(app, { printSummary: false });
  new ReachabilityCheck(app, 'reachability');
  new RbacCheck(app, 'rbac');
  buildShop(app);
  return app;
}

