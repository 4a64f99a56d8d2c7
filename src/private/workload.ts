/**
 * Internal: the pieces every hardened workload of this library shares (MtlsService, SecureWorker,
 * SecureJob, SecureCronJob): name and image validation, requests and limits, its own
 * ServiceAccount, the mesh enrolment, the pod template (volumes, mounts, environment, labels,
 * priority class), the pod hardening, the workload NetworkPolicy, the egress that
 * `MtlsService.allowFrom` opens for a caller, the admission of callers, metrics scraping
 * (metrics port, ServiceMonitor, scrapers admitted by the NetworkPolicy and the mesh), and egress
 * to named services outside the cluster (`allowEgressTo(ExternalService...)`, in workload-external-egress.ts).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { identityAcknowledgement, identityEgressOf, identityEgressRules } from './cloud-identity';
import { ResolvedExternalService } from './external-egress';
import { EgressRuleJson, IngressRuleJson, PortJson, podsPeer } from './json';
import { versionLabelValue } from './labels';
import { lazy } from './lazy';
import { referenceNamespace } from './namespace-references';
import { priorityClassName } from './pod-scheduling';
import { PodVolumes } from './pod-volumes';
import { accountInternalsOf, podAdditionsOf, workloadAnnotationsOf } from './service-account-registry';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './validation';
import { WorkloadExternalEgress } from './workload-external-egress';
import { WorkloadMetrics } from './workload-metrics';
import { validateImage, validateResources, validateWorkloadCertificate } from './workload-validation';
import type { ICaller } from '../caller';
import type { CertificateOptions } from '../certificate-options';
import type { ExternalService } from '../external-service';
import { LeastPrivilegeServiceAccount } from '../least-privilege-service-account';
import { Mesh } from '../mesh';
import { PodLifecycle, PortGroup, WorkloadMeshResult, WorkloadPort } from '../mesh/types';
import { PodHardening } from '../pod-hardening';
import { SecureNamespace } from '../secure-namespace';
import type { IServiceAccount } from '../service-account';
import { ConfigMapMountOptions, EmptyDirMountOptions } from '../workload-mounts';
import type { WorkloadContainerProps } from '../workload-props';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** What the shared core needs from a workload construct's props: the shared props plus identity. */
export interface WorkloadCoreProps extends WorkloadContainerProps {
  readonly name?: string;
  readonly serviceAccount?: IServiceAccount;
  readonly certificate?: CertificateOptions;
}

/** How a construct uses the core. */
export interface WorkloadCoreSettings {
  /** Longest name allowed (63; 52 for a CronJob, whose Jobs append 11 characters). */
  readonly maxNameLength: number;
  /** What the name is used for, in the error message. */
  readonly nameUse: string;
  /** The port groups the mesh admits callers to (none for workloads nobody calls); read after `preValidate`. */
  readonly groups: () => PortGroup[];
  /** Whether the pods serve (a Service in front) or only call out. */
  readonly serving: boolean;
  /** Whether the pods run until they complete (Jobs) or forever. */
  readonly lifecycle: PodLifecycle;
  /** Whether a workload without a mesh must have a certificate (servers) or may go without (clients). */
  readonly certificateRequired: boolean;
  /**
   * The metrics port (from `validateMetricsPort`), when Prometheus scrapes the pods; read after
   * `preValidate`. Its port group is added after `groups`.
   */
  readonly metricsPort?: () => WorkloadPort | undefined;
}

/** The ingress and egress of a workload, by owner construct (for `MtlsService.allowFrom`). */
const CORES = new WeakMap<object, WorkloadCore>();

/** The shared core of `caller`, when it is a workload of this library. */
export function workloadCoreOf(caller: object): WorkloadCore | undefined {
  return CORES.get(caller);
}

/** The shared workload pieces, built in the order their objects appear in the output. */
export class WorkloadCore {
  public readonly namespace: SecureNamespace;
  public readonly name: string;
  public readonly mesh: Mesh;
  public readonly selectorLabels: Record<string, string>;
  public readonly labels: Record<string, string>;
  public readonly serviceAccount: IServiceAccount;
  public readonly meshResult: WorkloadMeshResult;
  public readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
  /** Whether the pods hold a workload certificate (always with a mesh). */
  public readonly hasClientIdentity: boolean;
  public readonly volumes: any[];
  public readonly mounts: any[];
  private readonly podVolumes: PodVolumes;
  public networkPolicy?: ApiObject;
  /** Metrics scraping, when the workload has a metrics port. */
  public readonly metrics?: WorkloadMetrics;
  private readonly egress = new Map<string, EgressRuleJson>();
  /** The external services the pods call (`addExternalEgress`). */
  private readonly externals: WorkloadExternalEgress;
  private readonly env: Array<{ name: string; value: string }>;

  /** `preValidate` runs after the name and image checks, before anything is created. */
  constructor(
    private readonly scope: Construct, props: WorkloadCoreProps, private readonly settings: WorkloadCoreSettings, preValidate?: () => void,
  ) {
    const ns = SecureNamespace.of(scope);
    this.namespace = ns;
    this.mesh = ns.mesh;
    const name = props.name ?? scope.node.id.toLowerCase();
    if (!DNS1035.test(name) || name.length > settings.maxNameLength) {
      fail(scope, `name ${show(name)} is not a valid DNS-1035 label`, `use at most ${settings.maxNameLength} lowercase letters, digits and "-", starting with a letter (${settings.nameUse})`);
    }
    this.name = name;
    this.selectorLabels = { 'app.kubernetes.io/instance': name };
    const version = versionLabelValue(validateImage(scope, props.image, props.requireDigest ?? false));
    preValidate?.();
    this.resources = validateResources(scope, props.resources ?? {});

    // Identity
    this.serviceAccount = props.serviceAccount ?? new LeastPrivilegeServiceAccount(scope, 'ServiceAccount', { name });
    if (this.serviceAccount.namespaceName !== ns.name) {
      fail(scope, `serviceAccount ${show(this.serviceAccount.name)} is in namespace ${show(this.serviceAccount.namespaceName)}, not ${show(ns.name)}`, 'give the workload an account of its own namespace');
    }
    // Any IServiceAccount: the pods name it, so it must be a dedicated, valid account.
    validateDnsSubdomain(scope, 'serviceAccount name', this.serviceAccount.name);
    if (this.serviceAccount.name === 'default') {
      fail(scope, 'serviceAccount "default" is the namespace\'s default ServiceAccount', 'give the workload a dedicated account: a LeastPrivilegeServiceAccount, or leave `serviceAccount` unset to get one');
    }

    // Mesh
    const certificate = validateWorkloadCertificate(scope, this.mesh, ns.name, props.certificate, settings.certificateRequired);
    this.hasClientIdentity = this.mesh._impl.providesMtls || certificate !== undefined;
    const metricsPort = settings.metricsPort?.();
    if (metricsPort) this.metrics = new WorkloadMetrics(scope, this, metricsPort);
    this.meshResult = this.mesh._impl.secureWorkload({
      scope,
      name,
      namespace: ns.name,
      serviceAccountName: this.serviceAccount.name,
      selectorLabels: this.selectorLabels,
      groups: [...settings.groups(), ...(this.metrics ? [this.metrics.group] : [])],
      serving: settings.serving,
      clusterDomain: ns.clusterDomain,
      certificate,
    });

    this.labels = {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'cdk8s-secure-baseline',
      ...(version ? { 'app.kubernetes.io/version': version } : {}),
      ...(props.component ? { 'app.kubernetes.io/component': props.component } : {}),
      ...(props.partOf ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
    };

    // Volumes
    const sa = podAdditionsOf(this.serviceAccount);
    this.podVolumes = new PodVolumes(scope, ns.name, this.resources.limits);
    this.volumes = this.podVolumes.volumes;
    this.mounts = this.podVolumes.mounts;
    for (const v of this.meshResult.volumes) this.podVolumes.add(v.volume, v.mount);
    sa.volumes.forEach((v: any, i: number) => this.podVolumes.add(v, sa.volumeMounts[i]));
    this.podVolumes.addFromProps(props);
    PodHardening._checkEnv(scope, props.env, props.notSecretEnv);
    this.env = Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, value]) => ({ name: k, value }));
    this.externals = new WorkloadExternalEgress(scope, this, this.egress);
    CORES.set(scope, this);
  }

  /** The main container: image, command, environment, resources and mounts; `extra` adds ports and probes. */
  public container(props: WorkloadCoreProps, extra: { ports?: any[]; probes?: Record<string, any> } = {}): any {
    return {
      name: 'main',
      image: props.image,
      ...(props.command ? { command: props.command } : {}),
      ...(props.args ? { args: props.args } : {}),
      ...(extra.ports ? { ports: extra.ports } : {}),
      ...(this.env.length ? { env: this.env } : {}),
      resources: this.resources,
      ...extra.probes,
      volumeMounts: this.mounts,
    };
  }

  /** The pod template: labels, annotations (mesh, lifecycle, identity) and the common pod spec fields. */
  public podTemplate(props: WorkloadCoreProps, container: any, spec: Record<string, any> = {}): any {
    const sa = podAdditionsOf(this.serviceAccount);
    const identity = identityEgressOf(this.scope, this.serviceAccount);
    // A token endpoint outside the node is an address-only destination a mesh may have to know.
    if (identity && !identity.nodeLocal) {
      this.namespace._allowExternalAddresses({ name: `token-exchange.${this.name}`, cidrs: [...identity.cidrs], ports: [{ protocol: 'TCP', port: identity.port }] });
    }
    const podAnnotations = {
      ...this.meshResult.podAnnotations,
      ...this.mesh._impl.lifecycleAnnotations(this.settings.lifecycle),
      ...this.mesh._impl.identityEndpointAnnotations(identity?.nodeLocal ? identity.cidrs : []),
      ...sa.annotations,
    };
    return {
      metadata: {
        labels: { ...this.labels, ...sa.labels },
        ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
      },
      spec: {
        serviceAccountName: this.serviceAccount.name,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: priorityClassName(this.scope, props.priorityClassName),
        terminationGracePeriodSeconds: 30,
        ...spec.head,
        containers: [container],
        volumes: this.volumes,
        ...spec.tail,
      },
    };
  }

  /** Hardens the workload object (after escape-hatch patches) through PodHardening. */
  public harden(workload: ApiObject, props: WorkloadCoreProps): void {
    for (const [k, v] of Object.entries(workloadAnnotationsOf(this.serviceAccount))) workload.metadata.addAnnotation(k, v);
    PodHardening.apply(workload, { runAsUser: props.runAsUser, runAsGroup: props.runAsGroup, notSecretEnv: props.notSecretEnv });
  }

  /**
   * The workload's NetworkPolicy: ingress from `ingress()` (read at synth time), egress to DNS and
   * the services the workload was allowed to call. Exactly one label in the pod selector (Polaris).
   */
  public createNetworkPolicy(ingress: () => IngressRuleJson[]): ApiObject {
    const dns = this.namespace.dns._egressRule(this.scope);
    const identity = this.identityEgress();
    this.networkPolicy = new ApiObject(this.scope, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: this.name, namespace: this.namespace.name, labels: this.labels, ...identityAcknowledgement(this.scope, this.serviceAccount, this.name),
      },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: lazy(ingress),
        egress: lazy(() => [
          ...(dns ? [dns] : []), ...this.apiServerEgress(), ...identity, ...[...this.egress.keys()].sort().map((k) => this.egress.get(k)!),
        ]),
      },
    });
    return this.networkPolicy;
  }

  /**
   * The egress the ServiceAccount's cloud identity needs (`LeastPrivilegeServiceAccount`
   * `workloadIdentity`): its endpoint on its port, for these pods only.
   */
  public identityEgress(): EgressRuleJson[] {
    return identityEgressRules(identityEgressOf(this.scope, this.serviceAccount));
  }

  /**
   * The egress to the Kubernetes API server when the ServiceAccount has API access (read at synth
   * time: grants may come later); fails when the namespace names no API server endpoint. None
   * for an account the library did not create: its pods get no token to call the API with.
   */
  public apiServerEgress(): EgressRuleJson[] {
    const access = accountInternalsOf(this.serviceAccount) ? this.serviceAccount.apiAccess : [];
    if (access.length === 0) return [];
    const rule = this.namespace._apiServerEgressRule();
    if (!rule) {
      fail(this.scope, `ServiceAccount ${show(this.serviceAccount.name)} has Kubernetes API access (${access.join('; ')}) but namespace ${show(this.namespace.name)} names no API server endpoint, so its default-deny blocks every API call`,
        'set `apiServer: ApiServerEndpoint.cidrs([...], port)` on the SecureNamespace with the addresses and port of the default/kubernetes EndpointSlice '
        + '(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes), or remove the grants the workload does not use');
    }
    return [rule];
  }

  /**
   * Records `caller` in `into` (the callers of a port group); false when it was already there.
   * Fails when the caller's namespace is unknown, its mesh differs, or it could not authenticate.
   */
  public admit(into: Map<string, ICaller>, caller: ICaller): boolean {
    const scope = this.scope;
    validateDnsLabel(scope, 'caller namespace', caller.callerNamespace);
    referenceNamespace(scope, caller.callerNamespace, 'caller namespace');
    validateDnsSubdomain(scope, 'caller service account', caller.callerServiceAccount);
    if (caller.callerMeshType !== undefined && caller.callerMeshType !== this.mesh.type) {
      fail(scope, `caller ${caller.callerNamespace}/${caller.callerServiceAccount} is in a namespace with mesh ${show(caller.callerMeshType)}, but ${this.namespace.name} uses ${show(this.mesh.type)}`,
        'callers must share the callee\'s mesh: enrol both namespaces in the same mesh, or put a gateway of the callee\'s mesh in between');
    }
    if (!this.mesh._impl.providesMtls && workloadCoreOf(caller)?.hasClientIdentity === false) {
      fail(scope, `caller ${caller.callerNamespace}/${caller.callerServiceAccount} has no client certificate, and ${this.namespace.name} has no mesh to give it one`,
        'set `certificate: { issuer }` on the caller, so that it can authenticate to this service with mutual TLS');
    }
    const labels = caller.callerPodLabels ?? {};
    const key = `${caller.callerNamespace}/${caller.callerServiceAccount}/${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
    if (into.has(key)) return false;
    into.set(key, caller);
    return true;
  }

  /** Opens egress from these pods to a callee's pods on `ports` (idempotent). */
  public addEgressTo(namespace: string, name: string, selectorLabels: Record<string, string>, ports: PortJson[]): void {
    const key = `${namespace}/${name}`;
    if (this.egress.has(key)) return;
    this.egress.set(key, { to: [podsPeer(namespace, selectorLabels)], ports });
  }

  /**
   * Opens egress from these pods to a service outside the cluster (idempotent): a NetworkPolicy
   * rule for its port (to the given address ranges, or to every public address when the mesh
   * restricts egress by host name, acknowledged on the policy with that reason), and the mesh's
   * objects that name the host. False when it was already declared.
   */
  public addExternalEgress(service: ExternalService): boolean {
    return this.externals.add(service);
  }

  /** The external services these pods call, sorted by `host:port`. */
  public externalEgress(): ResolvedExternalService[] {
    return this.externals.list();
  }

  /** Mounts a ConfigMap read-only as files. */
  public mountConfigMap(configMap: string | ApiObject, mountPath: string, options: ConfigMapMountOptions = {}): void {
    this.podVolumes.mountConfigMap(configMap, mountPath, options);
  }

  /** Mounts a writable emptyDir with a size limit. */
  public mountEmptyDir(mountPath: string, options: EmptyDirMountOptions = {}): void {
    this.podVolumes.mountEmptyDir(mountPath, options);
  }
}
