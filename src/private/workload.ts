/**
 * Internal: the pieces every hardened workload of this library shares (MtlsService, SecureWorker,
 * SecureJob, SecureCronJob): name and image validation, requests and limits, its own
 * ServiceAccount, the mesh enrolment, the pod template (volumes, mounts, environment, labels,
 * priority class), the pod hardening, the workload NetworkPolicy, the egress that
 * `MtlsService.allowFrom` opens for a caller, the admission of callers, metrics scraping
 * (metrics port, ServiceMonitor, scrapers admitted by the NetworkPolicy and the mesh), and egress
 * to named services outside the cluster (`allowEgressTo(ExternalService...)`).
 */
import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { identityAcknowledgement, identityEgressOf, identityEgressRules } from './cloud-identity';
import { externalEgressRule, ResolvedExternalService, resolveExternalService } from './external-egress';
import { EgressRuleJson, IngressRuleJson, PeerJson, PortJson, podsPeer } from './json';
import { versionLabelValue } from './labels';
import { lazy } from './lazy';
import { referenceNamespace } from './namespace-references';
import { appSingleton } from './singleton';
import {
  fail, goDuration, makeClusterScoped, parseQuantity, show, validateDnsLabel, validateDnsSubdomain, validatePort, validateQuantity,
} from './validation';
import type { ExternalService } from '../external-service';
import { LeastPrivilegeServiceAccount } from '../least-privilege-service-account';
import { Mesh } from '../mesh';
import { CallerIdentity, ExternalEgressContext, PodLifecycle, PortGroup, WorkloadCertificate, WorkloadMeshResult, WorkloadPort } from '../mesh/types';
import type { CertificateOptions, ICaller, MetricsOptions, ResourceOptions } from '../mtls-service';
import { PodHardening } from '../pod-hardening';
import { SecureNamespace } from '../secure-namespace';
import { ConfigMapMountOptions, EmptyDirMedium, EmptyDirMountOptions } from '../workload-mounts';
import type { WorkloadContainerProps } from '../workload-props';

const IMAGE = /^(?<repo>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_PRIORITY_CLASS = 'secure-baseline-workload';
/** The writable /tmp every workload gets (the root filesystem is read-only). */
const TMP_SIZE = '64Mi';
/** The default size limit of an emptyDir mounted with `mountEmptyDir`. */
export const DEFAULT_EMPTY_DIR_SIZE = '256Mi';

/** What the shared core needs from a workload construct's props: the shared props plus identity. */
export interface WorkloadCoreProps extends WorkloadContainerProps {
  readonly name?: string;
  readonly serviceAccount?: LeastPrivilegeServiceAccount;
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
  public readonly serviceAccount: LeastPrivilegeServiceAccount;
  public readonly meshResult: WorkloadMeshResult;
  public readonly resources: { requests: Record<string, string>; limits: Record<string, string> };
  /** Whether the pods hold a workload certificate (always with a mesh). */
  public readonly hasClientIdentity: boolean;
  public readonly volumes: any[];
  public readonly mounts: any[];
  public networkPolicy?: ApiObject;
  /** Metrics scraping, when the workload has a metrics port. */
  public readonly metrics?: WorkloadMetrics;
  private readonly egress = new Map<string, EgressRuleJson>();
  private readonly external = new Map<string, ResolvedExternalService>();
  private externalContext?: ExternalEgressContext;
  private readonly env: Array<{ name: string; value: string }>;
  private readonly memoryLimit: number;
  private readonly ephemeralStorageLimit: number;

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
    this.memoryLimit = parseQuantity(this.resources.limits.memory)!;
    this.ephemeralStorageLimit = parseQuantity(this.resources.limits['ephemeral-storage'])!;

    // Identity
    this.serviceAccount = props.serviceAccount ?? new LeastPrivilegeServiceAccount(scope, 'ServiceAccount', { name });
    if (this.serviceAccount.namespaceName !== ns.name) {
      fail(scope, `serviceAccount ${show(this.serviceAccount.name)} is in namespace ${show(this.serviceAccount.namespaceName)}, not ${show(ns.name)}`, 'give the workload an account of its own namespace');
    }

    // Mesh
    const certificate = this.validateCertificate(props.certificate);
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
    const sa = this.serviceAccount._podAdditions();
    this.volumes = [{ name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE } }];
    this.mounts = [{ name: 'tmp', mountPath: '/tmp' }];
    for (const v of this.meshResult.volumes) this.addVolume(v.volume, v.mount);
    sa.volumes.forEach((v: any, i: number) => this.addVolume(v, sa.volumeMounts[i]));
    (props.secretMounts ?? []).forEach((s, i) => {
      validateDnsSubdomain(scope, `secretMounts[${i}].secretName`, s.secretName);
      validatePath(scope, `secretMounts[${i}].mountPath`, s.mountPath);
      this.addVolume({ name: `secret-${i}`, secret: { secretName: s.secretName, defaultMode: 0o440 } }, { name: `secret-${i}`, mountPath: s.mountPath, readOnly: true });
    });
    (props.volumes ?? []).forEach((v, i) => {
      if (v.volume.namespaceName !== ns.name) {
        fail(scope, `volumes[${i}] claim ${show(v.volume.claimName)} is in namespace ${show(v.volume.namespaceName)}, not ${show(ns.name)}`, 'a pod can only mount claims of its own namespace; create the volume in this SecureNamespace');
      }
      validatePath(scope, `volumes[${i}].mountPath`, v.mountPath);
      this.addVolume(
        { name: `data-${i}`, persistentVolumeClaim: { claimName: v.volume.claimName, ...(v.readOnly ? { readOnly: true } : {}) } },
        { name: `data-${i}`, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) },
      );
    });
    PodHardening._checkEnv(scope, props.env, props.notSecretEnv);
    this.env = Object.entries(props.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, value]) => ({ name: k, value }));
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
    const sa = this.serviceAccount._podAdditions();
    const identity = identityEgressOf(this.scope, this.serviceAccount);
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
        priorityClassName: this.priorityClassName(props.priorityClassName),
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
    for (const [k, v] of Object.entries(this.serviceAccount._workloadAnnotations())) workload.metadata.addAnnotation(k, v);
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
   * time: grants may come later); fails when the namespace names no API server endpoint.
   */
  public apiServerEgress(): EgressRuleJson[] {
    const access = this.serviceAccount.apiAccess;
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
    const impl = this.mesh._impl;
    const resolved = resolveExternalService(this.scope, service, this.namespace.clusterDomain, impl.restrictsEgressByHost, this.mesh.displayName);
    const key = resolved.description;
    const known = this.external.get(key);
    if (known) {
      if (JSON.stringify(known.peers) !== JSON.stringify(resolved.peers)) {
        fail(this.scope, `allowEgressTo(ExternalService ${show(resolved.host)}) is declared twice for port ${resolved.port} with different cidrs`, 'declare each external service once, with every address range it resolves to');
      }
      return false;
    }
    const policy = this.networkPolicy;
    if (!policy) throw new Error(`${this.scope.node.path}: external egress declared before the NetworkPolicy exists`);
    this.external.set(key, resolved);
    this.egress.set(`~external/${key}`, externalEgressRule(resolved));
    const internet = this.externalEgress().filter((e) => e.internetWide).map((e) => e.description);
    if (internet.length > 0) {
      policy.metadata.addAnnotation(acknowledgementAnnotation(RuleIds.NET_POLICY_INTERNET),
        `${this.namespace.name}/${this.name} calls ${internet.join(', ')} by name: its pods may reach public addresses on those ports only, `
        + `and ${this.mesh.displayName} lets them reach those hosts only (ServiceEntry + REGISTRY_ONLY outbound policy)`);
    }
    if (!this.externalContext) {
      this.externalContext = {
        namespaceScope: this.namespace,
        scope: this.scope,
        name: this.name,
        namespace: this.namespace.name,
        selectorLabels: this.selectorLabels,
        clusterDomain: this.namespace.clusterDomain,
        hosts: () => this.externalEgress().map((e) => ({ host: e.host, port: e.port, protocol: e.protocol })),
      };
      if (impl.restrictsEgressByHost) this.scope.node.addValidation({ validate: () => this.unnamedEgressErrors() });
    }
    impl.allowExternalHost(this.externalContext, { host: resolved.host, port: resolved.port, protocol: resolved.protocol });
    return true;
  }

  /** The external services these pods call, sorted by `host:port`. */
  public externalEgress(): ResolvedExternalService[] {
    return [...this.external.keys()].sort().map((k) => this.external.get(k)!);
  }

  /**
   * Egress the NetworkPolicy opens by address only, which a mesh that restricts egress to named
   * hosts would drop: the namespace's CIDR egress (`SecureNamespace.allowEgressTo`) and a cloud
   * identity's token exchange endpoint outside the node.
   */
  private unnamedEgressErrors(): string[] {
    const errors: string[] = [];
    const what = `${this.scope.node.path}: ${this.namespace.name}/${this.name} calls external services by name, so ${this.mesh.displayName} drops its traffic to any other destination outside the cluster (REGISTRY_ONLY)`;
    for (const d of this.namespace.declaredEgress) {
      if (!d.peerSpec.ipBlock) continue;
      errors.push(`${what}, including the egress to ${d.peer} that namespace ${show(this.namespace.name)} opens with allowEgressTo. `
        + 'Fix: declare that destination on the workloads that call it, by name: allowEgressTo(ExternalService.tls(host, port, { cidrs })), instead of on the namespace');
    }
    const identity = identityEgressOf(this.scope, this.serviceAccount);
    if (identity && !identity.nodeLocal) {
      errors.push(`${what}, including the token exchange of its ${this.serviceAccount.workloadIdentity!.provider} workload identity at ${identity.endpoint} (${identity.cidrs.join(', ')}). `
        + 'Fix: declare the token endpoint by name as well, e.g. allowEgressTo(ExternalService.https("sts.<region>.amazonaws.com", { cidrs })), or call external services from another workload');
    }
    return errors;
  }

  /** Mounts a ConfigMap read-only as files. */
  public mountConfigMap(configMap: string | ApiObject, mountPath: string, options: ConfigMapMountOptions = {}): void {
    let name: string;
    if (typeof configMap === 'string') {
      name = validateDnsSubdomain(this.scope, 'ConfigMap name', configMap);
    } else {
      if (configMap.kind !== 'ConfigMap' || configMap.apiVersion !== 'v1') {
        fail(this.scope, `mountConfigMap() got ${configMap.kind} ${show(configMap.name)}, not a ConfigMap`, 'pass a v1 ConfigMap object or the name of a ConfigMap');
      }
      const namespace = configMap.metadata.namespace;
      if (namespace !== undefined && namespace !== this.namespace.name) {
        fail(this.scope, `ConfigMap ${show(configMap.name)} is in namespace ${show(namespace)}, not ${show(this.namespace.name)}`, 'a pod can only mount ConfigMaps of its own namespace; create the ConfigMap in this SecureNamespace');
      }
      name = configMap.name;
    }
    validatePath(this.scope, `ConfigMap ${show(name)} mountPath`, mountPath);
    const keys = options.keys;
    if (keys !== undefined) {
      if (!Array.isArray(keys) || keys.length === 0) fail(this.scope, `ConfigMap ${show(name)} keys is empty`, 'list the keys to mount, or omit `keys` to mount every key');
      for (const k of keys) {
        if (typeof k !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(k) || k === '.' || k === '..' || k.length > 253) {
          fail(this.scope, `ConfigMap ${show(name)} key ${show(k)} is not a valid ConfigMap key`, 'use letters, digits, "-", "_" and "." (at most 253 characters)');
        }
      }
    }
    const volumeName = `config-${this.volumes.filter((v) => v.configMap && v.name.startsWith('config-')).length}`;
    this.addVolume(
      {
        name: volumeName,
        configMap: {
          name,
          defaultMode: 0o440,
          ...(keys ? { items: [...new Set(keys)].sort().map((key) => ({ key, path: key })) } : {}),
          ...(options.optional ? { optional: true } : {}),
        },
      },
      { name: volumeName, mountPath, readOnly: true },
    );
  }

  /** Mounts a writable emptyDir with a size limit. */
  public mountEmptyDir(mountPath: string, options: EmptyDirMountOptions = {}): void {
    validatePath(this.scope, 'emptyDir mountPath', mountPath);
    const sizeLimit = options.sizeLimit ?? DEFAULT_EMPTY_DIR_SIZE;
    const size = validateQuantity(this.scope, `emptyDir ${show(mountPath)} sizeLimit`, sizeLimit);
    const medium = options.medium ?? EmptyDirMedium.DISK;
    if (!Object.values(EmptyDirMedium).includes(medium)) {
      fail(this.scope, `emptyDir ${show(mountPath)} medium ${show(medium)} is not a known medium`, 'use EmptyDirMedium.DISK or EmptyDirMedium.MEMORY');
    }
    const inMemory = medium === EmptyDirMedium.MEMORY;
    // What the volumes of one medium may hold, together, is bounded by the container's limit.
    const used = this.volumes
      .filter((v) => v.emptyDir && (v.emptyDir.medium === 'Memory') === inMemory)
      .reduce((sum, v) => sum + parseQuantity(v.emptyDir.sizeLimit)!, 0);
    const limit = inMemory ? this.memoryLimit : this.ephemeralStorageLimit;
    if (used + size > limit) {
      const what = inMemory ? 'memory' : 'ephemeral-storage';
      fail(this.scope, `emptyDir ${show(mountPath)} sizeLimit ${show(sizeLimit)} does not fit in the ${what} limit ${show(inMemory ? this.resources.limits.memory : this.resources.limits['ephemeral-storage'])} next to the other ${inMemory ? 'in-memory ' : ''}emptyDirs`,
        `lower sizeLimit or raise resources.${inMemory ? 'memoryLimit' : 'ephemeralStorageLimit'}: ${inMemory ? 'a Memory emptyDir counts against the container\'s memory limit' : 'emptyDirs on disk count against the pod\'s ephemeral storage'}`);
    }
    const volumeName = `scratch-${this.volumes.filter((v) => v.name.startsWith('scratch-')).length}`;
    this.addVolume(
      { name: volumeName, emptyDir: { ...(inMemory ? { medium: 'Memory' } : {}), sizeLimit } },
      { name: volumeName, mountPath },
    );
  }

  private addVolume(volume: any, mount: any): void {
    if (this.volumes.some((v) => v.name === volume.name)) fail(this.scope, `two volumes are named ${show(volume.name)}`, 'give each mount its own path');
    if (this.mounts.some((m) => m.mountPath === mount.mountPath)) fail(this.scope, `two volumes are mounted at ${show(mount.mountPath)}`, 'mount each volume at its own path');
    this.volumes.push(volume);
    this.mounts.push(mount);
  }

  private priorityClassName(given: string | undefined): string {
    if (given !== undefined) return validateDnsSubdomain(this.scope, 'priorityClassName', given);
    appSingleton(this.scope, 'priority-class', (chart, sid) => makeClusterScoped(new ApiObject(chart, sid, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: DEFAULT_PRIORITY_CLASS },
      value: 1000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Default priority of workloads synthesized by cdk8s-secure-baseline.',
    })));
    return DEFAULT_PRIORITY_CLASS;
  }

  private validateCertificate(cert: CertificateOptions | undefined): WorkloadCertificate | undefined {
    const scope = this.scope;
    const ns = this.namespace.name;
    if (this.mesh._impl.providesMtls) {
      if (cert !== undefined) {
        fail(scope, `certificate is set but namespace ${show(ns)} uses ${this.mesh.displayName}, which issues workload certificates itself`, 'remove `certificate`, or use a namespace with Mesh.none()');
      }
      return undefined;
    }
    if (!cert || !cert.issuer) {
      if (!this.settings.certificateRequired && cert === undefined) return undefined;
      fail(scope, `namespace ${show(ns)} has no mesh and no certificate issuer is set`, 'name the cert-manager issuer: certificate: { issuer: CertificateIssuer.clusterIssuer("internal-ca") }');
    }
    validateDnsSubdomain(scope, 'certificate issuer name', cert.issuer.name);
    const duration = cert.duration ?? Duration.hours(24);
    const renewBefore = cert.renewBefore ?? Duration.hours(8);
    const durationText = goDuration(duration);
    const renewText = goDuration(renewBefore);
    for (const [what, d, text] of [['duration', duration, durationText], ['renewBefore', renewBefore, renewText]] as const) {
      if (text === undefined) {
        fail(scope, `certificate ${what} of ${show(d.toMilliseconds())} ms is not a positive whole number of seconds`, 'use Duration.hours(), Duration.minutes() or Duration.seconds()');
      }
    }
    if (duration.toSeconds() < 3600) {
      fail(scope, `certificate duration ${show(goDuration(duration))} is shorter than one hour`, 'cert-manager requires a duration of at least 1h');
    }
    if (renewBefore.toSeconds() <= 0 || renewBefore.toSeconds() >= duration.toSeconds()) {
      fail(scope, `certificate renewBefore ${show(goDuration(renewBefore))} is not shorter than duration ${show(goDuration(duration))}`, 'renew before expiry: choose renewBefore below duration (e.g. a third of it)');
    }
    const mountPath = cert.mountPath ?? '/etc/tls';
    validatePath(scope, 'certificate.mountPath', mountPath);
    if (cert.caBundleConfigMap !== undefined) validateDnsSubdomain(scope, 'certificate.caBundleConfigMap', cert.caBundleConfigMap);
    return {
      issuerRef: { name: cert.issuer.name, kind: cert.issuer.kind, group: cert.issuer.group },
      duration: durationText!,
      renewBefore: renewText!,
      mountPath,
      caBundleConfigMap: cert.caBundleConfigMap,
    };
  }
}

/** kube-prometheus' Prometheus, the default scraper (what `Caller.identity` would build). */
const DEFAULT_SCRAPER: ICaller = {
  callerNamespace: 'monitoring',
  callerServiceAccount: 'prometheus-k8s',
  callerPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
  callerMeshType: undefined,
};

/**
 * Validates `metrics.port` against the ports callers use (`servicePorts`; none for a workload
 * nobody calls) and returns the `metrics` port. Runs in `preValidate`: the mesh needs the port.
 */
export function validateMetricsPort(scope: IConstruct, metrics: MetricsOptions, servicePorts: WorkloadPort[] = []): WorkloadPort {
  const port = validatePort(scope, 'metrics.port', metrics.port);
  if (servicePorts.some((p) => p.containerPort === port)) {
    fail(scope, `metrics.port ${show(port)} is also a service port`, 'serve metrics on a port of their own, so that only Prometheus is admitted to it');
  }
  if (servicePorts.some((p) => p.name === 'metrics')) fail(scope, 'a service port is named "metrics"', 'rename that port; "metrics" names the metrics port');
  return { name: 'metrics', containerPort: port, appProtocol: 'http' };
}

/**
 * Metrics scraping of a workload by Prometheus (prometheus-operator), the same for MtlsService,
 * SecureWorker, SecureJob and SecureCronJob: a `metrics` container port in a port group of its own,
 * so that the mesh admits only the scrapers to it (Istio: an AuthorizationPolicy rule for their
 * principals on that port; Linkerd: a Server with its own MeshTLSAuthentication); an ingress rule
 * of the workload's NetworkPolicy for the scrapers' pods on that port only; and a ServiceMonitor
 * whose endpoint scrapes through the mesh (`scrapeEndpoint`: Istio's mTLS certificate files,
 * plain HTTP to Linkerd's proxy or without a mesh).
 */
export class WorkloadMetrics {
  private readonly scrapers = new Map<string, ICaller>();

  constructor(private readonly scope: Construct, private readonly core: WorkloadCore, public readonly port: WorkloadPort) {}

  /** The mesh port group of the metrics port: only the declared scrapers may reach it. */
  public get group(): PortGroup {
    return { id: 'metrics', ports: [this.port], callers: () => callerIdentities(this.scrapers) };
  }

  /** The port of the main container. */
  public get containerPort(): { name: string; containerPort: number; protocol: string } {
    return { name: this.port.name, containerPort: this.port.containerPort, protocol: 'TCP' };
  }

  /** The Service port the ServiceMonitor's endpoint names. */
  public get servicePort(): { name: string; port: number; targetPort: number; appProtocol: string } {
    return { name: 'metrics', port: this.port.containerPort, targetPort: this.port.containerPort, appProtocol: 'http' };
  }

  /** The declared scrapers, sorted (namespace/serviceAccount). */
  public get declaredScrapers(): string[] {
    return callerIdentities(this.scrapers).map((c) => `${c.namespace}/${c.serviceAccount}`);
  }

  /**
   * A Service for a workload that has none (nobody calls it), only so that Prometheus finds the
   * pods: headless (`clusterIP: None`: no virtual IP that anything could call; prometheus-operator
   * discovers the pods through its EndpointSlices), with the metrics port only.
   *
   * Why not a PodMonitor, which needs no Service: under Istio STRICT mTLS Prometheus scrapes with
   * the workload certificate its istio-proxy sidecar writes as *files* (`/etc/prom-certs/`), and
   * only a ServiceMonitor endpoint's `tlsConfig` takes files (`caFile`, `certFile`, `keyFile`); a
   * PodMonitor's `podMetricsEndpoints[].tlsConfig` (monitoring.coreos.com/v1 `SafeTLSConfig`)
   * takes Secret and ConfigMap references only, and there is no Secret of Prometheus' mesh
   * certificate to refer to. One kind of monitor for every mesh keeps the workloads alike.
   */
  public createMetricsService(): ApiObject {
    const core = this.core;
    const p = this.servicePort;
    return new ApiObject(this.scope, 'MetricsService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: core.selectorLabels,
        ports: [{ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP', appProtocol: p.appProtocol }],
      },
    });
  }

  /**
   * The ServiceMonitor (selecting the workload's Service by its instance label, endpoint `metrics`
   * through the mesh), and the scraper of `options` (default: kube-prometheus) admitted. Call it
   * after the NetworkPolicy.
   */
  public createServiceMonitor(options: MetricsOptions): ApiObject {
    const scope = this.scope;
    const core = this.core;
    const path = options.path ?? '/metrics';
    if (!path.startsWith('/')) fail(scope, `metrics.path ${show(path)} is not absolute`, 'give an absolute path such as "/metrics"');
    const interval = options.interval ?? Duration.seconds(30);
    const intervalText = goDuration(interval);
    if (intervalText === undefined || interval.toSeconds() < 5) {
      fail(scope, `metrics.interval ${show(intervalText ?? `${interval.toMilliseconds()}ms`)} is shorter than 5s or not whole seconds`, 'scrape at most every 5 seconds, in whole seconds');
    }
    const serviceMonitor = new ApiObject(scope, 'ServiceMonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: core.name, namespace: core.namespace.name, labels: core.labels },
      spec: {
        selector: { matchLabels: core.selectorLabels },
        endpoints: [{ port: 'metrics', path, interval: intervalText, ...core.meshResult.scrapeEndpoint }],
      },
    });
    this.allowScraper(options.scraper ?? DEFAULT_SCRAPER);
    return serviceMonitor;
  }

  /** Admits a scraper to the metrics port only (NetworkPolicy and mesh); idempotent. */
  public allowScraper(scraper: ICaller): void {
    if (this.core.admit(this.scrapers, scraper) && this.scrapers.size === 1) this.core.meshResult.onFirstCaller?.('metrics');
  }

  /** The NetworkPolicy ingress rule of the scrapers: the metrics port (and the mesh's inbound ports). */
  public ingressRules(): IngressRuleJson[] {
    if (this.scrapers.size === 0) return [];
    return [{ from: callerPeers(this.scrapers), ports: [{ protocol: 'TCP', port: this.port.containerPort }, ...this.core.mesh._impl.inboundPorts()] }];
  }
}

/** The identities of `callers`, sorted and de-duplicated. */
export function callerIdentities(callers: Map<string, ICaller>): CallerIdentity[] {
  const seen = new Map<string, CallerIdentity>();
  for (const c of callers.values()) {
    seen.set(`${c.callerNamespace}/${c.callerServiceAccount}`, { namespace: c.callerNamespace, serviceAccount: c.callerServiceAccount });
  }
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

/** NetworkPolicy peers selecting the pods of `callers` (namespace + pod labels), in key order. */
export function callerPeers(callers: Map<string, ICaller>): PeerJson[] {
  return [...callers.keys()].sort().map((key) => {
    const c = callers.get(key)!;
    return podsPeer(c.callerNamespace, c.callerPodLabels);
  });
}

/** Validates an image reference; returns its tag when it is a version tag. */
export function validateImage(scope: IConstruct, image: string, requireDigest: boolean): string | undefined {
  const m = IMAGE.exec(image ?? '');
  if (!m) {
    fail(scope, `image ${show(image)} is not a valid image reference`, 'write registry/repository:tag or registry/repository@sha256:<digest>');
  }
  const { tag, digest } = m.groups!;
  if (!tag && !digest) {
    fail(scope, `image ${show(image)} has no tag or digest`, 'pin the image with a version tag (e.g. ":1.4.2") or a digest ("@sha256:...")');
  }
  if (tag === 'latest' && !digest) {
    fail(scope, `image ${show(image)} uses the "latest" tag`, 'pin the image with a version tag (e.g. ":1.4.2") or a digest ("@sha256:...")');
  }
  if (requireDigest && !digest) {
    fail(scope, `image ${show(image)} is not pinned by digest and requireDigest is set`, 'append "@sha256:<digest>" to the image reference');
  }
  return tag && tag !== 'latest' ? tag : undefined;
}

/** Validates requests and limits (limits not below requests) and renders them. */
export function validateResources(scope: IConstruct, r: ResourceOptions) {
  const v = {
    cpuRequest: r.cpuRequest ?? '100m',
    cpuLimit: r.cpuLimit ?? '500m',
    memoryRequest: r.memoryRequest ?? '128Mi',
    memoryLimit: r.memoryLimit ?? '256Mi',
    ephemeralStorageRequest: r.ephemeralStorageRequest ?? '64Mi',
    ephemeralStorageLimit: r.ephemeralStorageLimit ?? '1Gi',
  };
  for (const [k, q] of Object.entries(v)) validateQuantity(scope, `resources.${k}`, q);
  for (const [what, req, lim] of [['cpu', v.cpuRequest, v.cpuLimit], ['memory', v.memoryRequest, v.memoryLimit], ['ephemeralStorage', v.ephemeralStorageRequest, v.ephemeralStorageLimit]]) {
    if (parseQuantity(lim)! < parseQuantity(req)!) {
      fail(scope, `resources.${what}Limit ${show(lim)} is below resources.${what}Request ${show(req)}`, `raise the limit to at least ${req} or lower the request`);
    }
  }
  return {
    requests: { 'cpu': v.cpuRequest, 'memory': v.memoryRequest, 'ephemeral-storage': v.ephemeralStorageRequest },
    limits: { 'cpu': v.cpuLimit, 'memory': v.memoryLimit, 'ephemeral-storage': v.ephemeralStorageLimit },
  };
}

/** Validates an absolute mount path. */
export function validatePath(scope: IConstruct, what: string, path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('..') || path === '/' || path.includes(':')) {
    fail(scope, `${what} ${show(path)} is not an absolute path`, 'mount at an absolute directory such as "/etc/app/config"');
  }
}

/** Spread of the pods of a long-running workload over nodes and zones. */
export function spreadAndAntiAffinity(selectorLabels: Record<string, string>): Record<string, any> {
  return {
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabels } },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels } },
        }],
      },
    },
  };
}

/** A Duration as a whole number of seconds within [min, max]; fails with the fix otherwise. */
export function wholeSeconds(scope: IConstruct, what: string, d: Duration, min: number, max: number, why: string): number {
  const ms = d.toMilliseconds();
  const s = ms / 1000;
  if (!Number.isFinite(ms) || ms % 1000 !== 0 || s < min || s > max) {
    fail(scope, `${what} of ${show(Number.isFinite(ms) && ms % 1000 === 0 ? `${s}s` : `${ms}ms`)} is out of range`, `use whole seconds from ${min}s to ${max}s: ${why}`);
  }
  return s;
}

/** An integer within [min, max]; fails with the fix otherwise. */
export function boundedInteger(scope: IConstruct, what: string, value: number, min: number, max: number, why: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(scope, `${what} ${show(value)} is out of range`, `use a whole number from ${min} to ${max}: ${why}`);
  }
  return value;
}
