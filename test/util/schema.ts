/**
 * Strict schema validation of synthesized Kubernetes manifests (test helper).
 *
 * Sources of truth:
 * - core Kubernetes kinds: `kubernetes-models` (precompiled ajv validators generated from the
 *   Kubernetes OpenAPI schema);
 * - Istio: `@kubernetes-models/istio` (JSON schemas generated from the Istio CRDs);
 * - cert-manager: `@kubernetes-models/cert-manager` (precompiled validators from its CRDs);
 * - prometheus-operator: `@kubernetes-models/prometheus-operator` (ServiceMonitor, PodMonitor, PrometheusRule);
 * - Gateway API: `@kubernetes-models/gateway-api` (Gateway, HTTPRoute, GRPCRoute, ReferenceGrant);
 * - Linkerd, Velero, CSI snapshots, External Secrets Operator (ExternalSecret), Bitnami Sealed
 *   Secrets (SealedSecret), Cilium (CiliumNetworkPolicy, a pruned CRD): the `openAPIV3Schema` of
 *   the CRDs vendored in `crds/`.
 *
 * Those validators ignore fields the schema does not define. This module adds:
 * - **unknown-field rejection** (like `kubectl apply --validate=strict`), recursively, honouring
 *   `additionalProperties` maps (labels, annotations, matchLabels, resources.limits, ...) and
 *   `x-kubernetes-preserve-unknown-fields`. For the precompiled validators, whose schemas are not
 *   available at runtime, the object is validated through a Proxy that records which properties
 *   the validator reads: a generated validator reads every property its schema defines and
 *   enumerates the keys of free-form maps, so a key that was neither read nor enumerated is not in
 *   the schema. For the vendored CRDs, the schema itself is made strict (`additionalProperties:
 *   false`, the structural-schema pruning rule).
 * - `metadata` of CRD objects is checked against ObjectMeta (CRD schemas only say `type: object`).
 * - enums the API server enforces but the published schemas do not declare ({@link EXTRA_ENUMS}).
 * - kinds without a schema fail, unless listed in {@link NO_SCHEMA_ALLOWLIST}.
 *
 * Every validator is built once and cached; validating an object costs one pass of a compiled
 * validator plus one walk of the object.
 */
import * as fs from 'fs';
import * as path from 'path';
// cert-manager.io
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { CertificateRequest } from '@kubernetes-models/cert-manager/cert-manager.io/v1/CertificateRequest';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
// gateway.networking.k8s.io (Gateway API; @kubernetes-models/gateway-api 0.5.x is the last CommonJS line)
import { Gateway as GatewayApiGateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { GRPCRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1alpha2/GRPCRoute';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
// monitoring.coreos.com (prometheus-operator; 4.4.4 is the last CommonJS line)
// Istio
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { ServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry';
import { Sidecar } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { AuthorizationPolicy as IstioAuthorizationPolicyV1 } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { RequestAuthentication as IstioRequestAuthenticationV1 } from '@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication';
import { AuthorizationPolicy as IstioAuthorizationPolicyV1beta1 } from '@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { RequestAuthentication as IstioRequestAuthenticationV1beta1 } from '@kubernetes-models/istio/security.istio.io/v1beta1/RequestAuthentication';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { formats as kubernetesFormats } from '@kubernetes-models/validate';
import Ajv, { ValidateFunction } from 'ajv';
import { Chart, Testing } from 'cdk8s';
// Kubernetes
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { IngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parseAllDocuments } from 'yaml';

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/**
 * The ONE allowlist of kinds (`apiVersion/kind`) that have no schema available, with the reason
 * for each entry. Objects of these kinds are accepted without validation. Any other kind without
 * a schema fails validation.
 *
 * Every other kind the library emits has a schema.
 */
export const NO_SCHEMA_ALLOWLIST: Record<string, string> = {
  // 'example.io/v1/Widget': 'no published schema or CRD; <why it is safe to skip>',
};

/**
 * Enums the Kubernetes API server enforces (Go validation) that the kubernetes-models@4.5.1
 * schemas do not declare. Most enums (Service type, imagePullPolicy, seccompProfile.type,
 * NetworkPolicy policyTypes, PodDisruptionBudget unhealthyPodEvictionPolicy, protocols, ...) are
 * already in the upstream schemas and need no entry here.
 *
 * `path`: dot path from the object root; `[]` means "every array element"; a leading `**.`
 * matches at any depth. `kinds`: `apiVersion/kind` keys (omitted: every kind).
 */
export const EXTRA_ENUMS: ReadonlyArray<{
  kinds?: readonly string[];
  path: string;
  values: readonly string[];
  /** a path containing one of these segments is skipped (another selector type lives there) */
  exceptUnder?: readonly string[];
}> = [
  // metav1.LabelSelector operators (ValidateLabelSelectorRequirement). NodeSelector (Gt/Lt) and
  // ResourceQuota scopeSelector requirements have their own, upstream, enums.
  {
    path: '**.matchExpressions[].operator',
    values: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
    exceptUnder: ['nodeSelectorTerms', 'preference', 'scopeSelector'],
  },
  // LimitRange item type (ValidateLimitRange).
  { kinds: ['v1/LimitRange'], path: 'spec.limits[].type', values: ['Container', 'Pod', 'PersistentVolumeClaim'] },
  // HorizontalPodAutoscaler (autoscaling validation).
  {
    kinds: ['autoscaling/v2/HorizontalPodAutoscaler'],
    path: 'spec.metrics[].type',
    values: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
  },
  ...['resource', 'containerResource', 'pods', 'object', 'external'].map((source) => ({
    kinds: ['autoscaling/v2/HorizontalPodAutoscaler'],
    path: `spec.metrics[].${source}.target.type`,
    values: ['Utilization', 'Value', 'AverageValue'],
  })),
  ...['scaleUp', 'scaleDown'].flatMap((direction) => [
    {
      kinds: ['autoscaling/v2/HorizontalPodAutoscaler'],
      path: `spec.behavior.${direction}.selectPolicy`,
      values: ['Max', 'Min', 'Disabled'],
    },
    {
      kinds: ['autoscaling/v2/HorizontalPodAutoscaler'],
      path: `spec.behavior.${direction}.policies[].type`,
      values: ['Pods', 'Percent'],
    },
  ]),
  // RBAC (ValidateRoleBinding / ValidateClusterRoleBinding).
  {
    kinds: ['rbac.authorization.k8s.io/v1/RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding'],
    path: 'subjects[].kind',
    values: ['ServiceAccount', 'User', 'Group'],
  },
  { kinds: ['rbac.authorization.k8s.io/v1/RoleBinding'], path: 'roleRef.kind', values: ['Role', 'ClusterRole'] },
  { kinds: ['rbac.authorization.k8s.io/v1/ClusterRoleBinding'], path: 'roleRef.kind', values: ['ClusterRole'] },
];

/** A model class of kubernetes-models (base v5) or @kubernetes-models/istio (base v4). */
interface ModelClass {
  readonly prototype: { validate(): void };
}

interface ModelEntry {
  readonly model: ModelClass;
  /** validate with the schema of this apiVersion instead (same fields, older version) */
  readonly schemaApiVersion?: string;
}

/** apiVersion/kind -> model whose validator is used. */
const MODELS: Record<string, ModelEntry> = {
  // core/v1
  'v1/Namespace': { model: Namespace },
  'v1/ServiceAccount': { model: ServiceAccount },
  'v1/Service': { model: Service },
  'v1/ConfigMap': { model: ConfigMap },
  'v1/Secret': { model: Secret },
  'v1/PersistentVolume': { model: PersistentVolume },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim },
  'v1/ResourceQuota': { model: ResourceQuota },
  'v1/LimitRange': { model: LimitRange },
  'v1/Pod': { model: Pod },
  // apps, batch
  'apps/v1/Deployment': { model: Deployment },
  'apps/v1/StatefulSet': { model: StatefulSet },
  'apps/v1/DaemonSet': { model: DaemonSet },
  'apps/v1/ReplicaSet': { model: ReplicaSet },
  'batch/v1/Job': { model: Job },
  'batch/v1/CronJob': { model: CronJob },
  // networking, policy, rbac, storage, scheduling, autoscaling, admission
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy },
  'networking.k8s.io/v1/Ingress': { model: Ingress },
  'networking.k8s.io/v1/IngressClass': { model: IngressClass },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget },
  'rbac.authorization.k8s.io/v1/Role': { model: Role },
  'rbac.authorization.k8s.io/v1/RoleBinding': { model: RoleBinding },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { model: ClusterRoleBinding },
  'storage.k8s.io/v1/StorageClass': { model: StorageClass },
  'scheduling.k8s.io/v1/PriorityClass': { model: PriorityClass },
  'autoscaling/v2/HorizontalPodAutoscaler': { model: HorizontalPodAutoscaler },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': { model: ValidatingAdmissionPolicy },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': { model: ValidatingAdmissionPolicyBinding },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': { model: ValidatingWebhookConfiguration },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': { model: MutatingWebhookConfiguration },
  // --- "Beyond manifests" (BaselineAdmissionPolicy's v1beta1 option, Kubernetes 1.28-1.29) ---
  // kubernetes-models@4.5.1 has no v1beta1 ValidatingAdmissionPolicy; the fields the library
  // emits are the same in v1beta1 and v1 (the API was promoted unchanged in 1.30).
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy': { model: ValidatingAdmissionPolicy, schemaApiVersion: 'admissionregistration.k8s.io/v1' },
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding': { model: ValidatingAdmissionPolicyBinding, schemaApiVersion: 'admissionregistration.k8s.io/v1' },
  // Istio. @kubernetes-models/istio@2.3.0 has no security.istio.io/v1 PeerAuthentication and no
  // networking.istio.io/v1 at all: the v1 objects are validated with the v1beta1 schemas, which
  // have the same fields (Istio promoted these APIs to v1 unchanged).
  'security.istio.io/v1/AuthorizationPolicy': { model: IstioAuthorizationPolicyV1 },
  'security.istio.io/v1/RequestAuthentication': { model: IstioRequestAuthenticationV1 },
  'security.istio.io/v1/PeerAuthentication': { model: PeerAuthentication, schemaApiVersion: 'security.istio.io/v1beta1' },
  'security.istio.io/v1beta1/AuthorizationPolicy': { model: IstioAuthorizationPolicyV1beta1 },
  'security.istio.io/v1beta1/RequestAuthentication': { model: IstioRequestAuthenticationV1beta1 },
  'security.istio.io/v1beta1/PeerAuthentication': { model: PeerAuthentication },
  ...Object.fromEntries(
    ([
      ['DestinationRule', DestinationRule],
      ['Gateway', Gateway],
      ['ServiceEntry', ServiceEntry],
      ['Sidecar', Sidecar],
      ['VirtualService', VirtualService],
    ] as Array<[string, ModelClass]>).flatMap(([kind, model]) => [
      [`networking.istio.io/v1/${kind}`, { model, schemaApiVersion: 'networking.istio.io/v1beta1' }],
      [`networking.istio.io/v1beta1/${kind}`, { model }],
    ]),
  ),
  // Gateway API. @kubernetes-models/gateway-api@0.5.1 carries the Gateway API v1.0 CRDs: GRPCRoute
  // is v1alpha2 there; it was promoted to v1 unchanged in v1.1, so the v1 objects are validated
  // with the v1alpha2 schema. ReferenceGrant is v1beta1 in the standard channel.
  'gateway.networking.k8s.io/v1/Gateway': { model: GatewayApiGateway },
  'gateway.networking.k8s.io/v1/HTTPRoute': { model: HTTPRoute },
  'gateway.networking.k8s.io/v1/GRPCRoute': { model: GRPCRoute, schemaApiVersion: 'gateway.networking.k8s.io/v1alpha2' },
  'gateway.networking.k8s.io/v1alpha2/GRPCRoute': { model: GRPCRoute },
  'gateway.networking.k8s.io/v1beta1/ReferenceGrant': { model: ReferenceGrant },
  // cert-manager
  'cert-manager.io/v1/Certificate': { model: Certificate },
  // prometheus-operator
  'monitoring.coreos.com/v1/ServiceMonitor': { model: ServiceMonitor },
  'monitoring.coreos.com/v1/PodMonitor': { model: PodMonitor },
  'monitoring.coreos.com/v1/PrometheusRule': { model: PrometheusRule },
  'cert-manager.io/v1/CertificateRequest': { model: CertificateRequest },
  'cert-manager.io/v1/Issuer': { model: Issuer },
  'cert-manager.io/v1/ClusterIssuer': { model: ClusterIssuer },
};

/** Vendored CRDs (Linkerd, Velero, CSI snapshots, ExternalSecret, SealedSecret, CiliumNetworkPolicy): see crds/README.md. */
const CRD_DIR = path.join(__dirname, '..', '..', 'crds');

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Validates one manifest. Returns human-readable problems, empty when valid, each formatted as
 * `Kind/name: json.path[0].field: message`.
 */
export function validateManifest(obj: any): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return [`<not an object>: (root): a manifest must be an object, got ${describe(obj)}`];
  }
  // A JSON copy: no shared sub-objects (each is checked against its own schema), no undefined.
  const data = JSON.parse(JSON.stringify(obj));
  const label = `${typeof data.kind === 'string' ? data.kind : '<no kind>'}/${
    typeof data.metadata?.name === 'string' ? data.metadata.name : '<unnamed>'
  }`;
  if (typeof data.apiVersion !== 'string' || typeof data.kind !== 'string') {
    return [`${label}: (root): apiVersion and kind must be strings`];
  }
  const key = `${data.apiVersion}/${data.kind}`;
  const validator = validatorFor(key);
  let problems: Problem[];
  if (validator) {
    problems = [...validator(data), ...checkExtraEnums(key, data)];
  } else if (key in NO_SCHEMA_ALLOWLIST) {
    problems = [];
  } else {
    problems = [{
      segments: [],
      message: `no schema for apiVersion "${data.apiVersion}" kind "${data.kind}": add a schema to test/util/schema.ts (or a vendored CRD in crds/), or an entry with a reason to NO_SCHEMA_ALLOWLIST`,
    }];
  }
  const out = problems.map((p) => `${label}: ${formatPath(p.segments)}: ${p.message}`);
  return [...new Set(out)];
}

/** Throws (jest-friendly) listing every problem of every object when any object is invalid. */
export function expectValidManifests(objs: any[]): void {
  const problems = objs.flatMap((o) => validateManifest(o));
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} schema problem(s) in synthesized manifests:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** `Testing.synth(chart)`, then {@link expectValidManifests}; returns the synthesized objects. */
export function synthAndValidate(chart: Chart): any[] {
  const objs = Testing.synth(chart);
  expectValidManifests(objs);
  return objs;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

type Segment = string | number;

interface Problem {
  /** path from the object root (numbers are array indices) */
  readonly segments: readonly Segment[];
  readonly message: string;
}

/** The error shape shared by ajv, its standalone code and kubernetes-models. */
interface AjvError {
  readonly instancePath: string;
  readonly schemaPath?: string;
  readonly keyword: string;
  readonly params: Record<string, any>;
  readonly message?: string;
  /** the keyword's schema value (ajv `verbose`) */
  readonly schema?: unknown;
}

type Validator = (data: any) => Problem[];

const validatorCache = new Map<string, Validator | undefined>();

function validatorFor(key: string): Validator | undefined {
  if (!validatorCache.has(key)) {
    const model = MODELS[key];
    validatorCache.set(key, model ? modelValidator(model) : crdValidator(key));
  }
  return validatorCache.get(key);
}

/** Runs a kubernetes-models validator and collects its errors. */
function runModel(model: ModelClass, data: any): AjvError[] {
  try {
    // Both model generations validate `this`; the validate function of base v5 is bound to the
    // class, base v4 (Istio) looks its schema id up on the prototype, hence the prototype below.
    model.prototype.validate.call(data);
    return [];
  } catch (e: any) {
    if (Array.isArray(e?.errors)) return e.errors;
    throw e;
  }
}

function modelValidator(entry: ModelEntry): Validator {
  return (data) => {
    const target = entry.schemaApiVersion ? { ...data, apiVersion: entry.schemaApiVersion } : { ...data };
    Object.setPrototypeOf(target, entry.model.prototype);
    const tracker = new ReadTracker();
    const errors = runModel(entry.model, tracker.wrap(target));
    const unread = UNREAD_TOP_LEVEL_FIELDS[`${data.apiVersion}/${data.kind}`] ?? [];
    const unknown = tracker.unknownFields(target).filter((p) => !(p.segments.length === 1 && unread.includes(String(p.segments[0]))));
    return [...fromAjvErrors(data, errors), ...unknown];
  };
}

/**
 * Fields the upstream schema defines but the generated validator never reads, so the read
 * tracker would call them unknown: kubernetes-models drops properties literally named
 * `description` (it confuses them with the JSON-schema keyword).
 */
const UNREAD_TOP_LEVEL_FIELDS: Record<string, string[]> = {
  'scheduling.k8s.io/v1/PriorityClass': ['description'],
};

/** ObjectMeta check for CRD objects, through the ConfigMap schema (its other fields are optional). */
function validateObjectMeta(metadata: any): Problem[] {
  if (metadata === undefined) return [];
  const wrapper = { apiVersion: 'v1', kind: 'ConfigMap', metadata };
  Object.setPrototypeOf(wrapper, ConfigMap.prototype);
  const tracker = new ReadTracker();
  const errors = runModel(ConfigMap, tracker.wrap(wrapper));
  return [...fromAjvErrors(wrapper, errors), ...tracker.unknownFields(wrapper)];
}

/**
 * Records which properties a validator reads. Generated validators read every property their
 * schema defines (also absent ones) and enumerate (`for...in`) free-form maps.
 */
class ReadTracker {
  private readonly reads = new WeakMap<object, { keys: Set<string>; enumerated: boolean }>();
  private readonly proxies = new WeakMap<object, object>();

  public wrap<T>(value: T): T {
    if (value === null || typeof value !== 'object') return value;
    const existing = this.proxies.get(value as object);
    if (existing) return existing as T;
    const info = { keys: new Set<string>(), enumerated: false };
    this.reads.set(value as object, info);
    const proxy = new Proxy(value as object, {
      get: (target, key) => {
        const v = Reflect.get(target, key);
        if (typeof key !== 'string') return v;
        info.keys.add(key);
        return Object.prototype.hasOwnProperty.call(target, key) ? this.wrap(v) : v;
      },
      has: (target, key) => {
        if (typeof key === 'string') info.keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        info.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value as object, proxy);
    return proxy as T;
  }

  /** Keys present in `value` that the validator neither read nor enumerated. */
  public unknownFields(value: any, segments: Segment[] = [], out: Problem[] = []): Problem[] {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.unknownFields(v, [...segments, i], out));
      return out;
    }
    if (value === null || typeof value !== 'object') return out;
    const info = this.reads.get(value);
    // Not reached by the validator, or validated by a schema without properties (`type: object`,
    // x-kubernetes-preserve-unknown-fields): free-form.
    if (!info || (!info.enumerated && info.keys.size === 0)) return out;
    for (const key of Object.keys(value)) {
      if (info.enumerated || info.keys.has(key)) {
        this.unknownFields(value[key], [...segments, key], out);
      } else {
        out.push({ segments: [...segments, key], message: UNKNOWN_FIELD });
      }
    }
    return out;
  }
}

const UNKNOWN_FIELD = 'unknown field (not defined by the schema)';

// --- vendored CRDs ---------------------------------------------------------------------------

let crdSchemas: Map<string, any> | undefined;

/** apiVersion/kind -> openAPIV3Schema, from every crds/*.yaml (read once). */
function loadCrdSchemas(): Map<string, any> {
  if (!crdSchemas) {
    crdSchemas = new Map();
    for (const file of fs.readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions ?? []) {
          const schema = version.schema?.openAPIV3Schema;
          if (schema) crdSchemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, schema);
        }
      }
    }
  }
  return crdSchemas;
}

let ajv: Ajv | undefined;

function crdAjv(): Ajv {
  if (!ajv) {
    // strict: false ignores the x-kubernetes-* annotations ajv does not know.
    // verbose: errors carry their schema (used to explain oneOf failures).
    ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    for (const [name, format] of Object.entries(kubernetesFormats)) ajv.addFormat(name, format as any);
    ajv.addKeyword({
      keyword: 'x-kubernetes-int-or-string',
      schemaType: 'boolean',
      validate: (enabled: boolean, data: unknown) => !enabled || typeof data === 'string' || Number.isInteger(data),
      errors: false,
    });
  }
  return ajv;
}

function crdValidator(key: string): Validator | undefined {
  const schema = loadCrdSchemas().get(key);
  if (!schema) return undefined;
  const slash = key.lastIndexOf('/');
  const validate: ValidateFunction = crdAjv().compile(strictCrdSchema(schema, key.slice(0, slash), key.slice(slash + 1)));
  return (data) => {
    const problems = validate(data) ? [] : fromAjvErrors(data, validate.errors ?? []);
    return [...problems, ...validateObjectMeta(data.metadata)];
  };
}

/**
 * A copy of a CRD schema where every object node without `additionalProperties` or
 * `x-kubernetes-preserve-unknown-fields` rejects unknown fields (what the API server prunes, or
 * rejects with strict field validation). apiVersion/kind are pinned; metadata is validated
 * separately against ObjectMeta. Junctors (oneOf/anyOf/allOf/not) are left alone: in a structural
 * schema they only restrict values of properties declared outside them.
 */
function strictCrdSchema(schema: any, apiVersion: string, kind: string): any {
  const strict = (node: any): any => {
    if (node === null || typeof node !== 'object') return node;
    const copy: any = { ...node };
    if (copy.properties) {
      copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, strict(v)]));
    }
    if (copy.items) copy.items = Array.isArray(copy.items) ? copy.items.map(strict) : strict(copy.items);
    if (copy.additionalProperties && typeof copy.additionalProperties === 'object') {
      copy.additionalProperties = strict(copy.additionalProperties);
    }
    const isObject = copy.type === 'object' || copy.properties !== undefined;
    if (isObject && copy.additionalProperties === undefined
      && !copy['x-kubernetes-preserve-unknown-fields'] && !copy['x-kubernetes-embedded-resource']) {
      copy.additionalProperties = false;
    }
    return copy;
  };
  const root = strict(schema);
  root.properties = {
    ...root.properties,
    apiVersion: { type: 'string', enum: [apiVersion] },
    kind: { type: 'string', enum: [kind] },
    metadata: { type: 'object' },
  };
  root.required = [...new Set([...(root.required ?? []), 'apiVersion', 'kind'])];
  return root;
}

// --- extra enums -----------------------------------------------------------------------------

function checkExtraEnums(key: string, data: any): Problem[] {
  const problems: Problem[] = [];
  for (const rule of EXTRA_ENUMS) {
    if (rule.kinds && !rule.kinds.includes(key)) continue;
    const anyDepth = rule.path.startsWith('**.');
    const pattern = (anyDepth ? rule.path.slice(3) : rule.path).split('.');
    const visit = (value: any, segments: Segment[]) => {
      if (anyDepth) {
        if (Array.isArray(value)) {value.forEach((v, i) => visit(v, [...segments, i]));} else if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value)) visit(v, [...segments, k]);
        }
      }
      for (const [found, at] of select(value, pattern, segments)) {
        if (rule.exceptUnder?.some((s) => at.includes(s))) continue;
        if (typeof found === 'string' && !rule.values.includes(found)) {
          problems.push({ segments: at, message: enumMessage(rule.values, found) });
        }
      }
    };
    visit(data, []);
  }
  return problems;
}

/** Values at a pattern such as `spec.limits[].type` below `value`. */
function select(value: any, pattern: readonly string[], segments: Segment[]): Array<[any, Segment[]]> {
  if (pattern.length === 0) return [[value, segments]];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const [head, ...rest] = pattern;
  const name = head.endsWith('[]') ? head.slice(0, -2) : head;
  if (!(name in value)) return [];
  const child = value[name];
  if (!head.endsWith('[]')) return select(child, rest, [...segments, name]);
  if (!Array.isArray(child)) return [];
  return child.flatMap((v, i) => select(v, rest, [...segments, name, i]));
}

// --- messages --------------------------------------------------------------------------------

/**
 * Converts validator errors to problems. The errors of the branches of a failed oneOf/anyOf are
 * folded into that one error.
 */
function fromAjvErrors(data: any, errors: readonly AjvError[]): Problem[] {
  const junctors = errors.filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && e.schemaPath);
  const inBranch = (e: AjvError) => junctors.some((j) => j !== e
    && e.schemaPath?.startsWith(`${j.schemaPath}/`) && e.instancePath.startsWith(j.instancePath));
  return errors.filter((e) => !inBranch(e)).map((e) => fromAjvError(data, e));
}

function fromAjvError(data: any, e: AjvError): Problem {
  const segments = pointerSegments(data, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { segments: [...segments, e.params.missingProperty], message: 'required field is missing' };
    case 'additionalProperties':
      return { segments: [...segments, e.params.additionalProperty], message: UNKNOWN_FIELD };
    case 'enum':
      return { segments, message: enumMessage(e.params.allowedValues, valueAt(data, segments)) };
    case 'type':
      return { segments, message: `must be ${e.params.type} (got ${describe(valueAt(data, segments))})` };
    case 'oneOf':
    case 'anyOf': {
      // Branches that only require a field: name the fields (e.g. Linkerd Server selectors).
      const branches = Array.isArray(e.schema) ? e.schema : [];
      const fields = branches.map((b: any) => (b && Object.keys(b).length === 1 && b.required?.length === 1 ? b.required[0] : undefined));
      if (fields.length > 0 && fields.every((f) => typeof f === 'string')) {
        const names = fields.map((f) => JSON.stringify(f)).join(', ');
        return { segments, message: e.keyword === 'oneOf' ? `must set exactly one of ${names}` : `must set at least one of ${names}` };
      }
      return { segments, message: e.message ?? `must match ${e.keyword === 'oneOf' ? 'exactly one' : 'at least one'} schema in ${e.keyword}` };
    }
    case 'x-kubernetes-int-or-string':
      return { segments, message: `must be an integer or a string (got ${describe(valueAt(data, segments))})` };
    default:
      return { segments, message: e.message ?? `fails "${e.keyword}" ${JSON.stringify(e.params)}` };
  }
}

function enumMessage(allowed: readonly unknown[], got: unknown): string {
  return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(got)})`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** JSON pointer -> segments, with array indices as numbers. */
function pointerSegments(data: any, pointer: string): Segment[] {
  if (!pointer) return [];
  const segments: Segment[] = [];
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment: Segment = Array.isArray(current) && /^\d+$/.test(key) ? Number(key) : key;
    segments.push(segment);
    current = current?.[segment];
  }
  return segments;
}

function valueAt(data: any, segments: readonly Segment[]): unknown {
  return segments.reduce((v, s) => (v === null || v === undefined ? undefined : v[s]), data);
}

/** `spec.template.spec.containers[0].securityContext`, `metadata.labels["app.kubernetes.io/name"]`. */
function formatPath(segments: readonly Segment[]): string {
  if (segments.length === 0) return '(root)';
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
