/**
 * The audited object set as user rules (`IAuditRule`) see it: jsii-safe read-only views over the
 * engine's index (context.ts). Views are made on first use and kept, so one object is always the
 * same `AuditedObject`: that identity is how an issue names its object.
 */
import { AuditContext, K8sObject, PodView } from './context';

/**
 * One Kubernetes object under audit, as the cluster gets it (Lists expanded; of several objects
 * with one identity, the last). Read-only: a rule must not modify it.
 */
export class AuditedObject {
  /** @internal */
  public static _wrap(obj: K8sObject): AuditedObject {
    return new AuditedObject(obj);
  }

  /** @internal */
  public readonly _object: K8sObject;

  private constructor(obj: K8sObject) {
    this._object = obj;
  }

  /** `apiVersion` of the object ('' when it has none). */
  public get apiVersion(): string {
    return this._object.apiVersion;
  }

  /** API group of the object: '' for the core group (`v1`), `apps` for `apps/v1`. */
  public get group(): string {
    return this._object.group;
  }

  /** `kind` of the object. */
  public get kind(): string {
    return this._object.kind;
  }

  /** `metadata.name` ('' when unset). */
  public get name(): string {
    return this._object.name;
  }

  /** `metadata.namespace` ('' when unset: cluster-scoped objects, or namespaced ones left to the kubectl context). */
  public get namespace(): string {
    return this._object.namespace;
  }

  /** `metadata.labels` ({} when none). */
  public get labels(): { [key: string]: string } {
    return this._object.labels;
  }

  /** `metadata.annotations` ({} when none). */
  public get annotations(): { [key: string]: string } {
    return this._object.annotations;
  }

  /** The whole object as JSON (what `kubectl apply` sends). */
  public get manifest(): any {
    return this._object.manifest;
  }

  /**
   * Construct path of the object.
   * @default - none (objects read from files or plain manifests)
   */
  public get constructPath(): string | undefined {
    return this._object.constructPath;
  }

  /**
   * The manifest file the object was read from.
   * @default - none (objects synthesized in memory)
   */
  public get file(): string | undefined {
    return this._object.file;
  }

  /** Where the object was read from, for messages: `construct "app/web"`, `x.yaml document 2`, `input 3`. */
  public get location(): string {
    return this._object.location;
  }
}

/** One container of a pod spec. */
export interface AuditedContainer {
  /** `name` of the container (`#<index>` when it has none). */
  readonly name: string;
  /** Dotted path of the container in its object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** The container for messages: `container "web"`, `init container "migrate"`, `ephemeral container "debug"`. */
  readonly label: string;
  /** The container's `securityContext` ({} when it has none). */
  readonly securityContext: any;
  /** The container as JSON. */
  readonly container: any;
}

/**
 * A pod spec found in an object: Pods, workloads (Deployment, ..., CronJob), PodTemplates and
 * custom resources that embed a pod spec. One object may hold several.
 */
export interface AuditedPodSpec {
  /** The object holding the pod spec. */
  readonly resource: AuditedObject;
  /** Dotted path of the pod spec, e.g. `spec.template.spec` (`spec` for a Pod). */
  readonly specPath: string;
  /** The pod spec as JSON. */
  readonly spec: any;
  /** Its containers, init containers and ephemeral containers, in that order. */
  readonly containers: AuditedContainer[];
}

/**
 * What a user rule (`IAuditRule`) reads: every object under audit, indexed by kind and namespace,
 * and every pod spec. Lookups are index reads, not scans.
 */
export class AuditRuleContext {
  /** @internal */
  public static _of(ctx: AuditContext): AuditRuleContext {
    return new AuditRuleContext(ctx);
  }

  private readonly views = new Map<K8sObject, AuditedObject>();
  private allObjects?: AuditedObject[];
  private allPodSpecs?: AuditedPodSpec[];

  private constructor(private readonly ctx: AuditContext) {}

  /** Every object under audit, in input order. */
  public get objects(): AuditedObject[] {
    this.allObjects ??= this.ctx.objects.map((o) => this.view(o));
    return [...this.allObjects];
  }

  /** Every pod spec of every object, in input order. */
  public get podSpecs(): AuditedPodSpec[] {
    this.allPodSpecs ??= this.ctx.pods.map((p) => this.podSpec(p));
    return [...this.allPodSpecs];
  }

  /**
   * The objects of a kind.
   *
   * @param kind e.g. "Deployment"
   * @param group API group ('' for core); default: any group
   */
  public ofKind(kind: string, group?: string): AuditedObject[] {
    return this.ctx.ofKind(kind, group).map((o) => this.view(o));
  }

  /**
   * The objects of a kind in one namespace.
   *
   * @param kind e.g. "NetworkPolicy"
   * @param namespace the namespace ('' for objects without one)
   * @param group API group ('' for core); default: any group
   */
  public inNamespace(kind: string, namespace: string, group?: string): AuditedObject[] {
    return this.ctx.inNamespace(kind, namespace, group).map((o) => this.view(o));
  }

  /**
   * One object by identity, or undefined.
   *
   * @param group API group ('' for core)
   * @param kind e.g. "ServiceAccount"
   * @param namespace the namespace ('' for cluster-scoped objects)
   * @param name the name
   */
  public find(group: string, kind: string, namespace: string, name: string): AuditedObject | undefined {
    const o = this.ctx.find(group, kind, namespace, name);
    return o === undefined ? undefined : this.view(o);
  }

  /** @internal The engine's object behind a view of this context, or undefined when the view is not one of them. */
  public _objectOf(view: unknown): K8sObject | undefined {
    if (!(view instanceof AuditedObject)) return undefined;
    return this.views.get(view._object) === view ? view._object : undefined;
  }

  private view(o: K8sObject): AuditedObject {
    let v = this.views.get(o);
    if (v === undefined) {
      v = AuditedObject._wrap(o);
      this.views.set(o, v);
    }
    return v;
  }

  private podSpec(p: PodView): AuditedPodSpec {
    return {
      resource: this.view(p.obj),
      specPath: p.specPath,
      spec: p.spec,
      containers: p.containers.map((c) => ({
        name: c.name,
        path: c.path,
        label: c.label,
        securityContext: c.securityContext,
        container: c.container,
      })),
    };
  }
}
